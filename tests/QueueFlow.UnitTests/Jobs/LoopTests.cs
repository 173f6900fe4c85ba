using QueueFlow.Contracts;

namespace QueueFlow.UnitTests.Jobs;

public sealed class When_a_task_loops_back : JobSagaScenario
{
    [Fact]
    public async Task Should_run_the_loop_body_again_as_a_new_iteration_and_then_carry_on()
    {
        await StartAsync("revisions");
        await CompleteAsync("draft", output: """{ "text": "v1" }""");

        var looped = await CompleteAsync("review", finishState: "loop");

        Assert.Equal(CommandStatus.Accepted, looped.Status);
        Assert.Equal(TaskRunStatus.Running, Task("draft").Status);
        Assert.Equal(1, Task("draft").Iteration);
        Assert.Equal(TaskRunStatus.Pending, Task("review").Status);
        Assert.Equal(TaskRunStatus.Pending, Task("publish").Status);
        Assert.Equal([0, 1], Task("draft").Attempts.Select(a => a.Iteration));

        await CompleteAsync("draft", output: """{ "text": "v2" }""");
        Assert.Equal(TaskRunStatus.Running, Task("review").Status);
        Assert.Equal(1, Task("review").Iteration);
        await CompleteAsync("review");
        Assert.Equal("""{"text":"v2"}""", Dispatches.Single(d => d.TaskId == "publish").Input.GetRawText());
        await CompleteAsync("publish");

        Assert.Equal(JobStatus.Completed, Job.Status);
        Assert.Equal(2, Dispatches.Count(d => d.TaskId == "draft"));
    }

    [Fact]
    public async Task Should_fail_the_job_when_a_loop_would_pass_the_maximum_iterations()
    {
        await StartAsync("revisions");
        for (var i = 0; i < 2; i++)
        {
            await CompleteAsync("draft");
            await CompleteAsync("review", finishState: "loop");
        }

        await CompleteAsync("draft");
        await CompleteAsync("review", finishState: "loop");

        Assert.Equal(JobStatus.Failed, Job.Status);
        Assert.Equal("task 'draft' reached the workflow's maximum of 3 iterations (loop 'review' -> 'draft' on 'loop')", Assert.Single(Job.Errors).Message);
    }

    [Fact]
    public async Task Should_answer_a_duplicate_completion_from_an_earlier_iteration_like_the_first()
    {
        await StartAsync("revisions");
        var firstDraft = Task("draft").AttemptId!.Value;
        await CompleteAsync("draft", attemptId: firstDraft);
        await CompleteAsync("review", finishState: "loop");
        var history = Job.HistoryCount;

        var again = await CompleteAsync("draft", attemptId: firstDraft);

        Assert.Equal(CommandStatus.Accepted, again.Status);
        Assert.True(again.Duplicate);
        Assert.Equal(history, Job.HistoryCount);
        Assert.Equal(TaskRunStatus.Running, Task("draft").Status);
    }
}
