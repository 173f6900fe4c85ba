using System.Globalization;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;

namespace QueueFlow.UnitTests.Jobs;

/// <summary>The job key of each attempt and the task-run id of each iteration, which the seed endpoints look tasks up by.</summary>
public sealed class When_a_task_attempt_is_dispatched : JobSagaScenario
{
    [Fact]
    public async Task Should_give_each_attempt_a_positive_job_key_derived_from_its_id_and_send_it_on_RunTask()
    {
        await StartAsync("timed");

        var task = Task("slow");
        var run = Dispatches.Single(d => d.TaskId == "slow");
        var attemptId = task.AttemptId!.Value;
        Assert.Equal(JobKeys.For(attemptId), task.JobKey);
        Assert.True(task.JobKey > 0);
        Assert.Equal(task.JobKey, task.FindAttempt(attemptId)!.JobKey);
        Assert.Equal(task.JobKey!.Value.ToString(CultureInfo.InvariantCulture), run.JobKey);
        Assert.Equal(task.TaskRunId, run.TaskRunId);
    }

    [Fact]
    public async Task Should_give_a_retry_a_new_job_key_and_keep_the_task_run_id()
    {
        await StartAsync("timed");
        var first = Task("slow");
        var (firstKey, runId) = (first.JobKey, first.TaskRunId);

        var failed = await FailAsync("slow", "boom");

        Assert.Equal(CommandStatus.Accepted, failed.Status);
        var runs = Dispatches.Where(d => d.TaskId == "slow").ToList();
        Assert.Equal(2, runs.Count);
        Assert.NotEqual(firstKey, Task("slow").JobKey);
        Assert.NotEqual(runs[0].JobKey, runs[1].JobKey);
        Assert.Equal(runId, Task("slow").TaskRunId);
        Assert.Equal([runId, runId], runs.Select(r => (Guid?)r.TaskRunId));
        Assert.Equal(2, Task("slow").Attempts.Select(a => a.JobKey).Distinct().Count());
    }

    [Fact]
    public async Task Should_know_the_task_run_id_of_a_task_before_it_runs()
    {
        await StartAsync("timed");

        Assert.Equal(TaskRunStatus.Pending, Task("once").Status);
        Assert.Equal(TaskRunIds.For(JobId, "once", 0), Task("once").TaskRunId);
        Assert.Null(Task("once").JobKey);
    }

    [Fact]
    public async Task Should_give_each_iteration_of_a_loop_its_own_task_run_id()
    {
        await StartAsync("revisions");
        var firstRun = Task("draft").TaskRunId;
        await CompleteAsync("draft");

        await CompleteAsync("review", finishState: "loop");

        Assert.Equal(TaskRunIds.For(JobId, "draft", 0), firstRun);
        Assert.Equal(TaskRunIds.For(JobId, "draft", 1), Task("draft").TaskRunId);
        Assert.Equal(TaskRunIds.For(JobId, "review", 1), Task("review").TaskRunId);
        Assert.Equal([firstRun, Task("draft").TaskRunId], Dispatches.Where(d => d.TaskId == "draft").Select(d => (Guid?)d.TaskRunId));
    }
}
