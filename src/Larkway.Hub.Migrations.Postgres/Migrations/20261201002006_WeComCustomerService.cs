using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Larkway.Hub.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class WeComCustomerService : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "wecom_kf_accounts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    app = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    open_kfid = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    welcome_message = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    end_message = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    handover_message = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    handover_words = table.Column<string>(type: "character varying(4096)", maxLength: 4096, nullable: false),
                    handover_to = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    answer_from = table.Column<long>(type: "bigint", nullable: false),
                    cursor = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    token = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    token_at = table.Column<long>(type: "bigint", nullable: true),
                    pull_requests = table.Column<long>(type: "bigint", nullable: false),
                    items_pulled = table.Column<long>(type: "bigint", nullable: false),
                    last_pulled_at = table.Column<long>(type: "bigint", nullable: true),
                    created_at = table.Column<long>(type: "bigint", nullable: false),
                    updated_at = table.Column<long>(type: "bigint", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    next_attempt_at = table.Column<long>(type: "bigint", nullable: true),
                    lease_owner = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    lease_until = table.Column<long>(type: "bigint", nullable: true),
                    last_error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_wecom_kf_accounts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "wecom_kf_messages",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    app = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    open_kfid = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    msgid = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    external_userid = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    origin = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    content = table.Column<string>(type: "text", nullable: true),
                    servicer_userid = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    sent_at = table.Column<long>(type: "bigint", nullable: false),
                    stored_at = table.Column<long>(type: "bigint", nullable: false),
                    route = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    fail_type = table.Column<int>(type: "integer", nullable: true),
                    recalled = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_wecom_kf_messages", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "wecom_kf_sessions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    app = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    open_kfid = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    external_userid = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    state = table.Column<int>(type: "integer", nullable: false),
                    servicer_userid = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    sends_left = table.Column<int>(type: "integer", nullable: false),
                    window_until = table.Column<long>(type: "bigint", nullable: true),
                    last_customer_at = table.Column<long>(type: "bigint", nullable: true),
                    handovers = table.Column<int>(type: "integer", nullable: false),
                    updated_at = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_wecom_kf_sessions", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_wecom_kf_accounts_status_next_attempt_at",
                table: "wecom_kf_accounts",
                columns: new[] { "status", "next_attempt_at" });

            migrationBuilder.CreateIndex(
                name: "ux_wecom_kf_accounts_app_open_kfid",
                table: "wecom_kf_accounts",
                columns: new[] { "app", "open_kfid" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_wecom_kf_messages_app_open_kfid_route",
                table: "wecom_kf_messages",
                columns: new[] { "app", "open_kfid", "route" });

            migrationBuilder.CreateIndex(
                name: "ix_wecom_kf_messages_customer",
                table: "wecom_kf_messages",
                columns: new[] { "app", "open_kfid", "external_userid" });

            migrationBuilder.CreateIndex(
                name: "ux_wecom_kf_messages_app_open_kfid_msgid",
                table: "wecom_kf_messages",
                columns: new[] { "app", "open_kfid", "msgid" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_wecom_kf_sessions_app_open_kfid_customer",
                table: "wecom_kf_sessions",
                columns: new[] { "app", "open_kfid", "external_userid" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "wecom_kf_accounts");

            migrationBuilder.DropTable(
                name: "wecom_kf_messages");

            migrationBuilder.DropTable(
                name: "wecom_kf_sessions");
        }
    }
}
