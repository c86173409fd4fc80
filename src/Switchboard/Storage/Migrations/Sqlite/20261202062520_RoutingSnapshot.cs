using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Switchboard.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RoutingSnapshot : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "OpenLeads",
                table: "reps",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "routing_version",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_routing_version", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "routing_version",
                columns: new[] { "Id", "Version" },
                values: new object[] { 1, 0L });

            // Open leads were counted per query until now; from here on they are a column moved with each lead.
            migrationBuilder.Sql("""
                UPDATE reps SET "OpenLeads" = (SELECT COUNT(*) FROM leads
                    WHERE leads."OwnerRepId" = reps."Id"
                    AND leads."Status" IN ('offered', 'assigned', 'accepted', 'contacted', 'qualified', 'meeting', 'proposal'))
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "routing_version");

            migrationBuilder.DropColumn(
                name: "OpenLeads",
                table: "reps");
        }
    }
}
