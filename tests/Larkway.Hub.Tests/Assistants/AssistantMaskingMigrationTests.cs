using Larkway.Hub.Assistants.Configuration;
using Larkway.Hub.Assistants.Storage;
using Larkway.Hub.Platform.Storage;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Tests.Assistants;

/// <summary>
/// masking.to_platform's default (phones, resident ids, bank cards) reaches assistants stored before it: their stored
/// <c>[]</c> meant "never set" as much as "off", and the migration takes it as never set; other lists stay as stored.
/// </summary>
internal static class AssistantMaskingMigration
{
    public const string Name = "_AssistantMaskingToPlatformDefault";

    public static async Task An_assistant_stored_with_no_platform_masking_gets_the_default_and_a_chosen_list_stays(IHubTestDatabase database)
    {
        await using var hub = new HubServices(database, new ManualTimeProvider());
        await using var db = await hub.Provider.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        var migrations = db.Database.GetMigrations().ToList();
        var before = migrations[migrations.FindIndex(m => m.EndsWith(Name, StringComparison.Ordinal)) - 1];
        await db.GetService<IMigrator>().MigrateAsync(before);

        db.Assistants.Add(Row("legacy", """{"to_backend":["china_mobile"],"to_platform":[]}"""));
        db.Assistants.Add(Row("chosen", """{"to_backend":["china_mobile"],"to_platform":["email"]}"""));
        await db.SaveChangesAsync();
        await db.GetService<IMigrator>().MigrateAsync();

        db.ChangeTracker.Clear();
        var stored = await db.Assistants.AsNoTracking().ToDictionaryAsync(a => a.Name, a => AssistantJsonContext.Read(a.Masking, AssistantJsonContext.Default.AssistantMaskingSettings));
        stored["legacy"].ToPlatform.ShouldBe(["china_mobile", "resident_id", "bank_card"]);
        stored["legacy"].ToBackend.ShouldBe(["china_mobile"]);
        stored["chosen"].ToPlatform.ShouldBe(["email"]);
    }

    private static AssistantRow Row(string name, string masking) => new()
    {
        Name = name,
        DisplayName = name,
        Backend = "dify",
        BaseUrl = "https://dify.example.com/v1",
        ApiKey = "protected-key",
        Apps = "default",
        Policy = "{}",
        Sessions = "{}",
        Masking = masking,
        Streaming = "{}",
        Enabled = true,
        CreatedAt = DateTimeOffset.UnixEpoch,
        UpdatedAt = DateTimeOffset.UnixEpoch,
    };
}

public sealed class SqliteAssistantMaskingMigrationTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public Task An_assistant_stored_with_no_platform_masking_gets_the_default_and_a_chosen_list_stays() =>
        AssistantMaskingMigration.An_assistant_stored_with_no_platform_masking_gets_the_default_and_a_chosen_list_stays(_db);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresAssistantMaskingMigrationTests(PostgresCluster cluster)
{
    [Fact]
    public async Task An_assistant_stored_with_no_platform_masking_gets_the_default_and_a_chosen_list_stays()
    {
        await using var database = await cluster.CreateTestDatabaseAsync();
        await AssistantMaskingMigration.An_assistant_stored_with_no_platform_masking_gets_the_default_and_a_chosen_list_stays(database);
    }
}
