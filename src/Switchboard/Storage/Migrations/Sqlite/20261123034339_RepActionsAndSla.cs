using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Switchboard.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RepActionsAndSla : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "AcceptDueAt",
                table: "leads",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "AcceptedAt",
                table: "leads",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "FeedbackScore",
                table: "leads",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "FirstTouchAt",
                table: "leads",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LastActivityAt",
                table: "leads",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LostReason",
                table: "leads",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "RemindAt",
                table: "leads",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SlaJson",
                table: "leads",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "TouchDueAt",
                table: "leads",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_leads_AcceptDueAt",
                table: "leads",
                column: "AcceptDueAt");

            migrationBuilder.CreateIndex(
                name: "IX_leads_RemindAt",
                table: "leads",
                column: "RemindAt");

            migrationBuilder.CreateIndex(
                name: "IX_leads_TouchDueAt",
                table: "leads",
                column: "TouchDueAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_leads_AcceptDueAt",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_RemindAt",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_TouchDueAt",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "AcceptDueAt",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "AcceptedAt",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "FeedbackScore",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "FirstTouchAt",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "LastActivityAt",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "LostReason",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "RemindAt",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "SlaJson",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "TouchDueAt",
                table: "leads");
        }
    }
}
