using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Switchboard.Storage.Migrations.Sqlite
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
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "CapPerHour",
                table: "teams",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "CapPerMonth",
                table: "teams",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "CapPerWeek",
                table: "teams",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Holidays",
                table: "teams",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "LedgerJson",
                table: "strategy_states",
                type: "TEXT",
                nullable: false,
                defaultValue: "{}");

            migrationBuilder.AddColumn<string>(
                name: "HolidayRegion",
                table: "reps",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "HeldSince",
                table: "leads",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "holiday_calendars",
                columns: table => new
                {
                    Region = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: true),
                    Dates = table.Column<string>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
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
