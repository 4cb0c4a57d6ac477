using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Larkway.Hub.Platform.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ApprovalApproversAndLabels : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "approval_name",
                table: "approvals",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "approvers",
                table: "approvals",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "form_display",
                table: "approvals",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "approval_name",
                table: "approvals");

            migrationBuilder.DropColumn(
                name: "approvers",
                table: "approvals");

            migrationBuilder.DropColumn(
                name: "form_display",
                table: "approvals");
        }
    }
}
