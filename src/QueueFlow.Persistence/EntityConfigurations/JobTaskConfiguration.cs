using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using QueueFlow.Core.Jobs;

namespace QueueFlow.Persistence.EntityConfigurations;

internal sealed class JobTaskConfiguration : IEntityTypeConfiguration<JobTask>
{
    public void Configure(EntityTypeBuilder<JobTask> builder)
    {
        builder.ToTable("job_tasks");
        builder.HasKey(t => new { t.JobId, t.TaskId }).HasName("pk_job_tasks");
        builder.Property(t => t.JobId).HasColumnName("job_id");
        builder.Property(t => t.TaskId).HasColumnName("task_id").HasMaxLength(255);
        builder.Property(t => t.Kind).HasColumnName("kind").HasConversion<string>().HasMaxLength(16);
        builder.Property(t => t.Queue).HasColumnName("queue").HasMaxLength(255);
        builder.Property(t => t.Status).HasColumnName("status").HasConversion<string>().HasMaxLength(16);
        builder.Property(t => t.FinishState).HasColumnName("finish_state").HasMaxLength(64);
        builder.Property(t => t.Attempt).HasColumnName("attempt");
        builder.Property(t => t.Iteration).HasColumnName("iteration");
        builder.Property(t => t.AttemptId).HasColumnName("attempt_id");
        builder.Property(t => t.JobKey).HasColumnName("job_key");
        builder.Property(t => t.TaskRunId).HasColumnName("task_run_id");
        builder.Property(t => t.Input).HasColumnName("input").HasColumnType("jsonb");
        builder.Property(t => t.Output).HasColumnName("output").HasColumnType("jsonb");
        builder.Property(t => t.Error).HasColumnName("error");
        builder.Property(t => t.ScheduledAt).HasColumnName("scheduled_at");
        builder.Property(t => t.StartedAt).HasColumnName("started_at");
        builder.Property(t => t.EndedAt).HasColumnName("ended_at");
        builder.Property(t => t.Deadline).HasColumnName("deadline");
        builder.Property(t => t.Assignee).HasColumnName("assignee").HasMaxLength(255);
        builder.Property(t => t.AssignedBy).HasColumnName("assigned_by").HasMaxLength(255);
        builder.Property(t => t.AssignedAt).HasColumnName("assigned_at");
        builder.Property(t => t.Attempts).HasColumnName("attempts").HasColumnType("jsonb")
            .HasConversion(JsonColumn.ListConverter<TaskAttempt>(), JsonColumn.ListComparer<TaskAttempt>());

        // One index per filter combination of GET /api/tasks, each ending in its order (job_id, task_id), so a keyset
        // page is one index range scan; no filter walks the primary key.
        builder.HasIndex(t => new { t.Status, t.JobId, t.TaskId }).HasDatabaseName("ix_job_tasks_status_job_id_task_id");
        builder.HasIndex(t => new { t.Queue, t.JobId, t.TaskId }).HasDatabaseName("ix_job_tasks_queue_job_id_task_id");
        builder.HasIndex(t => new { t.Queue, t.Status, t.JobId, t.TaskId }).HasDatabaseName("ix_job_tasks_queue_status_job_id_task_id");

        // The overview's oldest running task: only running tasks are in it, so it stays small and a task enters it
        // once, when it starts (its other updates add no entry).
        builder.HasIndex(t => t.StartedAt).HasFilter("status = 'Running'").HasDatabaseName("ix_job_tasks_running_started_at");

        // The seed systems' endpoints name a task by one of these instead of (job, task): Cognite by the attempt id,
        // Camunda by the attempt's job key, Prefect by the task-run id. Job keys are 63-bit hashes, so not unique;
        // task-run ids are 122-bit hashes of (job, task, iteration), and a row holds one iteration at a time.
        // A task gets its attempt id and job key when it is first dispatched, so the rows a job inserts at its start
        // (all its tasks, pending) have neither: kept out of those two indexes, they cost two index entries less each.
        // A lookup by either names a value, which PostgreSQL knows is not null, so it still uses them.
        builder.HasIndex(t => t.AttemptId).HasFilter("attempt_id IS NOT NULL").HasDatabaseName("ix_job_tasks_attempt_id");
        builder.HasIndex(t => t.JobKey).HasFilter("job_key IS NOT NULL").HasDatabaseName("ix_job_tasks_job_key");
        builder.HasIndex(t => t.TaskRunId).IsUnique().HasDatabaseName("ux_job_tasks_task_run_id");
    }
}
