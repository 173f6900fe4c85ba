using MassTransit;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;

namespace QueueFlow.UnitTests.Jobs;

public sealed class When_a_start_names_values_longer_than_their_columns
{
    static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Should_refuse_a_parent_task_id_no_task_can_have()
    {
        var rules = new JobRules(new JobRulesOptions());
        var job = new Job();
        var command = new StartJob
        {
            JobId = NewId.NextGuid(),
            Workflow = "diamond",
            Parent = new ParentTask { JobId = NewId.NextGuid(), TaskId = new string('t', 256), AttemptId = NewId.NextGuid() },
        };

        var outcome = rules.Start(job, TestWorkflows.Parse(TestWorkflows.Diamond), command, Now);

        Assert.Equal(CommandStatus.Rejected, outcome.Status);
        Assert.Equal("parent.taskId is longer than 255 characters: no task has such an id", outcome.Reason);
        Assert.Empty(job.Tasks);
    }
}
