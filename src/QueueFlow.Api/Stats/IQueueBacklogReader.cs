namespace QueueFlow.Api.Stats;

/// <summary>
/// Reads the broker's backlog of task queues. The host that knows the broker provides it; the API itself speaks only
/// HTTP and PostgreSQL.
/// </summary>
public interface IQueueBacklogReader
{
    /// <summary>
    /// The backlog of each task queue named (by the name a definition gives it, before any deployment prefix), or null
    /// when the broker cannot be read. A queue the broker does not have yet has nothing waiting.
    /// </summary>
    Task<IReadOnlyDictionary<string, QueueBacklog>?> ReadAsync(IReadOnlyCollection<string> queues, CancellationToken cancellationToken);
}
