using Microsoft.EntityFrameworkCore;

namespace QueueFlow.Persistence.Outbox;

/// <summary>
/// Sends a job's outbox rows right after the transaction that wrote them committed, from the instance that
/// committed them, while that session still holds the job's send lock: no relay round trip, no waiting for a
/// poll. When rows of an earlier message of the job were still waiting (a failed send, a crashed instance),
/// all of the job's rows go out, oldest first, so the job's order holds. Rows that fail stay for the relay.
/// </summary>
public sealed class OutboxDispatcher(OutboxSender sender, OutboxRelaySignal relaySignal, TimeProvider clock)
{
    /// <summary>Sends and returns the message ids the broker confirmed; the caller deletes them when it releases the job.</summary>
    internal async Task<Guid[]> SendAsync(
        QueueFlowDbContext db, Guid jobId, IReadOnlyList<OutboxMessage> written, bool earlierRowsWaiting, CancellationToken cancellationToken)
    {
        var rows = earlierRowsWaiting
            // FOR UPDATE waits for a sender whose delete of the same rows is not committed yet, then skips them.
            ? await db.Outbox.FromSql($"SELECT * FROM queueflow.outbox WHERE job_id = {jobId} ORDER BY sequence FOR UPDATE")
                .AsNoTracking()
                .ToListAsync(cancellationToken)
                .ConfigureAwait(false)
            : written;

        var outcomes = await sender.SendInOrderAsync(rows, cancellationToken).ConfigureAwait(false);
        var sent = outcomes.Where(o => o.Kind == OutboxSendKind.Sent).Select(o => o.Row.MessageId).ToArray();
        OutboxSender.RecordSent(outcomes, clock.GetUtcNow());
        if (sent.Length < rows.Count)
            relaySignal.Notify();
        return sent;
    }
}
