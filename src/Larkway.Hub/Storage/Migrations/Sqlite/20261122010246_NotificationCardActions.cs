using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Larkway.Hub.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class NotificationCardActions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "data",
                table: "notifications",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "decision",
                table: "notifications",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "actions",
                table: "notification_types",
                type: "TEXT",
                nullable: false,
                defaultValue: "{}");

            migrationBuilder.CreateTable(
                name: "notification_actions",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    notification_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    event_key = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    action = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    known = table.Column<bool>(type: "INTEGER", nullable: false),
                    operator_open_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    message_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    recipient = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    form_values = table.Column<string>(type: "TEXT", nullable: false),
                    decision = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_notification_actions", x => x.id);
                    table.ForeignKey(
                        name: "fk_notification_actions_notifications_notification_id",
                        column: x => x.notification_id,
                        principalTable: "notifications",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ux_notification_actions_notification_id_event_key",
                table: "notification_actions",
                columns: new[] { "notification_id", "event_key" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "notification_actions");

            migrationBuilder.DropColumn(
                name: "data",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "decision",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "actions",
                table: "notification_types");
        }
    }
}
