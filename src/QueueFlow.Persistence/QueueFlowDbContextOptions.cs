using Microsoft.EntityFrameworkCore;

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

        // No EnableRetryOnFailure: it cannot replay the explicit transactions the saga repository opens; MassTransit's retry does that.
        return builder.UseNpgsql(connectionString, npgsql =>
        {
            npgsql.MigrationsHistoryTable(MigrationsHistoryTable, QueueFlowDbContext.Schema);
            if (migrationsAssembly is not null)
                npgsql.MigrationsAssembly(migrationsAssembly);
        });
    }
}
