using Microsoft.EntityFrameworkCore.ChangeTracking;
using QueueFlow.Core.Jobs;

namespace QueueFlow.Persistence.Jobs;

/// <summary>
/// A member-wise copy of a job's task rows taken when the job is loaded, so that the write after the saga can
/// tell which rows it changed without EF Core change tracking (which snapshots every row and its jsonb through
/// the state manager on each message). Strings are immutable and shared; the attempt list is copied through the
/// same comparer the EF model uses for it, so an attempt edited in place is still seen as a change.
/// </summary>
internal static class JobTaskSnapshot
{
    private static readonly ValueComparer<List<TaskAttempt>> Attempts = JsonColumn.ListComparer<TaskAttempt>();

    public static JobTask Copy(JobTask task) => new()
    {
        JobId = task.JobId,
        TaskId = task.TaskId,
        Kind = task.Kind,
        Queue = task.Queue,
        Status = task.Status,
        FinishState = task.FinishState,
        Iteration = task.Iteration,
        Attempt = task.Attempt,
        AttemptId = task.AttemptId,
        JobKey = task.JobKey,
        TaskRunId = task.TaskRunId,
        Input = task.Input,
        Output = task.Output,
        Error = task.Error,
        ScheduledAt = task.ScheduledAt,
        StartedAt = task.StartedAt,
        EndedAt = task.EndedAt,
        Deadline = task.Deadline,
        Assignee = task.Assignee,
        AssignedBy = task.AssignedBy,
        AssignedAt = task.AssignedAt,
        Attempts = Attempts.Snapshot(task.Attempts),
    };

    /// <summary>True when every column of the two rows holds the same value.</summary>
    public static bool Same(JobTask before, JobTask now) =>
        before.JobId == now.JobId &&
        before.TaskId == now.TaskId &&
        before.Kind == now.Kind &&
        before.Queue == now.Queue &&
        before.Status == now.Status &&
        before.FinishState == now.FinishState &&
        before.Iteration == now.Iteration &&
        before.Attempt == now.Attempt &&
        before.AttemptId == now.AttemptId &&
        before.JobKey == now.JobKey &&
        before.TaskRunId == now.TaskRunId &&
        before.Input == now.Input &&
        before.Output == now.Output &&
        before.Error == now.Error &&
        Equal(before.ScheduledAt, now.ScheduledAt) &&
        Equal(before.StartedAt, now.StartedAt) &&
        Equal(before.EndedAt, now.EndedAt) &&
        Equal(before.Deadline, now.Deadline) &&
        before.Assignee == now.Assignee &&
        before.AssignedBy == now.AssignedBy &&
        Equal(before.AssignedAt, now.AssignedAt) &&
        Attempts.Equals(before.Attempts, now.Attempts);

    // DateTimeOffset's == compares instants only; a changed offset of the same instant stores the same timestamptz.
    private static bool Equal(DateTimeOffset? left, DateTimeOffset? right) => left == right;
}
