using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Larkway.Hub.Platform.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DingTalkApps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "agent_id",
                table: "hub_apps",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "platform",
                table: "hub_apps",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "feishu");

            migrationBuilder.AddColumn<string>(
                name: "robot_code",
                table: "hub_apps",
                type: "TEXT",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "agent_id",
                table: "hub_apps");

            migrationBuilder.DropColumn(
                name: "platform",
                table: "hub_apps");

            migrationBuilder.DropColumn(
                name: "robot_code",
                table: "hub_apps");
        }
    }
}
