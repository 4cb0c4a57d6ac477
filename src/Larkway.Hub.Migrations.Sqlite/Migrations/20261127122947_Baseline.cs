using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Larkway.Hub.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Baseline : Migration
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
                    approvers = table.Column<string>(type: "TEXT", nullable: true),
                    department_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    form = table.Column<string>(type: "TEXT", nullable: false),
                    approval_name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    form_display = table.Column<string>(type: "TEXT", nullable: true),
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
                name: "assistants",
                columns: table => new
                {
                    name = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    display_name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    backend = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    base_url = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    api_key = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    model = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    system_prompt = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: true),
                    apps = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: false),
                    policy = table.Column<string>(type: "TEXT", maxLength: 65536, nullable: false),
                    sessions = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: false),
                    masking = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: false),
                    streaming = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: false),
                    enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_assistants", x => x.name);
                });

            migrationBuilder.CreateTable(
                name: "bitable_sync_conflicts",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    sync_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    row_key = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    record_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    database_json = table.Column<string>(type: "TEXT", maxLength: 65536, nullable: true),
                    bitable_json = table.Column<string>(type: "TEXT", maxLength: 65536, nullable: true),
                    found_at = table.Column<long>(type: "INTEGER", nullable: false),
                    resolution = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    resolved_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_bitable_sync_conflicts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "bitable_sync_dead_letters",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    sync_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    row_key = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    record_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    direction = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    code = table.Column<int>(type: "INTEGER", nullable: false),
                    message = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    failed_at = table.Column<long>(type: "INTEGER", nullable: false),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    retry_requested_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_bitable_sync_dead_letters", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "bitable_sync_dirty_records",
                columns: table => new
                {
                    sync_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    record_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    action = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    changed_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_bitable_sync_dirty_records", x => new { x.sync_id, x.record_id });
                });

            migrationBuilder.CreateTable(
                name: "bitable_sync_passes",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    sync_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    started_at = table.Column<long>(type: "INTEGER", nullable: false),
                    ended_at = table.Column<long>(type: "INTEGER", nullable: false),
                    outcome = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    to_bitable = table.Column<int>(type: "INTEGER", nullable: false),
                    to_database = table.Column<int>(type: "INTEGER", nullable: false),
                    conflicts = table.Column<int>(type: "INTEGER", nullable: false),
                    refused = table.Column<int>(type: "INTEGER", nullable: false),
                    api_calls = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_bitable_sync_passes", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "bitable_syncs",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    app = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    app_token = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    table_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    database_kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    connection_protected = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: true),
                    table_name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    mapping_json = table.Column<string>(type: "TEXT", maxLength: 65536, nullable: false),
                    direction = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    capture = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    updated_at_column = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    conflicts = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    propagate_deletes = table.Column<bool>(type: "INTEGER", nullable: false),
                    soft_delete_column = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    state = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    interval_seconds = table.Column<int>(type: "INTEGER", nullable: false),
                    full_diff_every = table.Column<int>(type: "INTEGER", nullable: false),
                    passes = table.Column<long>(type: "INTEGER", nullable: false),
                    schema_problems_json = table.Column<string>(type: "TEXT", maxLength: 16384, nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false),
                    last_pass_at = table.Column<long>(type: "INTEGER", nullable: true),
                    last_pass_outcome = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    lag_ms = table.Column<long>(type: "INTEGER", nullable: true),
                    rows_to_bitable = table.Column<long>(type: "INTEGER", nullable: false),
                    rows_to_database = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_bitable_syncs", x => x.id);
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
                name: "console_admins",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    value = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    note = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_console_admins", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "dingtalk_robot_signatures",
                columns: table => new
                {
                    app_name = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    timestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    body_sha256 = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dingtalk_robot_signatures", x => new { x.app_name, x.timestamp });
                });

            migrationBuilder.CreateTable(
                name: "directory_changes",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    tenant_key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    person_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    department_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    fields = table.Column<string>(type: "TEXT", nullable: false),
                    source = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    source_ref = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_directory_changes", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "directory_departments",
                columns: table => new
                {
                    tenant_key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    open_department_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    department_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    parent_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    path = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: false),
                    path_names = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: false),
                    leader_open_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    sort_order = table.Column<long>(type: "INTEGER", nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    field_times = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    last_sync_run_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_directory_departments", x => new { x.tenant_key, x.open_department_id });
                });

            migrationBuilder.CreateTable(
                name: "directory_people",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    tenant_key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    union_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    user_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    en_name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    email = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true),
                    enterprise_email = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true),
                    mobile = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    employee_no = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    avatar_url = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    leader_open_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    field_times = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    last_sync_run_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    preferred_platform = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_directory_people", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "directory_sync_runs",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    app = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    tenant_key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    trigger = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    all_members = table.Column<bool>(type: "INTEGER", nullable: true),
                    api_calls = table.Column<int>(type: "INTEGER", nullable: false),
                    failed_pages = table.Column<int>(type: "INTEGER", nullable: false),
                    departments = table.Column<int>(type: "INTEGER", nullable: false),
                    people = table.Column<int>(type: "INTEGER", nullable: false),
                    created = table.Column<int>(type: "INTEGER", nullable: false),
                    updated = table.Column<int>(type: "INTEGER", nullable: false),
                    deactivated = table.Column<int>(type: "INTEGER", nullable: false),
                    problems = table.Column<int>(type: "INTEGER", nullable: false),
                    started_at = table.Column<long>(type: "INTEGER", nullable: false),
                    finished_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_directory_sync_runs", x => x.id);
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
                    platform = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false, defaultValue: "feishu"),
                    app_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    base_url = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    app_secret = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    encrypt_key = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    verification_token = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    legacy_card_callbacks = table.Column<bool>(type: "INTEGER", nullable: false),
                    robot_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    agent_id = table.Column<long>(type: "INTEGER", nullable: true),
                    ai_bot_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ai_bot_secret = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    ai_bot_url = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
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
                name: "identity_clients",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    secret_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    redirect_uris = table.Column<string>(type: "TEXT", nullable: false),
                    post_logout_redirect_uris = table.Column<string>(type: "TEXT", nullable: false),
                    allowed_scopes = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    allowed_people = table.Column<string>(type: "TEXT", nullable: false),
                    allowed_departments = table.Column<string>(type: "TEXT", nullable: false),
                    require_pkce = table.Column<bool>(type: "INTEGER", nullable: false),
                    enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_identity_clients", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "identity_codes",
                columns: table => new
                {
                    hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    client_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    session_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    person_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    redirect_uri = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    scope = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    nonce = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    code_challenge = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    auth_time = table.Column<long>(type: "INTEGER", nullable: false),
                    amr = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    expires_at = table.Column<long>(type: "INTEGER", nullable: false),
                    consumed_at = table.Column<long>(type: "INTEGER", nullable: true),
                    grant_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_identity_codes", x => x.hash);
                });

            migrationBuilder.CreateTable(
                name: "identity_grants",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    client_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    person_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    session_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    scope = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    auth_time = table.Column<long>(type: "INTEGER", nullable: false),
                    amr = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    expires_at = table.Column<long>(type: "INTEGER", nullable: false),
                    revoked_at = table.Column<long>(type: "INTEGER", nullable: true),
                    revoked_reason = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_identity_grants", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "identity_sessions",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    person_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    amr = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    auth_time = table.Column<long>(type: "INTEGER", nullable: false),
                    expires_at = table.Column<long>(type: "INTEGER", nullable: false),
                    ended_at = table.Column<long>(type: "INTEGER", nullable: true),
                    ended_reason = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    remote_ip = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_identity_sessions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "identity_signing_keys",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    algorithm = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    private_key = table.Column<string>(type: "TEXT", nullable: false),
                    public_jwk = table.Column<string>(type: "TEXT", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    sign_from = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_identity_signing_keys", x => x.id);
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
                    lane = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
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
                name: "assistant_sessions",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    assistant = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    key = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    number = table.Column<int>(type: "INTEGER", nullable: false),
                    person_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    backend_conversation_id = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    history = table.Column<string>(type: "TEXT", nullable: true),
                    turns = table.Column<int>(type: "INTEGER", nullable: false),
                    ended_at = table.Column<long>(type: "INTEGER", nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    last_active_at = table.Column<long>(type: "INTEGER", nullable: false),
                    expires_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_assistant_sessions", x => x.id);
                    table.ForeignKey(
                        name: "fk_assistant_sessions_assistants_assistant",
                        column: x => x.assistant,
                        principalTable: "assistants",
                        principalColumn: "name",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "directory_link_codes",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    person_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    platform = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    app = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    user_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    code_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    expires_at = table.Column<long>(type: "INTEGER", nullable: false),
                    closed_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_directory_link_codes", x => x.id);
                    table.ForeignKey(
                        name: "fk_directory_link_codes_directory_people_person_id",
                        column: x => x.person_id,
                        principalTable: "directory_people",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "directory_memberships",
                columns: table => new
                {
                    person_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    department_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    tenant_key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    last_sync_run_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_directory_memberships", x => new { x.person_id, x.department_id });
                    table.ForeignKey(
                        name: "fk_directory_memberships_person",
                        column: x => x.person_id,
                        principalTable: "directory_people",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "directory_person_app_ids",
                columns: table => new
                {
                    app = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    open_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    person_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_directory_person_app_ids", x => new { x.app, x.open_id });
                    table.ForeignKey(
                        name: "fk_directory_person_app_ids_person",
                        column: x => x.person_id,
                        principalTable: "directory_people",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "directory_person_links",
                columns: table => new
                {
                    person_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    platform = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    app = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    user_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    source = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_directory_person_links", x => new { x.person_id, x.platform, x.app });
                    table.ForeignKey(
                        name: "fk_directory_person_links_person",
                        column: x => x.person_id,
                        principalTable: "directory_people",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "directory_sync_problems",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    run_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    subject = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    detail = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_directory_sync_problems", x => x.id);
                    table.ForeignKey(
                        name: "fk_directory_sync_problems_run",
                        column: x => x.run_id,
                        principalTable: "directory_sync_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "identity_refresh_tokens",
                columns: table => new
                {
                    hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    grant_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    client_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    expires_at = table.Column<long>(type: "INTEGER", nullable: false),
                    used_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_identity_refresh_tokens", x => x.hash);
                    table.ForeignKey(
                        name: "fk_identity_refresh_tokens_grant",
                        column: x => x.grant_id,
                        principalTable: "identity_grants",
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
                    person_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    app = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    platforms_tried = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    next_attempt_at = table.Column<long>(type: "INTEGER", nullable: true),
                    lease_owner = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    lease_until = table.Column<long>(type: "INTEGER", nullable: true),
                    uuid = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    message_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    response_code = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
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

            migrationBuilder.CreateTable(
                name: "assistant_turns",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    assistant = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    session_id = table.Column<long>(type: "INTEGER", nullable: true),
                    message_key = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    lane = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    platform = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    app = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    conversation_id = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    conversation_kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    thread_id = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    message_id = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    sender_id = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    person_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    question = table.Column<string>(type: "TEXT", nullable: false),
                    placeholders = table.Column<string>(type: "TEXT", nullable: true),
                    attachments = table.Column<string>(type: "TEXT", nullable: true),
                    placeholders_erased_at = table.Column<long>(type: "INTEGER", nullable: true),
                    reply_context = table.Column<string>(type: "TEXT", nullable: true),
                    turn_status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    failure_kind = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    reply_handle = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    reply_message_id = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    reply_sequence = table.Column<int>(type: "INTEGER", nullable: true),
                    answer = table.Column<string>(type: "TEXT", nullable: true),
                    backend_conversation_id = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    backend_task_id = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    backend_message_id = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    updates = table.Column<int>(type: "INTEGER", nullable: false),
                    stop_requested = table.Column<bool>(type: "INTEGER", nullable: false),
                    received_at = table.Column<long>(type: "INTEGER", nullable: false),
                    sent_at = table.Column<long>(type: "INTEGER", nullable: false),
                    inbox_event_id = table.Column<long>(type: "INTEGER", nullable: true),
                    started_at = table.Column<long>(type: "INTEGER", nullable: true),
                    first_token_at = table.Column<long>(type: "INTEGER", nullable: true),
                    finished_at = table.Column<long>(type: "INTEGER", nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    next_attempt_at = table.Column<long>(type: "INTEGER", nullable: true),
                    lease_owner = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    lease_until = table.Column<long>(type: "INTEGER", nullable: true),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_assistant_turns", x => x.id);
                    table.ForeignKey(
                        name: "fk_assistant_turns_assistant_sessions_session_id",
                        column: x => x.session_id,
                        principalTable: "assistant_sessions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_assistant_turns_assistants_assistant",
                        column: x => x.assistant,
                        principalTable: "assistants",
                        principalColumn: "name",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "assistant_feedback",
                columns: table => new
                {
                    turn_id = table.Column<long>(type: "INTEGER", nullable: false),
                    user = table.Column<string>(type: "TEXT", maxLength: 240, nullable: false),
                    value = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_assistant_feedback", x => new { x.turn_id, x.user });
                    table.ForeignKey(
                        name: "fk_assistant_feedback_assistant_turns_turn_id",
                        column: x => x.turn_id,
                        principalTable: "assistant_turns",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "assistant_mask_audit",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    turn_id = table.Column<long>(type: "INTEGER", nullable: false),
                    direction = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    detector = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    fingerprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_assistant_mask_audit", x => x.id);
                    table.ForeignKey(
                        name: "fk_assistant_mask_audit_assistant_turns_turn_id",
                        column: x => x.turn_id,
                        principalTable: "assistant_turns",
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
                name: "ix_assistant_mask_audit_fingerprint",
                table: "assistant_mask_audit",
                column: "fingerprint");

            migrationBuilder.CreateIndex(
                name: "ix_assistant_mask_audit_turn_id",
                table: "assistant_mask_audit",
                column: "turn_id");

            migrationBuilder.CreateIndex(
                name: "ix_assistant_sessions_person_id",
                table: "assistant_sessions",
                column: "person_id");

            migrationBuilder.CreateIndex(
                name: "ux_assistant_sessions_assistant_key_number",
                table: "assistant_sessions",
                columns: new[] { "assistant", "key", "number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_assistant_turns_assistant_id",
                table: "assistant_turns",
                columns: new[] { "assistant", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_assistant_turns_finished_at",
                table: "assistant_turns",
                column: "finished_at");

            migrationBuilder.CreateIndex(
                name: "ix_assistant_turns_lane_id",
                table: "assistant_turns",
                columns: new[] { "lane", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_assistant_turns_placeholders_finished_at",
                table: "assistant_turns",
                column: "finished_at",
                filter: "placeholders IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_assistant_turns_session_id",
                table: "assistant_turns",
                column: "session_id");

            migrationBuilder.CreateIndex(
                name: "ix_assistant_turns_status_next_attempt_at",
                table: "assistant_turns",
                columns: new[] { "status", "next_attempt_at" });

            migrationBuilder.CreateIndex(
                name: "ux_assistant_turns_message_key",
                table: "assistant_turns",
                column: "message_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_bitable_sync_conflicts_row",
                table: "bitable_sync_conflicts",
                columns: new[] { "sync_id", "row_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_bitable_sync_dead_letters_row",
                table: "bitable_sync_dead_letters",
                columns: new[] { "sync_id", "row_key", "direction" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_bitable_sync_passes_sync",
                table: "bitable_sync_passes",
                columns: new[] { "sync_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ux_bitable_syncs_name",
                table: "bitable_syncs",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_console_admins_kind_value",
                table: "console_admins",
                columns: new[] { "kind", "value" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_dingtalk_robot_signatures_timestamp",
                table: "dingtalk_robot_signatures",
                column: "timestamp");

            migrationBuilder.CreateIndex(
                name: "ix_directory_changes_department",
                table: "directory_changes",
                columns: new[] { "department_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_directory_changes_person",
                table: "directory_changes",
                columns: new[] { "person_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_directory_departments_tenant_parent",
                table: "directory_departments",
                columns: new[] { "tenant_key", "parent_id" });

            migrationBuilder.CreateIndex(
                name: "ix_directory_link_codes_expires_at",
                table: "directory_link_codes",
                column: "expires_at");

            migrationBuilder.CreateIndex(
                name: "IX_directory_link_codes_person_id",
                table: "directory_link_codes",
                column: "person_id");

            migrationBuilder.CreateIndex(
                name: "ix_directory_link_codes_platform_app_user_id",
                table: "directory_link_codes",
                columns: new[] { "platform", "app", "user_id" });

            migrationBuilder.CreateIndex(
                name: "ix_directory_memberships_tenant_department",
                table: "directory_memberships",
                columns: new[] { "tenant_key", "department_id" });

            migrationBuilder.CreateIndex(
                name: "ix_directory_people_email",
                table: "directory_people",
                column: "email");

            migrationBuilder.CreateIndex(
                name: "ix_directory_people_enterprise_email",
                table: "directory_people",
                column: "enterprise_email");

            migrationBuilder.CreateIndex(
                name: "ix_directory_people_tenant_name",
                table: "directory_people",
                columns: new[] { "tenant_key", "name" });

            migrationBuilder.CreateIndex(
                name: "ix_directory_people_tenant_user",
                table: "directory_people",
                columns: new[] { "tenant_key", "user_id" });

            migrationBuilder.CreateIndex(
                name: "ux_directory_people_tenant_union",
                table: "directory_people",
                columns: new[] { "tenant_key", "union_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_directory_person_app_ids_person_app",
                table: "directory_person_app_ids",
                columns: new[] { "person_id", "app" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_directory_person_links_account",
                table: "directory_person_links",
                columns: new[] { "platform", "app", "user_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_directory_sync_problems_run_kind_subject",
                table: "directory_sync_problems",
                columns: new[] { "run_id", "kind", "subject" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_directory_sync_runs_started_at",
                table: "directory_sync_runs",
                column: "started_at");

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
                name: "ix_identity_codes_expires",
                table: "identity_codes",
                column: "expires_at");

            migrationBuilder.CreateIndex(
                name: "ix_identity_grants_expires",
                table: "identity_grants",
                column: "expires_at");

            migrationBuilder.CreateIndex(
                name: "ix_identity_grants_person",
                table: "identity_grants",
                column: "person_id");

            migrationBuilder.CreateIndex(
                name: "ix_identity_grants_session",
                table: "identity_grants",
                column: "session_id");

            migrationBuilder.CreateIndex(
                name: "ix_identity_refresh_tokens_grant",
                table: "identity_refresh_tokens",
                column: "grant_id");

            migrationBuilder.CreateIndex(
                name: "ix_identity_sessions_expires",
                table: "identity_sessions",
                column: "expires_at");

            migrationBuilder.CreateIndex(
                name: "ix_identity_sessions_person",
                table: "identity_sessions",
                column: "person_id");

            migrationBuilder.CreateIndex(
                name: "ix_inbox_dedup_keys_event_id",
                table: "inbox_dedup_keys",
                column: "event_id");

            migrationBuilder.CreateIndex(
                name: "ix_inbox_events_event_type_id",
                table: "inbox_events",
                columns: new[] { "event_type", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_inbox_events_lane_id",
                table: "inbox_events",
                columns: new[] { "lane", "id" },
                filter: "lane IS NOT NULL");

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
                name: "assistant_feedback");

            migrationBuilder.DropTable(
                name: "assistant_mask_audit");

            migrationBuilder.DropTable(
                name: "bitable_sync_conflicts");

            migrationBuilder.DropTable(
                name: "bitable_sync_dead_letters");

            migrationBuilder.DropTable(
                name: "bitable_sync_dirty_records");

            migrationBuilder.DropTable(
                name: "bitable_sync_passes");

            migrationBuilder.DropTable(
                name: "bitable_syncs");

            migrationBuilder.DropTable(
                name: "bot_conversations");

            migrationBuilder.DropTable(
                name: "console_admins");

            migrationBuilder.DropTable(
                name: "dingtalk_robot_signatures");

            migrationBuilder.DropTable(
                name: "directory_changes");

            migrationBuilder.DropTable(
                name: "directory_departments");

            migrationBuilder.DropTable(
                name: "directory_link_codes");

            migrationBuilder.DropTable(
                name: "directory_memberships");

            migrationBuilder.DropTable(
                name: "directory_person_app_ids");

            migrationBuilder.DropTable(
                name: "directory_person_links");

            migrationBuilder.DropTable(
                name: "directory_sync_problems");

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
                name: "hub_user_tokens");

            migrationBuilder.DropTable(
                name: "hub_work_items");

            migrationBuilder.DropTable(
                name: "identity_clients");

            migrationBuilder.DropTable(
                name: "identity_codes");

            migrationBuilder.DropTable(
                name: "identity_refresh_tokens");

            migrationBuilder.DropTable(
                name: "identity_sessions");

            migrationBuilder.DropTable(
                name: "identity_signing_keys");

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
                name: "assistant_turns");

            migrationBuilder.DropTable(
                name: "directory_people");

            migrationBuilder.DropTable(
                name: "directory_sync_runs");

            migrationBuilder.DropTable(
                name: "identity_grants");

            migrationBuilder.DropTable(
                name: "inbox_events");

            migrationBuilder.DropTable(
                name: "notifications");

            migrationBuilder.DropTable(
                name: "webhook_subscriptions");

            migrationBuilder.DropTable(
                name: "assistant_sessions");

            migrationBuilder.DropTable(
                name: "assistants");
        }
    }
}
