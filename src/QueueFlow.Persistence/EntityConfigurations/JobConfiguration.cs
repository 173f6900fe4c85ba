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

        // A message applies under the job's advisory lock (JobLocks); the token still guards any writer that skips the lock.
        builder.Property<uint>(RowVersion).HasColumnName("xmin").HasColumnType("xid").IsRowVersion();

        builder.HasMany(j => j.Tasks).WithOne().HasForeignKey(t => t.JobId)
            .HasConstraintName("fk_job_tasks_jobs_job_id").OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(j => j.Tasks).AutoInclude(false);
        builder.Ignore(j => j.Changes);

        // One index per filter combination of GET /api/jobs, each ending in its order (created_at, id), so a keyset page
        // (a row comparison on that pair) is one index range scan however deep it is. A time range bounds created_at
        // inside any of them. None holds a column the saga changes on every message (updated_at, history_count,
        // variables), so an update that leaves the status alone can be HOT and write no index at all; an index on
        // updated_at would forbid that, which is why the unused (status, updated_at) one went.
        // (status, created_at, id) also orders a bulk cancel's (status, created_at, id) walk.
        builder.HasIndex(j => new { j.CreatedAt, j.CorrelationId }).HasDatabaseName("ix_jobs_created_at_id");
        builder.HasIndex(j => new { j.Status, j.CreatedAt, j.CorrelationId }).HasDatabaseName("ix_jobs_status_created_at_id");
        builder.HasIndex(j => new { j.Workflow, j.CreatedAt, j.CorrelationId }).HasDatabaseName("ix_jobs_workflow_created_at_id");
        builder.HasIndex(j => new { j.Workflow, j.Status, j.CreatedAt, j.CorrelationId }).HasDatabaseName("ix_jobs_workflow_status_created_at_id");

        // GET /api/tasks?workflow= walks a workflow's jobs in id order and their tasks by primary key, which yields
        // the tasks' (job_id, task_id) order without sorting more than one job's tasks at a time.
        builder.HasIndex(j => new { j.Workflow, j.CorrelationId }).HasDatabaseName("ix_jobs_workflow_id");

        // A parent job's document lists its children; most jobs have no parent, so only those that do are indexed.
        builder.HasIndex(j => j.ParentJobId).HasDatabaseName("ix_jobs_parent_job_id").HasFilter("parent_job_id IS NOT NULL");
    }
}
