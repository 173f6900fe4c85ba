using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace QueueFlow.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class SeedTaskKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "job_key",
                schema: "queueflow",
                table: "job_tasks",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "task_run_id",
                schema: "queueflow",
                table: "job_tasks",
                type: "uuid",
                nullable: true);

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

            migrationBuilder.CreateIndex(
                name: "ux_job_tasks_task_run_id",
                schema: "queueflow",
                table: "job_tasks",
                column: "task_run_id",
                unique: true);
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

            migrationBuilder.DropIndex(
                name: "ux_job_tasks_task_run_id",
                schema: "queueflow",
                table: "job_tasks");

            migrationBuilder.DropColumn(
                name: "job_key",
                schema: "queueflow",
                table: "job_tasks");

            migrationBuilder.DropColumn(
                name: "task_run_id",
                schema: "queueflow",
                table: "job_tasks");
        }
    }
}
