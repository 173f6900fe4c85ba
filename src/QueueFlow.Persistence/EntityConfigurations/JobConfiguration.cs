using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;

namespace QueueFlow.Persistence.EntityConfigurations;

internal sealed class JobConfiguration : IEntityTypeConfiguration<Job>
{
    /// <summary>PostgreSQL's xmin, read as the row version: changes on every update of the row.</summary>
    public const string RowVersion = "RowVersion";

    public void Configure(EntityTypeBuilder<Job> builder)
    {
        builder.ToTable("jobs");
        builder.HasKey(j => j.CorrelationId).HasName("pk_jobs");
        builder.Property(j => j.CorrelationId).HasColumnName("id").ValueGeneratedNever();
        builder.Property(j => j.CurrentState).HasColumnName("current_state").HasMaxLength(64);
        builder.Property(j => j.Workflow).HasColumnName("workflow").HasMaxLength(255);
        builder.Property(j => j.WorkflowVersion).HasColumnName("workflow_version");
        builder.Property(j => j.Owner).HasColumnName("owner").HasMaxLength(255);
        builder.Property(j => j.ParentJobId).HasColumnName("parent_job_id");
        builder.Property(j => j.ParentTaskId).HasColumnName("parent_task_id").HasMaxLength(255);
        builder.Property(j => j.ParentAttemptId).HasColumnName("parent_attempt_id");
        builder.Property(j => j.Status).HasColumnName("status").HasConversion<string>().HasMaxLength(16);
        builder.Property(j => j.Variables).HasColumnName("variables").HasColumnType("jsonb");
        builder.Property(j => j.Errors).HasColumnName("errors").HasColumnType("jsonb")
            .HasConversion(JsonColumn.ListConverter<JobError>(), JsonColumn.ListComparer<JobError>());
        builder.Property(j => j.CreatedAt).HasColumnName("created_at");
        builder.Property(j => j.UpdatedAt).HasColumnName("updated_at");
        builder.Property(j => j.EndedAt).HasColumnName("ended_at");
        builder.Property(j => j.HistoryCount).HasColumnName("history_count");
        builder.Property(j => j.Watchers).HasColumnName("watchers").HasColumnType("text[]").HasDefaultValueSql("'{}'::text[]");
        builder.Property(j => j.AppliedCommands).HasColumnName("applied_commands").HasColumnType("jsonb").HasDefaultValueSql("'[]'::jsonb")
            .HasConversion(JsonColumn.ListConverter<AppliedCommand>(), JsonColumn.ListComparer<AppliedCommand>());

        // Rows are locked FOR UPDATE while a message is applied; the token still guards any writer that skips the lock.
        builder.Property<uint>(RowVersion).HasColumnName("xmin").HasColumnType("xid").IsRowVersion();

        builder.HasMany(j => j.Tasks).WithOne().HasForeignKey(t => t.JobId)
            .HasConstraintName("fk_job_tasks_jobs_job_id").OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(j => j.Tasks).AutoInclude(false);
        builder.Ignore(j => j.PendingHistory);
        builder.Ignore(j => j.PendingMessages);

        builder.HasIndex(j => new { j.Status, j.UpdatedAt }).HasDatabaseName("ix_jobs_status_updated_at");
        builder.HasIndex(j => new { j.Workflow, j.CreatedAt }).HasDatabaseName("ix_jobs_workflow_created_at");

        // A parent job's document lists its children; most jobs have no parent, so only those that do are indexed.
        builder.HasIndex(j => j.ParentJobId).HasDatabaseName("ix_jobs_parent_job_id").HasFilter("parent_job_id IS NOT NULL");
    }
}
