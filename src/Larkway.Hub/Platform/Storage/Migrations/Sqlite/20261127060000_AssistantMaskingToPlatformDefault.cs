using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Larkway.Hub.Platform.Storage.Migrations.Sqlite
{
    /// <summary>
    /// Data only (the model is unchanged): an assistant stored with masking.to_platform empty gets the new default, the
    /// three number detectors. Before this, empty was both the default and "off", so the two cannot be told apart; every
    /// such assistant is taken as never set (masking more, never less). An empty list stored after this means off.
    /// </summary>
    [DbContext(typeof(HubDbContext))]
    [Migration("20261127060000_AssistantMaskingToPlatformDefault")]
    public partial class AssistantMaskingToPlatformDefault : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""UPDATE assistants SET masking = replace(masking, '"to_platform":[]', '"to_platform":["china_mobile","resident_id","bank_card"]');""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Irreversible: an assistant set to the default afterwards cannot be told apart from one this moved.
        }
    }
}
