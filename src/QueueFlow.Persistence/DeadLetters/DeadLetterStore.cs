using System.Text;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace QueueFlow.Persistence.DeadLetters;

/// <summary>
/// Writes captures into <c>dead_letters</c>: one row per message id, so a message seen again updates its row
/// (seen count, latest reason, body and headers) and is Pending again, with an audit row saying it came back.
/// </summary>
public sealed class DeadLetterStore(IDbContextFactory<QueueFlowDbContext> dbFactory)
{
    /// <summary>
    /// Commits the capture; the caller acknowledges its source only after this returns. A capture the database refuses
    /// for what it holds (a value no column can take, found by PostgreSQL or by Npgsql encoding it) is committed in its
    /// <see cref="DeadLetterCapture.AsBase64"/> form instead: one such message must not stop its queue. Should that
    /// fail as well (the database is down), this throws, and the source keeps the message.
    /// </summary>
    public async Task CaptureAsync(DeadLetterCapture capture, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(capture);
        var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            try
            {
                await CaptureAsync(db, capture, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (RefusedContent(exception) is { } refusal)
            {
                await CaptureAsync(db, capture.AsBase64(refusal), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The capture inside the caller's transaction (the outbox relay moves a row and deletes it in one).</summary>
    public static async Task CaptureAsync(QueueFlowDbContext db, DeadLetterCapture capture, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(capture);
        var id = MassTransit.NewId.NextGuid();
        var source = capture.Source.ToString();
        var pending = nameof(DeadLetterStatus.Pending);
        var encoding = capture.BodyEncoding.ToString();
        await db.Database.ExecuteSqlAsync($"""
            WITH upserted AS (
                INSERT INTO queueflow.dead_letters
                    (id, message_id, source, source_name, message_type, destination, headers, body, body_encoding, reason, job_id,
                     task_id, first_seen_at, last_seen_at, seen_count, status)
                VALUES ({id}, {capture.MessageId}, {source}, {capture.SourceName}, {capture.MessageType}, {capture.Destination},
                        CAST({capture.Headers} AS jsonb), {capture.Body}, {encoding}, {capture.Reason}, {capture.JobId}, {capture.TaskId},
                        {capture.SeenAt}, {capture.SeenAt}, 1, {pending})
                ON CONFLICT (message_id) WHERE message_id IS NOT NULL DO UPDATE SET
                    source = excluded.source, source_name = excluded.source_name, message_type = excluded.message_type,
                    destination = excluded.destination, headers = excluded.headers, body = excluded.body,
                    body_encoding = excluded.body_encoding, reason = excluded.reason,
                    job_id = COALESCE(excluded.job_id, dead_letters.job_id), task_id = COALESCE(excluded.task_id, dead_letters.task_id),
                    last_seen_at = excluded.last_seen_at, seen_count = dead_letters.seen_count + 1, status = excluded.status
                RETURNING id, seen_count
            )
            INSERT INTO queueflow.dead_letter_actions (dead_letter_id, action, actor, at, detail)
            SELECT id, 'SeenAgain', {capture.SourceName}, {capture.SeenAt}, {capture.Reason} FROM upserted WHERE seen_count > 1
            """, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// What the database refused in the capture itself, or null when the failure says nothing about its content (the
    /// connection, a timeout, a lock): PostgreSQL's data exceptions (class 22: too long, an escape jsonb cannot hold) and a
    /// string Npgsql cannot encode (a lone surrogate) before it is sent.
    /// </summary>
    private static string? RefusedContent(Exception exception) => exception switch
    {
        PostgresException { SqlState: var state } postgres when state.StartsWith("22", StringComparison.Ordinal) =>
            $"{state}: {postgres.MessageText}",
        EncoderFallbackException encoding => $"a value Npgsql cannot encode: {encoding.Message}",
        _ when exception.InnerException is { } inner => RefusedContent(inner),
        _ => null,
    };
}
