using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Larkway.Hub.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class BotConversations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "bot_conversations",
                columns: table => new
                {
                    app = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    chat_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    user_open_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    step = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    values_json = table.Column<string>(type: "TEXT", maxLength: 16384, nullable: false),
                    expires_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_bot_conversations", x => new { x.app, x.chat_id, x.user_open_id });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "bot_conversations");
        }
    }
}
