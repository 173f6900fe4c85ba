using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace QueueFlow.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class JobControlAndManualTasks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "applied_commands",
                schema: "queueflow",
                table: "jobs",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'[]'::jsonb");

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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "applied_commands",
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
        }
    }
}
