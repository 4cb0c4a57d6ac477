using Larkway.Hub.Tests.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Larkway.Hub.Platform.Storage;

namespace Larkway.Hub.Tests.Storage;

public sealed class HubStorageTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task Startup_creates_the_directory_applies_migrations_and_switches_to_wal()
    {
        var file = Path.Combine(_db.Directory, "nested", "data", "larkway.db");
        await using var hub = new HubServices($"Data Source={file}", new ManualTimeProvider());

        await hub.Provider.GetRequiredService<HubDatabaseInitializer>().EnsureInitializedAsync(CancellationToken.None);

        File.Exists(file).ShouldBeTrue();
        var contexts = hub.Provider.GetRequiredService<IDbContextFactory<HubDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        (await db.Database.GetPendingMigrationsAsync()).ShouldBeEmpty();
        (await db.Database.GetAppliedMigrationsAsync()).ShouldNotBeEmpty();

        await using var connection = new SqliteConnection($"Data Source={file}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        ((string?)await command.ExecuteScalarAsync()).ShouldBe("wal");
    }

    [Theory]
    [InlineData(null, 2L)]
    [InlineData("Normal", 1L)]
    [InlineData("Full", 2L)]
    public async Task Every_connection_gets_the_configured_synchronous_level_full_by_default(string? setting, long expected)
    {
        var settings = setting is null ? null : new Dictionary<string, string?> { ["Larkway:Storage:Synchronous"] = setting };
        await using var hub = new HubServices(_db.ConnectionString, new ManualTimeProvider(), settings: settings);
        await hub.Provider.GetRequiredService<HubDatabaseInitializer>().EnsureInitializedAsync(CancellationToken.None);
        await using var db = await hub.Provider.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();

        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA synchronous;";

        ((long?)await command.ExecuteScalarAsync()).ShouldBe(expected);
    }

    [Fact]
    public async Task The_connection_string_falls_back_to_ConnectionStrings_Hub_then_the_default()
    {
        var time = new ManualTimeProvider();
        await using var fromSection = new HubServices("Data Source=a.db", time);
        fromSection.Provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<HubStorageOptions>>().Value.ConnectionString.ShouldBe("Data Source=a.db");

        await using var fromConnectionStrings = new HubServices("", time, settings: new Dictionary<string, string?> { ["ConnectionStrings:Hub"] = "Data Source=b.db" });
        fromConnectionStrings.Provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<HubStorageOptions>>().Value.ConnectionString.ShouldBe("Data Source=b.db");

        await using var byDefault = new HubServices("", time);
        byDefault.Provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<HubStorageOptions>>().Value.ConnectionString.ShouldBe(HubStorageOptions.DefaultConnectionString);
    }

    [Fact]
    public void The_model_has_no_pending_changes_against_the_migrations()
    {
        using var db = new HubDbContext(new DbContextOptionsBuilder<HubDbContext>().UseSqlite(_db.ConnectionString, o => o.MigrationsAssembly(SqliteHubStorageProvider.MigrationsAssemblyName)).Options);

        db.Database.HasPendingModelChanges().ShouldBeFalse();
    }
}
