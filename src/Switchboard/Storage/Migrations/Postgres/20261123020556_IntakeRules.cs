using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Switchboard.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class IntakeRules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DisqualifiedReason",
                table: "leads",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Grade",
                table: "leads",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ScoreReasonsJson",
                table: "leads",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "intake_rules",
                columns: table => new
                {
                    Version = table.Column<int>(type: "integer", nullable: false),
                    Document = table.Column<string>(type: "text", nullable: false),
                    Format = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CreatedByKeyId = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_intake_rules", x => x.Version);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "intake_rules");

            migrationBuilder.DropColumn(
                name: "DisqualifiedReason",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "Grade",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "ScoreReasonsJson",
                table: "leads");
        }
    }
}
