using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace QueueFlow.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class OpsApi : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_jobs_status_updated_at",
                schema: "queueflow",
                table: "jobs");

            migrationBuilder.DropIndex(
                name: "ix_jobs_workflow_created_at",
                schema: "queueflow",
                table: "jobs");

            migrationBuilder.DropIndex(
                name: "ix_job_tasks_queue_status",
                schema: "queueflow",
                table: "job_tasks");

            migrationBuilder.DropIndex(
                name: "ix_job_tasks_status_queue",
                schema: "queueflow",
                table: "job_tasks");

            migrationBuilder.AddColumn<string>(
                name: "applied_commands",
                schema: "queueflow",
                table: "jobs",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'[]'::jsonb");

            migrationBuilder.AddColumn<Guid>(
                name: "parent_attempt_id",
                schema: "queueflow",
                table: "jobs",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "parent_job_id",
                schema: "queueflow",
                table: "jobs",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "parent_task_id",
                schema: "queueflow",
                table: "jobs",
                type: "character varying(255)",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<List<string>>(
                name: "watchers",
                schema: "queueflow",
                table: "jobs",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "assigned_at",
                schema: "queueflow",
                table: "job_tasks",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "assigned_by",
                schema: "queueflow",
                table: "job_tasks",
                type: "character varying(255)",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "assignee",
                schema: "queueflow",
                table: "job_tasks",
                type: "character varying(255)",
                maxLength: 255,
                nullable: true);

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

            migrationBuilder.CreateTable(
                name: "idempotency_keys",
                schema: "queueflow",
                columns: table => new
                {
                    caller = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    key = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    request_hash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    job_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_idempotency_keys", x => new { x.caller, x.key });
                });

            migrationBuilder.CreateIndex(
                name: "ix_jobs_created_at_id",
                schema: "queueflow",
                table: "jobs",
                columns: new[] { "created_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_jobs_parent_job_id",
                schema: "queueflow",
                table: "jobs",
                column: "parent_job_id",
                filter: "parent_job_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_status_created_at_id",
                schema: "queueflow",
                table: "jobs",
                columns: new[] { "status", "created_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_jobs_workflow_created_at_id",
                schema: "queueflow",
                table: "jobs",
                columns: new[] { "workflow", "created_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_jobs_workflow_id",
                schema: "queueflow",
                table: "jobs",
                columns: new[] { "workflow", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_jobs_workflow_status_created_at_id",
                schema: "queueflow",
                table: "jobs",
                columns: new[] { "workflow", "status", "created_at", "id" });

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
                name: "ix_job_tasks_queue_job_id_task_id",
                schema: "queueflow",
                table: "job_tasks",
                columns: new[] { "queue", "job_id", "task_id" });

            migrationBuilder.CreateIndex(
                name: "ix_job_tasks_queue_status_job_id_task_id",
                schema: "queueflow",
                table: "job_tasks",
                columns: new[] { "queue", "status", "job_id", "task_id" });

            migrationBuilder.CreateIndex(
                name: "ix_job_tasks_status_job_id_task_id",
                schema: "queueflow",
                table: "job_tasks",
                columns: new[] { "status", "job_id", "task_id" });

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
            migrationBuilder.DropTable(
                name: "idempotency_keys",
                schema: "queueflow");

            migrationBuilder.DropIndex(
                name: "ix_jobs_created_at_id",
                schema: "queueflow",
                table: "jobs");

            migrationBuilder.DropIndex(
                name: "ix_jobs_parent_job_id",
                schema: "queueflow",
                table: "jobs");

            migrationBuilder.DropIndex(
                name: "ix_jobs_status_created_at_id",
                schema: "queueflow",
                table: "jobs");

            migrationBuilder.DropIndex(
                name: "ix_jobs_workflow_created_at_id",
                schema: "queueflow",
                table: "jobs");

            migrationBuilder.DropIndex(
                name: "ix_jobs_workflow_id",
                schema: "queueflow",
                table: "jobs");

            migrationBuilder.DropIndex(
                name: "ix_jobs_workflow_status_created_at_id",
                schema: "queueflow",
                table: "jobs");

            migrationBuilder.DropIndex(
                name: "ix_job_tasks_attempt_id",
                schema: "queueflow",
                table: "job_tasks");

            migrationBuilder.DropIndex(
                name: "ix_job_tasks_job_key",
                schema: "queueflow",
                table: "job_tasks");

            migrationBuilder.DropIndex(
                name: "ix_job_tasks_queue_job_id_task_id",
                schema: "queueflow",
                table: "job_tasks");

            migrationBuilder.DropIndex(
                name: "ix_job_tasks_queue_status_job_id_task_id",
                schema: "queueflow",
                table: "job_tasks");

            migrationBuilder.DropIndex(
                name: "ix_job_tasks_status_job_id_task_id",
                schema: "queueflow",
                table: "job_tasks");

            migrationBuilder.DropIndex(
                name: "ux_job_tasks_task_run_id",
                schema: "queueflow",
                table: "job_tasks");

            migrationBuilder.DropColumn(
                name: "applied_commands",
                schema: "queueflow",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "parent_attempt_id",
                schema: "queueflow",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "parent_job_id",
                schema: "queueflow",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "parent_task_id",
                schema: "queueflow",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "watchers",
                schema: "queueflow",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "assigned_at",
                schema: "queueflow",
                table: "job_tasks");

            migrationBuilder.DropColumn(
                name: "assigned_by",
                schema: "queueflow",
                table: "job_tasks");

            migrationBuilder.DropColumn(
                name: "assignee",
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

            migrationBuilder.CreateIndex(
                name: "ix_jobs_status_updated_at",
                schema: "queueflow",
                table: "jobs",
                columns: new[] { "status", "updated_at" });

            migrationBuilder.CreateIndex(
                name: "ix_jobs_workflow_created_at",
                schema: "queueflow",
                table: "jobs",
                columns: new[] { "workflow", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_job_tasks_queue_status",
                schema: "queueflow",
                table: "job_tasks",
                columns: new[] { "queue", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_job_tasks_status_queue",
                schema: "queueflow",
                table: "job_tasks",
                columns: new[] { "status", "queue" });
        }
    }
}
