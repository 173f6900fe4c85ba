namespace QueueFlow.Api.Stats;

/// <summary>For a host with no broker to read (the API alone): every backlog is unknown.</summary>
internal sealed class NoQueueBacklogReader : IQueueBacklogReader
{
    public Task<IReadOnlyDictionary<string, QueueBacklog>?> ReadAsync(IReadOnlyCollection<string> queues, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, QueueBacklog>?>(null);
}
