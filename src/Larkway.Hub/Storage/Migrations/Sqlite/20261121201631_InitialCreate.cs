using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Larkway.Hub.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InitialCreate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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
                    last_error = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    completed_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_inbox_events", x => x.id);
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

            migrationBuilder.CreateIndex(
                name: "ix_inbox_dedup_keys_event_id",
                table: "inbox_dedup_keys",
                column: "event_id");

            migrationBuilder.CreateIndex(
                name: "ix_inbox_events_event_type_id",
                table: "inbox_events",
                columns: new[] { "event_type", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_inbox_events_status_next_attempt_at",
                table: "inbox_events",
                columns: new[] { "status", "next_attempt_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "hub_settings");

            migrationBuilder.DropTable(
                name: "inbox_dedup_keys");

            migrationBuilder.DropTable(
                name: "inbox_events");
        }
    }
}
