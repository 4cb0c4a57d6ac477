using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.DingTalk;
using Larkway.DingTalk.Cards;
using Larkway.Emulator.Hosting;
using Larkway.Integration.Tests.DingTalk;
using Shouldly;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// The bot's cards on a DingTalk app with a card template, against the Emulator's DingTalk over the real wire: a card reply
/// with a callback button is one interactive card in the chat it answers (one-to-one or the group); a press on it comes
/// back over Stream to the bot's card actions, and the answer is shown on the card. A press on a card the bot did not make
/// is not the bot's.
/// </summary>
public sealed class HubDingTalkBotCardTests
{
    private const string Template = "tpl-larkway-bot.schema";

    [Fact]
    public async Task The_sample_card_on_DingTalk_is_an_interactive_card_whose_press_runs_the_bots_card_action_and_shows_its_answer()
    {
        await using var dingTalk = await DingTalkHub.StartAsync();
        var (hub, stream) = (dingTalk.Sandbox, dingTalk.Stream);

        // One-to-one: /card is answered by one interactive card of the app's template in Alice's chat with the robot.
        await stream.RobotMessageAsync("/card");
        await HubSandbox.WaitUntilAsync(() => CardsAsync(hub, "IM_ROBOT", "alice").GetAwaiter().GetResult().Count > 0, "the bot's card", seconds: 60);
        var card = (await CardsAsync(hub, "IM_ROBOT", "alice")).ShouldHaveSingleItem();
        var outTrackId = card.GetProperty("outTrackId").GetString()!;
        outTrackId.ShouldStartWith("lwbot_");
        card.GetProperty("cardTemplateId").GetString().ShouldBe(Template);
        card.GetProperty("callbackType").GetString().ShouldBe("STREAM");
        Param(card, "title").ShouldBe("Larkway sample");
        Param(card, "markdown")!.ShouldContain("Click the button");
        var button = Buttons(card).ShouldHaveSingleItem();
        button.GetProperty("text").GetString().ShouldBe("Acknowledge");
        button.GetProperty("actionId").GetString().ShouldBe("sample.ack");
        (await stream.SessionRepliesAsync()).ShouldBeEmpty("the card is the answer: no markdown without its button besides");
        (await HubDingTalkTests.RobotMessagesAsync(hub, "alice")).ShouldBeEmpty();

        // Alice presses Acknowledge: the bot's card action answers, and its card replaces the card's variables in place.
        var clicked = await ClickAsync(hub, outTrackId, "alice", "sample.ack");
        clicked.GetProperty("ok").GetBoolean().ShouldBeTrue(clicked.ToString());
        await HubSandbox.WaitUntilAsync(() => Param(CardAsync(hub, outTrackId).GetAwaiter().GetResult(), "markdown") == "Acknowledged by alice.", "the answer on the card", seconds: 60);
        card = await CardAsync(hub, outTrackId);
        Buttons(card).ShouldBeEmpty();
        Param(card, "decision").ShouldBe("Acknowledged");
        (await CardsAsync(hub, "IM_ROBOT", "alice")).Count.ShouldBe(1, "the answer changes the card, it sends none");

        // In a group the card goes to the group, and anyone in it may press it.
        var group = await GroupAsync(hub, "Purchasing", "alice", "bob");
        await PostAsync(hub, "/_emulator/dingtalk/stream/robot-messages",
            new { conversationType = "2", conversationId = group, senderStaffId = "alice", senderNick = "Alice Chen", text = "/card", appKey = EmulatorOptions.DefaultDingTalkAppKey });
        await HubSandbox.WaitUntilAsync(() => CardsAsync(hub, "IM_GROUP", group).GetAwaiter().GetResult().Count > 0, "the bot's card in the group", seconds: 60);
        var groupCard = (await CardsAsync(hub, "IM_GROUP", group)).ShouldHaveSingleItem().GetProperty("outTrackId").GetString()!;
        groupCard.ShouldStartWith("lwbot_");
        groupCard.ShouldNotBe(outTrackId);
        (await ClickAsync(hub, groupCard, "bob", "sample.ack")).GetProperty("ok").GetBoolean().ShouldBeTrue();
        await HubSandbox.WaitUntilAsync(() => Param(CardAsync(hub, groupCard).GetAwaiter().GetResult(), "markdown") == "Acknowledged by bob.", "the answer on the group's card", seconds: 60);
    }

