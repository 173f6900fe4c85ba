using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace QueueFlow.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class ChildJobs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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

            migrationBuilder.CreateIndex(
                name: "ix_jobs_parent_job_id",
                schema: "queueflow",
                table: "jobs",
                column: "parent_job_id",
                filter: "parent_job_id IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_jobs_parent_job_id",
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
        }
    }
}
