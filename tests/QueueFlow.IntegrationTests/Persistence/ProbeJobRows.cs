using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;
using QueueFlow.Persistence.Jobs;
using QueueFlow.Persistence.Outbox;

namespace QueueFlow.IntegrationTests.Persistence;

/// <summary>Rows of a running two-task job, written as a message's batch writes them, for the persistence tests.</summary>
internal static class ProbeJobRows
{
    public const string Workflow = "probe-rows";

    /// <summary>The start of the job: its row, two Pending tasks, a first history entry and the given outbox rows.</summary>
    public static JobChangeBatch NewJob(Guid jobId, params OutboxMessage[] outbox)
    {
        var write = new JobChangeBatch();
        var job = JobFor(jobId);
        write.InsertJobRow(job);
        foreach (var task in job.Tasks)
            write.InsertTaskRow(task);
        write.InsertHistoryRow(new JobHistoryEntry { JobId = jobId, Sequence = 1, At = DateTimeOffset.UtcNow, Kind = "JobStarted" });
        foreach (var row in outbox)
            write.InsertOutboxRow(row);
        return write;
    }

    public static Job JobFor(Guid jobId)
    {
        var now = DateTimeOffset.UtcNow;
        return new Job
        {
            CorrelationId = jobId,
            CurrentState = "Running",
            Workflow = Workflow,
            WorkflowVersion = 1,
            Status = JobStatus.Running,
            CreatedAt = now,
            UpdatedAt = now,
            HistoryCount = 1,
            Tasks = [TaskRow(jobId, "second", TaskRunStatus.Pending), TaskRow(jobId, "first", TaskRunStatus.Pending)],
        };
    }

    public static JobTask TaskRow(Guid jobId, string taskId, TaskRunStatus status) =>
        new() { JobId = jobId, TaskId = taskId, Kind = TaskKind.Worker, Status = status };
}
