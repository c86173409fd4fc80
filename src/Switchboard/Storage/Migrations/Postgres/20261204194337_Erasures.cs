using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Switchboard.Storage.Migrations.Postgres
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    LeadId = table.Column<string>(type: "text", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    By = table.Column<string>(type: "text", nullable: false),
                    EmailHash = table.Column<string>(type: "text", nullable: true),
                    PhoneHash = table.Column<string>(type: "text", nullable: true),
                    ExternalIdHash = table.Column<string>(type: "text", nullable: true)
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
