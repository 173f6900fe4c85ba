using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using QueueFlow.Persistence.DeadLetters;

namespace QueueFlow.Persistence.EntityConfigurations;

internal sealed class DeadLetterActionConfiguration : IEntityTypeConfiguration<DeadLetterAction>
{
    public void Configure(EntityTypeBuilder<DeadLetterAction> builder)
    {
        builder.ToTable("dead_letter_actions");
        builder.HasKey(a => a.Id).HasName("pk_dead_letter_actions");
        builder.Property(a => a.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        builder.Property(a => a.DeadLetterId).HasColumnName("dead_letter_id");
        builder.Property(a => a.Action).HasColumnName("action").HasMaxLength(32);
        builder.Property(a => a.Actor).HasColumnName("actor").HasMaxLength(255);
        builder.Property(a => a.At).HasColumnName("at");
        builder.Property(a => a.Detail).HasColumnName("detail");
        builder.HasIndex(a => new { a.DeadLetterId, a.Id }).HasDatabaseName("ix_dead_letter_actions_dead_letter_id_id");
    }
}
