using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using QueueFlow.Persistence.Outbox;

namespace QueueFlow.Persistence.EntityConfigurations;

internal sealed class OutboxDeadLetterConfiguration : IEntityTypeConfiguration<OutboxDeadLetter>
{
    public void Configure(EntityTypeBuilder<OutboxDeadLetter> builder)
    {
        builder.ToTable("outbox_dead_letters");
        builder.HasKey(m => m.MessageId).HasName("pk_outbox_dead_letters");
        builder.Property(m => m.MessageId).HasColumnName("message_id").ValueGeneratedNever();
        builder.Property(m => m.Sequence).HasColumnName("sequence").ValueGeneratedNever();
        builder.Property(m => m.JobId).HasColumnName("job_id");
        builder.Property(m => m.MessageType).HasColumnName("message_type").HasMaxLength(255);
        builder.Property(m => m.Destination).HasColumnName("destination").HasMaxLength(OutboxMessage.MaxDestinationLength);
        builder.Property(m => m.RequestId).HasColumnName("request_id");
        builder.Property(m => m.Body).HasColumnName("body").HasColumnType("jsonb");
        builder.Property(m => m.CreatedAt).HasColumnName("created_at");
        builder.Property(m => m.Attempts).HasColumnName("attempts");
        builder.Property(m => m.Error).HasColumnName("error");
        builder.Property(m => m.DeadLetteredAt).HasColumnName("dead_lettered_at");

        // Operators look a job's dead letters up by job.
        builder.HasIndex(m => m.JobId).HasDatabaseName("ix_outbox_dead_letters_job_id");
    }
}
