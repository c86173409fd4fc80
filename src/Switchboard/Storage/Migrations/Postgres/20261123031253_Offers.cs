using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Switchboard.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Offers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string[]>(
                name: "ExcludedRepIds",
                table: "leads",
                type: "text[]",
                nullable: false,
                defaultValue: new string[0]);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "OfferExpiresAt",
                table: "leads",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string[]>(
                name: "OfferedRepIds",
                table: "leads",
                type: "text[]",
                nullable: false,
                defaultValue: new string[0]);

            migrationBuilder.CreateIndex(
                name: "IX_leads_Status_OfferExpiresAt",
                table: "leads",
                columns: new[] { "Status", "OfferExpiresAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_leads_Status_OfferExpiresAt",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "ExcludedRepIds",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "OfferExpiresAt",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "OfferedRepIds",
                table: "leads");
        }
    }
}
