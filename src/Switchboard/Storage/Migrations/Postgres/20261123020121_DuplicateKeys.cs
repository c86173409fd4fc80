using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Switchboard.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DuplicateKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "CompanyKey",
                table: "leads",
                type: "text",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_leads_CompanyKey",
                table: "leads",
                column: "CompanyKey");

            migrationBuilder.CreateIndex(
                name: "IX_leads_Phone",
                table: "leads",
                column: "Phone");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_leads_CompanyKey",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_Phone",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "CompanyKey",
                table: "leads");
        }
    }
}
