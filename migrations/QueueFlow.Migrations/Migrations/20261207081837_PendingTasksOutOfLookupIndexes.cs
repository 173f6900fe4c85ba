using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace QueueFlow.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class PendingTasksOutOfLookupIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_job_tasks_attempt_id",
                schema: "queueflow",
                table: "job_tasks");

            migrationBuilder.DropIndex(
                name: "ix_job_tasks_job_key",
                schema: "queueflow",
                table: "job_tasks");

            migrationBuilder.CreateIndex(
                name: "ix_job_tasks_attempt_id",
                schema: "queueflow",
                table: "job_tasks",
                column: "attempt_id",
                filter: "attempt_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_job_tasks_job_key",
                schema: "queueflow",
                table: "job_tasks",
                column: "job_key",
                filter: "job_key IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_job_tasks_attempt_id",
                schema: "queueflow",
                table: "job_tasks");

            migrationBuilder.DropIndex(
                name: "ix_job_tasks_job_key",
                schema: "queueflow",
                table: "job_tasks");

            migrationBuilder.CreateIndex(
                name: "ix_job_tasks_attempt_id",
                schema: "queueflow",
                table: "job_tasks",
                column: "attempt_id");

            migrationBuilder.CreateIndex(
                name: "ix_job_tasks_job_key",
                schema: "queueflow",
                table: "job_tasks",
                column: "job_key");
        }
    }
}
