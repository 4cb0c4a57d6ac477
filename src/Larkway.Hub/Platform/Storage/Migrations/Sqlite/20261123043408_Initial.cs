using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Larkway.Hub.Platform.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "api_keys",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    secret_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    types = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    revoked_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_api_keys", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "approvals",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    caller = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    idempotency_key = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    request_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    app = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    approval_code = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    applicant_type = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    applicant = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    applicant_open_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    department_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    form = table.Column<string>(type: "TEXT", nullable: false),
                    reference = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    uuid = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    instance_code = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    tasks = table.Column<string>(type: "TEXT", nullable: false),
                    sequence = table.Column<int>(type: "INTEGER", nullable: false),
                    error_code = table.Column<int>(type: "INTEGER", nullable: true),
                    error_message = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    log_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    synced_at = table.Column<long>(type: "INTEGER", nullable: true),
                    next_sync_at = table.Column<long>(type: "INTEGER", nullable: true),
                    ended_at = table.Column<long>(type: "INTEGER", nullable: true),
                    notification_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    cards_show_status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    cards_due = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_approvals", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "bot_conversations",
                columns: table => new
                {
                    app = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    chat_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    user_open_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    step = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    values_json = table.Column<string>(type: "TEXT", maxLength: 16384, nullable: false),
                    expires_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_bot_conversations", x => new { x.app, x.chat_id, x.user_open_id });
                });

            migrationBuilder.CreateTable(
                name: "hub_alerts",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    rule = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    opened_at = table.Column<long>(type: "INTEGER", nullable: false),
                    detail = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    cleared_at = table.Column<long>(type: "INTEGER", nullable: true),
                    cleared_detail = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    notification_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    notice_problem = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    cleared_notification_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    cleared_notice_problem = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_hub_alerts", x => x.id);
                });

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
                    legacy_card_callbacks = table.Column<bool>(type: "INTEGER", nullable: false),
                    enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_hub_apps", x => x.name);
                });

            migrationBuilder.CreateTable(
                name: "hub_audit_log",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    at = table.Column<long>(type: "INTEGER", nullable: false),
                    actor = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    action = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    target = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    details = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    remote_ip = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_hub_audit_log", x => x.id);
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

            migrationBuilder.CreateTable(
                name: "hub_leases",
                columns: table => new
                {
                    name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    owner = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    acquired_at = table.Column<long>(type: "INTEGER", nullable: false),
                    expires_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_hub_leases", x => x.name);
                });

            migrationBuilder.CreateTable(
                name: "hub_metric_minutes",
                columns: table => new
                {
                    replica = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    minute = table.Column<long>(type: "INTEGER", nullable: false),
                    api_calls = table.Column<long>(type: "INTEGER", nullable: false),
                    api_errors = table.Column<long>(type: "INTEGER", nullable: false),
                    token_lookups = table.Column<long>(type: "INTEGER", nullable: false),
                    token_hits = table.Column<long>(type: "INTEGER", nullable: false),
                    token_fetches = table.Column<long>(type: "INTEGER", nullable: false),
                    token_failures = table.Column<long>(type: "INTEGER", nullable: false),
                    events_handled = table.Column<long>(type: "INTEGER", nullable: false),
                    event_latency = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    cards_rendered = table.Column<long>(type: "INTEGER", nullable: false),
                    cards_failed = table.Column<long>(type: "INTEGER", nullable: false),
                    dead_letters = table.Column<long>(type: "INTEGER", nullable: false),
                    queue_waiting = table.Column<long>(type: "INTEGER", nullable: false),
                    queue_oldest_seconds = table.Column<double>(type: "REAL", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_hub_metric_minutes", x => new { x.replica, x.minute });
                });

            migrationBuilder.CreateTable(
                name: "hub_settings",
                columns: table => new
                {
                    name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    value = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_hub_settings", x => x.name);
                });

            migrationBuilder.CreateTable(
                name: "hub_work_items",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    queue = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    key = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    payload = table.Column<string>(type: "TEXT", nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    next_attempt_at = table.Column<long>(type: "INTEGER", nullable: true),
                    lease_owner = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    lease_until = table.Column<long>(type: "INTEGER", nullable: true),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_hub_work_items", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "inbox_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    app_name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    event_type = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    dedup_key = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    body = table.Column<byte[]>(type: "BLOB", nullable: false),
                    transport = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    received_at = table.Column<long>(type: "INTEGER", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    next_attempt_at = table.Column<long>(type: "INTEGER", nullable: true),
                    lease_owner = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    lease_until = table.Column<long>(type: "INTEGER", nullable: true),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    completed_at = table.Column<long>(type: "INTEGER", nullable: true),
                    trace_parent = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_inbox_events", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "notification_types",
                columns: table => new
                {
                    name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    description = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    template = table.Column<string>(type: "TEXT", nullable: false),
                    sample_data = table.Column<string>(type: "TEXT", nullable: false),
                    recipients = table.Column<string>(type: "TEXT", nullable: false),
                    actions = table.Column<string>(type: "TEXT", nullable: false, defaultValue: "{}"),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_notification_types", x => x.name);
                });

            migrationBuilder.CreateTable(
                name: "notifications",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    caller = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    idempotency_key = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    request_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    type = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    message_type = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    content = table.Column<string>(type: "TEXT", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false, defaultValue: 1),
                    data = table.Column<string>(type: "TEXT", nullable: true),
                    decision = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    app = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_notifications", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "webhook_subscriptions",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    url = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    event_types = table.Column<string>(type: "TEXT", maxLength: 8192, nullable: false),
                    description = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    secret = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_webhook_subscriptions", x => x.id);
                });

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

            migrationBuilder.CreateTable(
                name: "approval_transitions",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    approval_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    sequence = table.Column<int>(type: "INTEGER", nullable: false),
                    key = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    event_type = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    task_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    task_status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    node_name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    operator_open_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    comment = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    source = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    at = table.Column<long>(type: "INTEGER", nullable: false)
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

            migrationBuilder.CreateTable(
                name: "inbox_dedup_keys",
                columns: table => new
                {
                    key = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    event_id = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_inbox_dedup_keys", x => x.key);
                    table.ForeignKey(
                        name: "fk_inbox_dedup_keys_inbox_events_event_id",
                        column: x => x.event_id,
                        principalTable: "inbox_events",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

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

            migrationBuilder.CreateTable(
                name: "notification_deliveries",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    notification_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    recipient_type = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    recipient = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    next_attempt_at = table.Column<long>(type: "INTEGER", nullable: true),
                    lease_owner = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    lease_until = table.Column<long>(type: "INTEGER", nullable: true),
                    uuid = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    message_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    sent_at = table.Column<long>(type: "INTEGER", nullable: true),
                    sent_version = table.Column<int>(type: "INTEGER", nullable: true),
                    error_code = table.Column<int>(type: "INTEGER", nullable: true),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    log_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_notification_deliveries", x => x.id);
                    table.ForeignKey(
                        name: "fk_notification_deliveries_notifications_notification_id",
                        column: x => x.notification_id,
                        principalTable: "notifications",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "webhook_deliveries",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    subscription_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    inbox_event_id = table.Column<long>(type: "INTEGER", nullable: true),
                    event_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    event_type = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    payload = table.Column<byte[]>(type: "BLOB", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    next_attempt_at = table.Column<long>(type: "INTEGER", nullable: true),
                    lease_owner = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    lease_until = table.Column<long>(type: "INTEGER", nullable: true),
                    status_code = table.Column<int>(type: "INTEGER", nullable: true),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    response_time_ms = table.Column<int>(type: "INTEGER", nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    delivered_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_webhook_deliveries", x => x.id);
                    table.ForeignKey(
                        name: "fk_webhook_deliveries_webhook_subscriptions_subscription_id",
                        column: x => x.subscription_id,
                        principalTable: "webhook_subscriptions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ux_api_keys_secret_hash",
                table: "api_keys",
                column: "secret_hash",
                unique: true);

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
                name: "ix_approvals_status_next_sync_at",
                table: "approvals",
                columns: new[] { "status", "next_sync_at" });

            migrationBuilder.CreateIndex(
                name: "ux_approvals_caller_idempotency_key",
                table: "approvals",
                columns: new[] { "caller", "idempotency_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_hub_alerts_opened_at",
                table: "hub_alerts",
                column: "opened_at");

            migrationBuilder.CreateIndex(
                name: "ux_hub_alerts_open_rule",
                table: "hub_alerts",
                column: "rule",
                unique: true,
                filter: "cleared_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ux_hub_data_protection_keys_friendly_name",
                table: "hub_data_protection_keys",
                column: "friendly_name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_hub_metric_minutes_minute",
                table: "hub_metric_minutes",
                column: "minute");

            migrationBuilder.CreateIndex(
                name: "ix_hub_work_items_queue_state_next_attempt_at",
                table: "hub_work_items",
                columns: new[] { "queue", "status", "next_attempt_at" });

            migrationBuilder.CreateIndex(
                name: "ux_hub_work_items_queue_key",
                table: "hub_work_items",
                columns: new[] { "queue", "key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_inbox_dedup_keys_event_id",
                table: "inbox_dedup_keys",
                column: "event_id");

            migrationBuilder.CreateIndex(
                name: "ix_inbox_events_event_type_id",
                table: "inbox_events",
                columns: new[] { "event_type", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_inbox_events_status_id",
                table: "inbox_events",
                columns: new[] { "status", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_inbox_events_status_next_attempt_at",
                table: "inbox_events",
                columns: new[] { "status", "next_attempt_at" });

            migrationBuilder.CreateIndex(
                name: "ux_notification_actions_notification_id_event_key",
                table: "notification_actions",
                columns: new[] { "notification_id", "event_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_notification_deliveries_notification_id",
                table: "notification_deliveries",
                column: "notification_id");

            migrationBuilder.CreateIndex(
                name: "ix_notification_deliveries_status_next_attempt_at",
                table: "notification_deliveries",
                columns: new[] { "status", "next_attempt_at" });

            migrationBuilder.CreateIndex(
                name: "ux_notifications_caller_idempotency_key",
                table: "notifications",
                columns: new[] { "caller", "idempotency_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_webhook_deliveries_inbox_event_id",
                table: "webhook_deliveries",
                column: "inbox_event_id");

            migrationBuilder.CreateIndex(
                name: "ix_webhook_deliveries_status_next_attempt_at",
                table: "webhook_deliveries",
                columns: new[] { "status", "next_attempt_at" });

            migrationBuilder.CreateIndex(
                name: "ux_webhook_deliveries_subscription_id_inbox_event_id",
                table: "webhook_deliveries",
                columns: new[] { "subscription_id", "inbox_event_id" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "api_keys");

            migrationBuilder.DropTable(
                name: "approval_cards");

            migrationBuilder.DropTable(
                name: "approval_transitions");

            migrationBuilder.DropTable(
                name: "bot_conversations");

            migrationBuilder.DropTable(
                name: "hub_alerts");

            migrationBuilder.DropTable(
                name: "hub_apps");

            migrationBuilder.DropTable(
                name: "hub_audit_log");

            migrationBuilder.DropTable(
                name: "hub_data_protection_keys");

            migrationBuilder.DropTable(
                name: "hub_leases");

            migrationBuilder.DropTable(
                name: "hub_metric_minutes");

            migrationBuilder.DropTable(
                name: "hub_settings");

            migrationBuilder.DropTable(
                name: "hub_work_items");

            migrationBuilder.DropTable(
                name: "inbox_dedup_keys");

            migrationBuilder.DropTable(
                name: "notification_actions");

            migrationBuilder.DropTable(
                name: "notification_deliveries");

            migrationBuilder.DropTable(
                name: "notification_types");

            migrationBuilder.DropTable(
                name: "webhook_deliveries");

            migrationBuilder.DropTable(
                name: "approvals");

            migrationBuilder.DropTable(
                name: "inbox_events");

            migrationBuilder.DropTable(
                name: "notifications");

            migrationBuilder.DropTable(
                name: "webhook_subscriptions");
        }
    }
}
