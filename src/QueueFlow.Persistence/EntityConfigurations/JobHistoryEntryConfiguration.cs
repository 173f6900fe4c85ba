using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using QueueFlow.Core.Jobs;

namespace QueueFlow.Persistence.EntityConfigurations;

/// <summary>
/// Append-only. No foreign key to jobs on purpose: history outlives a deleted job and its inserts never
/// contend with the job row beyond the lock the saga already holds.
/// </summary>
internal sealed class JobHistoryEntryConfiguration : IEntityTypeConfiguration<JobHistoryEntry>
{
    public void Configure(EntityTypeBuilder<JobHistoryEntry> builder)
    {
        builder.ToTable("job_history");
        builder.HasKey(h => h.Id).HasName("pk_job_history");
        builder.Property(h => h.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        builder.Property(h => h.JobId).HasColumnName("job_id");
        builder.Property(h => h.Sequence).HasColumnName("sequence");
        builder.Property(h => h.At).HasColumnName("at");
        builder.Property(h => h.Kind).HasColumnName("kind").HasMaxLength(64);
        builder.Property(h => h.TaskId).HasColumnName("task_id").HasMaxLength(255);
        builder.Property(h => h.AttemptId).HasColumnName("attempt_id");
        builder.Property(h => h.CommandId).HasColumnName("command_id");
        builder.Property(h => h.From).HasColumnName("from").HasMaxLength(64);
        builder.Property(h => h.To).HasColumnName("to").HasMaxLength(64);
        builder.Property(h => h.Detail).HasColumnName("detail");

        builder.HasIndex(h => new { h.JobId, h.Sequence }).IsUnique().HasDatabaseName("ux_job_history_job_id_sequence");

        // The throughput series reads the last hour. Rows are appended in time order, so a BRIN index finds that hour
        // in a few block ranges, costs next to nothing per insert and stays a few pages for millions of rows.
        builder.HasIndex(h => h.At).HasMethod("brin").HasDatabaseName("ix_job_history_at");
    }
}
