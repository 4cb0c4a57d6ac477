using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Larkway.Hub.Platform.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class IdentityBroker : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "console_admins",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    value = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    note = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    created_at = table.Column<long>(type: "bigint", nullable: false),
                    created_by = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_console_admins", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "identity_clients",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    secret_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    redirect_uris = table.Column<string>(type: "text", nullable: false),
                    post_logout_redirect_uris = table.Column<string>(type: "text", nullable: false),
                    allowed_scopes = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    allowed_people = table.Column<string>(type: "text", nullable: false),
                    allowed_departments = table.Column<string>(type: "text", nullable: false),
                    require_pkce = table.Column<bool>(type: "boolean", nullable: false),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<long>(type: "bigint", nullable: false),
                    updated_at = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_identity_clients", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "identity_codes",
                columns: table => new
                {
                    hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    client_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    session_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    person_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    redirect_uri = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    scope = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    nonce = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    code_challenge = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    auth_time = table.Column<long>(type: "bigint", nullable: false),
                    amr = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<long>(type: "bigint", nullable: false),
                    expires_at = table.Column<long>(type: "bigint", nullable: false),
                    consumed_at = table.Column<long>(type: "bigint", nullable: true),
                    grant_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_identity_codes", x => x.hash);
                });

            migrationBuilder.CreateTable(
                name: "identity_grants",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    client_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    person_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    session_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    scope = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    auth_time = table.Column<long>(type: "bigint", nullable: false),
                    amr = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<long>(type: "bigint", nullable: false),
                    expires_at = table.Column<long>(type: "bigint", nullable: false),
                    revoked_at = table.Column<long>(type: "bigint", nullable: true),
                    revoked_reason = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_identity_grants", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "identity_sessions",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    person_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    amr = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    auth_time = table.Column<long>(type: "bigint", nullable: false),
                    expires_at = table.Column<long>(type: "bigint", nullable: false),
                    ended_at = table.Column<long>(type: "bigint", nullable: true),
                    ended_reason = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    remote_ip = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_identity_sessions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "identity_signing_keys",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    algorithm = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    private_key = table.Column<string>(type: "text", nullable: false),
                    public_jwk = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<long>(type: "bigint", nullable: false),
                    sign_from = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_identity_signing_keys", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "identity_refresh_tokens",
                columns: table => new
                {
                    hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    grant_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    client_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<long>(type: "bigint", nullable: false),
                    expires_at = table.Column<long>(type: "bigint", nullable: false),
                    used_at = table.Column<long>(type: "bigint", nullable: true)
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

            migrationBuilder.CreateIndex(
                name: "ux_console_admins_kind_value",
                table: "console_admins",
                columns: new[] { "kind", "value" },
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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "console_admins");

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
                name: "identity_grants");
        }
    }
}
