using System.Reflection;
using Larkway.Hub.Platform.Storage;
using Larkway.Hub.Migrations.Sqlite.Migrations;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Tests.Storage;

/// <summary>
/// What migrating a SQLite database logs: a fresh database and one upgraded by a later migration that rebuilds a
/// table (SQLite cannot alter a column; EF Core turns foreign keys off around the rebuild, outside the transaction).
/// </summary>
public sealed class SqliteMigrationLogTests : IDisposable
{
    private readonly TempDatabase _db = new();

    private static readonly string BaselineId = typeof(Baseline).GetCustomAttribute<MigrationAttribute>()!.Id;

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task A_fresh_database_is_migrated_without_a_warning()
    {
        var log = new LogCapture();
        await using var hub = new HubServices(_db, TimeProvider.System, services: s => s.AddSingleton<ILoggerProvider>(log));

        await hub.Provider.GetRequiredService<HubDatabaseInitializer>().EnsureInitializedAsync(CancellationToken.None);

        log.Lines.ShouldContain(l => l.Message.Contains($"Applying migration '{BaselineId}'", StringComparison.Ordinal));
        log.WarningsOrWorse.ShouldBeEmpty();
    }

    [Fact]
    public async Task Upgrading_with_a_migration_that_rebuilds_a_table_logs_no_warning()
    {
        await using (var hub = new HubServices(_db, TimeProvider.System))
        {
            await hub.Provider.GetRequiredService<HubDatabaseInitializer>().EnsureInitializedAsync(CancellationToken.None);
        }

        var log = new LogCapture();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(log));
        var provider = new SqliteHubStorageProvider(_db.ConnectionString, TimeSpan.FromSeconds(5));
        var builder = provider.CreateOptionsBuilder();
        provider.Configure(builder);
        HubDbLogging.Configure(builder);
        builder.UseLoggerFactory(loggers).ReplaceService<IMigrationsAssembly, InitialThenRebuild>();
        await using var db = provider.CreateDbContext(builder.Options);

        await provider.MigrateAsync(db, CancellationToken.None);

        (await db.Database.GetAppliedMigrationsAsync()).ShouldContain(RebuildAlerts.Id);
        log.Lines.ShouldContain(l => l.Message.Contains("PRAGMA foreign_keys = 0;", StringComparison.Ordinal), "the table was rebuilt, foreign keys off outside the transaction");

        // EF Core 10 says nothing about that PRAGMA (9 warned that it "cannot be executed in a transaction"); if an
        // update brings the warning back, decide here whether the Hub explains it instead.
        log.WarningsOrWorse.ShouldBeEmpty();
    }

    /// <summary>A later migration as the next schema change might be: one column altered, so SQLite rebuilds the table.</summary>
    [DbContext(typeof(HubDbContext))]
    [Migration(Id)]
    private sealed class RebuildAlerts : Baseline
    {
        public const string Id = "29991231000000_RebuildAlerts";

        protected override void Up(MigrationBuilder migrationBuilder) =>
            migrationBuilder.AlterColumn<string>(name: "detail", table: "hub_alerts", type: "TEXT", maxLength: 1000, nullable: false,
                oldClrType: typeof(string), oldType: "TEXT", oldMaxLength: 1000);

        protected override void Down(MigrationBuilder migrationBuilder)
        {
        }
    }

    /// <summary>The Hub's SQLite migrations and <see cref="RebuildAlerts"/> after them.</summary>
    private sealed class InitialThenRebuild : IMigrationsAssembly
    {
        public IReadOnlyDictionary<string, TypeInfo> Migrations { get; } = new SortedDictionary<string, TypeInfo>(StringComparer.Ordinal)
        {
            [BaselineId] = typeof(Baseline).GetTypeInfo(),
            [RebuildAlerts.Id] = typeof(RebuildAlerts).GetTypeInfo(),
        };

        public ModelSnapshot? ModelSnapshot { get; } = new HubDbContextModelSnapshot();

        public Assembly Assembly => typeof(Baseline).Assembly;

        public string? FindMigrationId(string nameOrId) => Migrations.Keys.FirstOrDefault(k => k == nameOrId || k.EndsWith("_" + nameOrId, StringComparison.Ordinal));

        public Migration CreateMigration(TypeInfo migrationClass, string activeProvider)
        {
            var migration = (Migration)Activator.CreateInstance(migrationClass.AsType())!;
            migration.ActiveProvider = activeProvider;
            return migration;
        }
    }
}
