using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace QueueFlow.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class DeadLetterStore : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "headers",
                schema: "queueflow",
                table: "outbox",
                type: "jsonb",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "dead_letter_actions",
                schema: "queueflow",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    dead_letter_id = table.Column<Guid>(type: "uuid", nullable: false),
                    action = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    actor = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    detail = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dead_letter_actions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "dead_letters",
                schema: "queueflow",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    message_id = table.Column<Guid>(type: "uuid", nullable: true),
                    source = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    source_name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    message_type = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    destination = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    headers = table.Column<string>(type: "jsonb", nullable: false),
                    body = table.Column<string>(type: "text", nullable: false),
                    reason = table.Column<string>(type: "text", nullable: false),
                    job_id = table.Column<Guid>(type: "uuid", nullable: true),
                    task_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    first_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    seen_count = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    resolved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    resolved_by = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dead_letters", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_dead_letter_actions_dead_letter_id_id",
                schema: "queueflow",
                table: "dead_letter_actions",
                columns: new[] { "dead_letter_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_dead_letters_job_id",
                schema: "queueflow",
                table: "dead_letters",
                column: "job_id");

            migrationBuilder.CreateIndex(
                name: "ix_dead_letters_last_seen_at_id",
                schema: "queueflow",
                table: "dead_letters",
                columns: new[] { "last_seen_at", "id" },
                descending: new bool[0]);

            migrationBuilder.CreateIndex(
                name: "ix_dead_letters_status_last_seen_at_id",
                schema: "queueflow",
                table: "dead_letters",
                columns: new[] { "status", "last_seen_at", "id" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "ux_dead_letters_message_id",
                schema: "queueflow",
                table: "dead_letters",
                column: "message_id",
                unique: true,
                filter: "message_id IS NOT NULL");

            // The outbox's dead letters move into the one store, nothing lost: each with its attempts in the reason.
            migrationBuilder.Sql("""
                INSERT INTO queueflow.dead_letters
                    (id, message_id, source, source_name, message_type, destination, headers, body, reason, job_id, task_id,
                     first_seen_at, last_seen_at, seen_count, status)
                SELECT message_id, message_id, 'Outbox', 'outbox', message_type, destination, '{}'::jsonb, body::text,
                       'not sent after ' || attempts || ' attempt(s): ' || error, job_id,
                       CASE WHEN jsonb_typeof(body) = 'object' THEN left(body ->> 'taskId', 255) END,
                       dead_lettered_at, dead_lettered_at, 1, 'Pending'
                FROM queueflow.outbox_dead_letters
                ON CONFLICT DO NOTHING;
                """);

            migrationBuilder.DropTable(
                name: "outbox_dead_letters",
                schema: "queueflow");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "dead_letter_actions",
                schema: "queueflow");

            migrationBuilder.DropTable(
                name: "dead_letters",
                schema: "queueflow");

            migrationBuilder.DropColumn(
                name: "headers",
                schema: "queueflow",
                table: "outbox");

            migrationBuilder.CreateTable(
                name: "outbox_dead_letters",
                schema: "queueflow",
                columns: table => new
                {
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    body = table.Column<string>(type: "jsonb", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    dead_lettered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    destination = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    error = table.Column<string>(type: "text", nullable: false),
                    job_id = table.Column<Guid>(type: "uuid", nullable: true),
                    message_type = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    request_id = table.Column<Guid>(type: "uuid", nullable: true),
                    sequence = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_outbox_dead_letters", x => x.message_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_outbox_dead_letters_job_id",
                schema: "queueflow",
                table: "outbox_dead_letters",
                column: "job_id");
        }
    }
}
