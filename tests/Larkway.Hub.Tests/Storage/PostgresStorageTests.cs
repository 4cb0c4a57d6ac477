using Larkway.Hub.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Larkway.Hub.Platform.Storage;

namespace Larkway.Hub.Tests.Storage;

[Collection(PostgresCollection.Name)]
public sealed class PostgresStorageTests(PostgresCluster cluster)
{
    [Fact]
    public async Task Startup_applies_the_postgres_migrations_to_an_empty_database()
    {
        await using var database = await cluster.CreateTestDatabaseAsync();
        await using var hub = new HubServices(database, new ManualTimeProvider());

        await hub.Provider.GetRequiredService<HubDatabaseInitializer>().EnsureInitializedAsync(CancellationToken.None);

        await using var db = await hub.Provider.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        db.ShouldBeOfType<PostgresHubDbContext>();
        db.Database.ProviderName.ShouldBe("Npgsql.EntityFrameworkCore.PostgreSQL");
        (await db.Database.GetPendingMigrationsAsync()).ShouldBeEmpty();
        (await db.Database.GetAppliedMigrationsAsync()).ShouldBe(db.Database.GetMigrations());

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'public'", connection);
        ((string?)await command.ExecuteScalarAsync()).ShouldBe("__EFMigrationsHistory,api_keys,approval_cards,approval_transitions,approvals,assistant_feedback,assistant_mask_audit,assistant_sessions,assistant_turns,assistants,bitable_sync_conflicts,bitable_sync_dead_letters,bitable_sync_dirty_records,bitable_sync_passes,bitable_syncs,bot_conversations,console_admins,dingtalk_robot_signatures,directory_changes,directory_departments,directory_link_codes,directory_link_conflicts,directory_memberships,directory_people,directory_person_app_ids,directory_person_links,directory_sync_problems,directory_sync_runs,feishu_knowledge_documents,feishu_knowledge_marks,feishu_knowledge_syncs,hub_alerts,hub_apps,hub_audit_log,hub_data_protection_keys,hub_leases,hub_metric_minutes,hub_settings,hub_user_tokens,hub_work_items,identity_clients,identity_codes,identity_grants,identity_refresh_tokens,identity_sessions,identity_signing_keys,inbox_dedup_keys,inbox_events,notification_actions,notification_deliveries,notification_types,notifications,webhook_deliveries,webhook_subscriptions,wecom_kf_accounts,wecom_kf_messages,wecom_kf_sessions");
    }

    [Fact]
    public async Task Two_replicas_starting_together_on_one_database_both_come_up()
    {
        await using var database = await cluster.CreateTestDatabaseAsync();
        await using var one = new HubServices(database, new ManualTimeProvider());
        await using var two = new HubServices(database, new ManualTimeProvider());

        // EF Core's migration lock on PostgreSQL lets one apply the migrations while the other waits.
        await Task.WhenAll(
            one.Provider.GetRequiredService<HubDatabaseInitializer>().EnsureInitializedAsync(CancellationToken.None),
            two.Provider.GetRequiredService<HubDatabaseInitializer>().EnsureInitializedAsync(CancellationToken.None));

        (await one.Store.AppendAsync(TestEvents.Custom("ev_1"))).Status.ShouldBe(Hub.Inbox.InboxAppendStatus.Accepted);
        (await two.Store.AppendAsync(TestEvents.Custom("ev_1"))).Status.ShouldBe(Hub.Inbox.InboxAppendStatus.Duplicate);
    }

    [Fact]
    public async Task A_unique_violation_is_recognised()
    {
        await using var database = await cluster.CreateTestDatabaseAsync();
        await using var hub = new HubServices(database, new ManualTimeProvider());
        await hub.Provider.GetRequiredService<HubDatabaseInitializer>().EnsureInitializedAsync(CancellationToken.None);
        var contexts = hub.Provider.GetRequiredService<IDbContextFactory<HubDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            db.Settings.Add(new HubSetting { Name = "k", Value = "1", UpdatedAt = DateTimeOffset.UnixEpoch });
            await db.SaveChangesAsync();
        }

        await using var again = await contexts.CreateDbContextAsync();
        again.Settings.Add(new HubSetting { Name = "k", Value = "2", UpdatedAt = DateTimeOffset.UnixEpoch });
        var error = await Should.ThrowAsync<DbUpdateException>(() => again.SaveChangesAsync());

