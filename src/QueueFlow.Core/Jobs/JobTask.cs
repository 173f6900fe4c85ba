using QueueFlow.Contracts;

namespace QueueFlow.Core.Jobs;

/// <summary>One task of a job, as dashboards query it: a row per task, filterable by status and queue.</summary>
public sealed class JobTask
{
    public Guid JobId { get; set; }
    public string TaskId { get; set; } = string.Empty;
    public TaskKind Kind { get; set; }

    /// <summary>The queue a worker task is dispatched to; null for other kinds.</summary>
    public string? Queue { get; set; }
    public TaskRunStatus Status { get; set; }

    /// <summary>The finish state the task completed with (success, error, loop, …).</summary>
    public string? FinishState { get; set; }

    /// <summary>Which run of the task this is: 0, then one more each time a loop brings the job back to it.</summary>
    public int Iteration { get; set; }

    /// <summary>How many attempts have been dispatched; 0 while the task has not run.</summary>
    public int Attempt { get; set; }

    /// <summary>The current attempt's id: messages carrying any other attempt id are stale.</summary>
    public Guid? AttemptId { get; set; }

    /// <summary>The current attempt's job key (<see cref="JobKeys"/>), by which a Camunda-style worker names it.</summary>
    public long? JobKey { get; set; }

    /// <summary>The task run of the current iteration (<see cref="TaskRunIds"/>): the same for every attempt of it.</summary>
    public Guid? TaskRunId { get; set; }

    /// <summary>The input of the current attempt with every reference resolved: JSON, null before it runs.</summary>
    public string? Input { get; set; }

    /// <summary>The task's output: a JSON object that completions merge into.</summary>
    public string Output { get; set; } = "{}";
    public string? Error { get; set; }
    public DateTimeOffset? ScheduledAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public DateTimeOffset? Deadline { get; set; }

    /// <summary>Who holds a manual task (claimed it or was assigned it): only they may finish or release it.</summary>
    public string? Assignee { get; set; }

    /// <summary>Who gave it to the assignee: the assignee themselves for a claim.</summary>
    public string? AssignedBy { get; set; }
    public DateTimeOffset? AssignedAt { get; set; }

    /// <summary>Every attempt dispatched, oldest first; answers duplicates of messages about earlier attempts.</summary>
    public List<TaskAttempt> Attempts { get; set; } = [];

    public TaskAttempt? FindAttempt(Guid attemptId) => Attempts.Find(a => a.Id == attemptId);
}
