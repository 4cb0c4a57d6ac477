using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Larkway.DingTalk;
using Larkway.DingTalk.Cards;
using Larkway.DingTalk.Robots;
using Larkway.DingTalk.Stream;
using Larkway.Emulator.Hosting;
using Microsoft.Playwright;

namespace Larkway.Browser.Tests;

/// <summary>
/// Issue 29 §2 in the browser: the test is a DingTalk app connected to the Emulator with Larkway.DingTalk's Stream
/// client. A user writes to the robot on the Emulator's chat page; the app gets it over Stream and replies through the
/// session webhook; the app's interactive card is clicked on the page, the app answers the callback and the card
/// updates; an action card's button is a link; an AI card streamed by the app ends finished with its whole text; in a
/// group a message @-mentioning the robot reaches the app. Screenshots: artifacts/screenshots/dingtalk-*.png.
/// </summary>
public sealed class DingTalkChatBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_user_chats_with_the_app_robot_clicks_its_card_follows_a_link_and_sees_an_ai_answer_finish()
    {
        var options = new EmulatorOptions { Port = 0 };
        await using var emulator = await EmulatorServer.StartAsync(options);
        await using var app = await StreamApp.ConnectAsync(emulator, options);
        await using var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        using var control = new HttpClient { BaseAddress = emulator.BaseUrl };
        var appName = await app.AppNameAsync(control);

        // Alice opens DingTalk, picks her chat with the robot and writes to it.
        await page.GotoAsync(new Uri(emulator.BaseUrl, "/dingtalk-chat").AbsoluteUri);
        await Screenshots.SaveAsync(page, "dingtalk-chat-index");
        await page.Locator("a.dt-conv[href='/dingtalk-chat/robot/alice']").ClickAsync();
        await Assertions.Expect(page.Locator(".dt-head h1")).ToHaveTextAsync(appName);
        await Assertions.Expect(page.Locator(".dt-none")).ToHaveTextAsync("No messages yet.");
        await page.GetByLabel("Message").FillAsync("Where is the Q3 report?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await Assertions.Expect(page.Locator(".dt-row.mine").Last).ToContainTextAsync("Where is the Q3 report?");

        // The app gets it over Stream and replies through the session webhook; the page shows the reply by itself.
        var inbound = await app.NextRobotMessageAsync();
        inbound.SenderStaffId.ShouldBe("alice");
        inbound.ConversationType.ShouldBe("1");
        inbound.PlainText.ShouldBe("Where is the Q3 report?");
        await app.Client.Robot.ReplyAsync(inbound, DingTalkRobotMessage.Markdown("Q3 report", "**Revenue** is up 12%, <b>details</b> in the card below."));
        var reply = page.Locator(".dt-row.theirs[data-kind=robot]").Last;
        await Assertions.Expect(reply).ToContainTextAsync("Revenue is up 12%, <b>details</b> in the card below.");
        await Assertions.Expect(reply.Locator("strong")).ToHaveTextAsync("Revenue");

        // An interactive card with a callback button (the Emulator's `buttons` convention), clicked on the page.
        var buttons = JsonSerializer.Serialize(new object[] { new { text = "Approve", actionId = "approve", @params = new { order = "42" } } });
        var delivery = await app.Client.Cards.CreateAndDeliverAsync("approval.schema", DingTalkCardTarget.User("alice"), new Dictionary<string, string>
        {
            ["title"] = "Order 42",
            ["markdown"] = "Laptop, **1,299 CNY**",
            ["state"] = "Pending",
            ["buttons"] = buttons,
        }, outTrackId: "order-42");
        delivery.Delivered.ShouldBeTrue();
        var card = page.Locator("[id='order-42']");
        await Assertions.Expect(card.Locator("dd[data-key=state]")).ToHaveTextAsync("Pending");
        await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The card was updated.");
        await Assertions.Expect(page.Locator("[id='order-42'] dd[data-key=state]")).ToHaveTextAsync("Approved by alice");
        await Assertions.Expect(page.Locator("[id='order-42'] .dt-card-title")).ToHaveTextAsync("Order 42"); // merged by key
        var callback = app.CardCallbacks.ShouldHaveSingleItem();
        callback.OutTrackId.ShouldBe("order-42");
        callback.UserId.ShouldBe("alice");
        callback.ActionId.ShouldBe("approve");
        callback.Order.ShouldBe("42");

        // An action card from the app robot: its button is a link to the app's page, opened in a new tab.
        await app.Client.Robot.SendToUsersAsync(["alice"], DingTalkAppRobotMessage.ActionCard("Expense EX-7", "**320 CNY**, taxi to the airport", "Open in ERP", "https://erp.example.com/expenses/7"));
        var link = page.GetByRole(AriaRole.Link, new() { Name = "Open in ERP" });
        await Assertions.Expect(link).ToHaveAttributeAsync("href", "https://erp.example.com/expenses/7");
        await Assertions.Expect(link).ToHaveAttributeAsync("target", "_blank");

        // An AI card streamed by the app: seen typing while the app writes, then finished with the whole text.
        var ai = await app.Client.Cards.StartAiCardAsync("ai.schema", DingTalkCardTarget.User("alice"), data: new Dictionary<string, string> { ["title"] = "Assistant" },
            options: new DingTalkAiCardOptions { MinUpdateInterval = TimeSpan.Zero });
        var aiCard = page.Locator($"[id='{ai.OutTrackId}']");
        await ai.AppendAsync("Q3 revenue grew **12%**");
        await Assertions.Expect(aiCard.Locator(".dt-card-status")).ToHaveTextAsync("Typing…");
        await Assertions.Expect(aiCard.Locator(".dt-card-content")).ToHaveTextAsync("Q3 revenue grew 12%");
        await ai.AppendAsync(", driven by the East region.");
        await ai.CompleteAsync();
        await Assertions.Expect(aiCard.Locator(".dt-card-status")).ToHaveTextAsync("Finished");
        await Assertions.Expect(aiCard.Locator(".dt-card-content")).ToHaveTextAsync("Q3 revenue grew 12%, driven by the East region.");
        await Assertions.Expect(aiCard.Locator(".dt-card-content strong")).ToHaveTextAsync("12%");
        await page.ReloadAsync();
        await Screenshots.SaveAsync(page, "dingtalk-chat-robot");

        // A group: Bob @-mentions the robot, the app gets it as a group message and its reply shows there.
        using var created = await control.PostAsJsonAsync("/_emulator/dingtalk/groups", new { title = "Ops weekly", members = new[] { "alice", "bob", "carol" } });
        var cid = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("openConversationId").GetString()!;
        await page.GotoAsync(new Uri(emulator.BaseUrl, $"/dingtalk-chat/groups/{Uri.EscapeDataString(cid)}?as=bob").AbsoluteUri);
        await page.GetByLabel("Message").FillAsync("Is the deploy done?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        var asked = await app.NextRobotMessageAsync();
        asked.IsGroup.ShouldBeTrue();
        asked.IsInAtList.ShouldBeTrue();
        asked.ConversationId.ShouldBe(cid);
        asked.SenderStaffId.ShouldBe("bob");
        await app.Client.Robot.ReplyAsync(asked, DingTalkRobotMessage.Text("Deploy 1234 finished at 10:02."));
        await Assertions.Expect(page.Locator(".dt-row.theirs[data-kind=robot]").Last).ToContainTextAsync("Deploy 1234 finished at 10:02.");
        await Assertions.Expect(page.Locator(".dt-row.mine .mention")).ToHaveTextAsync("@" + appName);
        await Screenshots.SaveAsync(page, "dingtalk-chat-group");
    }

    [Fact]
    public async Task The_robot_group_pages_list_groups_and_show_a_custom_robots_messages()
    {
        var options = new EmulatorOptions { Port = 0 };
        await using var emulator = await EmulatorServer.StartAsync(options);
        using var control = new HttpClient { BaseAddress = emulator.BaseUrl };
        using (var sent = await control.PostAsJsonAsync("/dingtalk/robot/send?access_token=dev-robot", new
        {
            msgtype = "markdown",
            markdown = new { title = "Build 1234", text = "### Build 1234 failed\n- **Step**: unit tests\n- [Logs](https://ci.example.com/1234)" },
        }))
        {
            (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errcode").GetInt32().ShouldBe(0);
        }

        using (var sent = await control.PostAsJsonAsync("/dingtalk/robot/send?access_token=dev-robot", new
        {
            msgtype = "actionCard",
            actionCard = new { title = "Release 2.4", text = "Ready to ship **2.4.0**?", btnOrientation = "1", btns = new[] { new { title = "Release notes", actionURL = "https://example.com/2.4" }, new { title = "Changelog", actionURL = "https://example.com/2.4/changes" } } },
        }))
        {
            (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errcode").GetInt32().ShouldBe(0);
        }

        // A group only the app robot posts into: listed too, and said so.
        (await control.PostAsJsonAsync("/_emulator/dingtalk/groups", new { title = "Ops weekly", members = new[] { "alice", "bob" } })).Dispose();

        await using var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(emulator.BaseUrl, "/dingtalk-groups").AbsoluteUri);
        var opsRow = page.Locator("tr", new() { Has = page.GetByRole(AriaRole.Link, new() { Name = "Ops weekly" }) });
        await Assertions.Expect(opsRow).ToContainTextAsync("app robot only");
        await Assertions.Expect(opsRow.GetByRole(AriaRole.Link, new() { Name = "Open in chat" })).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^/dingtalk-chat/groups/"));
        await Screenshots.SaveAsync(page, "dingtalk-groups");
        await page.GetByRole(AriaRole.Link, new() { Name = "Larkway Dev" }).ClickAsync();
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("Build 1234 failed");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Changelog" })).ToHaveAttributeAsync("href", "https://example.com/2.4/changes");
        await Screenshots.SaveAsync(page, "dingtalk-groups-group");
        await page.GetByRole(AriaRole.Link, new() { Name = "Open in chat" }).ClickAsync();
        await Assertions.Expect(page.Locator(".dt-head h1")).ToHaveTextAsync("Larkway Dev");
        await Assertions.Expect(page.Locator("#timeline")).ToContainTextAsync("Build 1234 failed");
    }

    /// <summary>The app under test: a Stream connection (robot messages, card callbacks) and an API client, both on the Emulator.</summary>
    private sealed class StreamApp : IAsyncDisposable
    {
        private readonly Channel<DingTalkRobotInboundMessage> _robotMessages = Channel.CreateUnbounded<DingTalkRobotInboundMessage>();
        private DingTalkStreamClient _stream = null!;

        private StreamApp(DingTalkClient client) => Client = client;

        public sealed record CardCallback(string OutTrackId, string UserId, string ActionId, string Order);

        public DingTalkClient Client { get; }

        public List<CardCallback> CardCallbacks { get; } = [];

        public static async Task<StreamApp> ConnectAsync(EmulatorServer emulator, EmulatorOptions options)
        {
            var baseUrl = DingTalkBaseUrls.Emulator(emulator.BaseUrl);
            var app = new StreamApp(new DingTalkClient(new DingTalkAppOptions { AppKey = options.DingTalkAppKey, AppSecret = options.DingTalkAppSecret, ApiBaseUrl = baseUrl, OapiBaseUrl = baseUrl }));
            var streamOptions = new DingTalkStreamOptions { AppKey = options.DingTalkAppKey, AppSecret = options.DingTalkAppSecret, ApiBaseUrl = baseUrl };
            streamOptions.Subscriptions.Add(DingTalkStreamSubscription.RobotMessages);
            streamOptions.Subscriptions.Add(DingTalkStreamSubscription.CardCallbacks);
            app._stream = new DingTalkStreamClient(streamOptions, app.HandleAsync);
            await app._stream.StartAsync();

            // A connection joins the Emulator's pool just after its upgrade: wait until the Emulator lists them all open.
            using var control = new HttpClient { BaseAddress = emulator.BaseUrl };
            await Wait.UntilAsync(async () =>
            {
                var connections = await control.GetFromJsonAsync<JsonElement>("/_emulator/dingtalk/stream/connections");
                return app._stream.OpenConnections.Count == streamOptions.Connections
                    && connections.GetProperty("items").EnumerateArray().Count(c => c.GetProperty("appKey").GetString() == options.DingTalkAppKey && c.GetProperty("state").GetString() == "open") == streamOptions.Connections;
            }, "the app's Stream connections");
            return app;
        }

        public async Task<DingTalkRobotInboundMessage> NextRobotMessageAsync()
        {
            // A hang guard, not a timing assertion.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            return await _robotMessages.Reader.ReadAsync(timeout.Token);
        }

        public async Task<string> AppNameAsync(HttpClient control)
        {
            var org = await control.GetFromJsonAsync<JsonElement>("/_emulator/dingtalk/org");
            return org.GetProperty("apps").EnumerateArray().First(a => a.GetProperty("appKey").GetString() == Client.AppKey).GetProperty("name").GetString()!;
        }

        public async ValueTask DisposeAsync()
        {
            await _stream.DisposeAsync();
            Client.Dispose();
        }

        private ValueTask<DingTalkStreamAck> HandleAsync(DingTalkStreamMessage message, CancellationToken cancellationToken)
        {
            if (message.IsRobotMessage)
            {
                _robotMessages.Writer.TryWrite(message.ReadRobotMessage());
                return ValueTask.FromResult(DingTalkStreamAck.Handled);
            }

            if (message.Topic != DingTalkStreamTopics.CardCallbacks)
            {
                return ValueTask.FromResult(DingTalkStreamAck.Failed(404, "not handled"));
            }

            // The app's answer is built from the callback: who clicked becomes the card's new state.
            using var data = JsonDocument.Parse(message.Data);
            var root = data.RootElement;
            using var content = JsonDocument.Parse(root.GetProperty("content").GetString()!);
            var action = content.RootElement.GetProperty("cardPrivateData");
            var callback = new CardCallback(root.GetProperty("outTrackId").GetString()!, root.GetProperty("userId").GetString()!,
                action.GetProperty("actionIds")[0].GetString()!, action.GetProperty("params").GetProperty("order").GetString()!);
            lock (CardCallbacks)
            {
                CardCallbacks.Add(callback);
            }

            var answer = JsonSerializer.Serialize(new
            {
                cardData = new { cardParamMap = new Dictionary<string, string> { ["state"] = $"Approved by {callback.UserId}" } },
                cardUpdateOptions = new { updateCardDataByKey = true },
            });
            return ValueTask.FromResult(DingTalkStreamAck.Respond(answer));
        }
    }
}
