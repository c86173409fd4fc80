using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Switchboard.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PartialLeadIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_leads_AcceptDueAt",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_AccountId",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_Campaign",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_CompanyDomain",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_CompanyKey",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_CreatedByKeyId",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_Email",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_ExternalId",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_OwnerRepId_AssignedAt",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_OwnerRepId_Status",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_Phone",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_PoolId_Status_PooledAt",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_RemindAt",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_StaleCheckAt",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_Status_OfferExpiresAt",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_TouchDueAt",
                table: "leads");

            migrationBuilder.CreateIndex(
                name: "IX_leads_AcceptDueAt",
                table: "leads",
                column: "AcceptDueAt",
                filter: "\"AcceptDueAt\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_leads_AccountId",
                table: "leads",
                column: "AccountId",
                filter: "\"AccountId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_leads_Campaign",
                table: "leads",
                column: "Campaign",
                filter: "\"Campaign\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_leads_CompanyDomain",
                table: "leads",
                column: "CompanyDomain",
                filter: "\"CompanyDomain\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_leads_CompanyKey",
                table: "leads",
                column: "CompanyKey",
                filter: "\"CompanyKey\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_leads_CreatedByKeyId",
                table: "leads",
                column: "CreatedByKeyId",
                filter: "\"CreatedByKeyId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_leads_Email",
                table: "leads",
                column: "Email",
                filter: "\"Email\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_leads_ExternalId",
                table: "leads",
                column: "ExternalId",
                filter: "\"ExternalId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_leads_OwnerRepId_AssignedAt",
                table: "leads",
                columns: new[] { "OwnerRepId", "AssignedAt" },
                filter: "\"OwnerRepId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_leads_OwnerRepId_Status",
                table: "leads",
                columns: new[] { "OwnerRepId", "Status" },
                filter: "\"OwnerRepId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_leads_Phone",
                table: "leads",
                column: "Phone",
                filter: "\"Phone\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_leads_PoolId_Status_PooledAt",
                table: "leads",
                columns: new[] { "PoolId", "Status", "PooledAt" },
                filter: "\"PoolId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_leads_RemindAt",
                table: "leads",
                column: "RemindAt",
                filter: "\"RemindAt\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_leads_StaleCheckAt",
                table: "leads",
                column: "StaleCheckAt",
                filter: "\"StaleCheckAt\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_leads_Status_OfferExpiresAt",
                table: "leads",
                columns: new[] { "Status", "OfferExpiresAt" },
                filter: "\"OfferExpiresAt\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_leads_TouchDueAt",
                table: "leads",
                column: "TouchDueAt",
                filter: "\"TouchDueAt\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_leads_AcceptDueAt",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_AccountId",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_Campaign",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_CompanyDomain",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_CompanyKey",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_CreatedByKeyId",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_Email",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_ExternalId",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_OwnerRepId_AssignedAt",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_OwnerRepId_Status",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_Phone",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_PoolId_Status_PooledAt",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_RemindAt",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_StaleCheckAt",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_Status_OfferExpiresAt",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "IX_leads_TouchDueAt",
                table: "leads");

            migrationBuilder.CreateIndex(
                name: "IX_leads_AcceptDueAt",
                table: "leads",
                column: "AcceptDueAt");

            migrationBuilder.CreateIndex(
                name: "IX_leads_AccountId",
                table: "leads",
                column: "AccountId");

            migrationBuilder.CreateIndex(
                name: "IX_leads_Campaign",
                table: "leads",
                column: "Campaign");

            migrationBuilder.CreateIndex(
                name: "IX_leads_CompanyDomain",
                table: "leads",
                column: "CompanyDomain");

            migrationBuilder.CreateIndex(
                name: "IX_leads_CompanyKey",
                table: "leads",
                column: "CompanyKey");

            migrationBuilder.CreateIndex(
                name: "IX_leads_CreatedByKeyId",
                table: "leads",
                column: "CreatedByKeyId");

            migrationBuilder.CreateIndex(
                name: "IX_leads_Email",
                table: "leads",
                column: "Email");

            migrationBuilder.CreateIndex(
                name: "IX_leads_ExternalId",
                table: "leads",
                column: "ExternalId");

            migrationBuilder.CreateIndex(
                name: "IX_leads_OwnerRepId_AssignedAt",
                table: "leads",
                columns: new[] { "OwnerRepId", "AssignedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_leads_OwnerRepId_Status",
                table: "leads",
                columns: new[] { "OwnerRepId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_leads_Phone",
                table: "leads",
                column: "Phone");

            migrationBuilder.CreateIndex(
                name: "IX_leads_PoolId_Status_PooledAt",
                table: "leads",
                columns: new[] { "PoolId", "Status", "PooledAt" });

            migrationBuilder.CreateIndex(
                name: "IX_leads_RemindAt",
                table: "leads",
                column: "RemindAt");

            migrationBuilder.CreateIndex(
                name: "IX_leads_StaleCheckAt",
                table: "leads",
                column: "StaleCheckAt");

            migrationBuilder.CreateIndex(
                name: "IX_leads_Status_OfferExpiresAt",
                table: "leads",
                columns: new[] { "Status", "OfferExpiresAt" });

            migrationBuilder.CreateIndex(
                name: "IX_leads_TouchDueAt",
                table: "leads",
                column: "TouchDueAt");
        }
    }
}
