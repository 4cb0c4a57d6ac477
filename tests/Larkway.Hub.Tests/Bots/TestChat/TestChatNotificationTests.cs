using System.Text;
using System.Text.Json.Nodes;
using Larkway.Hub.Apps;
using Larkway.Hub.Notifications;
using Larkway.Hub.Notifications.Types;
using Larkway.Hub.Platform.Http;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Larkway.Hub.Tests.TestSupport.TestCallers;

namespace Larkway.Hub.Tests.Bots.TestChat;

/// <summary>
/// A platform the Hub has never heard of (<see cref="TestChatNotifications"/>, registered from this project only) plugs into
/// notifications through the seams: a request to its stored app is checked against its recipient kinds and its render
/// rule, accepted, sent by the outbox through its channel, a refusal recorded under its own code, and a click on what it
/// showed enters the one click entry — on real PostgreSQL, with nothing in Notifications/ naming it.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TestChatNotificationTests(PostgresCluster cluster) : IAsyncLifetime
{
    private const string Card = """{"header":{"title":{"tag":"plain_text","content":"PO 42 needs you"}},"elements":[{"tag":"div","text":{"tag":"lark_md","content":"Approve it?"}}]}""";

    private readonly ManualTimeProvider _time = new();
    private readonly TestChatUsers _users = new();
    private IHubTestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await cluster.CreateTestDatabaseAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private HubServices Hub() => new(_db, _time, services: s =>
    {
        var configuration = new ConfigurationBuilder().Build();
        s.AddFeishu(o =>
        {
            o.AppId = "cli_test";
            o.AppSecret = "secret";
        });
        s.AddHubApps(configuration);
        s.AddHubFeishu();
        s.AddHubNotifications(configuration);
        s.AddTestChatNotifications(_users);
    });

    [Fact]
    public async Task A_notification_to_testchat_users_is_sent_through_its_channel_its_refusal_kept_in_its_terms_and_a_click_enters_the_one_entry()
    {
        await using var hub = Hub();
        await AddAppAsync(hub);
        _users.Refuse("gone", TestChatApiException.UserLeft, "user left the team");
        var service = hub.Provider.GetRequiredService<NotificationService>();

        var submitted = await service.SubmitAsync(Request(service, "po-42", ("testchat_userid", "alice"), ("testchat_userid", "gone")), Erp, CancellationToken.None);

        submitted.Outcome.ShouldBe(NotificationSubmitOutcome.Queued, string.Join("; ", submitted.Problems.Select(p => $"{p.Field}: {p.Message}")));
        var worker = hub.Provider.GetServices<IHostedService>().OfType<QueueWorker<NotificationDeliveryRow>>().Single();
        await worker.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(async () => (await service.GetAsync(submitted.Id!, Erp, CancellationToken.None))!.Deliveries
            .All(d => d.State is WorkState.Done or WorkState.DeadLetter), "both deliveries end");
        await worker.StopAsync(CancellationToken.None);

        var details = (await service.GetAsync(submitted.Id!, Erp, CancellationToken.None))!;
        var shown = NotificationWire.ToDto(details.Notification, details.Deliveries);
        var alice = shown.Recipients.Single(r => r.Value == "alice");
        (alice.Platform, alice.Status, alice.MessageId).ShouldBe(("testchat", NotificationDeliveryStatus.Sent, "tcm_1"));
        _users.Received.Select(r => (r.App, r.User, r.Text)).ShouldBe([("tc-ops", "alice", "PO 42 needs you")]);

        // testchat's refusal in its own terms: its code, its text, its trace id; not retried (it will not pass).
        var gone = shown.Recipients.Single(r => r.Value == "gone");
        (gone.Platform, gone.Status, gone.Attempts).ShouldBe(("testchat", NotificationDeliveryStatus.Failed, 1));
        var error = gone.Error.ShouldNotBeNull();
        (error.Platform, error.Code.GetInt32(), error.Message, error.RequestId).ShouldBe(("testchat", TestChatApiException.UserLeft, "user left the team", "trace-gone"));

        // alice presses a button on what testchat showed; testchat's room hands the press to the one click entry.
        var delivery = details.Deliveries.Single(d => d.Recipient == "alice");
        var clicks = hub.Provider.GetRequiredService<TestChatClicks>();
        var answer = await clicks.PressAsync("tc-ops", "alice", submitted.Id!, delivery.Id, "ack", "tc-press-1", CancellationToken.None);
        var again = await clicks.PressAsync("tc-ops", "alice", submitted.Id!, delivery.Id, "ack", "tc-press-1", CancellationToken.None);

        answer.Ok.ShouldBeTrue();
        again.Ok.ShouldBeTrue();
        var action = (await service.GetAsync(submitted.Id!, Erp, CancellationToken.None))!.Actions.ShouldHaveSingleItem("a press delivered twice is recorded once");
        (action.Action, action.OperatorPlatform, action.OperatorUserId, action.MessageId, action.Recipient).ShouldBe(("ack", "testchat", "alice", "tcm_1", "alice"));
    }

    [Fact]
    public async Task What_testchat_cannot_take_is_refused_at_submit_in_its_words()
    {
        await using var hub = Hub();
        await AddAppAsync(hub);
        var service = hub.Provider.GetRequiredService<NotificationService>();

        // A Feishu recipient on a testchat app: the channel's recipient kinds name what it takes.
        var foreign = await service.SubmitAsync(Request(service, "po-1", ("open_id", "ou_1")), Erp, CancellationToken.None);
        foreign.Outcome.ShouldBe(NotificationSubmitOutcome.Invalid);
        foreign.Problems.ShouldHaveSingleItem().Field.ShouldBe("recipients[0].open_id");
        foreign.Problems[0].Message.ShouldBe("'tc-ops' is a TestChat app: it sends to testchat_userid, not to open_id.");

        // A card testchat cannot show is refused now, not dead-lettered later; and a testchat recipient without its app.
        var image = """{"elements":[{"tag":"img","img_key":"img_1","alt":{"tag":"plain_text","content":"chart"}}]}""";
        var unshowable = await service.SubmitAsync(Request(service, "po-2", image, ("testchat_userid", "alice")), Erp, CancellationToken.None);
        unshowable.Problems.ShouldHaveSingleItem().Message.ShouldBe("This notification cannot be shown on TestChat: TestChat shows no images: take the img element out.");
        var appless = await service.SubmitAsync(Request(service, "po-3", ("testchat_userid", "alice")) with { App = null }, Erp, CancellationToken.None);
        appless.Problems.ShouldHaveSingleItem().Message.ShouldBe("testchat_userid is a TestChat recipient: set 'app' to a TestChat app added to the Hub.");
        _users.Received.ShouldBeEmpty();

        // The kinds a request may name are the registered channels': testchat's is among them, a kind nobody takes is not.
        var problems = new List<NotificationProblem>();
        NotificationRequest.Parse(Body("po-4", Card, ("telegram_id", "x")), null, problems, service.RecipientTypes, out _).ShouldBeNull();
        problems.ShouldHaveSingleItem().Message.ShouldBe("Must have exactly one of: email, open_id, user_id, union_id, chat_id, department_id, testchat_userid, person.");
    }

    [Fact]
    public async Task A_type_may_name_testchat_recipients_and_a_notification_of_it_goes_to_them()
    {
        await using var hub = Hub();
        await AddAppAsync(hub);
        var type = JsonNode.Parse("""
            {"template":{"header":{"title":{"tag":"plain_text","content":"Swap with {{who}}"}},"elements":[]},
             "sample_data":{"user":"bob","who":"carol"},"recipients":[{"testchat_userid":"{{user}}"}]}
            """)!.AsObject();

        var put = await hub.Provider.GetRequiredService<NotificationTypeService>().PutAsync("shift.swap", type, CancellationToken.None);
        put.Problems.ShouldBeEmpty();
        var service = hub.Provider.GetRequiredService<NotificationService>();
        var problems = new List<NotificationProblem>();
        var request = NotificationRequest.Parse(
            """{"type":"shift.swap","idempotency_key":"swap-1","app":"tc-ops","data":{"user":"bob","who":"dave"}}"""u8, null, problems, service.RecipientTypes, out _);
        var submitted = await service.SubmitAsync(request!, Erp, CancellationToken.None);

        submitted.Outcome.ShouldBe(NotificationSubmitOutcome.Queued, string.Join("; ", submitted.Problems.Select(p => $"{p.Field}: {p.Message}")));
        (await service.GetAsync(submitted.Id!, Erp, CancellationToken.None))!.Deliveries.Select(d => (d.RecipientType, d.Recipient)).ShouldBe([("testchat_userid", "bob")]);
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

    private static NotificationRequest Request(NotificationService service, string key, params (string Type, string Value)[] recipients) =>
        Request(service, key, Card, recipients);

    /// <summary>A request as the API parses it: with the recipient kinds of the channels registered.</summary>
    private static NotificationRequest Request(NotificationService service, string key, string card, params (string Type, string Value)[] recipients)
    {
        var problems = new List<NotificationProblem>();
        return NotificationRequest.Parse(Body(key, card, recipients), null, problems, service.RecipientTypes, out _)
            ?? throw new InvalidOperationException(string.Join("; ", problems));
    }

    private static byte[] Body(string key, string card, params (string Type, string Value)[] recipients)
    {
        var list = string.Join(",", recipients.Select(r => $"{{\"{r.Type}\":\"{r.Value}\"}}"));
        return Encoding.UTF8.GetBytes($$"""{"type":"po.created","idempotency_key":"{{key}}","app":"tc-ops","card":{{card}},"recipients":[{{list}}]}""");
    }
}
