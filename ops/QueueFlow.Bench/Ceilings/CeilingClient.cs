using Npgsql;
using NpgsqlTypes;

namespace QueueFlow.Bench.Ceilings;

/// <summary>
/// One client of the PostgreSQL ceiling: its three statements prepared once on its own connection, so
/// the loop measures the server's lock + update + insert + commit, not the client building SQL.
/// </summary>
internal sealed class CeilingClient : IAsyncDisposable
{
    readonly NpgsqlConnection _connection;
    readonly NpgsqlCommand _select;
    readonly NpgsqlCommand _update;
    readonly NpgsqlCommand _insert;

    CeilingClient(NpgsqlConnection connection)
    {
        _connection = connection;
        _select = new NpgsqlCommand($"SELECT history_count FROM {PostgresCeiling.Schema}.jobs WHERE id = $1 FOR UPDATE", connection)
        {
            Parameters = { new NpgsqlParameter<Guid> { NpgsqlDbType = NpgsqlDbType.Uuid } },
        };
        _update = new NpgsqlCommand(
            $"UPDATE {PostgresCeiling.Schema}.jobs SET variables = variables || $3, history_count = $2, updated_at = now() WHERE id = $1", connection)
        {
            Parameters =
            {
                new NpgsqlParameter<Guid> { NpgsqlDbType = NpgsqlDbType.Uuid },
                new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer },
                new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Jsonb },
            },
        };
        _insert = new NpgsqlCommand(
            $"INSERT INTO {PostgresCeiling.Schema}.job_history (job_id, sequence, at, kind, task_id) VALUES ($1, $2, now(), 'TaskCompleted', 't1')", connection)
        {
            Parameters =
            {
                new NpgsqlParameter<Guid> { NpgsqlDbType = NpgsqlDbType.Uuid },
                new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer },
            },
        };
    }

    public static async Task<CeilingClient> PrepareAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var client = new CeilingClient(connection);
        await client._select.PrepareAsync(cancellationToken);
        await client._update.PrepareAsync(cancellationToken);
        await client._insert.PrepareAsync(cancellationToken);
        return client;
    }

    public async Task RunOneAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var transaction = await _connection.BeginTransactionAsync(cancellationToken);

        ((NpgsqlParameter<Guid>)_select.Parameters[0]).TypedValue = id;
        var sequence = (int)(await _select.ExecuteScalarAsync(cancellationToken))! + 1;

        ((NpgsqlParameter<Guid>)_update.Parameters[0]).TypedValue = id;
        ((NpgsqlParameter<int>)_update.Parameters[1]).TypedValue = sequence;
        ((NpgsqlParameter<string>)_update.Parameters[2]).TypedValue = $$"""{"last": {{sequence}}}""";
        await _update.ExecuteNonQueryAsync(cancellationToken);

        ((NpgsqlParameter<Guid>)_insert.Parameters[0]).TypedValue = id;
        ((NpgsqlParameter<int>)_insert.Parameters[1]).TypedValue = sequence;
        await _insert.ExecuteNonQueryAsync(cancellationToken);

        await transaction.CommitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _select.DisposeAsync();
        await _update.DisposeAsync();
        await _insert.DisposeAsync();
    }
}
