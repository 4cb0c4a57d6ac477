using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Larkway.Hub.Platform.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Assistants : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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
                name: "directory_link_codes",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    person_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
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
                name: "ix_assistant_turns_lane_id",
                table: "assistant_turns",
                columns: new[] { "lane", "id" });

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
                name: "IX_directory_link_codes_person_id",
                table: "directory_link_codes",
                column: "person_id");

            migrationBuilder.CreateIndex(
                name: "ix_directory_link_codes_platform_app_user_id",
                table: "directory_link_codes",
                columns: new[] { "platform", "app", "user_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "assistant_feedback");

            migrationBuilder.DropTable(
                name: "assistant_mask_audit");

            migrationBuilder.DropTable(
                name: "directory_link_codes");

            migrationBuilder.DropTable(
                name: "assistant_turns");

            migrationBuilder.DropTable(
                name: "assistant_sessions");

            migrationBuilder.DropTable(
                name: "assistants");
        }
    }
}