    [Fact]
    public async Task Without_a_card_template_the_sample_card_is_an_action_card_whose_link_runs_the_bots_card_action_for_its_own_person_only()
    {
        await using var plain = await PlainDingTalkApp.StartAsync();
        var hub = plain.Hub;

        // Alice asks for /card: an action card in her chat with the robot, its Acknowledge button a link made for her.
        await Assistants.SandboxPlatforms.DingTalkSayAsync(hub, "alice", "cid-alice-card", "/card");
        await HubSandbox.WaitUntilAsync(() => Assistants.HubAssistantDingTalkFeedbackTests.ActionCards(hub, "alice").Count > 0, "the bot's action card", seconds: 60);
        var card = Assistants.HubAssistantDingTalkFeedbackTests.ActionCards(hub, "alice").ShouldHaveSingleItem();
        card.GetProperty("msgParam").GetRawText().ShouldContain("Click the button");
        var acknowledge = Assistants.HubAssistantDingTalkFeedbackTests.LinkButtons(card).ShouldHaveSingleItem();
        acknowledge.Key.ShouldBe("Acknowledge");
        acknowledge.Value.ShouldContain("/dingtalk/actions/");

        // Bob, signed in as himself, opens Alice's link: refused with a page saying why; the bot's action does not run.
        using (var bob = new DingTalkBrowser("bob"))
        {
            using var refused = await bob.OpenAsync(acknowledge.Value);
            var page = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
            refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden, page);
            page.ShouldContain("Not your button");
            page.ShouldContain("this button was sent to someone else");
            page.ShouldNotContain("Acknowledged by");
        }

