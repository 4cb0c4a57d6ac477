using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Larkway.Hub.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Approvals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<long>(
                name: "inbox_event_id",
                table: "webhook_deliveries",
                type: "bigint",
                nullable: true,
                oldClrType: typeof(long),
                oldType: "bigint");

            migrationBuilder.CreateTable(
                name: "approvals",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    caller = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    idempotency_key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    request_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    app = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    approval_code = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    applicant_type = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    applicant = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    applicant_open_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    department_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    form = table.Column<string>(type: "text", nullable: false),
                    reference = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    uuid = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    instance_code = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    tasks = table.Column<string>(type: "text", nullable: false),
                    sequence = table.Column<int>(type: "integer", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    next_attempt_at = table.Column<long>(type: "bigint", nullable: true),
                    error_code = table.Column<int>(type: "integer", nullable: true),
                    error_message = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    log_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    created_at = table.Column<long>(type: "bigint", nullable: false),
                    synced_at = table.Column<long>(type: "bigint", nullable: true),
                    next_sync_at = table.Column<long>(type: "bigint", nullable: true),
                    ended_at = table.Column<long>(type: "bigint", nullable: true),
                    notification_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    cards_show_status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    cards_due = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_approvals", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "approval_cards",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    approval_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    task_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    approver_open_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    notification_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    task_status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    shown = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    pending_since = table.Column<long>(type: "bigint", nullable: false),
                    reminders = table.Column<int>(type: "integer", nullable: false),
                    last_reminded_at = table.Column<long>(type: "bigint", nullable: true)
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

            migrationBuilder.CreateTable(
                name: "approval_transitions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    approval_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    sequence = table.Column<int>(type: "integer", nullable: false),
                    key = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    event_type = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    task_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    task_status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    node_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    operator_open_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    comment = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    source = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    at = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_approval_transitions", x => x.id);
                    table.ForeignKey(
                        name: "fk_approval_transitions_approvals_approval_id",
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

            migrationBuilder.CreateIndex(
                name: "ux_approval_transitions_approval_id_key",
                table: "approval_transitions",
                columns: new[] { "approval_id", "key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_approval_transitions_approval_id_sequence",
                table: "approval_transitions",
                columns: new[] { "approval_id", "sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_approvals_app_instance_code",
                table: "approvals",
                columns: new[] { "app", "instance_code" });

            migrationBuilder.CreateIndex(
                name: "ix_approvals_caller_reference",
                table: "approvals",
                columns: new[] { "caller", "reference" });

            migrationBuilder.CreateIndex(
                name: "ix_approvals_cards_due_synced_at",
                table: "approvals",
                columns: new[] { "cards_due", "synced_at" });

            migrationBuilder.CreateIndex(
                name: "ix_approvals_status_next_attempt_at",
                table: "approvals",
                columns: new[] { "status", "next_attempt_at" });

            migrationBuilder.CreateIndex(
                name: "ix_approvals_status_next_sync_at",
                table: "approvals",
                columns: new[] { "status", "next_sync_at" });

            migrationBuilder.CreateIndex(
                name: "ux_approvals_caller_idempotency_key",
                table: "approvals",
                columns: new[] { "caller", "idempotency_key" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "approval_cards");

            migrationBuilder.DropTable(
                name: "approval_transitions");

            migrationBuilder.DropTable(
                name: "approvals");

            migrationBuilder.AlterColumn<long>(
                name: "inbox_event_id",
                table: "webhook_deliveries",
                type: "bigint",
                nullable: false,
                defaultValue: 0L,
                oldClrType: typeof(long),
                oldType: "bigint",
                oldNullable: true);
        }
    }
}
