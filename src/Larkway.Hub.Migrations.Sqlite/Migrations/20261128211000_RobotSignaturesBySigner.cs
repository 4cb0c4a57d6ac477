using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Larkway.Hub.Migrations.Sqlite.Migrations
{
    /// <summary>
    /// The outgoing robot's signature ledger is keyed by who signed (a keyed hash of the AppSecret) instead of the Hub
    /// app's name. The table is made anew: its rows guard only pairs whose timestamp is still taken, and their signer
    /// cannot be derived here without the secrets.
    /// </summary>
    public partial class RobotSignaturesBySigner : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(name: "dingtalk_robot_signatures");

            migrationBuilder.CreateTable(
                name: "dingtalk_robot_signatures",
                columns: table => new
                {
                    signer = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    timestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    body_sha256 = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dingtalk_robot_signatures", x => new { x.signer, x.timestamp });
                });

            migrationBuilder.CreateIndex(
                name: "ix_dingtalk_robot_signatures_timestamp",
                table: "dingtalk_robot_signatures",
                column: "timestamp");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(name: "dingtalk_robot_signatures");

            migrationBuilder.CreateTable(
                name: "dingtalk_robot_signatures",
                columns: table => new
                {
                    app_name = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    timestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    body_sha256 = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dingtalk_robot_signatures", x => new { x.app_name, x.timestamp });
                });

            migrationBuilder.CreateIndex(
                name: "ix_dingtalk_robot_signatures_timestamp",
                table: "dingtalk_robot_signatures",
                column: "timestamp");
        }
    }
}
