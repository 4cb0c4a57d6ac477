using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Larkway.Hub.Platform.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PersonPlatforms : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "app",
                table: "notification_deliveries",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "person_id",
                table: "notification_deliveries",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "platforms_tried",
                table: "notification_deliveries",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "preferred_platform",
                table: "directory_people",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "directory_person_links",
                columns: table => new
                {
                    person_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    platform = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    app = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    user_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    source = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    created_at = table.Column<long>(type: "bigint", nullable: false)
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

            migrationBuilder.CreateIndex(
                name: "ux_directory_person_links_account",
                table: "directory_person_links",
                columns: new[] { "platform", "app", "user_id" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "directory_person_links");

            migrationBuilder.DropColumn(
                name: "app",
                table: "notification_deliveries");

            migrationBuilder.DropColumn(
                name: "person_id",
                table: "notification_deliveries");

            migrationBuilder.DropColumn(
                name: "platforms_tried",
                table: "notification_deliveries");

            migrationBuilder.DropColumn(
                name: "preferred_platform",
                table: "directory_people");
        }
    }
}
