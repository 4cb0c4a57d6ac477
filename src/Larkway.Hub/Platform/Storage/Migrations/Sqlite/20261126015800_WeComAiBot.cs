using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Larkway.Hub.Platform.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class WeComAiBot : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ai_bot_id",
                table: "hub_apps",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ai_bot_secret",
                table: "hub_apps",
                type: "TEXT",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ai_bot_url",
                table: "hub_apps",
                type: "TEXT",
                maxLength: 512,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ai_bot_id",
                table: "hub_apps");

            migrationBuilder.DropColumn(
                name: "ai_bot_secret",
                table: "hub_apps");

            migrationBuilder.DropColumn(
                name: "ai_bot_url",
                table: "hub_apps");
        }
    }
}
