using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Larkway.Hub.Platform.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DirectoryPeople : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_directory_people", x => x.id);
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

            migrationBuilder.CreateIndex(
                name: "ix_directory_people_email",
                table: "directory_people",
                column: "email");

            migrationBuilder.CreateIndex(
                name: "ix_directory_people_enterprise_email",
                table: "directory_people",
                column: "enterprise_email");

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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "directory_person_app_ids");

            migrationBuilder.DropTable(
                name: "directory_people");
        }
    }
}
