using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Larkway.Hub.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class HubApps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "hub_apps",
                columns: table => new
                {
                    name = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    app_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    base_url = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    app_secret = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    encrypt_key = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    verification_token = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_hub_apps", x => x.name);
                });

            migrationBuilder.CreateTable(
                name: "hub_data_protection_keys",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    friendly_name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    xml = table.Column<string>(type: "TEXT", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_hub_data_protection_keys", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ux_hub_data_protection_keys_friendly_name",
                table: "hub_data_protection_keys",
                column: "friendly_name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "hub_apps");

            migrationBuilder.DropTable(
                name: "hub_data_protection_keys");
        }
    }
}
