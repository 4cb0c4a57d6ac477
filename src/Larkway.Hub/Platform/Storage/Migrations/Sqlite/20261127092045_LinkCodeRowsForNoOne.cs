using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Larkway.Hub.Platform.Storage.Migrations.Sqlite
{
    /// <summary>
    /// <c>directory_link_codes.person_id</c> becomes nullable (a code asked for no one). SQLite cannot alter a column, and
    /// EF Core's own rebuild turns foreign keys off outside the transaction; nothing references this table, so it is
    /// rebuilt here by hand inside the migration's transaction: new table, rows copied, old table dropped, new one renamed.
    /// </summary>
    public partial class LinkCodeRowsForNoOne : Migration
    {
        private const string Columns = "id, person_id, platform, app, user_id, code_hash, attempts, created_at, expires_at, closed_at";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => Rebuild(migrationBuilder, personRequired: false);

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Codes asked for no one have no place in the old shape.
            migrationBuilder.Sql("DELETE FROM directory_link_codes WHERE person_id IS NULL;");
            Rebuild(migrationBuilder, personRequired: true);
        }

        private static void Rebuild(MigrationBuilder migrationBuilder, bool personRequired)
        {
            migrationBuilder.CreateTable(
                name: "directory_link_codes_rebuilt",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    person_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: !personRequired),
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

            migrationBuilder.Sql($"INSERT INTO directory_link_codes_rebuilt ({Columns}) SELECT {Columns} FROM directory_link_codes;");
            migrationBuilder.DropTable(name: "directory_link_codes");
            migrationBuilder.RenameTable(name: "directory_link_codes_rebuilt", newName: "directory_link_codes");

            migrationBuilder.CreateIndex(
                name: "IX_directory_link_codes_person_id",
                table: "directory_link_codes",
                column: "person_id");

            migrationBuilder.CreateIndex(
                name: "ix_directory_link_codes_platform_app_user_id",
                table: "directory_link_codes",
                columns: new[] { "platform", "app", "user_id" });

            if (!personRequired)
            {
                migrationBuilder.CreateIndex(
                    name: "ix_directory_link_codes_expires_at",
                    table: "directory_link_codes",
                    column: "expires_at");
            }
        }
    }
}
