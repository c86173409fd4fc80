using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Switchboard.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class FairnessTeamsHolidays : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "CapPerDay",
                table: "teams",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "CapPerHour",
                table: "teams",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "CapPerMonth",
                table: "teams",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "CapPerWeek",
                table: "teams",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string[]>(
                name: "Holidays",
                table: "teams",
                type: "text[]",
                nullable: false,
                defaultValue: new string[0]);

            migrationBuilder.AddColumn<string>(
                name: "LedgerJson",
                table: "strategy_states",
                type: "text",
                nullable: false,
                defaultValue: "{}");

            migrationBuilder.AddColumn<string>(
                name: "HolidayRegion",
                table: "reps",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "HeldSince",
                table: "leads",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "holiday_calendars",
                columns: table => new
                {
                    Region = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: true),
                    Dates = table.Column<string[]>(type: "text[]", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_holiday_calendars", x => x.Region);
                });

            migrationBuilder.CreateIndex(
                name: "IX_leads_CompanyDomain",
                table: "leads",
                column: "CompanyDomain");

            migrationBuilder.CreateIndex(
                name: "IX_leads_OwnerRepId_AssignedAt",
                table: "leads",
                columns: new[] { "OwnerRepId", "AssignedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "holiday_calendars");

            migrationBuilder.DropIndex(
                name: "IX_leads_CompanyDomain",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_OwnerRepId_AssignedAt",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "CapPerDay",
                table: "teams");

            migrationBuilder.DropColumn(
                name: "CapPerHour",
                table: "teams");

            migrationBuilder.DropColumn(
                name: "CapPerMonth",
                table: "teams");

            migrationBuilder.DropColumn(
                name: "CapPerWeek",
                table: "teams");

            migrationBuilder.DropColumn(
                name: "Holidays",
                table: "teams");

            migrationBuilder.DropColumn(
                name: "LedgerJson",
                table: "strategy_states");

            migrationBuilder.DropColumn(
                name: "HolidayRegion",
                table: "reps");

            migrationBuilder.DropColumn(
                name: "HeldSince",
                table: "leads");
        }
    }
}
