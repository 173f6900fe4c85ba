using Npgsql;

namespace QueueFlow.Persistence.Jobs;

/// <summary>
/// What a message does once its committed rows went out: deletes them and releases the job's send lock, in one
/// round trip. The session may hold the lock more than once (an insert that met an existing job locks it again to
/// load it), hence unlock_all: a worker session holds no other advisory lock across statements.
/// </summary>
internal static class SentRowsRelease
{
    // The three statements run in one implicit transaction, which set_config's local value lasts for: that commit does
    // not wait for its WAL to reach the disk. Other sessions see the delete at once; if a crash loses it, the rows are
    // sent again by the relay and consumers answer them as duplicates, so it need not cost a flush of its own. The
    // session's own setting, which every later transaction on the pooled connection uses, is untouched.
    private const string Sql = """
        SELECT set_config('synchronous_commit', 'off', true);
        DELETE FROM queueflow.outbox WHERE message_id = ANY(@sent);
        SELECT pg_advisory_unlock_all()
        """;

    /// <summary>Not cancellable: a lock left held would stall the job until the connection closed.</summary>
    public static async Task ExecuteAsync(NpgsqlConnection connection, Guid[] sent)
    {
        var command = new NpgsqlCommand(Sql, connection);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid[]>("sent", sent));
            await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
