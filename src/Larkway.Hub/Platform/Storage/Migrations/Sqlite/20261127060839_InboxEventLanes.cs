using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Larkway.Hub.Platform.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InboxEventLanes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "lane",
                table: "inbox_events",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_inbox_events_lane_id",
                table: "inbox_events",
                columns: new[] { "lane", "id" },
                filter: "lane IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_inbox_events_lane_id",
                table: "inbox_events");

            migrationBuilder.DropColumn(
                name: "lane",
                table: "inbox_events");
        }
    }
}
