using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Larkway.Hub.Platform.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AssistantRetention : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "placeholders_erased_at",
                table: "assistant_turns",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_assistant_turns_finished_at",
                table: "assistant_turns",
                column: "finished_at");

            migrationBuilder.CreateIndex(
                name: "ix_assistant_turns_placeholders_finished_at",
                table: "assistant_turns",
                column: "finished_at",
                filter: "placeholders IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_assistant_turns_finished_at",
                table: "assistant_turns");

            migrationBuilder.DropIndex(
                name: "ix_assistant_turns_placeholders_finished_at",
                table: "assistant_turns");

            migrationBuilder.DropColumn(
                name: "placeholders_erased_at",
                table: "assistant_turns");
        }
    }
}
