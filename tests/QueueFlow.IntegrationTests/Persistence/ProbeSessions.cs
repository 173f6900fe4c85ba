using Npgsql;
using QueueFlow.Persistence.Jobs;

namespace QueueFlow.IntegrationTests.Persistence;

/// <summary>Sessions of a test's own, for probing what another session holds (locks, settings, rows).</summary>
internal static class ProbeSessions
{
    /// <summary>Unpooled, so the session is the test's alone and closing it drops whatever lock it still holds.</summary>
    public static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Takes the job's send lock if it is free (and keeps it: a probe session is closed after use).</summary>
    public static string TryLock(Guid jobId) =>
        $"SELECT pg_try_advisory_lock({JobLocks.Class}, {JobLocks.KeyOf($"'{jobId}'::text")})";

    public static async Task ExecuteAsync(this NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<T> ScalarAsync<T>(this NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
