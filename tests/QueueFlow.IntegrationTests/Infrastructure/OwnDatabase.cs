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
    /// <summary>Drops <c>{test database}_{suffix}</c> if an earlier run left it, creates it, migrates it, and returns its connection string.</summary>
    public static async Task<string> CreateAsync(string suffix)
    {
        var builder = new NpgsqlConnectionStringBuilder(TestSettings.ConnectionString);
        var name = $"{builder.Database}_{suffix}";
        await using (var connection = new NpgsqlConnection(TestSettings.ConnectionString))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        builder.Database = name;
        var connectionString = builder.ConnectionString;
        await using var db = QueueFlowDesignTimeDbContextFactory.Create(connectionString);
        await db.Database.MigrateAsync();
        return connectionString;
    }

    public static async Task DropAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
