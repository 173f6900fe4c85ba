using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace QueueFlow.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class OutboxDeadLetters : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "attempts",
                schema: "queueflow",
                table: "outbox",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "last_error",
                schema: "queueflow",
                table: "outbox",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "outbox_dead_letters",
                schema: "queueflow",
                columns: table => new
                {
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    sequence = table.Column<long>(type: "bigint", nullable: false),
                    job_id = table.Column<Guid>(type: "uuid", nullable: true),
                    message_type = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    destination = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    request_id = table.Column<Guid>(type: "uuid", nullable: true),
                    body = table.Column<string>(type: "jsonb", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    error = table.Column<string>(type: "text", nullable: false),
                    dead_lettered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "outbox_dead_letters",
                schema: "queueflow");

            migrationBuilder.DropColumn(
                name: "attempts",
                schema: "queueflow",
                table: "outbox");

            migrationBuilder.DropColumn(
                name: "last_error",
                schema: "queueflow",
                table: "outbox");
        }
    }
}
