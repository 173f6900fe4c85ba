using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace QueueFlow.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class DeadLetterBodyEncoding : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "body_encoding",
                schema: "queueflow",
                table: "dead_letters",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "Text");

            // Rows kept as base64 before this column said so: their reason said so instead, unless a refused replay has
            // replaced it since (those stay Text, their body base64 as before).
            migrationBuilder.Sql("UPDATE queueflow.dead_letters SET body_encoding = 'Base64' WHERE reason LIKE 'stored as base64%'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "body_encoding",
                schema: "queueflow",
                table: "dead_letters");
        }
    }
}
