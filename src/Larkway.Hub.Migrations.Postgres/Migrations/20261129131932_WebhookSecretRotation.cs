using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Larkway.Hub.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class WebhookSecretRotation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "previous_secret",
                table: "webhook_subscriptions",
                type: "character varying(1024)",
                maxLength: 1024,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "previous_secret_expires_at",
                table: "webhook_subscriptions",
                type: "bigint",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "previous_secret",
                table: "webhook_subscriptions");

            migrationBuilder.DropColumn(
                name: "previous_secret_expires_at",
                table: "webhook_subscriptions");
        }
    }
}
