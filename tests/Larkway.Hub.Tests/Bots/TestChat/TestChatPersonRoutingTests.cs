using System.Text;
using Larkway.Hub.Apps;
using Larkway.Hub.Directory;
using Larkway.Hub.Directory.Links;
using Larkway.Hub.Notifications;
using Larkway.Hub.Notifications.Routing;
using Larkway.Hub.Platform;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static Larkway.Hub.Tests.TestSupport.TestCallers;

namespace Larkway.Hub.Tests.Bots.TestChat;

/// <summary>
/// A person's platforms are the registered rooms' (<see cref="PersonPlatforms"/>): testchat, added from this project only,
/// is a platform a person prefers and is routed to, in the routing order after Feishu as the rooms were added — with
/// nothing in Directory/ or Notifications/ naming it. When its room is left out again, what was stored for it (the order,
/// a type's order, the preference, the link) is ignored with a warning, and the person is reached on what is left.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TestChatPersonRoutingTests(PostgresCluster cluster) : IAsyncLifetime
{
    private const string Card = """{"header":{"title":{"tag":"plain_text","content":"PO 42 needs you"}},"elements":[]}""";

    private readonly ManualTimeProvider _time = new();
    private readonly TestChatUsers _users = new();
    private readonly LogCapture _log = new();
    private IHubTestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await cluster.CreateTestDatabaseAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private HubServices Hub(bool withTestChat) => new(_db, _time, services: s =>
    {
        var configuration = new ConfigurationBuilder().Build();
        s.AddSingleton<ILoggerProvider>(_log);
        s.AddFeishu(o =>
        {
            o.AppId = "cli_test";
            o.AppSecret = "secret";
        });
        s.AddHubApps(configuration);
        s.AddHubFeishu();
        s.AddHubNotifications(configuration);
        if (withTestChat)
        {
            s.AddTestChatNotifications(_users);
            s.AddTestChatPeople();
        }

        s.AddHubDirectory();
        s.AddHubPersonRouting();
    });

    [Fact]
    public async Task Testchat_is_a_persons_platform_and_what_was_stored_for_it_is_ignored_with_a_warning_once_its_room_is_gone()
    {
        string alice;
        await using (var hub = Hub(withTestChat: true))
        {
            var platforms = hub.Provider.GetRequiredService<PersonPlatforms>();
            platforms.All.ShouldBe(["feishu", "testchat"], "the registry's order: the rooms as they were added");
            platforms.Display("testchat").ShouldBe("TestChat");
            (platforms.ListedOr, platforms.DisplayedOr).ShouldBe(("feishu or testchat", "Feishu or TestChat"), "what the refusals and the /link replies list");
            var routing = hub.Provider.GetRequiredService<RoutingSettingsStore>();
            (await routing.GetAsync(CancellationToken.None)).Order.ShouldBe(["feishu", "testchat"], "nothing stored: the registry's order");

            // The routing settings may name testchat; the refusal of a name lists the registered platforms.
            var settings = new RoutingSettings
            {
                Order = ["testchat", "feishu"],
                Types = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal) { ["chat.only"] = ["testchat"] },
            };
            settings.Problems([], ["testchat"], ["feishu"], platforms).ShouldBeEmpty();
            (settings with { Order = ["fax"] }).Problems([], ["testchat"], ["feishu"], platforms)
                .ShouldBe([("order[0]", "'fax' is not a platform: feishu or testchat.")]);
            await routing.SaveAsync(settings, CancellationToken.None);

            await AddAppAsync(hub);
            alice = (await hub.Provider.GetRequiredService<PeopleStore>().RecordSeenAsync(new FeishuPersonSeen("", "tenant_1", "ou_alice", "on_alice", "u_alice", "Alice") { Email = "alice@example.com" })).Id;
            var links = hub.Provider.GetRequiredService<PersonLinkStore>();
            (await links.LinkAsync(alice, "testchat", "tc-ops", "tc-alice", PersonLinkSource.Admin, CancellationToken.None)).ShouldBe(PersonLinkOutcome.Linked);
            platforms.IsKnown("testchat").ShouldBeTrue("so the API and the console accept it as a preference");
            await links.SetPreferredPlatformAsync(alice, "testchat", CancellationToken.None);

            (await DeliveriesAsync(hub, alice, "po-1")).ShouldBe([("tc-ops", "testchat_userid", "tc-alice")]);
        }

        await using (var hub = Hub(withTestChat: false))
        {
            var platforms = hub.Provider.GetRequiredService<PersonPlatforms>();
            platforms.IsKnown("testchat").ShouldBeFalse();
            platforms.Display("testchat").ShouldBe("testchat", "a link to a platform no longer served is shown as its name");
            var routing = await hub.Provider.GetRequiredService<RoutingSettingsStore>().GetAsync(CancellationToken.None);
            routing.Order.ShouldBe(["feishu"]);
            routing.Types.ShouldBeEmpty("a type's order left empty falls back to the directory's order rather than reaching nobody");
            _log.WarningsOrWorse.Where(l => l.EventId == LogEvents.RoutingPlatformNotRegistered).ShouldHaveSingleItem().Message.ShouldContain("'testchat'");

            // Alice's preference and link for testchat are ignored: she is reached on Feishu, not refused.
            (await DeliveriesAsync(hub, alice, "po-2")).ShouldBe([(null, "open_id", "ou_alice")]);
            (await DeliveriesAsync(hub, alice, "po-3", type: "chat.only")).ShouldBe([(null, "open_id", "ou_alice")]);
        }
    }

    private static async Task<IReadOnlyList<(string? App, string Type, string Recipient)>> DeliveriesAsync(HubServices hub, string person, string key, string type = "po.created")
    {
        var service = hub.Provider.GetRequiredService<NotificationService>();
        var problems = new List<NotificationProblem>();
        var body = Encoding.UTF8.GetBytes($$"""{"type":"{{type}}","idempotency_key":"{{key}}","card":{{Card}},"recipients":[{"person":"{{person}}"}]}""");
        var request = NotificationRequest.Parse(body, null, problems, service.RecipientTypes, out _) ?? throw new InvalidOperationException(string.Join("; ", problems));
        var submitted = await service.SubmitAsync(request, Erp, CancellationToken.None);
        submitted.Outcome.ShouldBe(NotificationSubmitOutcome.Queued, string.Join("; ", submitted.Problems.Select(p => $"{p.Field}: {p.Message}")));
        var stored = (await service.GetAsync(submitted.Id!, Erp, CancellationToken.None)).ShouldNotBeNull();
        return [.. stored.Deliveries.Select(d => (d.App, d.RecipientType, d.Recipient))];
    }

    private static async Task AddAppAsync(HubServices hub)
    {
        var added = await hub.Provider.GetRequiredService<HubAppService>().AddAsync(new HubAppInput
        {
            Name = "tc-ops",
            Platform = TestChatPlatform.Platform,
            AppId = "tc_0001",
            AppSecret = "s3cret",
        });
        added.Status.ShouldBe(HubAppChangeStatus.Ok, string.Join("; ", added.Problems));
    }
}
