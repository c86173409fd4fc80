using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Switchboard.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Erasures : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "erasures",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    LeadId = table.Column<string>(type: "TEXT", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    By = table.Column<string>(type: "TEXT", nullable: false),
                    EmailHash = table.Column<string>(type: "TEXT", nullable: true),
                    PhoneHash = table.Column<string>(type: "TEXT", nullable: true),
                    ExternalIdHash = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_erasures", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_erasures_EmailHash",
                table: "erasures",
                column: "EmailHash");

            migrationBuilder.CreateIndex(
                name: "IX_erasures_ExternalIdHash",
                table: "erasures",
                column: "ExternalIdHash");

            migrationBuilder.CreateIndex(
                name: "IX_erasures_PhoneHash",
                table: "erasures",
                column: "PhoneHash");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "erasures");
        }
    }
}
