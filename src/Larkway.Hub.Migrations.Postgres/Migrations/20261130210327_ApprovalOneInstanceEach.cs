using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Larkway.Hub.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ApprovalOneInstanceEach : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Before the unique indexes: approvals that took an instance an older identical approval holds (two lost creates
            // searched for at once) are failed, with a message saying so, and let the instance go to the older one.
            migrationBuilder.Sql(
                "UPDATE approvals SET status = 'Failed', error_code = NULL, error_code_text = 'instance_shared', "
                + "error_message = 'This approval had taken the platform instance of an older identical approval after a lost create; submit it again.', "
                + "instance_code = NULL, next_sync_at = NULL "
                + "WHERE instance_code IS NOT NULL AND EXISTS (SELECT 1 FROM approvals o WHERE o.instance_code = approvals.instance_code "
                + "AND (o.app = approvals.app OR (o.app IS NULL AND approvals.app IS NULL)) AND o.id < approvals.id)");

            migrationBuilder.DropIndex(
                name: "ix_approvals_app_instance_code",
                table: "approvals");

            migrationBuilder.CreateIndex(
                name: "ux_approvals_app_instance_code",
                table: "approvals",
                columns: new[] { "app", "instance_code" },
                unique: true,
                filter: "app IS NOT NULL AND instance_code IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ux_approvals_default_app_instance_code",
                table: "approvals",
                column: "instance_code",
                unique: true,
                filter: "app IS NULL AND instance_code IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_approvals_app_instance_code",
                table: "approvals");

            migrationBuilder.DropIndex(
                name: "ux_approvals_default_app_instance_code",
                table: "approvals");

            migrationBuilder.CreateIndex(
                name: "ix_approvals_app_instance_code",
                table: "approvals",
                columns: new[] { "app", "instance_code" });
        }
    }
}
