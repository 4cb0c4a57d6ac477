using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Larkway.Hub.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class WeComCustomerServiceHandover : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "answers",
                table: "wecom_kf_sessions",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "handover_after_answers",
                table: "wecom_kf_accounts",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "handover_button",
                table: "wecom_kf_accounts",
                type: "TEXT",
                maxLength: 128,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "answers",
                table: "wecom_kf_sessions");

            migrationBuilder.DropColumn(
                name: "handover_after_answers",
                table: "wecom_kf_accounts");

            migrationBuilder.DropColumn(
                name: "handover_button",
                table: "wecom_kf_accounts");
        }
    }
}
