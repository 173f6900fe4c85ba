using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql;
using NpgsqlTypes;
using QueueFlow.Persistence.Outbox;

namespace QueueFlow.Persistence.Jobs;

/// <summary>
/// The outbox rows of one write, or of every write of a group, as one statement (see <see cref="HistoryRowsInsert"/>).
/// The rows are inserted in the order given, so each job's rows get rising sequence numbers in the order its messages
/// were made (the order they are sent in); the sequences come back keyed by message id.
/// </summary>
internal static class OutboxRowsInsert
{
    private const string Sql = """
        INSERT INTO queueflow.outbox (message_id, job_id, message_type, destination, request_id, body, headers, created_at,
            attempts, last_error, trace_parent, trace_state)
        SELECT message_id, job_id, message_type, destination, request_id, body, headers, created_at, attempts, last_error,
            trace_parent, trace_state
        FROM unnest($1::uuid[], $2::uuid[], $3::varchar[], $4::varchar[], $5::uuid[], $6::jsonb[], $7::jsonb[],
            $8::timestamptz[], $9::integer[], $10::text[], $11::varchar[], $12::varchar[]) WITH ORDINALITY
            AS r (message_id, job_id, message_type, destination, request_id, body, headers, created_at, attempts, last_error,
                trace_parent, trace_state, position)
        ORDER BY position
        RETURNING message_id, sequence
        """;

    /// <summary>The name of the column the statement returns the sequences in, to tell its rows from other results.</summary>
    public const string SequenceColumn = "sequence";

    private static readonly UriToStringConverter Uris = new();

    public static NpgsqlBatchCommand Command(IReadOnlyList<OutboxMessage> rows) => new(Sql)
    {
        Parameters =
        {
            ColumnArray.Of(rows.Select(r => r.MessageId).ToArray(), NpgsqlDbType.Uuid),
            ColumnArray.Of(rows.Select(r => r.JobId).ToArray(), NpgsqlDbType.Uuid),
            ColumnArray.Of(rows.Select(r => r.MessageType).ToArray(), NpgsqlDbType.Varchar),
            ColumnArray.Of(rows.Select(r => r.Destination is null ? null : (string?)Uris.ConvertToProvider(r.Destination)).ToArray(), NpgsqlDbType.Varchar),
            ColumnArray.Of(rows.Select(r => r.RequestId).ToArray(), NpgsqlDbType.Uuid),
            ColumnArray.Of(rows.Select(r => r.Body).ToArray(), NpgsqlDbType.Jsonb),
            ColumnArray.Of(rows.Select(r => r.Headers).ToArray(), NpgsqlDbType.Jsonb),
            ColumnArray.Of(rows.Select(r => r.CreatedAt).ToArray(), NpgsqlDbType.TimestampTz),
            ColumnArray.Of(rows.Select(r => r.Attempts).ToArray(), NpgsqlDbType.Integer),
            ColumnArray.Of(rows.Select(r => r.LastError).ToArray(), NpgsqlDbType.Text),
            ColumnArray.Of(rows.Select(r => r.TraceParent).ToArray(), NpgsqlDbType.Varchar),
            ColumnArray.Of(rows.Select(r => r.TraceState).ToArray(), NpgsqlDbType.Varchar),
        },
    };
}
