using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Larkway.Hub.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AppLegacyCardCallbacks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "legacy_card_callbacks",
                table: "hub_apps",
                type: "INTEGER",
                nullable: false,

                // Apps stored before this column accepted old-style callbacks; they keep doing so until changed.
                defaultValue: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "legacy_card_callbacks",
                table: "hub_apps");
        }
    }
}
