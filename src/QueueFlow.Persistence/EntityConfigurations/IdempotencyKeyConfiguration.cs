using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using QueueFlow.Persistence.Idempotency;

namespace QueueFlow.Persistence.EntityConfigurations;

internal sealed class IdempotencyKeyConfiguration : IEntityTypeConfiguration<IdempotencyKey>
{
    public void Configure(EntityTypeBuilder<IdempotencyKey> builder)
    {
        builder.ToTable("idempotency_keys");
        builder.HasKey(k => new { k.Caller, k.Key }).HasName("pk_idempotency_keys");
        builder.Property(k => k.Caller).HasColumnName("caller").HasMaxLength(255);
        builder.Property(k => k.Key).HasColumnName("key").HasMaxLength(255);
        builder.Property(k => k.RequestHash).HasColumnName("request_hash").HasMaxLength(32);
        builder.Property(k => k.JobId).HasColumnName("job_id");
        builder.Property(k => k.CreatedAt).HasColumnName("created_at");

        // A job's keys are deleted with it when retention removes the job (JobRetention).
        builder.HasIndex(k => k.JobId).HasDatabaseName("ix_idempotency_keys_job_id");
    }
}
