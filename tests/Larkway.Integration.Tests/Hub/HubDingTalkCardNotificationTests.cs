using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Integration.Tests.DingTalk;
using Shouldly;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// Notifications of a DingTalk app with a card template, against the Emulator's DingTalk over the real wire: each delivery
/// is one interactive card instance in the person's chat with the robot; its buttons call back over the app's Stream
/// connection, the decision is recorded and forwarded as on Feishu and shown on the card; a change updates the card in place.
/// </summary>
public sealed class HubDingTalkCardNotificationTests
{
    private const string Template = "tpl-larkway-notification.schema";

    [Fact]
    public async Task A_notification_to_a_DingTalk_person_is_one_interactive_card_whose_click_is_decided_forwarded_and_shown_on_the_card()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await StartAsync(emulator);
        using var admin = HubDingTalkTests.Admin(hub);
        using var stream = new DingTalkStreamControl(emulator.BaseUrl, EmulatorOptions.DefaultDingTalkAppKey);
        await HubDingTalkTests.AddAppAsync(admin, emulator);
        using var subscribed = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url("/decisions").ToString(), event_types = new[] { "notification.action" } });
        subscribed.StatusCode.ShouldBe(HttpStatusCode.Created, await subscribed.Content.ReadAsStringAsync());
        await HubSandbox.WaitUntilAsync(() => stream.OpenConnectionIdsAsync().GetAwaiter().GetResult().Count > 0, "the Hub's Stream connection", seconds: 60);

        var (id, data) = await HubDingTalkTests.SendPackTypeAsync(admin, "requisition.submitted", "req-card-1");
        await HubSandbox.WaitUntilAsync(() => HubDingTalkTests.Status(admin, id) == "sent", "the requisition sent", seconds: 60);

        // One card instance of the app's template, delivered once into Alice's chat with the robot; no action card besides.
        var outTrackId = OutTrackId(admin, id);
        outTrackId.ShouldStartWith($"lwn_{id}_");
        var card = await CardAsync(hub, outTrackId);
        card.GetProperty("cardTemplateId").GetString().ShouldBe(Template);
        card.GetProperty("callbackType").GetString().ShouldBe("STREAM");
        var delivered = card.GetProperty("deliveries").EnumerateArray().ToList();
        delivered.Count.ShouldBe(1);
        (delivered[0].GetProperty("spaceType").GetString(), delivered[0].GetProperty("spaceId").GetString(), delivered[0].GetProperty("success").GetBoolean()).ShouldBe(("IM_ROBOT", "alice", true));
        var number = data.GetProperty("requisition").GetProperty("number").GetString()!;
        (Param(card, "title") + Param(card, "markdown")).ShouldContain(number);
        Buttons(card).Where(b => b.TryGetProperty("actionId", out _)).Select(b => b.GetProperty("actionId").GetString()).ShouldContain("approve");
        Param(card, "decision").ShouldBeNull();
        (await HubDingTalkTests.RobotMessagesAsync(hub, "alice")).ShouldBeEmpty("the card is the message: no action card with confirm links is sent");

        // Alice presses Approve: the callback goes to the Hub over Stream, which records the decision once and forwards it.
        var clicked = await ClickAsync(hub, outTrackId, "alice", "approve");
        clicked.GetProperty("ok").GetBoolean().ShouldBeTrue(clicked.ToString());
        await HubSandbox.WaitUntilAsync(() => HubDingTalkTests.Actions(admin, id).Count == 1, "the decision recorded", seconds: 60);
        var action = HubDingTalkTests.Actions(admin, id).Single();
        action.GetProperty("action").GetString().ShouldBe("approve");
        action.GetProperty("decision").GetString().ShouldBe("approved");
        action.GetProperty("operator").GetProperty("user_id").GetString().ShouldBe("alice");
        action.GetProperty("operator").GetProperty("platform").GetString().ShouldBe("dingtalk");

        // The card shows who decided what, its buttons gone, in place.
        await HubSandbox.WaitUntilAsync(() => Param(CardAsync(hub, outTrackId).GetAwaiter().GetResult(), "decision") is not null, "the decision on the card", seconds: 60);
        card = await CardAsync(hub, outTrackId);
        Param(card, "decision").ShouldBe("Approved by Alice Chen");
        Buttons(card).ShouldBeEmpty();

        // The business system hears it as from any platform.
        await HubSandbox.WaitUntilAsync(() => receiver.At("/decisions").Count >= 1, "the decision at the webhook", seconds: 60);
        var envelope = JsonDocument.Parse(receiver.At("/decisions").Single().Body).RootElement;
        envelope.GetProperty("type").GetString().ShouldBe("notification.action");
        envelope.GetProperty("event").GetProperty("notification_id").GetString().ShouldBe(id);
        envelope.GetProperty("event").GetProperty("decision").GetString().ShouldBe("approved");
        envelope.GetProperty("event").GetProperty("operator").GetProperty("platform").GetString().ShouldBe("dingtalk");

        // DingTalk delivering the same callback again (Stream redelivers unacked pushes) records nothing more.
        await stream.CardCallbackAsync(outTrackId, "alice", "approve");
        await HubSandbox.WaitUntilAsync(() => Events(admin) is { Count: >= 2 } e && e.All(x => x.GetProperty("status").GetString() == "done"), "the second callback handled", seconds: 60);
        HubDingTalkTests.Actions(admin, id).Count.ShouldBe(1);

        // Changed by the business system: the same card is updated in place, still showing its decision; nothing new is delivered.
        await ChangeAsync(admin, id, "Requisition changed", "The amount is now **2,000**.");
        await HubSandbox.WaitUntilAsync(() => Param(CardAsync(hub, outTrackId).GetAwaiter().GetResult(), "title") == "Requisition changed", "the card updated", seconds: 60);
        card = await CardAsync(hub, outTrackId);
        Param(card, "markdown")!.ShouldContain("2,000");
        Param(card, "decision").ShouldBe("Approved by Alice Chen");
        card.GetProperty("deliveries").GetArrayLength().ShouldBe(1);
        OutTrackId(admin, id).ShouldBe(outTrackId);
        (await HubDingTalkTests.RobotMessagesAsync(hub, "alice")).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_changed_undecided_notification_updates_its_DingTalk_card_in_place_and_a_press_by_someone_else_records_nothing()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await StartAsync(emulator);
        using var admin = HubDingTalkTests.Admin(hub);
        using var stream = new DingTalkStreamControl(emulator.BaseUrl, EmulatorOptions.DefaultDingTalkAppKey);
        await HubDingTalkTests.AddAppAsync(admin, emulator);
        await HubSandbox.WaitUntilAsync(() => stream.OpenConnectionIdsAsync().GetAwaiter().GetResult().Count > 0, "the Hub's Stream connection", seconds: 60);

        var (id, _) = await HubDingTalkTests.SendPackTypeAsync(admin, "requisition.submitted", "req-card-2");
        await HubSandbox.WaitUntilAsync(() => HubDingTalkTests.Status(admin, id) == "sent", "the requisition sent", seconds: 60);
        var outTrackId = OutTrackId(admin, id);

        await ChangeAsync(admin, id, "Requisition withdrawn", "Nothing to decide any more.");
        await HubSandbox.WaitUntilAsync(() => Param(CardAsync(hub, outTrackId).GetAwaiter().GetResult(), "title") == "Requisition withdrawn", "the card updated", seconds: 60);
        var card = await CardAsync(hub, outTrackId);
        Param(card, "markdown")!.ShouldContain("Nothing to decide any more.");
        Buttons(card).ShouldBeEmpty();
        card.GetProperty("deliveries").GetArrayLength().ShouldBe(1);
        Param(card, "decision").ShouldBeNull();

        // Bob was not sent the card: a callback naming him (a forged or forwarded press) is stored, and decides nothing.
        await stream.CardCallbackAsync(outTrackId, "bob", "approve");
        await HubSandbox.WaitUntilAsync(() => Events(admin) is { Count: >= 1 } e && e.All(x => x.GetProperty("status").GetString() == "done"), "the callback handled", seconds: 60);
        HubDingTalkTests.Actions(admin, id).ShouldBeEmpty();
    }

    private static Task<HubSandbox> StartAsync(EmulatorServer emulator) =>
        HubSandbox.StartAgainstAsync(emulator, "webhook", new Dictionary<string, string?>
        {
            ["Larkway:Webhooks:PollInterval"] = "00:00:00.050",
            [$"Larkway:DingTalk:NotificationCards:Templates:{HubDingTalkTests.AppName}"] = Template,
        });

    private static string OutTrackId(HttpClient admin, string id) =>
        admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{id}").GetAwaiter().GetResult()
            .GetProperty("recipients")[0].GetProperty("message_id").GetString()!;

    private static async Task<JsonElement> CardAsync(HubSandbox hub, string outTrackId)
    {
        var card = await hub.Control.GetFromJsonAsync<JsonElement>($"/_emulator/dingtalk/cards/{Uri.EscapeDataString(outTrackId)}");
        return card.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object && data.TryGetProperty("outTrackId", out _) ? data.Clone() : card.Clone();
    }

    private static string? Param(JsonElement card, string key) =>
        card.GetProperty("cardParamMap").TryGetProperty(key, out var value) ? value.GetString() : null;

    private static List<JsonElement> Buttons(JsonElement card) =>
        Param(card, "buttons") is { } json ? [.. JsonDocument.Parse(json).RootElement.EnumerateArray().Select(b => b.Clone())] : [];

    private static async Task<JsonElement> ClickAsync(HubSandbox hub, string outTrackId, string userId, string actionId)
    {
        using var response = await hub.Control.PostAsJsonAsync($"/_emulator/dingtalk/cards/{Uri.EscapeDataString(outTrackId)}/click", new { userId, actionId });
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        var root = JsonDocument.Parse(body).RootElement;
        return root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object ? data.Clone() : root.Clone();
    }

    private static async Task ChangeAsync(HttpClient admin, string id, string title, string text)
    {
        var card = new
        {
            header = new { title = new { tag = "plain_text", content = title } },
            elements = new object[] { new { tag = "markdown", content = text } },
        };
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/notifications/{id}") { Content = JsonContent.Create(new { card }) };
        using var changed = await admin.SendAsync(request);
        changed.StatusCode.ShouldBe(HttpStatusCode.Accepted, await changed.Content.ReadAsStringAsync());
    }

    private static IReadOnlyList<JsonElement> Events(HttpClient admin)
    {
        var page = admin.GetFromJsonAsync<JsonElement>("/api/v1/events?type=dingtalk.card_callback").GetAwaiter().GetResult();
        return [.. page.GetProperty("items").EnumerateArray().Select(e => e.Clone())];
    }
}
