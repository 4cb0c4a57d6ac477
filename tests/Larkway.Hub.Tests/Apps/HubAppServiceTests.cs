using System.Data.Common;
using Larkway.Feishu;
using Larkway.Hub.Apps;
using Larkway.Hub.Feishu;
using Larkway.Hub.Tests.TestSupport;
using Larkway.Hub.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Larkway.Hub.Platform.DataProtection;
using Larkway.Hub.Platform.Storage;

namespace Larkway.Hub.Tests.Apps;

/// <summary>The app store on a real database of each provider: secrets encrypted at rest with a key ring in the same database.</summary>
public abstract class HubAppServiceTests
{
    private const string Secret = "app-secret-PLAINTEXT-0001";
    private const string EncryptKey = "encrypt-key-PLAINTEXT-0002";
    private const string Token = "verification-token-PLAINTEXT-0003";

    protected abstract Task<IHubTestDatabase> CreateDatabaseAsync();

    [Fact]
    public async Task Secrets_are_stored_encrypted_never_returned_and_the_key_ring_lives_in_the_database()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = Services(database);
        var service = hub.Provider.GetRequiredService<HubAppService>();

        var added = await service.AddAsync(Input("ops"));

        added.Status.ShouldBe(HubAppChangeStatus.Ok, string.Join("; ", added.Problems));
        added.App!.AppSecretSet.ShouldBeTrue();
        added.App.EncryptKeySet.ShouldBeTrue();
        added.App.VerificationTokenSet.ShouldBeTrue();
        added.App.BaseUrl.ShouldBe(new Uri("http://127.0.0.1:9/"));
        added.App.EventsPath.ShouldBe("/feishu/apps/ops/events");

        var row = await hub.RawRowAsync("SELECT app_secret, encrypt_key, verification_token FROM hub_apps WHERE name = 'ops'");
        row.Length.ShouldBe(3);
        foreach (var value in row)
        {
            value.ShouldStartWith(HubSecretProtector.Prefix);
        }

        string.Concat(row).ShouldNotContain("PLAINTEXT");
        (await hub.RawRowAsync("SELECT xml FROM hub_data_protection_keys")).Single().ShouldContain("<key ");

        var app = await hub.Provider.GetRequiredService<HubAppRegistry>().FindAsync("ops", CancellationToken.None);
        (app!.AppSecret, app.EncryptKey, app.VerificationToken).ShouldBe((Secret, EncryptKey, Token));

