using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Larkway.Hub.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ApprovalsOnEveryPlatform : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "applicant_person_id",
                table: "approvals",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "error_code_text",
                table: "approvals",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "platform",
                table: "approvals",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "feishu");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "applicant_person_id",
                table: "approvals");

            migrationBuilder.DropColumn(
                name: "error_code_text",
                table: "approvals");

            migrationBuilder.DropColumn(
                name: "platform",
                table: "approvals");
        }
    }
}
