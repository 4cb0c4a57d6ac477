using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Larkway.Hub.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ClickOperatorAndRouteSteps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "platforms_tried",
                table: "notification_deliveries",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(64)",
                oldMaxLength: 64,
                oldNullable: true);

            migrationBuilder.AddColumn<string>(
                name: "operator_person_id",
                table: "notification_actions",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "operator_platform",
                table: "notification_actions",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "operator_user_id",
                table: "notification_actions",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            // Clicks recorded before: the id in operator_open_id was the platform's own (a DingTalk or WeCom userid on
            // those platforms' clicks, whose keys start with their platform). It moves to operator_user_id; operator_open_id
            // keeps Feishu's only.
            migrationBuilder.Sql(
                "UPDATE notification_actions SET operator_user_id = operator_open_id, operator_platform = CASE "
                + "WHEN event_key LIKE 'dingtalk/%' THEN 'dingtalk' WHEN event_key LIKE 'wecom/%' THEN 'wecom' ELSE 'feishu' END "
                + "WHERE operator_open_id IS NOT NULL");
            migrationBuilder.Sql("UPDATE notification_actions SET operator_open_id = NULL WHERE operator_platform IN ('dingtalk', 'wecom')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "operator_person_id",
                table: "notification_actions");

            migrationBuilder.DropColumn(
                name: "operator_platform",
                table: "notification_actions");

            migrationBuilder.DropColumn(
                name: "operator_user_id",
                table: "notification_actions");

            migrationBuilder.AlterColumn<string>(
                name: "platforms_tried",
                table: "notification_deliveries",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(1000)",
                oldMaxLength: 1000,
                oldNullable: true);
        }
    }
}
