using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using QueueFlow.Persistence.Outbox;

namespace QueueFlow.Persistence.EntityConfigurations;

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("outbox");
        builder.HasKey(m => m.MessageId).HasName("pk_outbox");
        builder.Property(m => m.MessageId).HasColumnName("message_id").ValueGeneratedNever();
        builder.Property(m => m.Sequence).HasColumnName("sequence").UseIdentityAlwaysColumn();
        builder.Property(m => m.JobId).HasColumnName("job_id");
        builder.Property(m => m.MessageType).HasColumnName("message_type").HasMaxLength(255);
        builder.Property(m => m.Destination).HasColumnName("destination").HasMaxLength(OutboxMessage.MaxDestinationLength);
        builder.Property(m => m.RequestId).HasColumnName("request_id");
        builder.Property(m => m.Body).HasColumnName("body").HasColumnType("jsonb");
        builder.Property(m => m.Headers).HasColumnName("headers").HasColumnType("jsonb");
        builder.Property(m => m.CreatedAt).HasColumnName("created_at");
        builder.Property(m => m.Attempts).HasColumnName("attempts");
        builder.Property(m => m.LastError).HasColumnName("last_error");
        builder.Property(m => m.TraceParent).HasColumnName("trace_parent").HasMaxLength(55);
        builder.Property(m => m.TraceState).HasColumnName("trace_state").HasMaxLength(512);

        // The relay reads the oldest rows first.
        builder.HasIndex(m => m.Sequence).IsUnique().HasDatabaseName("ux_outbox_sequence");

        // Locking a job asks whether rows of an earlier message still wait, and a job's rows are read in order.
        builder.HasIndex(m => new { m.JobId, m.Sequence }).HasDatabaseName("ix_outbox_job_id_sequence");
    }
}
