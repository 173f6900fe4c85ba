using Microsoft.EntityFrameworkCore;
using QueueFlow.Core.Jobs;
using QueueFlow.Persistence.DeadLetters;
using QueueFlow.Persistence.EntityConfigurations;
using QueueFlow.Persistence.Idempotency;
using QueueFlow.Persistence.Outbox;
using QueueFlow.Persistence.Workflows;

namespace QueueFlow.Persistence;

/// <summary>QueueFlow's PostgreSQL schema: jobs and their tasks and history, the outbox, the dead-letter store and its audit, workflow definitions, the API's idempotency keys.</summary>
/// <remarks>
/// Add a migration (from the repository root):
/// <c>dotnet tool restore &amp;&amp; dotnet ef migrations add &lt;Name&gt; --project migrations/QueueFlow.Migrations --startup-project migrations/QueueFlow.Migrations</c>
/// </remarks>
public sealed class QueueFlowDbContext(DbContextOptions<QueueFlowDbContext> options) : DbContext(options)
{
    public const string Schema = "queueflow";

    public DbSet<Job> Jobs => Set<Job>();
    public DbSet<JobTask> JobTasks => Set<JobTask>();
    public DbSet<JobHistoryEntry> JobHistory => Set<JobHistoryEntry>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<DeadLetter> DeadLetters => Set<DeadLetter>();
    public DbSet<DeadLetterAction> DeadLetterActions => Set<DeadLetterAction>();
    public DbSet<WorkflowDefinitionRecord> WorkflowDefinitions => Set<WorkflowDefinitionRecord>();
    public DbSet<IdempotencyKey> IdempotencyKeys => Set<IdempotencyKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.ApplyConfiguration(new JobConfiguration());
        modelBuilder.ApplyConfiguration(new JobTaskConfiguration());
        modelBuilder.ApplyConfiguration(new JobHistoryEntryConfiguration());
        modelBuilder.ApplyConfiguration(new OutboxMessageConfiguration());
        modelBuilder.ApplyConfiguration(new DeadLetterConfiguration());
        modelBuilder.ApplyConfiguration(new DeadLetterActionConfiguration());
        modelBuilder.ApplyConfiguration(new WorkflowDefinitionRecordConfiguration());
        modelBuilder.ApplyConfiguration(new IdempotencyKeyConfiguration());
    }
}
