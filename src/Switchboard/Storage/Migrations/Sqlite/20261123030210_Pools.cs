using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Switchboard.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Pools : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_leads_PoolId",
                table: "leads");

            migrationBuilder.AddColumn<string>(
                name: "ClaimedFromPoolId",
                table: "leads",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "PoolEscalatedAt",
                table: "leads",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "PooledAt",
                table: "leads",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "pools",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    Mode = table.Column<string>(type: "TEXT", nullable: false),
                    MemberTeamIds = table.Column<string>(type: "TEXT", nullable: false),
                    MemberRepIds = table.Column<string>(type: "TEXT", nullable: false),
                    VisibleFields = table.Column<string>(type: "TEXT", nullable: false),
                    Condition = table.Column<string>(type: "TEXT", nullable: true),
                    ClaimMaxOpen = table.Column<int>(type: "INTEGER", nullable: true),
                    ClaimPerDay = table.Column<int>(type: "INTEGER", nullable: true),
                    EscalateAfter = table.Column<string>(type: "TEXT", nullable: true),
                    EscalateAction = table.Column<string>(type: "TEXT", nullable: true),
                    WidenTeamIds = table.Column<string>(type: "TEXT", nullable: false),
                    WidenRepIds = table.Column<string>(type: "TEXT", nullable: false),
                    EscalateTo = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pools", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_leads_PoolId_Status_PooledAt",
                table: "leads",
                columns: new[] { "PoolId", "Status", "PooledAt" });

            migrationBuilder.CreateIndex(
                name: "IX_lead_events_RepId_Type_At",
                table: "lead_events",
                columns: new[] { "RepId", "Type", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "pools");

            migrationBuilder.DropIndex(
                name: "IX_leads_PoolId_Status_PooledAt",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_lead_events_RepId_Type_At",
                table: "lead_events");

            migrationBuilder.DropColumn(
                name: "ClaimedFromPoolId",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "PoolEscalatedAt",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "PooledAt",
                table: "leads");

            migrationBuilder.CreateIndex(
                name: "IX_leads_PoolId",
                table: "leads",
                column: "PoolId");
        }
    }
}
