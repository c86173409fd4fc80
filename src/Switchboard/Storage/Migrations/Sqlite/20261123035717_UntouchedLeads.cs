using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Switchboard.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UntouchedLeads : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "StaleCheckAt",
                table: "leads",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "StaleStage",
                table: "leads",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateIndex(
                name: "IX_leads_StaleCheckAt",
                table: "leads",
                column: "StaleCheckAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_leads_StaleCheckAt",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "StaleCheckAt",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "StaleStage",
                table: "leads");
        }
    }
}
