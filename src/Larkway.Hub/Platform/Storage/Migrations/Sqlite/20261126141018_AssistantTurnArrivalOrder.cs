using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Larkway.Hub.Platform.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AssistantTurnArrivalOrder : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "inbox_event_id",
                table: "assistant_turns",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "sent_at",
                table: "assistant_turns",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            // Turns stored before this column are ordered by when the Hub received them.
            migrationBuilder.Sql("UPDATE assistant_turns SET sent_at = received_at;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "inbox_event_id",
                table: "assistant_turns");

            migrationBuilder.DropColumn(
                name: "sent_at",
                table: "assistant_turns");
        }
    }
}
