using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Larkway.Hub.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ApprovalCards : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "cards_show_status",
                table: "approvals",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "notification_id",
                table: "approvals",
                type: "TEXT",
                maxLength: 40,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "approval_cards",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    approval_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    task_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    approver_open_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    notification_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    task_status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    shown = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    pending_since = table.Column<long>(type: "INTEGER", nullable: false),
                    reminders = table.Column<int>(type: "INTEGER", nullable: false),
                    last_reminded_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_approval_cards", x => x.id);
                    table.ForeignKey(
                        name: "fk_approval_cards_approvals_approval_id",
                        column: x => x.approval_id,
                        principalTable: "approvals",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_approval_cards_task_status_pending_since",
                table: "approval_cards",
                columns: new[] { "task_status", "pending_since" });

            migrationBuilder.CreateIndex(
                name: "ux_approval_cards_approval_id_task_id",
                table: "approval_cards",
                columns: new[] { "approval_id", "task_id" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "approval_cards");

            migrationBuilder.DropColumn(
                name: "cards_show_status",
                table: "approvals");

            migrationBuilder.DropColumn(
                name: "notification_id",
                table: "approvals");
        }
    }
}
