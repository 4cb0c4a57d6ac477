using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Larkway.Hub.Platform.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DirectorySync : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "field_times",
                table: "directory_people",
                type: "character varying(2048)",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "last_sync_run_id",
                table: "directory_people",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "leader_open_id",
                table: "directory_people",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "directory_changes",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    tenant_key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    person_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    department_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    fields = table.Column<string>(type: "text", nullable: false),
                    source = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    source_ref = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    at = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_directory_changes", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "directory_departments",
                columns: table => new
                {
                    tenant_key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    open_department_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    department_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    parent_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    path = table.Column<string>(type: "character varying(4096)", maxLength: 4096, nullable: false),
                    path_names = table.Column<string>(type: "character varying(4096)", maxLength: 4096, nullable: false),
                    leader_open_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    sort_order = table.Column<long>(type: "bigint", nullable: true),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    field_times = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    last_sync_run_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    created_at = table.Column<long>(type: "bigint", nullable: false),
                    updated_at = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_directory_departments", x => new { x.tenant_key, x.open_department_id });
                });

            migrationBuilder.CreateTable(
                name: "directory_memberships",
                columns: table => new
                {
                    person_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    department_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    tenant_key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    last_sync_run_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true)
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
                name: "directory_sync_runs",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    app = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    tenant_key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    trigger = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    all_members = table.Column<bool>(type: "boolean", nullable: true),
                    api_calls = table.Column<int>(type: "integer", nullable: false),
                    failed_pages = table.Column<int>(type: "integer", nullable: false),
                    departments = table.Column<int>(type: "integer", nullable: false),
                    people = table.Column<int>(type: "integer", nullable: false),
                    created = table.Column<int>(type: "integer", nullable: false),
                    updated = table.Column<int>(type: "integer", nullable: false),
                    deactivated = table.Column<int>(type: "integer", nullable: false),
                    problems = table.Column<int>(type: "integer", nullable: false),
                    started_at = table.Column<long>(type: "bigint", nullable: false),
                    finished_at = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_directory_sync_runs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "directory_sync_problems",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    run_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    subject = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    detail = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    at = table.Column<long>(type: "bigint", nullable: false)
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

            migrationBuilder.CreateIndex(
                name: "ix_directory_people_tenant_name",
                table: "directory_people",
                columns: new[] { "tenant_key", "name" });

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
                name: "ix_directory_memberships_tenant_department",
                table: "directory_memberships",
                columns: new[] { "tenant_key", "department_id" });

            migrationBuilder.CreateIndex(
                name: "ux_directory_sync_problems_run_kind_subject",
                table: "directory_sync_problems",
                columns: new[] { "run_id", "kind", "subject" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_directory_sync_runs_started_at",
                table: "directory_sync_runs",
                column: "started_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "directory_changes");

            migrationBuilder.DropTable(
                name: "directory_departments");

            migrationBuilder.DropTable(
                name: "directory_memberships");

            migrationBuilder.DropTable(
                name: "directory_sync_problems");

            migrationBuilder.DropTable(
                name: "directory_sync_runs");

            migrationBuilder.DropIndex(
                name: "ix_directory_people_tenant_name",
                table: "directory_people");

            migrationBuilder.DropColumn(
                name: "field_times",
                table: "directory_people");

            migrationBuilder.DropColumn(
                name: "last_sync_run_id",
                table: "directory_people");

            migrationBuilder.DropColumn(
                name: "leader_open_id",
                table: "directory_people");
        }
    }
}
