using Npgsql;
using NpgsqlTypes;

namespace QueueFlow.Persistence.Jobs;

/// <summary>
/// What a message does once its committed rows went out: deletes them and releases the job's send lock, in one
/// round trip. The lock is released only after the delete committed: the job's next message, which waits for the
/// lock, must not find the rows still there (it would take them for an earlier message's unsent rows, read them
/// again and wait for this delete before sending its own). The session may hold the lock more than once (an insert
/// that met an existing job locks it again to load it), hence unlock_all: a worker session holds no other advisory
/// lock across statements.
/// </summary>
internal static class SentRowsRelease
{
    // The deletes run in a transaction of their own, which set_config's local value lasts for: that commit does not
    // wait for its WAL to reach the disk. Other sessions see the delete at once; if a crash loses it, the rows are
    // sent again by the relay and consumers answer them as duplicates, so it need not cost a flush of its own. The
    // session's own setting, which every later transaction on the pooled connection uses, is untouched. The deletes
    // look their rows up by key, never by a scan of the outbox (see IndexLookups).
    private const string Asynchronous = $"SELECT set_config('synchronous_commit', 'off', true), {IndexLookups.ForThisTransaction}";

    // One statement per row, not "= ANY(array)": PostgreSQL judges a plan made for the actual array cheaper than the
    // prepared generic one every time, so that statement was planned anew on every call (a tenth of its CPU under
    // load), and its generic plan scans the table. A key equality keeps its prepared unique-index lookup.
    private const string DeleteSent = "DELETE FROM queueflow.outbox WHERE message_id = $1";

    // The group's deletes (see DeleteAsync): one statement for every row, run with its generic plan, which the settings
    // before it make a lookup of each id in the primary key.
    private const string DeleteAllSent = "DELETE FROM queueflow.outbox WHERE message_id = ANY($1)";

    private static readonly string AsynchronousGeneric = $"{Asynchronous}, set_config('plan_cache_mode', 'force_generic_plan', true)";

    private const string Begin = "BEGIN";

    private const string Commit = "COMMIT";

    // After the COMMIT, so in a new implicit transaction of its own.
    private const string Unlock = "SELECT pg_advisory_unlock_all()";

    /// <summary>
    /// Adds to <paramref name="batch"/> the deletes of several messages' sent rows, in a transaction of the same kind (no
    /// wait for the disk, key lookups) committed before the statements after it, for <see cref="GroupRead"/>, which then
    /// releases or hands on those messages' locks. One result set: the settings'.
    /// </summary>
    public static void AddDeletes(NpgsqlBatch batch, IReadOnlyCollection<Guid> sent)
    {
        batch.BatchCommands.Add(new NpgsqlBatchCommand(Begin));
        batch.BatchCommands.Add(new NpgsqlBatchCommand(AsynchronousGeneric));
        batch.BatchCommands.Add(new NpgsqlBatchCommand(DeleteAllSent)
        {
            Parameters = { new NpgsqlParameter<Guid[]> { TypedValue = [.. sent], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid } },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(Commit));
    }

    /// <summary>Not cancellable: a lock left held would stall the job until the connection closed.</summary>
    public static async Task ExecuteAsync(NpgsqlConnection connection, Guid[] sent)
    {
        using var batch = new NpgsqlBatch(connection);
        if (sent.Length > 0)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(Begin));
            batch.BatchCommands.Add(new NpgsqlBatchCommand(Asynchronous));
            foreach (var messageId in sent)
                batch.BatchCommands.Add(Delete(messageId));

            batch.BatchCommands.Add(new NpgsqlBatchCommand(Commit));
        }

        batch.BatchCommands.Add(new NpgsqlBatchCommand(Unlock));
        await batch.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private static NpgsqlBatchCommand Delete(Guid messageId) => new(DeleteSent)
    {
        Parameters = { new NpgsqlParameter<Guid> { TypedValue = messageId, NpgsqlDbType = NpgsqlDbType.Uuid } },
    };
}
