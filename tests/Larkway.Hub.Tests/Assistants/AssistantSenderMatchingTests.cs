using Larkway.Hub.Apps;
using Larkway.Hub.Directory;
using Larkway.Hub.Directory.Links;
using Larkway.Hub.Notifications;
using Larkway.Hub.Notifications.Actions;
using Larkway.Hub.Platform.Storage;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Tests.Assistants;

/// <summary>
/// Telling who an unlinked DingTalk or WeCom sender is, on a real database of each provider, with a platform whose
/// contacts say what the test sets: one person with the email is linked (source email), a national mobile number finds
/// the person stored with +86 (source mobile), two people with the email leave the sender a guest with nothing linked, and
/// an account no one matches is not asked about again while it is remembered.
/// </summary>
public abstract class AssistantSenderMatchingTests
{
    private const string App = "dt-org";

    protected abstract Task<IHubTestDatabase> CreateDatabaseAsync();

    [Fact]
    public async Task One_person_with_the_email_is_linked_by_email_and_a_national_mobile_finds_the_person_stored_with_plus_86()
    {
        await using var hub = await MatchingHub.StartAsync(await CreateDatabaseAsync());
        await hub.AddPersonAsync("per_alice", "alice@example.com", "+8613800000001");
        await hub.AddPersonAsync("per_bob", "bob@example.com", "+8613800000002");
        hub.Contacts["alice"] = new PlatformContact(["Alice@Example.com"], null);
        hub.Contacts["bob"] = new PlatformContact([], "13800000002");

        (await hub.Matching.MatchAsync(HubAppPlatform.DingTalk, App, "alice", CancellationToken.None)).ShouldBe("per_alice");
        (await hub.Matching.MatchAsync(HubAppPlatform.DingTalk, App, "bob", CancellationToken.None)).ShouldBe("per_bob");

        var links = await hub.LinksAsync();
        links.ShouldContain(l => l.PersonId == "per_alice" && l.UserId == "alice" && l.Source == PersonLinkSource.Email);
        links.ShouldContain(l => l.PersonId == "per_bob" && l.UserId == "bob" && l.Source == PersonLinkSource.Mobile);
    }

    [Fact]
    public async Task Two_people_with_the_email_leave_the_sender_a_guest_with_nothing_linked_and_the_platform_is_not_asked_again()
    {
        await using var hub = await MatchingHub.StartAsync(await CreateDatabaseAsync());
        await hub.AddPersonAsync("per_one", "shared@example.com", "+8613800000011");
        await hub.AddPersonAsync("per_two", "shared@example.com", "+8613800000012");
        hub.Contacts["shared"] = new PlatformContact(["shared@example.com"], "13800000011");

        (await hub.Matching.MatchAsync(HubAppPlatform.DingTalk, App, "shared", CancellationToken.None)).ShouldBeNull("no guess between two people, not even by the mobile number");
        (await hub.LinksAsync()).ShouldBeEmpty();

        // Held for an administrator, naming both people.
        var held = (await hub.Provider.GetRequiredService<PersonLinkConflicts>().ListAsync(PersonLinkConflictStatus.Open, null, 10, CancellationToken.None)).ShouldHaveSingleItem();
        (held.Platform, held.App, held.UserId, held.Reason).ShouldBe((HubAppPlatform.DingTalk, App, "shared", PersonLinkConflictReason.SeveralByEmail));
        held.CandidateIds.ShouldBe(["per_one", "per_two"]);

        // The sender's next messages: remembered as matching no one, so the platform's contacts are not asked again.
        (await hub.Matching.MatchAsync(HubAppPlatform.DingTalk, App, "shared", CancellationToken.None)).ShouldBeNull();
        (await hub.Matching.MatchAsync(HubAppPlatform.DingTalk, App, "stranger", CancellationToken.None)).ShouldBeNull();
        (await hub.Matching.MatchAsync(HubAppPlatform.DingTalk, App, "stranger", CancellationToken.None)).ShouldBeNull();
        hub.Asked.ShouldBe(["shared", "stranger"]);
    }

