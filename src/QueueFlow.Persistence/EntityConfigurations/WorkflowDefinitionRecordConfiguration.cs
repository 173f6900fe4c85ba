using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using QueueFlow.Persistence.Workflows;

namespace QueueFlow.Persistence.EntityConfigurations;

internal sealed class WorkflowDefinitionRecordConfiguration : IEntityTypeConfiguration<WorkflowDefinitionRecord>
{
    public void Configure(EntityTypeBuilder<WorkflowDefinitionRecord> builder)
    {
        builder.ToTable("workflow_definitions");
        builder.HasKey(w => new { w.Name, w.Version }).HasName("pk_workflow_definitions");
        builder.Property(w => w.Name).HasColumnName("name").HasMaxLength(255);
        builder.Property(w => w.Version).HasColumnName("version");
        builder.Property(w => w.Document).HasColumnName("document").HasColumnType("jsonb");
        builder.Property(w => w.RegisteredAt).HasColumnName("registered_at");
    }
}
