using System.Globalization;
using QueueFlow.Core.Adapters.Camunda;
using QueueFlow.Core.Jobs;

namespace QueueFlow.UnitTests.Jobs;

/// <summary>The job key and the task-run id are derived, not stored state: the same input must give the same id, and ids must have the seeds' forms.</summary>
public sealed class When_seed_ids_are_derived
{
    [Fact]
    public void Should_give_an_attempt_the_same_positive_job_key_every_time_in_a_form_Camunda_parses()
    {
        var attemptIds = Enumerable.Range(0, 10_000).Select(_ => Guid.NewGuid()).ToList();

        var keys = attemptIds.Select(JobKeys.For).ToList();

        Assert.All(keys, k => Assert.InRange(k, 1, long.MaxValue));
        Assert.Equal(keys, attemptIds.Select(JobKeys.For));
        Assert.Equal(keys.Count, keys.Distinct().Count());
        var text = keys[0].ToString(CultureInfo.InvariantCulture);
        Assert.True(CamundaJobKey.TryParse(text, out var parsed, out _));
        Assert.Equal(keys[0], parsed.Value);
    }

    [Fact]
    public void Should_name_a_task_run_by_job_task_and_iteration_with_a_version_8_uuid()
    {
        var jobId = Guid.NewGuid();

        var run = TaskRunIds.For(jobId, "draft", 0);

        Assert.Equal(run, TaskRunIds.For(jobId, "draft", 0));
        Assert.Equal('8', run.ToString()[14]);
        Assert.Contains(run.ToString()[19], "89ab");
        Assert.NotEqual(run, TaskRunIds.For(jobId, "draft", 1));
        Assert.NotEqual(run, TaskRunIds.For(jobId, "review", 0));
        Assert.NotEqual(run, TaskRunIds.For(Guid.NewGuid(), "draft", 0));
    }
}
