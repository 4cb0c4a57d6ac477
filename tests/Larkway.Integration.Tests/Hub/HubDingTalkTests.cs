using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Integration.Tests.DingTalk;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// A DingTalk app stored in the Hub, against the Emulator's DingTalk over the real wire: its Stream connection held by the
/// Hub, robot messages stored once and answered by the bot, the HTTP callback's two signed modes and their refusals.
/// </summary>
public sealed class HubDingTalkTests
{
    internal const string AppName = "dt-org";
    private const string Token = "larkwaytoken";

    // 43 Base64 characters: a 32-byte key without its padding.
    private const string AesKey = "Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7";

    [Fact]
    public async Task A_DingTalk_app_added_through_the_API_connects_over_Stream_and_its_bot_answers_each_message_once()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", new Dictionary<string, string?> { ["Larkway:Webhooks:PollInterval"] = "00:00:00.050" });
        using var admin = Admin(hub);
        using var stream = new DingTalkStreamControl(emulator.BaseUrl, EmulatorOptions.DefaultDingTalkAppKey);
        using var subscribed = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url("/dingtalk").ToString(), event_types = new[] { "dingtalk.*" } });
        subscribed.StatusCode.ShouldBe(HttpStatusCode.Created, await subscribed.Content.ReadAsStringAsync());

        var app = await AddAppAsync(admin, emulator);
        app.GetProperty("platform").GetString().ShouldBe("dingtalk");
        app.GetProperty("events_url").GetString()!.ShouldEndWith($"/dingtalk/apps/{AppName}/callback");
        app.GetProperty("permissions").GetProperty("scopes").EnumerateArray().Select(s => s.GetProperty("scope").GetString()).ShouldContain("qyapi_robot_sendmsg");
        var test = await (await admin.PostAsync($"/api/v1/apps/{AppName}/test", null)).Content.ReadFromJsonAsync<JsonElement>();
        test.GetProperty("ok").GetBoolean().ShouldBeTrue(test.ToString());

        await HubSandbox.WaitUntilAsync(() => stream.OpenConnectionIdsAsync().GetAwaiter().GetResult().Count > 0, "the Hub's Stream connection", seconds: 60);
        var msgId = await stream.RobotMessageAsync("/help");
        await HubSandbox.WaitUntilAsync(() => Replies(stream).Count(r => r.Contains("Commands:", StringComparison.Ordinal)) == 1, "the bot's /help answer", seconds: 60);

        // The same message again (DingTalk redelivers; the HTTP mode may bring it too): stored once, answered once.
        var body = JsonSerializer.Serialize(new { msgId, conversationId = "cid-alice", conversationType = "1", senderStaffId = "alice", senderId = "$:LWCP_v1:$alice", text = new { content = "/help" }, msgtype = "text" });
        using var again = await SignedAsync(hub, body, emulator);
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        var events = await EventsAsync(admin, "dingtalk.robot_message");
        events.Count.ShouldBe(1);
        events[0].GetProperty("app").GetString().ShouldBe(AppName);
        events[0].GetProperty("transport").GetString().ShouldBe("dingtalk_stream");

        // A command's answer comes back to the same conversation.
        await stream.RobotMessageAsync("/echo hello from DingTalk");
        await HubSandbox.WaitUntilAsync(() => Replies(stream).Any(r => r.Contains("hello from DingTalk", StringComparison.Ordinal)), "the echo", seconds: 60);
        Replies(stream).Count(r => r.Contains("Commands:", StringComparison.Ordinal)).ShouldBe(1);

        // Both messages reach the business system's webhook, each once (the redelivered one too), with DingTalk's JSON as the event.
        await HubSandbox.WaitUntilAsync(() => receiver.At("/dingtalk").Count >= 2, "both messages at the webhook", seconds: 60);
        var forwarded = receiver.At("/dingtalk").Select(r => JsonDocument.Parse(r.Body).RootElement.Clone()).ToList();
        forwarded.Select(f => f.GetProperty("type").GetString()).ShouldAllBe(t => t == "dingtalk.robot_message");
        forwarded.Select(f => f.GetProperty("event").GetProperty("text").GetProperty("content").GetString()!.Trim())
            .OrderBy(t => t, StringComparer.Ordinal).ShouldBe(["/echo hello from DingTalk", "/help"]);
        forwarded.Single(f => f.GetProperty("event").GetProperty("msgId").GetString() == msgId).GetProperty("app").GetString().ShouldBe(AppName);
        forwarded.Select(f => f.GetProperty("id").GetString()).Distinct().Count().ShouldBe(2);
    }

    /// <summary>
    /// Issue 43 §1, through the Hub: DingTalk pushes an unacked robot message again (the Emulator after 1 s here), so
    /// with the Hub's two Stream connections and one gone half-open (pushes vanish, WebSocket pings answered), none of
    /// 100 messages at 10 a second is lost, and the inbox's dedup on msgId answers each exactly once.
    /// </summary>
    [Fact]
    public async Task With_two_Stream_connections_and_one_half_open_every_robot_message_is_answered_exactly_once()
    {
        var options = new EmulatorOptions { Port = 0 };
        options.DingTalkStream.RedeliveryDelays = [.. Enumerable.Repeat(TimeSpan.FromSeconds(1), 4)];
        await using var emulator = await EmulatorServer.StartAsync(options);
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook");
        using var admin = Admin(hub);
        using var stream = new DingTalkStreamControl(emulator.BaseUrl, EmulatorOptions.DefaultDingTalkAppKey);
        await AddAppAsync(admin, emulator);
        await HubSandbox.WaitUntilAsync(() => stream.OpenConnectionIdsAsync().GetAwaiter().GetResult().Count == 2, "the Hub's two Stream connections", seconds: 60);

        var texts = Enumerable.Range(0, 100).Select(i => $"redelivered-{i:D3}").ToList();
        for (var i = 0; i < texts.Count; i++)
        {
            if (i == 10)
            {
                await stream.FaultAsync(new { kind = "half-open", connectionId = (await stream.OpenConnectionIdsAsync())[0] });
            }

            await stream.RobotMessageAsync("/echo " + texts[i]);
            await Task.Delay(100);
        }

        await HubSandbox.WaitUntilAsync(
            () => Replies(stream) is var replies && texts.All(t => replies.Any(r => r.Contains(t, StringComparison.Ordinal))),
            "an answer to every message", seconds: 120);
        var answers = Replies(stream);
        texts.Where(t => answers.Count(r => r.Contains(t, StringComparison.Ordinal)) != 1).ShouldBeEmpty("each message is answered exactly once");
        var stored = await admin.GetFromJsonAsync<JsonElement>("/api/v1/events?type=dingtalk.robot_message&limit=1000");
        stored.GetProperty("total").GetInt64().ShouldBe(texts.Count, "each message is stored once");
        (await stream.DeliveriesAsync()).ShouldContain(
            d => d.GetProperty("direction").GetString() == "out" && d.GetProperty("attempt").GetInt32() > 1,
            "some message was pushed again after the connection went deaf");
    }

    /// <summary>
    /// Issue 41 §4: a robot message names its own session webhook, so a forged one could make the Hub post the bot's answer
    /// anywhere. One naming a listener on this machine gets its answer through the app robot instead; the listener sees nothing.
    /// </summary>
    [Fact]
    public async Task A_robot_message_whose_session_webhook_is_off_the_apps_host_is_answered_through_the_app_robot_and_the_named_host_sees_nothing()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var listener = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook");
        using var admin = Admin(hub);
        await AddAppAsync(admin, emulator);
        var webhook = listener.Url("/robot/sendBySession?session=forged").ToString();
        var message = JsonSerializer.Serialize(new
        {
            msgId = "msg-forged-webhook", conversationId = "cid-forged", conversationType = "1", senderStaffId = "alice", text = new { content = "/help" }, msgtype = "text",
            sessionWebhook = webhook, sessionWebhookExpiredTime = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds(),
        });

        using var signed = await SignedAsync(hub, message, emulator);
        signed.StatusCode.ShouldBe(HttpStatusCode.OK);

        using var control = new HttpClient { BaseAddress = new Uri(emulator.BaseUrl, "/_emulator/dingtalk/") };
        await HubSandbox.WaitUntilAsync(
            () => control.GetStringAsync("users/alice/robot-messages").GetAwaiter().GetResult().Contains("Commands:", StringComparison.Ordinal),
            "the /help answer through the app robot", seconds: 60);
        listener.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task The_callback_verifies_the_outgoing_robot_and_the_encrypted_event_subscription_and_says_what_is_wrong()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook");
        using var admin = Admin(hub);
        await AddAppAsync(admin, emulator, new { encrypt_key = AesKey, verification_token = Token });
        var message = JsonSerializer.Serialize(new { msgId = "msg-http-1", conversationId = "cid-bob", conversationType = "1", senderStaffId = "bob", text = new { content = "hi" }, msgtype = "text" });

        using var unknown = await hub.Api.PostAsync("/dingtalk/apps/nobody/callback", Json(message));
        using var unsigned = await hub.Api.PostAsync($"/dingtalk/apps/{AppName}/callback", Json(message));
        using var forged = await SignedAsync(hub, message, emulator, secret: "not-the-app-secret");
        using var signed = await SignedAsync(hub, message, emulator);
        using var notJson = await SignedAsync(hub, "{\"msgId\":", emulator);

        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await ProblemAsync(unknown)).ShouldContain("no DingTalk app named 'nobody'");
        unsigned.StatusCode.ShouldBe(HttpStatusCode.BadRequest, "no sign headers and no encrypt: neither mode");
        forged.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await ProblemAsync(forged)).ShouldContain("sign header does not match");
        signed.StatusCode.ShouldBe(HttpStatusCode.OK);
        notJson.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await EventsAsync(admin, "dingtalk.robot_message")).Single().GetProperty("transport").GetString().ShouldBe("dingtalk_callback");

        // The Emulator's own event subscription: saved only when the Hub answers check_url with the encrypted success,
        // then an event arrives encrypted for the app and is stored.
        var subscription = $"/_emulator/dingtalk/apps/{EmulatorOptions.DefaultDingTalkAppKey}/event-subscription";
        using var wrongToken = await hub.Control.PutAsJsonAsync(subscription, new { url = new Uri(hub.Host.BaseUrl, $"/dingtalk/apps/{AppName}/callback"), token = "another-token", aesKey = AesKey });
        using var saved = await hub.Control.PutAsJsonAsync(subscription, new { url = new Uri(hub.Host.BaseUrl, $"/dingtalk/apps/{AppName}/callback"), token = Token, aesKey = AesKey });
        wrongToken.StatusCode.ShouldBe(HttpStatusCode.BadRequest, "the Hub refuses a signature made with another token");
        saved.StatusCode.ShouldBe(HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());
        using var raised = await hub.Control.PostAsJsonAsync($"/_emulator/dingtalk/apps/{EmulatorOptions.DefaultDingTalkAppKey}/events", new { eventType = "user_add_org", data = new { UserId = new[] { "carol" } } });
        raised.EnsureSuccessStatusCode();
        await HubSandbox.WaitUntilAsync(() => EventsAsync(admin, "dingtalk.event.user_add_org").GetAwaiter().GetResult().Count == 1, "the event in the inbox");
        (await EventsAsync(admin, "dingtalk.event.check_url")).ShouldBeEmpty("the URL check is answered, not stored");
    }

    [Fact]
    public async Task An_outgoing_robot_signature_is_accepted_once_a_resend_with_the_same_body_passes_and_another_body_is_refused()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook");
        using var admin = Admin(hub);
        await AddAppAsync(admin, emulator);
        var genuine = JsonSerializer.Serialize(new { msgId = "msg-replay-1", conversationId = "cid-bob", conversationType = "1", senderStaffId = "bob", text = new { content = "hi" }, msgtype = "text" });
        var forged = JsonSerializer.Serialize(new { msgId = "msg-replay-2", conversationId = "cid-bob", conversationType = "1", senderStaffId = "ceo", text = new { content = "/approve everything" }, msgtype = "text" });
        var (timestamp, sign) = RobotSign(EmulatorOptions.DefaultDingTalkAppSecret, DateTimeOffset.UtcNow);

        using var first = await SignedAsync(hub, genuine, timestamp, sign);
        using var resent = await SignedAsync(hub, genuine, timestamp, sign);
        using var replayed = await SignedAsync(hub, forged, timestamp, sign);

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        resent.StatusCode.ShouldBe(HttpStatusCode.OK, "the same delivery again: stored once by the inbox");
        replayed.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await ProblemAsync(replayed)).ShouldContain("already used with another body");
        var events = await EventsAsync(admin, "dingtalk.robot_message");
        events.Count.ShouldBe(1);
        events[0].GetRawText().ShouldNotContain("ceo");

        // The ledger's rows go once their timestamp is past DingTalk's hour; a fresh one stays.
        var services = hub.Host.App.Services;
        var old = DateTimeOffset.UtcNow - Larkway.DingTalk.Robots.DingTalkRobotSignature.Window - TimeSpan.FromMinutes(10);
        (await services.GetRequiredService<Larkway.Hub.DingTalk.RobotSignatureLedger>().UseAsync(EmulatorOptions.DefaultDingTalkAppSecret, old.ToUnixTimeMilliseconds(), Encoding.UTF8.GetBytes(genuine), default))
            .ShouldBe(Larkway.Hub.DingTalk.RobotSignatureUse.First);
        (await services.GetRequiredService<Larkway.Hub.DingTalk.RobotSignatureRetention>().PruneAsync(default)).ShouldBe(1);
        using var stillRefused = await SignedAsync(hub, forged, timestamp, sign);
        stillRefused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_correctly_signed_event_push_two_days_old_is_refused_and_a_fresh_one_stored()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook");
        using var admin = Admin(hub);
        await AddAppAsync(admin, emulator, new { encrypt_key = AesKey, verification_token = Token });
        var crypto = new Larkway.DingTalk.Callbacks.DingTalkCallbackCrypto(Token, AesKey, EmulatorOptions.DefaultDingTalkAppKey);
        var now = DateTimeOffset.UtcNow;

        using var stale = await PushAsync(hub, crypto.Encrypt("""{"EventType":"user_leave_org","UserId":["mallory"]}""", now - TimeSpan.FromDays(2)));
        using var fresh = await PushAsync(hub, crypto.Encrypt("""{"EventType":"user_leave_org","UserId":["carol"]}""", now));

        stale.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await ProblemAsync(stale)).ShouldContain("Larkway:Apps:CallbackTimestampWindow");
        fresh.StatusCode.ShouldBe(HttpStatusCode.OK);
        var events = await EventsAsync(admin, "dingtalk.event.user_leave_org");
        events.Count.ShouldBe(1);
        events[0].GetRawText().ShouldNotContain("mallory");
    }

    [Fact]
    public async Task A_cross_site_confirm_is_refused_recording_nothing_and_the_confirm_page_itself_still_works()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook");
        using var admin = Admin(hub);
        await AddAppAsync(admin, emulator);
        var card = new
        {
            header = new { title = new { tag = "plain_text", content = "PO-2002 needs approval" } },
            elements = new object[] { new { tag = "action", actions = new object[] { new { tag = "button", text = new { tag = "plain_text", content = "Approve" }, value = new { action = "approve" } } } } },
        };
        using var queued = await admin.PostAsJsonAsync("/api/v1/notifications", new { type = "po", idempotency_key = "po-2002", app = AppName, card, recipients = new[] { new { dingtalk_userid = "alice" } } });
        queued.StatusCode.ShouldBe(HttpStatusCode.Accepted, await queued.Content.ReadAsStringAsync());
        var id = (await queued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await HubSandbox.WaitUntilAsync(() => Status(admin, id) == "sent", "the card sent", seconds: 60);
        var approve = Links((await RobotMessagesAsync(hub, "alice"))[0].GetProperty("msgParam")).Single(l => l.Contains("/dingtalk/actions/", StringComparison.Ordinal));
        var own = new Uri(approve).GetLeftPart(UriPartial.Authority);
        using var browser = new DingTalkBrowser("alice");
        (await browser.OpenAsync(approve)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // What a hostile page's auto-submitting form sends, from a modern browser and from one without Fetch Metadata
        // (even with Alice's sign-in cookie, which a real browser would not send cross-site).
        using var crossSite = await browser.ConfirmAsync(approve, ("Origin", "http://evil.example"), ("Sec-Fetch-Site", "cross-site"));
        using var otherOrigin = await browser.ConfirmAsync(approve, ("Origin", "http://evil.example"));
        using var sameSite = await browser.ConfirmAsync(approve, ("Sec-Fetch-Site", "same-site"));
        crossSite.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        otherOrigin.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        sameSite.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var refusal = await crossSite.Content.ReadAsStringAsync();
        refusal.ShouldContain("nothing was recorded");
        crossSite.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        Actions(admin, id).ShouldBeEmpty("a refused confirm records no click");

        // The confirm page's own form: same origin.
        using var confirmed = await browser.ConfirmAsync(approve, ("Origin", own), ("Sec-Fetch-Site", "same-origin"));
        confirmed.StatusCode.ShouldBe(HttpStatusCode.OK);
        Actions(admin, id).Single().GetProperty("action").GetString().ShouldBe("approve");
    }

    private static async Task<HttpResponseMessage> PushAsync(HubSandbox hub, Larkway.DingTalk.Callbacks.DingTalkEncryptedReply push)
    {
        var url = $"/dingtalk/apps/{AppName}/callback?msg_signature={push.MsgSignature}&timestamp={push.TimeStamp}&nonce={push.Nonce}";
        return await hub.Api.PostAsync(url, Json(JsonSerializer.Serialize(new { encrypt = push.Encrypt })));
    }

    [Fact]
    public async Task A_notification_reaches_a_DingTalk_user_as_an_action_card_whose_button_is_confirmed_once_on_the_Hub()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook");
        using var admin = Admin(hub);
        await AddAppAsync(admin, emulator);
        var card = new
        {
            header = new { title = new { tag = "plain_text", content = "PO-1001 needs approval" } },
            elements = new object[]
            {
                new { tag = "div", text = new { tag = "lark_md", content = "**Supplier** Acme\n**Amount** ¥12,000" } },
                new { tag = "action", actions = new object[]
                {
                    new { tag = "button", text = new { tag = "plain_text", content = "Approve" }, value = new { action = "approve" } },
                    new { tag = "button", text = new { tag = "plain_text", content = "Open the order" }, url = "https://erp.example.com/po/1001" },
                } },
            },
        };

        // A Feishu recipient for a DingTalk app, and a DingTalk one for the default Feishu app, are refused with what to fix.
        using var wrongKind = await admin.PostAsJsonAsync("/api/v1/notifications", new { type = "po", idempotency_key = "po-1001-wrong-kind", app = AppName, card, recipients = new[] { new { email = "alice@example.com" } } });
        using var wrongApp = await admin.PostAsJsonAsync("/api/v1/notifications", new { type = "po", idempotency_key = "po-1001-wrong-app", card, recipients = new[] { new { dingtalk_userid = "alice" } } });
        wrongKind.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Assert.Contains("sends to dingtalk_userid or dingtalk_mobile", await wrongKind.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        wrongApp.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Assert.Contains("set 'app' to a DingTalk app", await wrongApp.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // A card DingTalk cannot show is refused when submitted (before: accepted, then dead-lettered when sent).
        using var unrenderable = await admin.PostAsJsonAsync("/api/v1/notifications", new
        {
            type = "po",
            idempotency_key = "po-1001-template",
            app = AppName,
            feishu_template = new { template_id = "ctp_1", template_variable = new { title = "PO-1001" } },
            recipients = new[] { new { dingtalk_userid = "alice" } },
        });
        unrenderable.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Assert.Contains("This notification cannot be shown on DingTalk: A Feishu card-builder template", await unrenderable.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var queued = await admin.PostAsJsonAsync("/api/v1/notifications", new
        {
            type = "po",
            idempotency_key = "po-1001-created",
            app = AppName,
            card,
            recipients = new object[] { new { dingtalk_userid = "alice" }, new { dingtalk_mobile = "13800000002" } },
        });
        queued.StatusCode.ShouldBe(HttpStatusCode.Accepted, await queued.Content.ReadAsStringAsync());
        var id = (await queued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await HubSandbox.WaitUntilAsync(() => Status(admin, id) == "sent", "both deliveries sent", seconds: 60);

        // Bob was found by his mobile; each got an action card whose Approve button leads to the Hub, made for them.
        var alice = await RobotMessagesAsync(hub, "alice");
        var bob = await RobotMessagesAsync(hub, "bob");
        alice.Count.ShouldBe(1);
        bob.Count.ShouldBe(1);
        var param = alice[0].GetProperty("msgParam");
        alice[0].GetProperty("msgKey").GetString()!.ShouldStartWith("sampleActionCard");
        param.GetRawText().ShouldContain("PO-1001 needs approval");
        param.GetRawText().ShouldContain("https://erp.example.com/po/1001");
        var approve = Links(param).Single(l => l.Contains("/dingtalk/actions/", StringComparison.Ordinal));
        Links(bob[0].GetProperty("msgParam")).ShouldNotContain(approve, "each recipient's link is their own");

        // The card shows its title once: DingTalk shows a message's title field only in the conversation list, so the
        // text's own heading is the one the person reads.
        var chat = await hub.Control.GetStringAsync("/dingtalk-chat/robot/alice/timeline");
        System.Text.RegularExpressions.Regex.Count(chat, ">PO-1001 needs approval<").ShouldBe(1, chat);

        // Opening the link has DingTalk sign Alice in, then only asks: which notification, its facts, the button, who
        // decides, with Confirm and Cancel.
        using var browser = new DingTalkBrowser("alice");
        var page = await browser.GetStringAsync(approve);
        browser.SignedInOnTheWay.ShouldBeTrue("the first look goes through DingTalk's login");
        var text = WebUtility.HtmlDecode(page);
        text.ShouldContain("PO-1001 needs approval");
        text.ShouldContain("Amount ¥12,000");
        text.ShouldContain("Supplier Acme");
        text.ShouldContain("Confirm <strong>“Approve”</strong> for this notification?");
        text.ShouldContain("Deciding as <strong>Alice Chen</strong>");
        page.ShouldContain("<form method=\"post\"><button type=\"submit\">Confirm</button></form>");
        page.ShouldContain(">Cancel</button>");

        // Cancel leaves without deciding, and says so.
        using var cancelled = await browser.OpenAsync(approve + "?cancel=1");
        cancelled.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await cancelled.Content.ReadAsStringAsync()).ShouldContain("Nothing was decided or recorded");
        Actions(admin, id).ShouldBeEmpty("opening the link or cancelling is not a click");

        // Confirming records the click once, for Alice; the link used once says so and records nothing more.
        using var confirmed = await browser.ConfirmAsync(approve);
        using var again = await browser.ConfirmAsync(approve);
        confirmed.StatusCode.ShouldBe(HttpStatusCode.OK);
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await again.Content.ReadAsStringAsync()).ShouldContain("This button was already used");
        var actions = Actions(admin, id);
        actions.Count.ShouldBe(1);
        actions[0].GetProperty("action").GetString().ShouldBe("approve");
        actions[0].GetProperty("operator").GetProperty("platform").GetString().ShouldBe("dingtalk");
        actions[0].GetProperty("operator").GetProperty("user_id").GetString().ShouldBe("alice");
        actions[0].TryGetProperty("operator_open_id", out _).ShouldBeFalse("operator_open_id is Feishu's only");

        using var forged = await browser.ConfirmAsync(approve[..^4] + "AAAA");
        forged.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await forged.Content.ReadAsStringAsync()).ShouldContain("This link has expired");
    }

    [Fact]
    public async Task The_procurement_pack_works_on_DingTalk_its_decision_buttons_answer_and_reach_the_business_webhook()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", new Dictionary<string, string?> { ["Larkway:Webhooks:PollInterval"] = "00:00:00.050" });
        using var admin = Admin(hub);
        await AddAppAsync(admin, emulator);
        using var subscribed = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url("/actions").ToString(), event_types = new[] { "dingtalk.notification.action" } });
        subscribed.StatusCode.ShouldBe(HttpStatusCode.Created, await subscribed.Content.ReadAsStringAsync());

        // Without DingTalk recipients of its own, a type that names only Feishu ones has nobody to send to: refused with the fix.
        var sample = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/notification-types/requisition.submitted")).GetProperty("sample_data");
        using var nobody = await admin.PostAsJsonAsync("/api/v1/notifications", new { type = "requisition.submitted", idempotency_key = "req-nobody", app = AppName, data = sample });
        nobody.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await nobody.Content.ReadAsStringAsync()).ShouldContain("Send dingtalk_userid or dingtalk_mobile recipients in 'recipients'");

        // A requisition with the pack's own sample data, to Alice on DingTalk: Approve answers with the type's toast and decision.
        var requisition = await SendPackTypeAsync(admin, "requisition.submitted", "req-dingtalk-1");
        await HubSandbox.WaitUntilAsync(() => Status(admin, requisition.Id) == "sent", "the requisition sent", seconds: 60);

        // The type also names its approver by email, which DingTalk cannot look up: left out, not sent to fail.
        (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{requisition.Id}")).GetProperty("recipients").GetArrayLength().ShouldBe(1);
        var approve = PackLinks(await RobotMessagesAsync(hub, "alice")).Single(l => l.Contains("/dingtalk/actions/", StringComparison.Ordinal) && Label(hub, l).Contains("approve", StringComparison.OrdinalIgnoreCase));
        using var browser = new DingTalkBrowser("alice");
        var answer = await (await browser.OpenAndConfirmAsync(approve)).Content.ReadAsStringAsync();
        answer.ShouldContain("Approved " + requisition.Data.GetProperty("requisition").GetProperty("number").GetString());
        var actions = Actions(admin, requisition.Id);
        actions.Single().GetProperty("decision").GetString().ShouldBe("approved");

        // DingTalk cannot edit the card: Alice gets a follow-up saying what was decided, and every button of her card,
        // the other decision's too, answers that it is decided and records nothing.
        await HubSandbox.WaitUntilAsync(() => RobotMessagesAsync(hub, "alice").GetAwaiter().GetResult().Any(m => m.GetProperty("msgKey").GetString() == "sampleText"), "the follow-up", seconds: 30);
        var followUp = (await RobotMessagesAsync(hub, "alice")).Single(m => m.GetProperty("msgKey").GetString() == "sampleText");
        followUp.GetProperty("msgParam").GetRawText().ShouldContain("Approved by Alice Chen");
        var reject = PackLinks(await RobotMessagesAsync(hub, "alice")).Single(l => l.Contains("/dingtalk/actions/", StringComparison.Ordinal) && Label(hub, l).Contains("Approved by Alice Chen on", StringComparison.Ordinal) && l != approve);
        using var rejected = await browser.ConfirmAsync(reject);
        rejected.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var refused = await rejected.Content.ReadAsStringAsync();
        refused.ShouldContain("Already decided");
        refused.ShouldContain("Approved by Alice Chen on");
        Actions(admin, requisition.Id).Count.ShouldBe(1, "a decided delivery records no second decision");

        // Request approval opens the approval on the platform of the notification's app, DingTalk: the pack's definition is a
        // Feishu approval code, so DingTalk refuses it and the page says why, naming no other platform than the one the
        // person is on; the click is recorded and the business system told all the same.
        var payment = await SendPackTypeAsync(admin, "payment.pending", "pay-dingtalk-1");
        await HubSandbox.WaitUntilAsync(() => Status(admin, payment.Id) == "sent", "the payment sent", seconds: 60);
        var messages = await RobotMessagesAsync(hub, "alice");
        var request = PackLinks([messages[^1]]).Single(l => l.Contains("/dingtalk/actions/", StringComparison.Ordinal));
        WebUtility.HtmlDecode(await browser.GetStringAsync(request)).ShouldContain("Confirm <strong>“Request approval”</strong> for this notification?");
        var requested = await (await browser.ConfirmAsync(request)).Content.ReadAsStringAsync();
        WebUtility.HtmlDecode(requested).ShouldContain("The approval could not be requested: definition: DingTalk refused it", Case.Sensitive, requested);
        requested.ShouldNotContain("Feishu");
        Actions(admin, payment.Id).Single().GetProperty("action").GetString().ShouldBe("request_approval");

        await HubSandbox.WaitUntilAsync(() => receiver.At("/actions").Count >= 2, "both clicks at the webhook", seconds: 60);
        var envelopes = receiver.At("/actions").Select(r => JsonDocument.Parse(r.Body).RootElement.Clone()).ToList();
        envelopes.ShouldAllBe(e => e.GetProperty("type").GetString() == "dingtalk.notification.action" && e.GetProperty("app").GetString() == AppName);
        var forwarded = envelopes.Select(e => e.GetProperty("event")).ToList();
        forwarded.Select(f => f.GetProperty("action").GetString()).Order(StringComparer.Ordinal).ShouldBe(["approve", "request_approval"]);
        forwarded.ShouldAllBe(f => f.GetProperty("operator").GetProperty("user_id").GetString() == "alice"
            && f.GetProperty("operator").GetProperty("platform").GetString() == "dingtalk");

        // The envelope every platform's click has: the notification at the top, as on Feishu's card.action.trigger.
        envelopes.ShouldAllBe(e => e.GetProperty("notification").GetProperty("id").GetString() == e.GetProperty("event").GetProperty("notification_id").GetString()
            && e.GetProperty("notification").GetProperty("action").GetString() == e.GetProperty("event").GetProperty("action").GetString());
    }

    [Fact]
    public async Task A_DingTalk_app_whose_secret_is_refused_shows_on_the_dashboard_in_readiness_and_in_the_alerts_until_it_is_fixed()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", new Dictionary<string, string?>
        {
            ["Larkway:Alerts:Interval"] = "00:10:00",
            ["Larkway:Alerts:Rules:ApiErrorRate:MinSamples"] = "1",
            ["Larkway:Alerts:Rules:DingTalkStreamDown:Threshold"] = "0.1",
            ["Larkway:Apps:StreamHandOverAfter"] = "00:00:50",
            ["Larkway:Apps:StreamStandAsidePause"] = "00:00:01",
        });
        using var admin = Admin(hub);
        var services = hub.Host.App.Services;
        var dashboard = services.GetRequiredService<Larkway.Hub.Monitoring.MonitoringDashboard>();

        // A secret DingTalk refuses: opening the Stream connection fails, counted with Feishu's calls (and Test connection says why).
        await AddAppAsync(admin, emulator, new { app_secret = "not-the-secret" });
        using (var test = await admin.PostAsync($"/api/v1/apps/{AppName}/test", null))
        {
            (await test.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ok").GetBoolean().ShouldBeFalse();
        }

        await HubSandbox.WaitUntilAsync(
            () => dashboard.ReadAsync(Larkway.Hub.Monitoring.DashboardRange.Hour, default).GetAwaiter().GetResult().Hour.ApiErrors > 0,
            "the failed DingTalk calls on the dashboard", seconds: 60);

        // The lease is held, but no connection opens: readiness says so, and so does the alert once past its threshold.
        await HubSandbox.WaitUntilAsync(
            () => hub.Api.GetStringAsync("/readyz").GetAwaiter().GetResult().Contains($"cannot open a Stream connection for {AppName}", StringComparison.Ordinal),
            "readiness naming the app that cannot connect", seconds: 90);
        await services.GetRequiredService<Larkway.Hub.Alerts.AlertEvaluator>().RunAsync(default);
        var alerts = await services.GetRequiredService<Larkway.Hub.Alerts.AlertStore>().ListAsync(100, default);
        alerts.Single(a => a.Alert.Rule == "api_error_rate").Alert.Detail.ShouldContain($"(app {EmulatorOptions.DefaultDingTalkAppKey}) failed with code ");
        var stream = alerts.Single(a => a.Alert.Rule == "dingtalk_stream_down").Alert;
        stream.ClearedAt.ShouldBeNull();
        stream.Detail.ShouldContain($"No open Stream connection for {AppName} (since ");

        // Still no connection by StreamHandOverAfter: the holder hands the lease over (here to itself, after its pause,
        // as no other replica runs) in case only it is cut off, and the outage keeps its first date across the hand-over.
        var leases = services.GetRequiredService<Larkway.Hub.Platform.Leases.LeaseStore>();
        var statusStore = services.GetRequiredService<Larkway.Hub.DingTalk.DingTalkStreamStatus>();
        var leaseName = Larkway.Hub.DingTalk.DingTalkStreamDuty.LeaseNameOf(EmulatorOptions.DefaultDingTalkAppKey);
        var firstHeld = (await leases.GetAsync(leaseName))!.AcquiredAt;
        var downSince = await statusStore.DownSinceAsync(EmulatorOptions.DefaultDingTalkAppKey, default);
        downSince.ShouldNotBeNull();
        await HubSandbox.WaitUntilAsync(
            () => leases.GetAsync(leaseName).GetAwaiter().GetResult() is { } lease && lease.AcquiredAt > firstHeld,
            "the lease handed over and taken again", seconds: 90);
        await HubSandbox.WaitUntilAsync(
            () => hub.Api.GetStringAsync("/readyz").GetAwaiter().GetResult().Contains($"cannot open a Stream connection for {AppName}", StringComparison.Ordinal),
            "readiness naming the app again", seconds: 90);
        (await statusStore.DownSinceAsync(EmulatorOptions.DefaultDingTalkAppKey, default)).ShouldBe(downSince);

        // Fixed: the connection opens, readiness and the alert clear.
        using (var fixedSecret = await admin.PatchAsJsonAsync($"/api/v1/apps/{AppName}", new { app_secret = EmulatorOptions.DefaultDingTalkAppSecret }))
        {
            fixedSecret.EnsureSuccessStatusCode();
        }

        await HubSandbox.WaitUntilAsync(
            () => !hub.Api.GetStringAsync("/readyz").GetAwaiter().GetResult().Contains("cannot open a Stream connection", StringComparison.Ordinal),
            "readiness clear again", seconds: 90);
        // The alert reads the connection's status, which the stream writes a moment after readiness turns: evaluate until it clears.
        await HubSandbox.WaitUntilAsync(
            () =>
            {
                services.GetRequiredService<Larkway.Hub.Alerts.AlertEvaluator>().RunAsync(default).GetAwaiter().GetResult();
                return services.GetRequiredService<Larkway.Hub.Alerts.AlertStore>().ListAsync(100, default).GetAwaiter().GetResult()
                    .Single(a => a.Alert.Rule == "dingtalk_stream_down").Alert.ClearedAt is not null;
            },
            "the alert cleared", seconds: 30);
    }

    internal static async Task<(string Id, JsonElement Data)> SendPackTypeAsync(HttpClient admin, string type, string key)
    {
        var definition = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/notification-types/{type}");
        var data = definition.GetProperty("sample_data").Clone();
        using var queued = await admin.PostAsJsonAsync("/api/v1/notifications", new { type, idempotency_key = key, app = AppName, data, recipients = new[] { new { dingtalk_userid = "alice" } } });
        queued.StatusCode.ShouldBe(HttpStatusCode.Accepted, await queued.Content.ReadAsStringAsync());
        return ((await queued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!, data);
    }

    private static IReadOnlyList<string> PackLinks(IReadOnlyList<JsonElement> messages) =>
        [.. messages.SelectMany(m => Links(m.GetProperty("msgParam")))];

    /// <summary>What the link's page asks to confirm (or answers, for a link that may not act again).</summary>
    private static string Label(HubSandbox hub, string link)
    {
        _ = hub;
        using var alice = new DingTalkBrowser("alice");
        return alice.GetStringAsync(link).GetAwaiter().GetResult();
    }

    internal static string? Status(HttpClient admin, string id) =>
        admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{id}").GetAwaiter().GetResult().GetProperty("status").GetString();

    internal static IReadOnlyList<JsonElement> Actions(HttpClient admin, string id) =>
        admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{id}").GetAwaiter().GetResult() is var n && n.TryGetProperty("actions", out var a)
            ? [.. a.EnumerateArray().Select(x => x.Clone())]
            : [];

    internal static async Task<IReadOnlyList<JsonElement>> RobotMessagesAsync(HubSandbox hub, string user)
    {
        var page = await hub.Control.GetFromJsonAsync<JsonElement>($"/_emulator/dingtalk/users/{user}/robot-messages");
        var items = page.TryGetProperty("items", out var i) ? i : page.GetProperty("data").GetProperty("items");
        return [.. items.EnumerateArray().Select(x => x.Clone())];
    }

    internal static IReadOnlyList<string> Links(JsonElement param) =>
        [.. System.Text.RegularExpressions.Regex.Matches(param.GetRawText(), "https?://[^\"\\\\ )]+").Select(m => m.Value)];

    internal static HttpClient Admin(HubSandbox hub)
    {
        var admin = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        return admin;
    }

    internal static async Task<JsonElement> AddAppAsync(HttpClient admin, EmulatorServer emulator, object? extra = null)
    {
        var fields = new Dictionary<string, object?>
        {
            ["name"] = AppName,
            ["platform"] = "dingtalk",
            ["app_id"] = EmulatorOptions.DefaultDingTalkAppKey,
            ["app_secret"] = EmulatorOptions.DefaultDingTalkAppSecret,
            ["base_url"] = new Uri(emulator.BaseUrl, "/dingtalk").AbsoluteUri,
            ["agent_id"] = 3000000001,
        };
        foreach (var property in JsonSerializer.SerializeToElement(extra ?? new { }).EnumerateObject())
        {
            fields[property.Name] = property.Value;
        }

        using var added = await admin.PostAsJsonAsync("/api/v1/apps", fields);
        var body = await added.Content.ReadAsStringAsync();
        added.StatusCode.ShouldBe(HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Posts as DingTalk's outgoing robot, signed now.</summary>
    private static async Task<HttpResponseMessage> SignedAsync(HubSandbox hub, string body, EmulatorServer emulator, string? secret = null)
    {
        _ = emulator;
        var (timestamp, sign) = RobotSign(secret ?? EmulatorOptions.DefaultDingTalkAppSecret, DateTimeOffset.UtcNow);
        return await SignedAsync(hub, body, timestamp, sign);
    }

    /// <summary>Posts as DingTalk's outgoing robot with the given headers.</summary>
    internal static async Task<HttpResponseMessage> SignedAsync(HubSandbox hub, string body, string timestamp, string sign)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/dingtalk/apps/{AppName}/callback") { Content = Json(body) };
        request.Headers.Add("timestamp", timestamp);
        request.Headers.Add("sign", sign);
        return await hub.Api.SendAsync(request);
    }

    /// <summary>The outgoing robot's headers: <c>timestamp</c> (ms) and <c>sign</c> = Base64(HMAC-SHA256(secret, timestamp + "\n" + secret)).</summary>
    internal static (string Timestamp, string Sign) RobotSign(string secret, DateTimeOffset at)
    {
        var timestamp = at.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        return (timestamp, Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "\n" + secret))));
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<string> ProblemAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;

    private static IReadOnlyList<string> Replies(DingTalkStreamControl stream) =>
        [.. stream.SessionRepliesAsync().GetAwaiter().GetResult().Select(r => r.GetRawText())];

    private static async Task<IReadOnlyList<JsonElement>> EventsAsync(HttpClient admin, string type)
    {
        var page = await admin.GetFromJsonAsync<JsonElement>("/api/v1/events?type=" + Uri.EscapeDataString(type));
        return [.. page.GetProperty("items").EnumerateArray().Select(e => e.Clone())];
    }
}
