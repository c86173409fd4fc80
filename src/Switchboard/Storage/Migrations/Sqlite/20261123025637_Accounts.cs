using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Switchboard.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Accounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "AccountId",
                table: "leads",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "account_domains",
                columns: table => new
                {
                    Domain = table.Column<string>(type: "TEXT", nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_account_domains", x => x.Domain);
                });

            migrationBuilder.CreateTable(
                name: "accounts",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    NameKey = table.Column<string>(type: "TEXT", nullable: true),
                    NameBlock = table.Column<string>(type: "TEXT", nullable: true),
                    OwnerRepId = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_accounts", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_leads_AccountId",
                table: "leads",
                column: "AccountId");

            migrationBuilder.CreateIndex(
                name: "IX_account_domains_AccountId",
                table: "account_domains",
                column: "AccountId");

            migrationBuilder.CreateIndex(
                name: "IX_accounts_NameBlock",
                table: "accounts",
                column: "NameBlock");

            migrationBuilder.CreateIndex(
                name: "IX_accounts_NameKey",
                table: "accounts",
                column: "NameKey");

            migrationBuilder.CreateIndex(
                name: "IX_accounts_OwnerRepId",
                table: "accounts",
                column: "OwnerRepId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "account_domains");

            migrationBuilder.DropTable(
                name: "accounts");

            migrationBuilder.DropIndex(
                name: "IX_leads_AccountId",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "AccountId",
                table: "leads");
        }
    }
}
