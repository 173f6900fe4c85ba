using QueueFlow.Contracts;
using QueueFlow.Core.Vocabularies;

namespace QueueFlow.UnitTests.Vocabularies;

/// <summary>Each seed system's words, both ways, for every canonical status.</summary>
public sealed class When_statuses_are_translated
{
    public static TheoryData<TaskRunStatus, string, TaskRunStatus> Cognite => new()
    {
        { TaskRunStatus.Pending, "SCHEDULED", TaskRunStatus.Scheduled },
        { TaskRunStatus.Scheduled, "SCHEDULED", TaskRunStatus.Scheduled },
        { TaskRunStatus.Running, "IN_PROGRESS", TaskRunStatus.Running },
        { TaskRunStatus.Paused, "IN_PROGRESS", TaskRunStatus.Running },
        { TaskRunStatus.Completed, "COMPLETED", TaskRunStatus.Completed },
        { TaskRunStatus.Failed, "FAILED", TaskRunStatus.Failed },
        { TaskRunStatus.TimedOut, "TIMED_OUT", TaskRunStatus.TimedOut },
        { TaskRunStatus.Cancelled, "CANCELED", TaskRunStatus.Cancelled },
        { TaskRunStatus.Skipped, "SKIPPED", TaskRunStatus.Skipped },
    };

    public static TheoryData<TaskRunStatus, string, TaskRunStatus> Prefect => new()
    {
        { TaskRunStatus.Pending, "PENDING", TaskRunStatus.Scheduled },
        { TaskRunStatus.Scheduled, "SCHEDULED", TaskRunStatus.Scheduled },
        { TaskRunStatus.Running, "RUNNING", TaskRunStatus.Running },
        { TaskRunStatus.Paused, "PAUSED", TaskRunStatus.Paused },
        { TaskRunStatus.Completed, "COMPLETED", TaskRunStatus.Completed },
        { TaskRunStatus.Skipped, "COMPLETED", TaskRunStatus.Completed },
        { TaskRunStatus.Failed, "FAILED", TaskRunStatus.Failed },
        { TaskRunStatus.TimedOut, "FAILED", TaskRunStatus.Failed },
        { TaskRunStatus.Cancelled, "CANCELLED", TaskRunStatus.Cancelled },
    };

    public static TheoryData<TaskRunStatus, string, TaskRunStatus> ItentialTasks => new()
    {
        { TaskRunStatus.Pending, "incomplete", TaskRunStatus.Pending },
        { TaskRunStatus.Scheduled, "scheduled", TaskRunStatus.Scheduled },
        { TaskRunStatus.Running, "running", TaskRunStatus.Running },
        { TaskRunStatus.Paused, "paused", TaskRunStatus.Paused },
        { TaskRunStatus.Completed, "complete", TaskRunStatus.Completed },
        { TaskRunStatus.Skipped, "complete", TaskRunStatus.Completed },
        { TaskRunStatus.Failed, "error", TaskRunStatus.Failed },
        { TaskRunStatus.TimedOut, "error", TaskRunStatus.Failed },
        { TaskRunStatus.Cancelled, "canceled", TaskRunStatus.Cancelled },
    };

    public static TheoryData<TaskRunStatus, string, TaskRunStatus> Camunda => new()
    {
        { TaskRunStatus.Pending, "CREATED", TaskRunStatus.Running },
        { TaskRunStatus.Running, "CREATED", TaskRunStatus.Running },
        { TaskRunStatus.Completed, "COMPLETED", TaskRunStatus.Completed },
        { TaskRunStatus.Failed, "FAILED", TaskRunStatus.Failed },
        { TaskRunStatus.TimedOut, "TIMED_OUT", TaskRunStatus.TimedOut },
        { TaskRunStatus.Cancelled, "CANCELED", TaskRunStatus.Cancelled },
    };

    [Theory]
    [MemberData(nameof(Cognite))]
    public void Should_map_Cognite_task_statuses_both_ways(TaskRunStatus canonical, string word, TaskRunStatus back)
    {
        Assert.Equal(word, CogniteTaskStatus.From(canonical));
        Assert.Equal(back, CogniteTaskStatus.ToCanonical(word));
    }

    [Fact]
    public void Should_tell_Cognite_failures_apart()
    {
        Assert.Equal("FAILED_WITH_TERMINAL_ERROR", CogniteTaskStatus.From(TaskRunStatus.Failed, terminalError: true));
        Assert.Equal("COMPLETED_WITH_ERRORS", CogniteTaskStatus.From(TaskRunStatus.Failed, carriedOn: true));
        Assert.Equal(TaskRunStatus.Failed, CogniteTaskStatus.ToCanonical("FAILED_WITH_TERMINAL_ERROR"));
        Assert.Equal(TaskRunStatus.Failed, CogniteTaskStatus.ToCanonical("COMPLETED_WITH_ERRORS"));
        Assert.Null(CogniteTaskStatus.ToCanonical("DONE"));
    }

    [Theory]
    [MemberData(nameof(Prefect))]
    public void Should_map_Prefect_state_types_both_ways(TaskRunStatus canonical, string type, TaskRunStatus back)
    {
        Assert.Equal(type, PrefectStateType.From(canonical));
        Assert.Equal(back, PrefectStateType.ToCanonical(type));
    }

    [Fact]
    public void Should_map_every_Prefect_proposal_to_a_canonical_status()
    {
        Assert.All(PrefectStateType.All, type => Assert.NotNull(PrefectStateType.ToCanonical(type)));
        Assert.Equal(TaskRunStatus.Failed, PrefectStateType.ToCanonical("CRASHED"));
        Assert.Equal(TaskRunStatus.Cancelled, PrefectStateType.ToCanonical("CANCELLING"));
        Assert.Null(PrefectStateType.ToCanonical("running"));
    }

    [Theory]
    [MemberData(nameof(ItentialTasks))]
    public void Should_map_Itential_task_statuses_both_ways(TaskRunStatus canonical, string word, TaskRunStatus back)
    {
        Assert.Equal(word, ItentialStatus.From(canonical));
        Assert.Equal(back, ItentialStatus.ToTaskStatus(word));
    }

    [Theory]
    [InlineData(JobStatus.Running, "running")]
    [InlineData(JobStatus.Paused, "paused")]
    [InlineData(JobStatus.Completed, "complete")]
    [InlineData(JobStatus.Failed, "error")]
    [InlineData(JobStatus.Cancelled, "canceled")]
    public void Should_map_Itential_job_statuses_both_ways(JobStatus canonical, string word)
    {
        Assert.Equal(word, ItentialStatus.From(canonical));
        Assert.Equal(canonical, ItentialStatus.ToJobStatus(word));
    }

    [Theory]
    [MemberData(nameof(Camunda))]
    public void Should_map_Camunda_job_states_both_ways(TaskRunStatus canonical, string state, TaskRunStatus back)
    {
        Assert.Equal(state, CamundaJobState.From(canonical));
        Assert.Equal(back, CamundaJobState.ToCanonical(state));
    }

    [Fact]
    public void Should_read_a_Camunda_thrown_error_as_a_completion_the_model_routes()
    {
        Assert.Equal(TaskRunStatus.Completed, CamundaJobState.ToCanonical("ERROR_THROWN"));
        Assert.Equal(TaskRunStatus.Running, CamundaJobState.ToCanonical("RETRIES_UPDATED"));
    }
}
