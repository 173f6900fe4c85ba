using System.Threading.Channels;

namespace QueueFlow.Persistence.Outbox;

/// <summary>
/// Wakes this process's <see cref="OutboxRelay"/> when a job transaction committed outbox rows.
/// In-process only: other instances find the rows by polling.
/// </summary>
public sealed class OutboxRelaySignal
{
    // One pending wake-up is enough: a pass relays every row committed before it started.
    private readonly Channel<bool> _wakeUps = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _wakeUps.Writer.TryWrite(true);

    /// <summary>Waits for a signal or for <paramref name="timeout"/>, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken)
    {
        using var timeoutSource = new CancellationTokenSource(timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            await _wakeUps.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The poll interval elapsed: look for rows other instances left behind.
        }
    }
}
