using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Larkway.Hub.Platform.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UserTokens : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "hub_user_tokens",
                columns: table => new
                {
                    app_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    user_key = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    access_token = table.Column<string>(type: "TEXT", maxLength: 8192, nullable: false),
                    access_expires_at = table.Column<long>(type: "INTEGER", nullable: false),
                    refresh_token = table.Column<string>(type: "TEXT", maxLength: 8192, nullable: true),
                    refresh_expires_at = table.Column<long>(type: "INTEGER", nullable: true),
                    scope = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: false),
                    token_type = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_hub_user_tokens", x => new { x.app_id, x.user_key });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "hub_user_tokens");
        }
    }
}