        // Alice opens it, DingTalk signs her in, she confirms: the bot's card action runs as her and its answer is shown.
        using var alice = new DingTalkBrowser("alice");
        var ask = WebUtility.HtmlDecode(await alice.GetStringAsync(acknowledge.Value));
        ask.ShouldContain("Press <strong>“Acknowledge”</strong>?");
        using var confirmed = await alice.ConfirmAsync(acknowledge.Value);
        var answer = WebUtility.HtmlDecode(await confirmed.Content.ReadAsStringAsync());
        confirmed.StatusCode.ShouldBe(HttpStatusCode.OK, answer);
        answer.ShouldContain("Acknowledged by alice.");
    }

    [Fact]
    public async Task A_press_on_a_DingTalk_card_the_bot_did_not_make_is_not_the_bots()
    {
        await using var dingTalk = await DingTalkHub.StartAsync();
        var (hub, emulator, admin) = (dingTalk.Sandbox, dingTalk.Emulator, dingTalk.Admin);

        // A business system sends its own card through the same app, with a button whose action the bot also knows.
        using var business = new DingTalkClient(new DingTalkAppOptions
        {
            AppKey = EmulatorOptions.DefaultDingTalkAppKey,
            AppSecret = EmulatorOptions.DefaultDingTalkAppSecret,
            ApiBaseUrl = DingTalkBaseUrls.Emulator(emulator.BaseUrl),
            OapiBaseUrl = DingTalkBaseUrls.Emulator(emulator.BaseUrl),
        });
        var data = new Dictionary<string, string>
        {
            ["title"] = "Their card",
            ["markdown"] = "Not the bot's.",
            ["buttons"] = """[{"text":"Acknowledge","actionId":"sample.ack","params":{"action":"sample.ack"}}]""",
        };
        var theirs = await business.Cards.CreateAndDeliverAsync(Template, DingTalkCardTarget.User("alice"), data, "biz-card-1");
        theirs.Delivered.ShouldBeTrue();

        // Alice presses it: the callback reaches the Hub (stored, for the business webhooks) and the bot leaves it alone.
        (await ClickAsync(hub, "biz-card-1", "alice", "sample.ack")).GetProperty("ok").GetBoolean().ShouldBeTrue();
        await HubSandbox.WaitUntilAsync(() => Events(admin) is { Count: >= 1 } e && e.All(x => x.GetProperty("status").GetString() == "done"), "the callback handled", seconds: 60);
        var card = await CardAsync(hub, "biz-card-1");
        Param(card, "markdown").ShouldBe("Not the bot's.");
        Buttons(card).Count.ShouldBe(1);
        Param(card, "decision").ShouldBeNull();
    }

    /// <summary>An Emulator and a Hub whose DingTalk app has a card template, its Stream connection open.</summary>
    private sealed class DingTalkHub : IAsyncDisposable
    {
        private DingTalkHub(EmulatorServer emulator, HubSandbox sandbox)
        {
            Emulator = emulator;
            Sandbox = sandbox;
            Admin = HubDingTalkTests.Admin(sandbox);
            Stream = new DingTalkStreamControl(emulator.BaseUrl, EmulatorOptions.DefaultDingTalkAppKey);
        }

        public EmulatorServer Emulator { get; }

        public HubSandbox Sandbox { get; }

        public HttpClient Admin { get; }

        public DingTalkStreamControl Stream { get; }

        public static async Task<DingTalkHub> StartAsync()
        {
            var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
            var sandbox = await HubSandbox.StartAgainstAsync(emulator, "webhook", new Dictionary<string, string?>
            {
                [$"Larkway:DingTalk:NotificationCards:Templates:{HubDingTalkTests.AppName}"] = Template,
            });
            var hub = new DingTalkHub(emulator, sandbox);
            await HubDingTalkTests.AddAppAsync(hub.Admin, emulator);
            await HubSandbox.WaitUntilAsync(() => hub.Stream.OpenConnectionIdsAsync().GetAwaiter().GetResult().Count > 0, "the Hub's Stream connection", seconds: 60);
            return hub;
        }

        public async ValueTask DisposeAsync()
        {
            Stream.Dispose();
            Admin.Dispose();
            await Sandbox.DisposeAsync();
            await Emulator.DisposeAsync();
        }
    }

    /// <summary>The cards delivered into a space (<c>IM_ROBOT</c> and a userid, or <c>IM_GROUP</c> and a group), oldest first.</summary>
    internal static async Task<IReadOnlyList<JsonElement>> CardsAsync(HubSandbox hub, string spaceType, string spaceId)
    {
        var page = Data(await hub.Control.GetFromJsonAsync<JsonElement>($"/_emulator/dingtalk/cards?spaceType={spaceType}&spaceId={Uri.EscapeDataString(spaceId)}"));
        return [.. page.GetProperty("items").EnumerateArray().Select(c => c.Clone())];
    }

    internal static async Task<JsonElement> CardAsync(HubSandbox hub, string outTrackId) =>
        Data(await hub.Control.GetFromJsonAsync<JsonElement>($"/_emulator/dingtalk/cards/{Uri.EscapeDataString(outTrackId)}"));

    internal static string? Param(JsonElement card, string key) =>
        card.GetProperty("cardParamMap").TryGetProperty(key, out var value) ? value.GetString() : null;

    internal static List<JsonElement> Buttons(JsonElement card) =>
        Param(card, "buttons") is { } json ? [.. JsonDocument.Parse(json).RootElement.EnumerateArray().Select(b => b.Clone())] : [];

    /// <summary>Presses the card's button <paramref name="actionId"/> as <paramref name="userId"/>, through the Emulator.</summary>
    internal static Task<JsonElement> ClickAsync(HubSandbox hub, string outTrackId, string userId, string actionId) =>
        PostAsync(hub, $"/_emulator/dingtalk/cards/{Uri.EscapeDataString(outTrackId)}/click", new { userId, actionId });

    private static async Task<string> GroupAsync(HubSandbox hub, string title, params string[] members) =>
        (await PostAsync(hub, "/_emulator/dingtalk/groups", new { title, members })).GetProperty("openConversationId").GetString()!;

    private static async Task<JsonElement> PostAsync(HubSandbox hub, string path, object body)
    {
        using var response = await hub.Control.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        return Data(JsonDocument.Parse(text).RootElement);
    }

    private static IReadOnlyList<JsonElement> Events(HttpClient admin)
    {
        var page = admin.GetFromJsonAsync<JsonElement>("/api/v1/events?type=dingtalk.card_callback").GetAwaiter().GetResult();
        return [.. page.GetProperty("items").EnumerateArray().Select(e => e.Clone())];
    }

    private static JsonElement Data(JsonElement root) =>
        root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object ? data.Clone() : root.Clone();
}
