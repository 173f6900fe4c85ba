using MassTransit;
using QueueFlow.Contracts;

namespace QueueFlow.Core.Jobs;

/// <summary>
/// One run of a workflow definition: the job saga's instance. Every change to a job is applied here,
/// one message at a time, by <see cref="JobSagaStateMachine"/>; the repository persists it together with
/// its <see cref="Changes"/> in one transaction.
/// </summary>
public sealed class Job : SagaStateMachineInstance
{
    /// <summary>The job id.</summary>
    public Guid CorrelationId { get; set; }

    /// <summary>The state machine's own state name; mirrors <see cref="Status"/>.</summary>
    public string CurrentState { get; set; } = string.Empty;

    public string Workflow { get; set; } = string.Empty;
    public int WorkflowVersion { get; set; }
    public JobStatus Status { get; set; }

    /// <summary>Who started the job, if the starter said.</summary>
    public string? Owner { get; set; }

    /// <summary>The task attempt this job runs for, when a workflow task started it as a child job.</summary>
    public Guid? ParentJobId { get; set; }
    public string? ParentTaskId { get; set; }
    public Guid? ParentAttemptId { get; set; }

    /// <summary>The job's variables: a JSON object.</summary>
    public string Variables { get; set; } = "{}";
    public List<JobError> Errors { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>Number of history entries written so far; the next entry gets this + 1.</summary>
    public int HistoryCount { get; set; }
    public List<JobTask> Tasks { get; set; } = [];

    /// <summary>Who watches the job: each of its state-change events is also sent to them (see <see cref="WatchDestination"/>).</summary>
    public List<string> Watchers { get; set; } = [];

    /// <summary>The latest operator commands applied or refused, newest last, so a repeat is answered like the first.</summary>
    public List<AppliedCommand> AppliedCommands { get; set; } = [];

    /// <summary>What the message being applied changed besides the job's own columns; written with the job, then cleared.</summary>
    public JobChangeSet Changes { get; } = new();

    public JobTask? FindTask(string taskId) => Tasks.Find(t => t.TaskId == taskId);
}