        hub.Provider.GetRequiredService<IHubStorageProvider>().IsUniqueViolation(error).ShouldBeTrue();
    }
}

/// <summary>Provider selection and its validation; no server needed.</summary>
public sealed class HubStorageProviderSelectionTests
{
    [Theory]
    [InlineData(null, typeof(SqliteHubStorageProvider))]
    [InlineData("Sqlite", typeof(SqliteHubStorageProvider))]
    [InlineData("SQLITE", typeof(SqliteHubStorageProvider))]
    [InlineData("Postgres", typeof(PostgresHubStorageProvider))]
    [InlineData("postgresql", typeof(PostgresHubStorageProvider))]
    [InlineData("PostgreSQL", typeof(PostgresHubStorageProvider))]
    public async Task The_provider_is_chosen_by_name_in_any_case(string? name, Type expected)
    {
        var connectionString = expected == typeof(PostgresHubStorageProvider) ? "Host=localhost;Database=x" : "Data Source=x.db";
        var settings = name is null ? null : new Dictionary<string, string?> { ["Larkway:Storage:Provider"] = name };
        await using var hub = new HubServices(connectionString, new ManualTimeProvider(), settings: settings);

        hub.Provider.GetRequiredService<IHubStorageProvider>().ShouldBeOfType(expected);
    }

    [Fact]
    public async Task An_unknown_provider_is_rejected_at_startup_naming_the_setting_and_the_choices()
    {
        await using var hub = new HubServices("Data Source=x.db", new ManualTimeProvider(),
            settings: new Dictionary<string, string?> { ["Larkway:Storage:Provider"] = "MySql" });

        var error = Should.Throw<OptionsValidationException>(() => hub.Provider.GetRequiredService<IOptions<HubStorageOptions>>().Value);

        error.Message.ShouldContain("Larkway:Storage:Provider is 'MySql'");
        error.Message.ShouldContain("'Sqlite'");
        error.Message.ShouldContain("'Postgres'");
        error.Message.ShouldContain("'PostgreSQL'");
    }

    [Fact]
    public async Task Postgres_without_a_connection_string_is_rejected_instead_of_using_the_sqlite_default()
    {
        await using var hub = new HubServices("", new ManualTimeProvider(),
            settings: new Dictionary<string, string?> { ["Larkway:Storage:Provider"] = "Postgres" });

        Should.Throw<OptionsValidationException>(() => hub.Provider.GetRequiredService<IOptions<HubStorageOptions>>().Value)
            .Message.ShouldContain("Larkway:Storage:ConnectionString (or ConnectionStrings:Hub) is required");
    }

    [Fact]
    public async Task A_malformed_postgres_connection_string_is_rejected()
    {
        await using var hub = new HubServices("Data Source=x.db;Nonsense=1", new ManualTimeProvider(),
            settings: new Dictionary<string, string?> { ["Larkway:Storage:Provider"] = "Postgres" });

        Should.Throw<OptionsValidationException>(() => hub.Provider.GetRequiredService<IOptions<HubStorageOptions>>().Value)
            .Message.ShouldContain("not a valid PostgreSQL connection string");
    }

    [Fact]
    public void Without_the_server_binaries_the_postgres_tests_fail_saying_what_to_install()
    {
        var missing = Path.Combine(Path.GetTempPath(), "larkway-no-postgresql-" + Guid.NewGuid().ToString("N"));

        Should.Throw<InvalidOperationException>(() => PostgresCluster.FindBinaries(missing))
            .Message.ShouldContain("Run scripts/install-test-deps.sh");
    }

    [Fact]
    public void The_model_has_no_pending_changes_against_the_postgres_migrations()
    {
        using var db = new PostgresHubDbContext(new DbContextOptionsBuilder<PostgresHubDbContext>().UseNpgsql("Host=localhost;Database=unused", o => o.MigrationsAssembly(PostgresHubStorageProvider.MigrationsAssemblyName)).Options);

        db.Database.HasPendingModelChanges().ShouldBeFalse();
        db.Database.GetMigrations().ShouldAllBe(m => !m.Contains("BotConversations", StringComparison.Ordinal)); // its own set, not SQLite's
    }
}
