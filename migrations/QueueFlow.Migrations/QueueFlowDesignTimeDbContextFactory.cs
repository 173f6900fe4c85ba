using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using QueueFlow.Persistence;

namespace QueueFlow.Migrations;

/// <summary>Builds the context for <c>dotnet ef</c> and for this migrator, with migrations taken from this assembly.</summary>
public sealed class QueueFlowDesignTimeDbContextFactory : IDesignTimeDbContextFactory<QueueFlowDbContext>
{
    public const string ConnectionStringVariable = "ConnectionStrings__QueueFlow";

    // Adding a migration never connects; this only has to be well-formed.
    private const string DesignTimeConnectionString = "Host=127.0.0.1;Port=55432;Database=queueflow;Username=queueflow";

    public QueueFlowDbContext CreateDbContext(string[] args) =>
        Create(Environment.GetEnvironmentVariable(ConnectionStringVariable) ?? DesignTimeConnectionString);

    public static QueueFlowDbContext Create(string connectionString)
    {
        var builder = new DbContextOptionsBuilder<QueueFlowDbContext>();
        QueueFlowDbContextOptions.Configure(builder, connectionString, typeof(QueueFlowDesignTimeDbContextFactory).Assembly.GetName().Name);
        return new QueueFlowDbContext(builder.Options);
    }
}
