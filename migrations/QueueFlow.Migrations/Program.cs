using Microsoft.EntityFrameworkCore;
using QueueFlow.Migrations;

// Applies QueueFlow's schema. Run by ops/migrate before any worker starts; workers never migrate,
// so several replicas starting at once cannot race on the schema.
var connectionString = Environment.GetEnvironmentVariable(QueueFlowDesignTimeDbContextFactory.ConnectionStringVariable);
if (string.IsNullOrWhiteSpace(connectionString))
{
    await Console.Error.WriteLineAsync(
        $"QueueFlow.Migrations: set {QueueFlowDesignTimeDbContextFactory.ConnectionStringVariable} to the PostgreSQL connection string.");
    return 2;
}

try
{
    var db = QueueFlowDesignTimeDbContextFactory.Create(connectionString);
    await using (db.ConfigureAwait(false))
    {
        var pending = (await db.Database.GetPendingMigrationsAsync().ConfigureAwait(false)).ToList();
        await db.Database.MigrateAsync().ConfigureAwait(false);

        if (pending.Count == 0)
            Console.WriteLine("QueueFlow.Migrations: the database is up to date; nothing applied.");
        foreach (var migration in pending)
            Console.WriteLine($"QueueFlow.Migrations: applied {migration}");
    }

    return 0;
}
#pragma warning disable CA1031 // The migrator's contract is an exit code and a readable message for any failure.
catch (Exception exception)
#pragma warning restore CA1031
{
    await Console.Error.WriteLineAsync($"QueueFlow.Migrations: migration failed: {exception.GetType().Name}: {exception.Message}");
    return 1;
}
