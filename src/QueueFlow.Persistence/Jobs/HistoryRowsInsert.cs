using Npgsql;
using NpgsqlTypes;
using QueueFlow.Core.Jobs;

namespace QueueFlow.Persistence.Jobs;

/// <summary>
/// The history entries of one write, or of every write of a group, as one statement: each column an array, unnested
/// into rows. One fixed text whatever the number of rows, so it is prepared once per connection like the rest, and
/// PostgreSQL starts its executor once instead of once per entry.
/// </summary>
internal static class HistoryRowsInsert
{
    private const string Sql = """
        INSERT INTO queueflow.job_history (job_id, sequence, at, kind, task_id, attempt_id, command_id, "from", "to", detail)
        SELECT * FROM unnest($1::uuid[], $2::integer[], $3::timestamptz[], $4::varchar[], $5::varchar[], $6::uuid[],
            $7::uuid[], $8::varchar[], $9::varchar[], $10::text[])
        """;

    public static NpgsqlBatchCommand Command(IReadOnlyList<JobHistoryEntry> entries) => new(Sql)
    {
        Parameters =
        {
            ColumnArray.Of(entries.Select(e => e.JobId).ToArray(), NpgsqlDbType.Uuid),
            ColumnArray.Of(entries.Select(e => e.Sequence).ToArray(), NpgsqlDbType.Integer),
            ColumnArray.Of(entries.Select(e => e.At).ToArray(), NpgsqlDbType.TimestampTz),
            ColumnArray.Of(entries.Select(e => e.Kind).ToArray(), NpgsqlDbType.Varchar),
            ColumnArray.Of(entries.Select(e => e.TaskId).ToArray(), NpgsqlDbType.Varchar),
            ColumnArray.Of(entries.Select(e => e.AttemptId).ToArray(), NpgsqlDbType.Uuid),
            ColumnArray.Of(entries.Select(e => e.CommandId).ToArray(), NpgsqlDbType.Uuid),
            ColumnArray.Of(entries.Select(e => e.From).ToArray(), NpgsqlDbType.Varchar),
            ColumnArray.Of(entries.Select(e => e.To).ToArray(), NpgsqlDbType.Varchar),
            ColumnArray.Of(entries.Select(e => e.Detail).ToArray(), NpgsqlDbType.Text),
        },
    };
}
