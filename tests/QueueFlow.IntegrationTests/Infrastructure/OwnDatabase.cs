using Microsoft.EntityFrameworkCore;
using Npgsql;
using QueueFlow.Migrations;

namespace QueueFlow.IntegrationTests.Infrastructure;

/// <summary>
/// A database of a scenario's own beside the test database, on the same server, emptied and migrated as
/// ops/migrate migrates, for a scenario that needs a second deployment (each deployment has its own database).
/// </summary>
public static class OwnDatabase
{
    /// <summary>
    /// Drops <c>{test database}_{suffix}</c> if an earlier run left it, creates it, migrates it (to
    /// <paramref name="migration"/> when given, as a database not yet upgraded), and returns its connection string.
    /// </summary>
    public static async Task<string> CreateAsync(string suffix, string? migration = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(TestSettings.ConnectionString);
        var name = $"{builder.Database}_{suffix}";
        await using (var connection = new NpgsqlConnection(TestSettings.ConnectionString))
        {
            await connection.OpenAsync();
            await DropIfExistsAsync(connection, name);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        builder.Database = name;
        var connectionString = builder.ConnectionString;
        await using var db = QueueFlowDesignTimeDbContextFactory.Create(connectionString);
        await db.Database.MigrateAsync(migration);
        return connectionString;
    }

    public static async Task DropAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database
            ?? throw new ArgumentException("The connection string names no database.", nameof(connectionString));
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString);
        await connection.OpenAsync();
        await DropIfExistsAsync(connection, name);
    }

    /// <summary>
    /// Not <c>WITH (FORCE)</c>: that refuses (42501) when an autovacuum worker happens to be in the database, its
    /// process not being this role's to terminate. This role's own sessions are ended first; DROP DATABASE itself stops
    /// an autovacuum worker and waits (up to five seconds) for the sessions to be gone.
    /// </summary>
    private static async Task DropIfExistsAsync(NpgsqlConnection connection, string name)
    {
        await using var terminate = new NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @name AND usename = current_user AND pid <> pg_backend_pid()",
            connection);
        terminate.Parameters.AddWithValue("name", name);
        await terminate.ExecuteScalarAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\"", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
