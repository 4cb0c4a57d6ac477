using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Larkway.Hub.Platform.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class BitableSync : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
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
        }
    }
}