    [Fact]
    public async Task A_held_account_is_closed_by_an_administrators_link_made_anywhere_and_a_dismissed_one_stays_unlinked_when_one_person_matches_later()
    {
        await using var hub = await MatchingHub.StartAsync(await CreateDatabaseAsync(), contactsRemembered: false);
        var conflicts = hub.Provider.GetRequiredService<PersonLinkConflicts>();
        await hub.AddPersonAsync("per_one", "shared@example.com", "+8613800000011");
        await hub.AddPersonAsync("per_two", "shared@example.com", "+8613800000012");
        hub.Contacts["shared"] = new PlatformContact(["shared@example.com"], null);
        hub.Contacts["other"] = new PlatformContact(["shared@example.com"], null);
        (await hub.Matching.MatchAsync(HubAppPlatform.DingTalk, App, "shared", CancellationToken.None)).ShouldBeNull();
        (await hub.Matching.MatchAsync(HubAppPlatform.DingTalk, App, "other", CancellationToken.None)).ShouldBeNull();
        var held = await conflicts.ListAsync(PersonLinkConflictStatus.Open, null, 10, CancellationToken.None);
        held.Count.ShouldBe(2);

        // An administrator links "shared" on the person's page (not through the held match): the held match is closed too.
        (await hub.Provider.GetRequiredService<PersonLinkStore>().LinkAsync("per_two", HubAppPlatform.DingTalk, App, "shared", PersonLinkSource.Admin, CancellationToken.None))
            .ShouldBe(PersonLinkOutcome.Linked);
        var closed = (await conflicts.ListAsync(PersonLinkConflictStatus.Resolved, null, 10, CancellationToken.None)).ShouldHaveSingleItem();
        (closed.UserId, closed.PersonId).ShouldBe(("shared", "per_two"));

        // "other" is dismissed; later one of the two leaves, so the email names one person — still not linked.
        (await conflicts.DismissAsync(held.Single(h => h.UserId == "other").Id, CancellationToken.None)).ShouldBe(PersonLinkConflictOutcome.Done);
        (await conflicts.DismissAsync(held.Single(h => h.UserId == "other").Id, CancellationToken.None)).ShouldBe(PersonLinkConflictOutcome.Closed);
        await hub.ResignAsync("per_one");
        (await hub.Matching.MatchAsync(HubAppPlatform.DingTalk, App, "other", CancellationToken.None)).ShouldBeNull("dismissed by an administrator");
        (await hub.LinksAsync()).ShouldHaveSingleItem().UserId.ShouldBe("shared");
        (await conflicts.ListAsync(PersonLinkConflictStatus.Open, null, 10, CancellationToken.None)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(HubAppPlatform.DingTalk)]
    [InlineData(HubAppPlatform.WeCom)]
    public async Task A_click_by_an_unlinked_account_the_directory_matches_by_email_or_mobile_names_the_person_as_the_assistant_would(string platform)
    {
        await using var hub = await MatchingHub.StartAsync(await CreateDatabaseAsync(), platform);
        await hub.AddPersonAsync("per_alice", "alice@example.com", "+8613800000001");
        await hub.AddPersonAsync("per_bob", "bob@example.com", "+8613800000002");
        hub.Contacts["alice"] = new PlatformContact(["alice@example.com"], null);
        hub.Contacts["bob"] = new PlatformContact([], "13800000002");
        var operators = new NotificationOperators(hub.Matching);
        var addressedByUserId = new NotificationDeliveryRow { NotificationId = "ntf_1", RecipientType = platform + "_userid", Recipient = "alice" };

        // Pressed by accounts no link names yet: the platform's contacts name them, as they would for the assistant.
        (await operators.PersonOfAsync(platform, App, "alice", addressedByUserId, CancellationToken.None)).ShouldBe("per_alice");
        (await operators.PersonOfAsync(platform, App, "bob", null, CancellationToken.None)).ShouldBe("per_bob");
        (await operators.PersonOfAsync(platform, App, "stranger", null, CancellationToken.None)).ShouldBeNull();

        // Linked now: the same answer from the link, without asking the platform again.
        (await hub.Matching.PersonOfAsync(platform, App, "alice", CancellationToken.None)).ShouldBe("per_alice");
        hub.Asked.ShouldBe(["alice", "bob", "stranger"]);
    }

    /// <summary>A platform whose contacts give what the test put in <see cref="Contacts"/>, recording who was asked.</summary>
    private sealed class SetContacts : IPlatformAccounts
    {
        public Dictionary<string, PlatformContact> Contacts { get; } = new(StringComparer.Ordinal);

        public List<string> Asked { get; } = [];

        public Task<PlatformContact?> ContactAsync(string app, string userId, CancellationToken cancellationToken)
        {
            Asked.Add(userId);
            return Task.FromResult(Contacts.GetValueOrDefault(userId));
        }

        public Task<string?> FindUserIdAsync(string app, string by, string value, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

        public Task SendTextAsync(string app, string userId, string text, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class MatchingHub : IAsyncDisposable
    {
        private readonly IHubTestDatabase _database;
        private readonly HubServices _hub;
        private readonly SetContacts _contacts;

        private MatchingHub(IHubTestDatabase database, HubServices hub, SetContacts contacts)
        {
            _database = database;
            _hub = hub;
            _contacts = contacts;
        }

        public Dictionary<string, PlatformContact> Contacts => _contacts.Contacts;

        public List<string> Asked => _contacts.Asked;

        public AccountPeople Matching => _hub.Provider.GetRequiredService<AccountPeople>();

        public IServiceProvider Provider => _hub.Provider;

        public static async Task<MatchingHub> StartAsync(IHubTestDatabase database, string platform = HubAppPlatform.DingTalk, bool contactsRemembered = true)
        {
            var contacts = new SetContacts();
            var hub = new HubServices(database, new ManualTimeProvider(), services: s =>
            {
                s.AddOptions<AccountPeopleOptions>().Configure(o => o.UnmatchedLifetime = contactsRemembered ? o.UnmatchedLifetime : TimeSpan.Zero);
                s.AddSingleton<PersonLinkStore>();
                s.AddSingleton<PersonLinkConflicts>();
                s.AddHubPlatformUnit(new Larkway.Channels.Messages.ChannelPlatform(platform)).Supply<IPlatformAccounts>(contacts);
                s.AddSingleton<AccountPeople>();
            });
            var started = new MatchingHub(database, hub, contacts);
            await hub.Provider.GetRequiredService<HubDatabaseInitializer>().EnsureInitializedAsync(CancellationToken.None);
            return started;
        }

        public async Task AddPersonAsync(string id, string email, string mobile)
        {
            await using var db = await DbAsync();
            db.People.Add(new PersonRow { Id = id, TenantKey = "t1", Name = id, Email = email, Mobile = mobile, Status = PersonStatus.Active });
            await db.SaveChangesAsync();
        }

        public async Task<List<PersonLinkRow>> LinksAsync()
        {
            await using var db = await DbAsync();
            return await db.PersonLinks.AsNoTracking().ToListAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await _hub.DisposeAsync();
            await _database.DisposeAsync();
        }

        public async Task ResignAsync(string id)
        {
            await using var db = await DbAsync();
            await db.People.Where(p => p.Id == id).ExecuteUpdateAsync(u => u.SetProperty(p => p.Status, PersonStatus.Resigned));
        }

        private Task<HubDbContext> DbAsync() => _hub.Provider.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
    }
}

public sealed class SqliteAssistantSenderMatchingTests : AssistantSenderMatchingTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => Task.FromResult<IHubTestDatabase>(new TempDatabase());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresAssistantSenderMatchingTests(PostgresCluster cluster) : AssistantSenderMatchingTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => cluster.CreateTestDatabaseAsync();
}
