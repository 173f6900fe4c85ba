using System.Text.Json;
using Npgsql;

namespace QueueFlow.Chaos;

/// <summary>
/// Where the work not yet done sits at the end of a run, by identity: StartJob and answers still in QueueFlow's
/// jobs queue, RunTasks still in the task queue or the outbox, and what the dead letters hold. Read once every
/// process that could move a message has stopped, so a job, answer or dispatch that is neither in the database
/// nor anywhere here is lost, not late.
/// </summary>
internal sealed class Backlog
{
    /// <summary>Jobs whose StartJob is still in the jobs queue.</summary>
    public HashSet<Guid> QueuedStarts { get; } = [];

    /// <summary>Attempts with a CompleteTask, FailTask or heartbeat still in the jobs queue.</summary>
    public HashSet<Guid> QueuedAnswers { get; } = [];

    /// <summary>Attempts whose RunTask is still in the task queue or the outbox.</summary>
    public HashSet<Guid> QueuedRunTasks { get; } = [];

    /// <summary>Jobs and attempts a dead letter names.</summary>
    public HashSet<Guid> DeadLettered { get; } = [];

    public long JobsQueueMessages { get; private set; }
    public long TaskQueueMessages { get; private set; }
    public long OutboxRows { get; private set; }

    public static async Task<Backlog> ReadAsync(ChaosBroker broker, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var backlog = new Backlog();
        backlog.JobsQueueMessages = await broker.BrowseAsync(ChaosBroker.JobsQueue, (contract, body) =>
        {
            var message = Parse(body);
            if (contract.EndsWith(":StartJob", StringComparison.Ordinal) && Id(message, "jobId") is { } jobId)
                backlog.QueuedStarts.Add(jobId);
            else if (Id(message, "attemptId") is { } attemptId)
                backlog.QueuedAnswers.Add(attemptId);
        }, cancellationToken);
        backlog.TaskQueueMessages = await broker.BrowseAsync(ChaosWorkflow.TaskQueue, (_, body) =>
        {
            if (Id(Parse(body), "attemptId") is { } attemptId)
                backlog.QueuedRunTasks.Add(attemptId);
        }, cancellationToken);

        await using (var command = dataSource.CreateCommand("SELECT message_type, body FROM queueflow.outbox"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                backlog.OutboxRows++;
                if (reader.GetString(0).EndsWith(".RunTask", StringComparison.Ordinal) && Id(Parse(reader.GetString(1)), "attemptId") is { } attemptId)
                    backlog.QueuedRunTasks.Add(attemptId);
            }
        }

        await using (var command = dataSource.CreateCommand("SELECT job_id, body FROM queueflow.dead_letters"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (!reader.IsDBNull(0))
                    backlog.DeadLettered.Add(reader.GetGuid(0));
                var body = Parse(reader.GetString(1));
                foreach (var name in new[] { "jobId", "attemptId" })
                {
                    if (Id(body, name) is { } id)
                        backlog.DeadLettered.Add(id);
                }
            }
        }

        return backlog;
    }

    static JsonElement? Parse(string json) => Parse(System.Text.Encoding.UTF8.GetBytes(json));

    static JsonElement? Parse(ReadOnlyMemory<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    static Guid? Id(JsonElement? body, string name) =>
        body is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetGuid(out var id)
            ? id
            : null;
}
