using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Switchboard.Storage.Migrations.Postgres
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
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "PoolEscalatedAt",
                table: "leads",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "PooledAt",
                table: "leads",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "pools",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false),
                    Mode = table.Column<string>(type: "text", nullable: false),
                    MemberTeamIds = table.Column<string[]>(type: "text[]", nullable: false),
                    MemberRepIds = table.Column<string[]>(type: "text[]", nullable: false),
                    VisibleFields = table.Column<string[]>(type: "text[]", nullable: false),
                    Condition = table.Column<string>(type: "text", nullable: true),
                    ClaimMaxOpen = table.Column<int>(type: "integer", nullable: true),
                    ClaimPerDay = table.Column<int>(type: "integer", nullable: true),
                    EscalateAfter = table.Column<string>(type: "text", nullable: true),
                    EscalateAction = table.Column<string>(type: "text", nullable: true),
                    WidenTeamIds = table.Column<string[]>(type: "text[]", nullable: false),
                    WidenRepIds = table.Column<string[]>(type: "text[]", nullable: false),
                    EscalateTo = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
