using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using QueueFlow.Persistence.DeadLetters;

namespace QueueFlow.Persistence.EntityConfigurations;

internal sealed class DeadLetterConfiguration : IEntityTypeConfiguration<DeadLetter>
{
    public void Configure(EntityTypeBuilder<DeadLetter> builder)
    {
        builder.ToTable("dead_letters");
        builder.HasKey(d => d.Id).HasName("pk_dead_letters");
        builder.Property(d => d.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(d => d.MessageId).HasColumnName("message_id");
        builder.Property(d => d.Source).HasColumnName("source").HasConversion<string>().HasMaxLength(16);
        builder.Property(d => d.SourceName).HasColumnName("source_name").HasMaxLength(255);
        builder.Property(d => d.MessageType).HasColumnName("message_type").HasMaxLength(DeadLetterCapture.MaxMessageTypeLength);
        builder.Property(d => d.Destination).HasColumnName("destination").HasMaxLength(1024);
        builder.Property(d => d.Headers).HasColumnName("headers").HasColumnType("jsonb");
        builder.Property(d => d.Body).HasColumnName("body");
        builder.Property(d => d.BodyEncoding).HasColumnName("body_encoding").HasConversion<string>().HasMaxLength(16);
        builder.Property(d => d.Reason).HasColumnName("reason");
        builder.Property(d => d.JobId).HasColumnName("job_id");
        builder.Property(d => d.TaskId).HasColumnName("task_id").HasMaxLength(255);
        builder.Property(d => d.FirstSeenAt).HasColumnName("first_seen_at");
        builder.Property(d => d.LastSeenAt).HasColumnName("last_seen_at");
        builder.Property(d => d.SeenCount).HasColumnName("seen_count");
        builder.Property(d => d.Status).HasColumnName("status").HasConversion<string>().HasMaxLength(16);
        builder.Property(d => d.ResolvedAt).HasColumnName("resolved_at");
        builder.Property(d => d.ResolvedBy).HasColumnName("resolved_by").HasMaxLength(255);

        // The same message seen again updates its row instead of adding one (the capture's ON CONFLICT target).
        builder.HasIndex(d => d.MessageId).IsUnique().HasFilter("message_id IS NOT NULL").HasDatabaseName("ux_dead_letters_message_id");

        // The list is newest first, by status (Pending is what an operator looks at) and by job.
        builder.HasIndex(d => new { d.LastSeenAt, d.Id }).IsDescending(true, true).HasDatabaseName("ix_dead_letters_last_seen_at_id");
        builder.HasIndex(d => new { d.Status, d.LastSeenAt, d.Id }).IsDescending(false, true, true).HasDatabaseName("ix_dead_letters_status_last_seen_at_id");
        builder.HasIndex(d => d.JobId).HasDatabaseName("ix_dead_letters_job_id");
    }
}
