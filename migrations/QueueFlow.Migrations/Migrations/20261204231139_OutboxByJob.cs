using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace QueueFlow.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class OutboxByJob : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_outbox_job_id_sequence",
                schema: "queueflow",
                table: "outbox",
                columns: new[] { "job_id", "sequence" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_outbox_job_id_sequence",
                schema: "queueflow",
                table: "outbox");
        }
    }
}
