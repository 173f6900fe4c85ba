using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace QueueFlow.Persistence;

/// <summary>The one place the worker, the migrator and the tests configure <see cref="QueueFlowDbContext"/>.</summary>
public static class QueueFlowDbContextOptions
{
    public const string MigrationsHistoryTable = "__ef_migrations_history";

    /// <param name="migrationsAssembly">Set only by the migrator and design-time tools; the worker never migrates.</param>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder, string connectionString, string? migrationsAssembly = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        // A bounded count (Take, then Count: how many rows a bulk action would take, up to a cap) is the one limit with no
        // order, and its answer does not depend on one; ordering it would make PostgreSQL sort every match to count the
        // first ones. EF Core cannot tell it from a page query and would log a warning on every count the dashboard
        // draws, so that event is only a debug line; every limit that returns rows is ordered.
        builder.ConfigureWarnings(w => w.Log((CoreEventId.RowLimitingOperationWithoutOrderByWarning, LogLevel.Debug)));

        // No EnableRetryOnFailure: it cannot replay the explicit transactions the saga repository opens; MassTransit's retry does that.
        return builder.UseNpgsql(Tuned(connectionString), npgsql =>
        {
            npgsql.MigrationsHistoryTable(MigrationsHistoryTable, QueueFlowDbContext.Schema);
            if (migrationsAssembly is not null)
                npgsql.MigrationsAssembly(migrationsAssembly);
        });
    }

    /// <summary>Defaults for the few statements every message runs; a connection string that sets them wins.</summary>
    internal static string Tuned(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);

        // NpgsqlConnectionStringBuilder.ContainsKey is true for every keyword Npgsql knows, set or not, so what
        // the caller wrote is read from a plain builder, which holds only the keys the string names.
        var written = new DbConnectionStringBuilder { ConnectionString = connectionString };
        bool Sets(string keyword) => written.Keys.Cast<string>()
            .Any(key => string.Equals(key.Replace(" ", "", StringComparison.Ordinal), keyword, StringComparison.OrdinalIgnoreCase));

        // Every message runs the same handful of statements (lock, load tasks, update, inserts, outbox): prepared
        // once per connection, PostgreSQL skips parsing and planning them, which is CPU it shares with the worker.
        if (!Sets("MaxAutoPrepare"))
            settings.MaxAutoPrepare = 32;

        // Connections hold no session state (the relay's advisory lock is transaction-scoped), so the DISCARD ALL
        // that resets one on its way back to the pool is work for nothing.
        if (!Sets("NoResetOnClose"))
            settings.NoResetOnClose = true;

        return settings.ConnectionString;
    }
}
