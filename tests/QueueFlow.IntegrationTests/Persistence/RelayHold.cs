using Npgsql;
using QueueFlow.Persistence.Outbox;

namespace QueueFlow.IntegrationTests.Persistence;

/// <summary>
/// Holds the relays' advisory lock on a connection of its own. Released explicitly: a pooled connection
/// would keep a session lock after being "closed" until the pool reuses it.
/// </summary>
internal sealed class RelayHold : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;

    private RelayHold(NpgsqlConnection connection) => _connection = connection;

    public static async Task<RelayHold> TakeAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using (var command = new NpgsqlCommand($"SELECT pg_advisory_lock({OutboxRelay.LockKey})", connection))
            await command.ExecuteNonQueryAsync();
        return new RelayHold(connection);
    }

    public async ValueTask DisposeAsync()
    {
        await using (var command = new NpgsqlCommand($"SELECT pg_advisory_unlock({OutboxRelay.LockKey})", _connection))
            await command.ExecuteNonQueryAsync();
        await _connection.DisposeAsync();
    }
}
