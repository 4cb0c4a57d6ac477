using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Larkway.Hub.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class FeishuKnowledgeSyncs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "feishu_knowledge_documents",
                columns: table => new
                {
                    sync_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    obj_token = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    obj_type = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    node_token = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    title = table.Column<string>(type: "TEXT", maxLength: 800, nullable: false),
                    edited_at = table.Column<long>(type: "INTEGER", nullable: true),
                    pushed_edit_at = table.Column<long>(type: "INTEGER", nullable: true),
                    content_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    pushed_title = table.Column<string>(type: "TEXT", maxLength: 800, nullable: true),
                    dify_document_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    create_sent_at = table.Column<long>(type: "INTEGER", nullable: true),
                    subscribed = table.Column<bool>(type: "INTEGER", nullable: false),
                    state = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    error = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false),
                    pushed_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_feishu_knowledge_documents", x => new { x.sync_id, x.obj_token });
                });

            migrationBuilder.CreateTable(
                name: "feishu_knowledge_marks",
                columns: table => new
                {
                    sync_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    obj_token = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    action = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    marked_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_feishu_knowledge_marks", x => new { x.sync_id, x.obj_token });
                });

            migrationBuilder.CreateTable(
                name: "feishu_knowledge_syncs",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    app = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    space_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    assistant = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    dify_base_url = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    dataset_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    dataset_key_protected = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: false),
                    dify_requests_per_minute = table.Column<int>(type: "INTEGER", nullable: true),
                    include_restricted = table.Column<bool>(type: "INTEGER", nullable: false),
                    interval_seconds = table.Column<int>(type: "INTEGER", nullable: false),
                    state = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    passes = table.Column<long>(type: "INTEGER", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false),
                    last_pass_at = table.Column<long>(type: "INTEGER", nullable: true),
                    last_full_pass_at = table.Column<long>(type: "INTEGER", nullable: true),
                    last_pass_outcome = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_feishu_knowledge_syncs", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_feishu_knowledge_documents_obj",
                table: "feishu_knowledge_documents",
                column: "obj_token");

            migrationBuilder.CreateIndex(
                name: "ix_feishu_knowledge_syncs_space",
                table: "feishu_knowledge_syncs",
                column: "space_id");

            migrationBuilder.CreateIndex(
                name: "ux_feishu_knowledge_syncs_name",
                table: "feishu_knowledge_syncs",
                column: "name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "feishu_knowledge_documents");

            migrationBuilder.DropTable(
                name: "feishu_knowledge_marks");

            migrationBuilder.DropTable(
                name: "feishu_knowledge_syncs");
        }
    }
}
