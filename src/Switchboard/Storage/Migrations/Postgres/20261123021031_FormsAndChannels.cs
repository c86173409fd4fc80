using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Switchboard.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class FormsAndChannels : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Campaign",
                table: "leads",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Channel",
                table: "leads",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "UtmCampaign",
                table: "leads",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "UtmContent",
                table: "leads",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "UtmMedium",
                table: "leads",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "UtmSource",
                table: "leads",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "UtmTerm",
                table: "leads",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "forms",
                columns: table => new
                {
                    Key = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false),
                    Source = table.Column<string>(type: "text", nullable: true),
                    FieldMapJson = table.Column<string>(type: "text", nullable: true),
                    ThankYouUrl = table.Column<string>(type: "text", nullable: true),
                    HoneypotField = table.Column<string>(type: "text", nullable: true),
                    AllowedOrigins = table.Column<string[]>(type: "text[]", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_forms", x => x.Key);
                });

            migrationBuilder.CreateIndex(
                name: "IX_leads_Campaign",
                table: "leads",
                column: "Campaign");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "forms");

            migrationBuilder.DropIndex(
                name: "IX_leads_Campaign",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "Campaign",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "Channel",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "UtmCampaign",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "UtmContent",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "UtmMedium",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "UtmSource",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "UtmTerm",
                table: "leads");
        }
    }
}