        // Webhook signing secrets too: the caller sees the plaintext once, the row holds ciphertext.
        var webhooks = hub.Provider.GetRequiredService<WebhookStore>();
        var subscription = await webhooks.CreateSubscriptionAsync(new Uri("http://127.0.0.1:9/hook"), ["*"], "", CancellationToken.None);
        subscription.Secret.ShouldStartWith(WebhookSignature.SecretPrefix);
        var stored = (await hub.RawRowAsync("SELECT secret FROM webhook_subscriptions")).Single();
        stored.ShouldStartWith(HubSecretProtector.Prefix);
        stored.ShouldNotContain(subscription.Secret[WebhookSignature.SecretPrefix.Length..]);
    }

    [Fact]
    public async Task Another_process_on_the_same_database_reads_the_secrets_after_a_restart_and_while_both_run()
    {
        await using var database = await CreateDatabaseAsync();
        await using (var first = Services(database))
        {
            (await first.Provider.GetRequiredService<HubAppService>().AddAsync(Input("ops"))).Status.ShouldBe(HubAppChangeStatus.Ok);
        }

        // A restart: a new service provider, nothing in memory but the database.
        await using var restarted = Services(database);
        var app = await restarted.Provider.GetRequiredService<HubAppRegistry>().FindAsync("ops", CancellationToken.None);
        app!.Error.ShouldBeNull();
        app.AppSecret.ShouldBe(Secret);

        // Two replicas at once: what one protects, the other unprotects (one key ring, one application name).
        await using var replica = Services(database);
        (await replica.Provider.GetRequiredService<HubAppService>().AddAsync(Input("sales") with { AppSecret = "sales-secret" })).Status.ShouldBe(HubAppChangeStatus.Ok);
        // The other replica's list is re-read after the refresh interval, so wait for it rather than race it.
        var registry = restarted.Provider.GetRequiredService<HubAppRegistry>();
        await Eventually.TrueAsync(async () => await registry.FindAsync("sales", CancellationToken.None) is not null, "the restarted replica sees the app the other one added");
        (await registry.FindAsync("sales", CancellationToken.None))!.AppSecret.ShouldBe("sales-secret");
        var protectedText = replica.Provider.GetRequiredService<HubSecretProtector>().Protect("shared");
        restarted.Provider.GetRequiredService<HubSecretProtector>().Unprotect(protectedText).ShouldBe("shared");
        (await restarted.RawRowAsync("SELECT COUNT(*) FROM hub_data_protection_keys")).Single().ShouldBe("1");
    }

    [Fact]
    public async Task A_database_restored_without_its_key_ring_refuses_the_app_with_a_message_instead_of_failing()
    {
        await using var database = await CreateDatabaseAsync();
        await using (var first = Services(database))
        {
            await first.Provider.GetRequiredService<HubAppService>().AddAsync(Input("ops"));
            await first.RawRowAsync("DELETE FROM hub_data_protection_keys");
        }

        await using var restored = Services(database);
        var app = await restored.Provider.GetRequiredService<HubAppRegistry>().FindAsync("ops", CancellationToken.None);
        app!.Error.ShouldNotBeNull();
        app.Error.ShouldContain("PATCH /api/v1/apps/ops");
        app.AppSecret.ShouldBeEmpty();
        var refused = await Should.ThrowAsync<HubAppNotFoundException>(() => restored.Provider.GetRequiredService<IFeishuClientFactory>().GetClientAsync("ops").AsTask());
        refused.Message.ShouldContain("cannot be decrypted");
        (await restored.Provider.GetRequiredService<HubAppService>().TestConnectionAsync("ops"))!.Ok.ShouldBeFalse();

        // Entering the secret again repairs it (with a new key).
        (await restored.Provider.GetRequiredService<HubAppService>().UpdateAsync("ops", new HubAppInput { AppSecret = "new", EncryptKey = "", VerificationToken = "t" })).Status.ShouldBe(HubAppChangeStatus.Ok);
        (await restored.Provider.GetRequiredService<HubAppRegistry>().FindAsync("ops", CancellationToken.None))!.Error.ShouldBeNull();
    }

    [Fact]
    public async Task The_audit_words_for_secrets_are_set_on_an_add_and_changed_only_when_a_different_one_replaces_one()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = Services(database);
        var service = hub.Provider.GetRequiredService<HubAppService>();

        var added = await service.AddAsync(Input("ops") with { EncryptKey = null });
        (added.Secrets["app_secret"], added.Secrets["encrypt_key"], added.Secrets["verification_token"]).ShouldBe(("set", "none", "set"), "an add sets what it gives");

        var same = await service.UpdateAsync("ops", new HubAppInput { AppSecret = Secret });
        same.Secrets["app_secret"].ShouldBe("kept", "the same secret typed again changes nothing");

        var changed = await service.UpdateAsync("ops", new HubAppInput { AppSecret = "another-secret", EncryptKey = "new-encrypt-key", VerificationToken = "" });
        (changed.Secrets["app_secret"], changed.Secrets["encrypt_key"], changed.Secrets["verification_token"]).ShouldBe(("changed", "set", "removed"));

        var untouched = await service.UpdateAsync("ops", new HubAppInput { Enabled = false });
        (untouched.Secrets["app_secret"], untouched.Secrets["encrypt_key"], untouched.Secrets["verification_token"]).ShouldBe(("kept", "kept", "none"));
        string.Concat(untouched.Secrets.Values).ShouldNotContain("secret", Case.Insensitive);
    }

    [Fact]
    public async Task Invalid_input_is_refused_with_every_problem_by_field_and_nothing_is_stored()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = Services(database);
        var service = hub.Provider.GetRequiredService<HubAppService>();

        var refused = await service.AddAsync(new HubAppInput { Name = "Ops Team", AppId = "cli x", BaseUrl = "ftp://example.com", EncryptKey = new string('k', 300) });

        refused.Status.ShouldBe(HubAppChangeStatus.Invalid);
        refused.Problems.Select(p => p.Field).ShouldBe(["name", "app_id", "base_url", "app_secret", "encrypt_key"], ignoreOrder: true);
        refused.Problems.ShouldAllBe(p => p.Message.Length > 10);
        (await service.AddAsync(Input("default"))).Problems.Single().Field.ShouldBe("name");
        (await service.AddAsync(Input(new string('a', 41)))).Problems.Single().Field.ShouldBe("name");
        (await service.AddAsync(Input("-ops"))).Problems.Single().Field.ShouldBe("name");
        (await service.ListAsync()).ShouldBeEmpty();

        (await service.AddAsync(Input("ops"))).Status.ShouldBe(HubAppChangeStatus.Ok);
        var duplicate = await service.AddAsync(Input("ops"));
        duplicate.Status.ShouldBe(HubAppChangeStatus.Conflict);
        duplicate.Problems.Single().Field.ShouldBe("name");

        (await service.UpdateAsync("ops", new HubAppInput { Name = "ops2" })).Problems.Single().Field.ShouldBe("name");
        (await service.UpdateAsync("ops", new HubAppInput { AppSecret = " " })).Problems.Single().Field.ShouldBe("app_secret");
        (await service.UpdateAsync("nope", new HubAppInput { Enabled = false })).Status.ShouldBe(HubAppChangeStatus.NotFound);
        (await service.UpdateAsync("default", new HubAppInput { Enabled = false })).Status.ShouldBe(HubAppChangeStatus.Conflict);
    }

    [Fact]
    public async Task An_update_without_a_secret_keeps_it_an_empty_key_clears_it_and_the_client_is_rebuilt()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = Services(database);
        var service = hub.Provider.GetRequiredService<HubAppService>();
        var apps = hub.Provider.GetRequiredService<IFeishuClientFactory>();
        await service.AddAsync(Input("ops"));
        var before = await apps.GetClientAsync("ops");
        (await apps.GetClientAsync("ops")).ShouldBeSameAs(before);

        // A new endpoint needs the secret again (it would be handed to the new host); nothing is changed without it.
        var moved = await service.UpdateAsync("ops", new HubAppInput { BaseUrl = "lark", EncryptKey = "" });
        moved.Status.ShouldBe(HubAppChangeStatus.Invalid);
        moved.Problems.ShouldContain(p => p.Field == "app_secret");
        (await service.GetAsync("ops"))!.BaseUrl.ShouldBe(new Uri("http://127.0.0.1:9/"));

        var changed = await service.UpdateAsync("ops", new HubAppInput { EncryptKey = "" });

        changed.Status.ShouldBe(HubAppChangeStatus.Ok);
        changed.App!.EncryptKeySet.ShouldBeFalse();
        changed.App.AppSecretSet.ShouldBeTrue();
        var app = await hub.Provider.GetRequiredService<HubAppRegistry>().FindAsync("ops", CancellationToken.None);
        (app!.AppSecret, app.EncryptKey, app.VerificationToken).ShouldBe((Secret, null, Token));
        (await apps.GetClientAsync("ops")).ShouldNotBeSameAs(before);

        (await service.UpdateAsync("ops", new HubAppInput { BaseUrl = "lark", AppSecret = Secret })).App!.BaseUrl.ShouldBe(new Uri("https://open.larksuite.com/"));

        await service.UpdateAsync("ops", new HubAppInput { Enabled = false });
        (await Should.ThrowAsync<HubAppNotFoundException>(() => apps.GetClientAsync("ops").AsTask())).Message.ShouldContain("disabled");
        Should.Throw<HubAppNotFoundException>(() => apps.GetClient("nope")).Message.ShouldContain("no Feishu app named 'nope'");
        (await service.DeleteAsync("ops")).ShouldBe(HubAppDeleteOutcome.Deleted);
        (await service.DeleteAsync("ops")).ShouldBe(HubAppDeleteOutcome.NotFound);
        (await service.DeleteAsync(HubAppService.DefaultAppName)).ShouldBe(HubAppDeleteOutcome.ReadOnly);
        (await service.GetAsync("ops")).ShouldBeNull();
    }

    [Fact]
    public async Task Another_replica_sees_a_change_within_the_refresh_interval()
    {
        await using var database = await CreateDatabaseAsync();
        await using var writer = Services(database);
        await using var reader = Services(database);
        var writes = writer.Provider.GetRequiredService<HubAppService>();
        var reads = reader.Provider.GetRequiredService<HubAppRegistry>();
        await writes.AddAsync(Input("ops"));
        (await reads.FindAsync("ops", CancellationToken.None))!.Enabled.ShouldBeTrue();

        await writes.UpdateAsync("ops", new HubAppInput { Enabled = false });

        await Eventually.TrueAsync(async () => (await reads.FindAsync("ops", CancellationToken.None))!.Enabled == false, "the reader sees the app disabled");
    }

    [Fact]
    public async Task Legacy_plaintext_webhook_secrets_keep_signing_and_are_protected_at_start()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = Services(database);
        var webhooks = hub.Provider.GetRequiredService<WebhookStore>();
        await hub.Provider.GetRequiredService<HubDatabaseInitializer>().EnsureInitializedAsync(CancellationToken.None);
        const string legacy = "whsec_legacy-plaintext-secret";
        await using (var db = await hub.Provider.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync())
        {
            db.WebhookSubscriptions.Add(new WebhookSubscriptionRow { Id = "whk_legacy", Url = "http://127.0.0.1:9/", EventTypes = "*", Secret = legacy, CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        (await webhooks.GetSubscriptionAsync("whk_legacy", CancellationToken.None))!.Secret.ShouldBe(legacy);

        (await webhooks.ProtectLegacySecretsAsync(CancellationToken.None)).ShouldBe(1);
        (await webhooks.ProtectLegacySecretsAsync(CancellationToken.None)).ShouldBe(0);
        var stored = (await hub.RawRowAsync("SELECT secret FROM webhook_subscriptions")).Single();
        stored.ShouldStartWith(HubSecretProtector.Prefix);
        stored.ShouldNotContain("legacy-plaintext");
        hub.Provider.GetRequiredService<HubSecretProtector>().Unprotect(stored).ShouldBe(legacy);
    }

    /// <summary>
    /// The race the Hub's fuzz run found: a PATCH reads the app, a delete (API or console) removes it, the PATCH saves.
    /// The update touched no row and EF threw, which was a 500; it is the delete winning, so "not found".
    /// </summary>
    [Fact]
    public async Task An_app_deleted_between_an_edits_read_and_its_save_is_not_found_and_stays_deleted()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = Services(database, s => s.Replace(ServiceDescriptor.Singleton<IDbContextFactory<HubDbContext>>(
            sp => new DeleteBeforeSave(ActivatorUtilities.CreateInstance<HubDbContextFactory>(sp), "DELETE FROM hub_apps WHERE name = 'ops'"))));
        var service = hub.Provider.GetRequiredService<HubAppService>();
        (await service.AddAsync(Input("ops"))).Status.ShouldBe(HubAppChangeStatus.Ok);

        var changed = await service.UpdateAsync("ops", new HubAppInput { Enabled = false });

        changed.Status.ShouldBe(HubAppChangeStatus.NotFound, string.Join("; ", changed.Problems));
        (await hub.RawRowAsync("SELECT COUNT(*) FROM hub_apps WHERE name = 'ops'")).ShouldBe(["0"]);
    }

    /// <summary>Runs a statement on the same database just before a context saves a change to a stored app.</summary>
    private sealed class DeleteBeforeSave(IDbContextFactory<HubDbContext> inner, string sql) : IDbContextFactory<HubDbContext>
    {
        public HubDbContext CreateDbContext()
        {
            var db = inner.CreateDbContext();
            db.SavingChanges += (_, _) =>
            {
                if (db.ChangeTracker.Entries<HubAppRow>().Any(e => e.State == EntityState.Modified))
                {
                    db.Database.ExecuteSqlRaw(sql);
                }
            };
            return db;
        }
    }

    private static HubAppInput Input(string name) => new()
    {
        Name = name,
        AppId = "cli_a1b2c3d4e5f60099",
        BaseUrl = "http://127.0.0.1:9",
        AppSecret = Secret,
        EncryptKey = EncryptKey,
        VerificationToken = Token,
    };

    private static HubServices Services(IHubTestDatabase database, Action<IServiceCollection>? more = null) =>
        new(database, TimeProvider.System,
            settings: new Dictionary<string, string?>
            {
                ["Larkway:Webhooks:SenderEnabled"] = "false",
                ["Larkway:Apps:RefreshInterval"] = "00:00:00.050",
            },
            services: s =>
            {
                var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Larkway:Apps:RefreshInterval"] = "00:00:00.050" }).Build();
                s.AddHubWebhooks(configuration);
                s.AddHubApps(configuration);
                s.AddHubFeishuClients();
                s.AddHubPlatform(new FeishuHubPlatform());
                more?.Invoke(s);
            });
}

public sealed class SqliteHubAppServiceTests : HubAppServiceTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => Task.FromResult<IHubTestDatabase>(new TempDatabase());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresHubAppServiceTests(PostgresCluster cluster) : HubAppServiceTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => cluster.CreateTestDatabaseAsync();
}
