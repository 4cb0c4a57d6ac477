using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.WeCom.Callbacks;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace Larkway.Integration.Tests.Hub;

/// <summary>One Emulator, one webhook receiver and one Hub with the Emulator's WeCom app stored, shared by <see cref="HubWeComTests"/>.</summary>
public sealed class HubWeComFixture : IAsyncLifetime
{
    public const string AppName = "wc-corp";

    public EmulatorServer Emulator { get; private set; } = null!;

    internal WebhookReceiver Receiver { get; private set; } = null!;

    internal HubSandbox Hub { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        Receiver = await WebhookReceiver.StartAsync();
        Hub = await HubSandbox.StartAgainstAsync(Emulator, "webhook", new Dictionary<string, string?> { ["Larkway:Webhooks:PollInterval"] = "00:00:00.050" });
        Admin = new HttpClient { BaseAddress = Hub.Host.BaseUrl };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        using var subscribed = await Admin.PostAsJsonAsync("/api/v1/webhooks", new { url = Receiver.Url("/wecom").ToString(), event_types = new[] { "wecom.*" } });
        subscribed.StatusCode.ShouldBe(HttpStatusCode.Created, await subscribed.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync()
    {
        Admin?.Dispose();
        if (Hub is not null)
        {
            await Hub.DisposeAsync();
        }

        if (Receiver is not null)
        {
            await Receiver.DisposeAsync();
        }

        if (Emulator is not null)
        {
            await Emulator.DisposeAsync();
        }
    }
}

/// <summary>
/// A WeCom app stored in the Hub, against the Emulator's WeCom over the real wire: validated with what to fix, tested,
/// its callback URL verified by the Emulator, members' messages stored once, answered by the bot through message/send
/// and forwarded to business webhooks; forged and broken callbacks refused with the reason.
/// </summary>
public sealed class HubWeComTests(HubWeComFixture fixture) : IClassFixture<HubWeComFixture>
{
    private const string AppName = HubWeComFixture.AppName;

    [Fact]
    public async Task A_WeCom_app_is_validated_with_what_to_fix_stored_and_its_connection_tested_with_WeComs_errcode()
    {
        var admin = fixture.Admin;

        // Every problem at once, each naming its field.
        using var invalid = await admin.PostAsJsonAsync("/api/v1/apps", new
        {
            name = "wc-bad",
            platform = "wecom",
            app_id = "",
            app_secret = "s",
            encrypt_key = "too-short",
            verification_token = "tok-en!",
            robot_code = "x",
        });
        invalid.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problems = await invalid.Content.ReadAsStringAsync();
        problems.ShouldContain("corp id (企业ID");
        problems.ShouldContain("EncodingAESKey is 43 letters and digits");
        problems.ShouldContain("callback Token is 1–32 letters and digits");
        problems.ShouldContain("Only DingTalk apps have a robot code");
        problems.ShouldContain("Required for a WeCom app: its AgentId");

        var app = await AddAppAsync(admin, fixture.Emulator, AppName);
        app.GetProperty("platform").GetString().ShouldBe("wecom");
        app.GetProperty("events_url").GetString()!.ShouldEndWith($"/wecom/apps/{AppName}/callback");
        app.GetProperty("encrypt_key_set").GetBoolean().ShouldBeTrue();
        app.GetRawText().ShouldNotContain(EmulatorOptions.DefaultWeComAppSecret, customMessage: "secrets are never shown");
        app.GetProperty("permissions").GetProperty("scopes").EnumerateArray().Select(s => s.GetProperty("scope").GetString()).ShouldContain("企业可信IP");

        using var tested = await admin.PostAsync($"/api/v1/apps/{AppName}/test", null);
        var test = await tested.Content.ReadFromJsonAsync<JsonElement>();
        test.GetProperty("ok").GetBoolean().ShouldBeTrue(test.ToString());

        // A wrong Secret: WeCom's errcode and the library's hint come back, not a stack trace.
        await AddAppAsync(admin, fixture.Emulator, "wc-wrong", new { app_secret = "not-the-secret" });
        using var wrong = await admin.PostAsync("/api/v1/apps/wc-wrong/test", null);
        var failed = await wrong.Content.ReadFromJsonAsync<JsonElement>();
        failed.GetProperty("ok").GetBoolean().ShouldBeFalse(failed.ToString());
        failed.GetProperty("code").GetInt32().ShouldBe(40001, failed.ToString());
        failed.GetProperty("hint").GetString()!.ShouldContain("Secret");

        // A platform cannot change, and the Feishu URLs do not take a WeCom app.
        using var changed = await admin.PatchAsJsonAsync("/api/v1/apps/wc-wrong", new { platform = "dingtalk" });
        changed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var feishuUrl = await fixture.Hub.Api.PostAsync("/feishu/apps/wc-wrong/events", new StringContent("{}", Encoding.UTF8, "application/json"));
        (await feishuUrl.Content.ReadAsStringAsync()).ShouldContain("WeCom calls /wecom/apps/wc-wrong/callback");
    }

    /// <summary>
    /// Issue 41 §4: Test connection sends the stored corp secret to the app's base_url, so a new base_url needs the secret
    /// again in the same change: without it the change is refused and the new host is never asked for a token.
    /// </summary>
    [Fact]
    public async Task A_new_base_url_without_the_secret_is_refused_and_test_connection_never_hands_the_stored_secret_to_the_new_host()
    {
        var admin = fixture.Admin;
        await using var listener = await WebhookReceiver.StartAsync();
        await AddAppAsync(admin, fixture.Emulator, "wc-moved");

        using var moved = await admin.PatchAsJsonAsync("/api/v1/apps/wc-moved", new { base_url = listener.BaseUrl.AbsoluteUri });
        var refusal = await moved.Content.ReadAsStringAsync();
        moved.StatusCode.ShouldBe(HttpStatusCode.BadRequest, refusal);
        refusal.ShouldContain("app_secret");
        refusal.ShouldContain("Required with a new base_url");
        using (var tested = await admin.PostAsync("/api/v1/apps/wc-moved/test", null))
        {
            (await tested.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ok").GetBoolean().ShouldBeTrue("the app still calls the Emulator");
        }

        listener.Received.ShouldBeEmpty();

        // Given with its secret, the new host is the app's: Test connection asks it for a token (the listener proves it listens).
        using var movedWithSecret = await admin.PatchAsJsonAsync("/api/v1/apps/wc-moved", new { base_url = listener.BaseUrl.AbsoluteUri, app_secret = "secret-for-the-new-host" });
        movedWithSecret.StatusCode.ShouldBe(HttpStatusCode.OK, await movedWithSecret.Content.ReadAsStringAsync());
        using (await admin.PostAsync("/api/v1/apps/wc-moved/test", null))
        {
        }

        listener.Received.ShouldContain(r => r.Path.EndsWith("/gettoken", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_Emulator_verifies_the_callback_URL_and_a_members_message_is_stored_once_answered_by_the_bot_and_forwarded()
    {
        var admin = fixture.Admin;
        await EnsureAppAsync(admin, "wc-bot");
        var callback = new Uri(fixture.Hub.Host.BaseUrl, "/wecom/apps/wc-bot/callback");

        // The Emulator saves the URL only when the Hub answers its echostr check.
        using var saved = await fixture.Hub.Control.PostAsJsonAsync("/_emulator/wecom/callback", new { url = callback.AbsoluteUri });
        saved.StatusCode.ShouldBe(HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());

        using var said = await fixture.Hub.Control.PostAsJsonAsync("/_emulator/wecom/users/alice/say", new { text = "/help" });
        var outcome = await said.Content.ReadFromJsonAsync<JsonElement>();
        outcome.GetProperty("status").GetString().ShouldBe("delivered", outcome.ToString());
        await HubSandbox.WaitUntilAsync(() => Replies("alice").Count(r => r.Contains("Commands:", StringComparison.Ordinal)) == 1, "the bot's /help answer on WeCom", seconds: 60);

        // WeCom's retry of the same message (same MsgId): answered the same, stored and answered once.
        var msgId = outcome.GetProperty("msgid").GetString()!;
        var plaintext = $"<xml><ToUserName><![CDATA[{EmulatorOptions.DefaultWeComCorpId}]]></ToUserName><FromUserName><![CDATA[alice]]></FromUserName><CreateTime>1764100000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[/help]]></Content><MsgId>{msgId}</MsgId><AgentID>1000002</AgentID></xml>";
        using var again = await PostEncryptedAsync("wc-bot", plaintext);
        again.StatusCode.ShouldBe(HttpStatusCode.OK, await again.Content.ReadAsStringAsync());
        (await again.Content.ReadAsStringAsync()).ShouldBeEmpty();
        var events = (await EventsAsync(admin, "wecom.message.text")).Where(e => e.GetProperty("app").GetString() == "wc-bot").ToList();
        events.Count.ShouldBe(1);
        events[0].GetProperty("transport").GetString().ShouldBe("wecom_callback");

        // A command's answer comes back to the member; the echo and the /help each reach the business webhook once, as JSON.
        using var echo = await fixture.Hub.Control.PostAsJsonAsync("/_emulator/wecom/users/alice/say", new { text = "/echo hello from WeCom" });
        echo.EnsureSuccessStatusCode();
        await HubSandbox.WaitUntilAsync(() => Replies("alice").Any(r => r.Contains("hello from WeCom", StringComparison.Ordinal)), "the echo", seconds: 60);
        Replies("alice").Count(r => r.Contains("Commands:", StringComparison.Ordinal)).ShouldBe(1, "the retried /help is not answered again");
        await HubSandbox.WaitUntilAsync(() => Forwarded("wc-bot").Count >= 2, "both messages at the webhook", seconds: 60);
        var forwarded = Forwarded("wc-bot");
        forwarded.Select(f => f.GetProperty("type").GetString()).ShouldAllBe(t => t == "wecom.message.text");
        forwarded.Select(f => f.GetProperty("event").GetProperty("Content").GetString()).OrderBy(t => t, StringComparer.Ordinal).ShouldBe(["/echo hello from WeCom", "/help"]);
        forwarded.Single(f => f.GetProperty("event").GetProperty("MsgId").GetString() == msgId).GetProperty("event").GetProperty("FromUserName").GetString().ShouldBe("alice");

        // An event (the member opens the app) is stored under wecom.event.{Event}, deduplicated on sender + time + event.
        var enter = "<xml><ToUserName><![CDATA[" + EmulatorOptions.DefaultWeComCorpId + "]]></ToUserName><FromUserName><![CDATA[bob]]></FromUserName><CreateTime>1764100100</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[enter_agent]]></Event><EventKey><![CDATA[]]></EventKey><AgentID>1000002</AgentID></xml>";
        using var first = await PostEncryptedAsync("wc-bot", enter);
        using var second = await PostEncryptedAsync("wc-bot", enter);
        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        second.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await EventsAsync(admin, "wecom.event.enter_agent")).Count(e => e.GetProperty("app").GetString() == "wc-bot").ShouldBe(1);
    }

    [Fact]
    public async Task A_click_on_the_bots_card_reaches_its_card_action_and_the_members_card_shows_the_answer()
    {
        await EnsureAppAsync(fixture.Admin, "wc-cards");
        var callback = new Uri(fixture.Hub.Host.BaseUrl, "/wecom/apps/wc-cards/callback");
        using (var saved = await fixture.Hub.Control.PostAsJsonAsync("/_emulator/wecom/callback", new { url = callback.AbsoluteUri }))
        {
            saved.StatusCode.ShouldBe(HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());
        }

        // /card answers with the sample card: a button_interaction card whose button is keyed by its action.
        using (var said = await fixture.Hub.Control.PostAsJsonAsync("/_emulator/wecom/users/bob/say", new { text = "/card" }))
        {
            said.EnsureSuccessStatusCode();
        }

        await HubSandbox.WaitUntilAsync(() => Cards("bob").Count == 1, "the sample card on WeCom", seconds: 60);
        var card = Cards("bob").Single();
        var button = card.GetProperty("content").GetProperty("button_list").EnumerateArray().ShouldHaveSingleItem();
        button.GetProperty("key").GetString().ShouldBe("sample.ack");

        // Bob presses it: the bot's card action answers, and WeCom shows its answer on Bob's card.
        var msgId = card.GetProperty("msgid").GetString()!;
        using (var clicked = await fixture.Hub.Control.PostAsJsonAsync($"/_emulator/wecom/messages/{msgId}/click", new { userid = "bob", key = "sample.ack" }))
        {
            var outcome = await clicked.Content.ReadFromJsonAsync<JsonElement>();
            outcome.GetProperty("status").GetString().ShouldBe("delivered", outcome.ToString());
        }

        await HubSandbox.WaitUntilAsync(() => ReplacedButton("bob", msgId) == "Acknowledged", "Bob's card showing the action's answer", seconds: 60);

        // The click reaches the business webhooks too, as every WeCom callback does.
        await HubSandbox.WaitUntilAsync(() => Forwarded("wc-cards").Any(f => f.GetProperty("type").GetString() == "wecom.event.template_card_event"), "the click at the webhook", seconds: 60);
    }

    [Fact]
    public async Task A_click_on_a_card_a_business_system_sent_through_the_app_is_only_forwarded_and_its_response_code_left_to_it()
    {
        // An app of its own: the fixture's webhook receiver hears every test's callbacks.
        await EnsureAppAsync(fixture.Admin, "wc-cards");

        // Any card update the Hub tried would meet this fault and count it off.
        const string update = "POST /cgi-bin/message/update_template_card";
        using (var armed = await fixture.Hub.Control.PostAsJsonAsync("/_emulator/wecom/faults", new { endpoint = update, kind = "server_error", count = 1000 }))
        {
            armed.EnsureSuccessStatusCode();
        }

        try
        {
            // The ERP's own card, sent through the same app: its task_id is the ERP's, its button key names one of the bot's actions.
            var click = $"<xml><ToUserName><![CDATA[{EmulatorOptions.DefaultWeComCorpId}]]></ToUserName><FromUserName><![CDATA[dave]]></FromUserName>"
                + "<CreateTime>1764300000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event>"
                + "<EventKey><![CDATA[sample.ack]]></EventKey><TaskId><![CDATA[erp-po-4711]]></TaskId><CardType><![CDATA[button_interaction]]></CardType>"
                + "<ResponseCode><![CDATA[erp-response-code]]></ResponseCode><AgentID>1000002</AgentID></xml>";
            using (var posted = await PostEncryptedAsync("wc-cards", click))
            {
                posted.StatusCode.ShouldBe(HttpStatusCode.OK, await posted.Content.ReadAsStringAsync());
            }

            await HubSandbox.WaitUntilAsync(() => Forwarded("wc-cards").Any(f => f.GetProperty("type").GetString() == "wecom.event.template_card_event"
                && f.GetProperty("event").GetProperty("TaskId").GetString() == "erp-po-4711"), "the ERP's click at the webhook", seconds: 60);
            await HubSandbox.WaitUntilAsync(() => DoneEvents("wecom.event.template_card_event").Any(e => e.GetProperty("app").GetString() == "wc-cards"), "the click handled", seconds: 60);

            var faults = await fixture.Hub.Control.GetFromJsonAsync<JsonElement>("/_emulator/wecom/faults");
            faults.GetProperty("items").EnumerateArray().Single(f => f.GetProperty("endpoint").GetString()!.Contains("update_template_card", StringComparison.Ordinal))
                .GetProperty("count").GetInt32().ShouldBe(1000, "the Hub did not touch the ERP's card");
        }
        finally
        {
            (await fixture.Hub.Control.DeleteAsync("/_emulator/wecom/faults")).EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task Forged_broken_and_misaddressed_callbacks_are_refused_with_the_reason_never_a_500()
    {
        var admin = fixture.Admin;
        await EnsureAppAsync(admin, "wc-guard");
        var api = fixture.Hub.Api;
        var plaintext = "<xml><ToUserName><![CDATA[" + EmulatorOptions.DefaultWeComCorpId + "]]></ToUserName><FromUserName><![CDATA[carol]]></FromUserName><CreateTime>1764100200</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[secret words]]></Content><MsgId>900001</MsgId><AgentID>1000002</AgentID></xml>";

        using var unknown = await api.GetAsync("/wecom/apps/nobody/callback?msg_signature=a&timestamp=1&nonce=n&echostr=e");
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await ProblemAsync(unknown)).ShouldContain("no WeCom app named 'nobody'");

        // The URL check with another Token's signature, and without echostr.
        var crypto = new WeComCallbackCrypto(EmulatorOptions.DefaultWeComCallbackToken, EmulatorOptions.DefaultWeComEncodingAesKey, EmulatorOptions.DefaultWeComCorpId);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var echo = crypto.Encrypt("echo-12345", now, "nonce1");
        using var verified = await api.GetAsync($"/wecom/apps/wc-guard/callback?msg_signature={echo.MsgSignature}&timestamp={now}&nonce=nonce1&echostr={Uri.EscapeDataString(echo.Encrypt)}");
        verified.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await verified.Content.ReadAsStringAsync()).ShouldBe("echo-12345");
        var forgedEcho = new WeComCallbackCrypto("AnotherToken", EmulatorOptions.DefaultWeComEncodingAesKey, EmulatorOptions.DefaultWeComCorpId).Encrypt("echo-12345", now, "nonce1");
        using var forgedUrl = await api.GetAsync($"/wecom/apps/wc-guard/callback?msg_signature={forgedEcho.MsgSignature}&timestamp={now}&nonce=nonce1&echostr={Uri.EscapeDataString(forgedEcho.Encrypt)}");
        forgedUrl.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ProblemAsync(forgedUrl)).ShouldContain("msg_signature does not match");
        using var noEcho = await api.GetAsync("/wecom/apps/wc-guard/callback?msg_signature=abc&timestamp=1&nonce=n");
        noEcho.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        // A POST signed with another Token, one encrypted for another corp, a body that is not XML.
        using var forged = await PostEncryptedAsync("wc-guard", plaintext, token: "AnotherToken");
        forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ProblemAsync(forged)).ShouldContain("Token in the Hub (verification_token) differs");
        using var otherCorp = await PostEncryptedAsync("wc-guard", plaintext, corpId: "ww0000000000000000");
        otherCorp.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ProblemAsync(otherCorp)).ShouldContain("encrypted for another corp");
        // Correctly signed two days ago: a captured callback replayed (before the window, it was stored and forwarded).
        using var stale = await PostEncryptedAsync("wc-guard", plaintext, at: DateTimeOffset.UtcNow - TimeSpan.FromDays(2));
        stale.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ProblemAsync(stale)).ShouldContain("CallbackTimestampWindow");
        using var notXml = await api.PostAsync("/wecom/apps/wc-guard/callback?msg_signature=a&timestamp=1&nonce=n", new StringContent("{\"encrypt\":1}", Encoding.UTF8, "application/json"));
        notXml.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ProblemAsync(notXml)).ShouldNotContain("secret words");

        // A body over 256 KB sent chunked (no Content-Length to refuse it by): cut off while it is read.
        using var huge = new HttpRequestMessage(HttpMethod.Post, "/wecom/apps/wc-guard/callback?msg_signature=a&timestamp=1&nonce=n")
        {
            Content = new StringContent("<xml><Encrypt>" + new string('A', 300 * 1024) + "</Encrypt></xml>", Encoding.UTF8, "text/xml"),
        };
        huge.Headers.TransferEncodingChunked = true;
        using var tooLarge = await api.SendAsync(huge);
        tooLarge.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await ProblemAsync(tooLarge)).ShouldContain("larger than 256 KB");

        (await EventsAsync(admin, "wecom.message.text")).ShouldNotContain(e => e.GetProperty("app").GetString() == "wc-guard", "nothing refused is stored");
    }

    [Fact]
    public async Task Callbacks_failing_verification_are_counted_named_in_readiness_and_open_the_WeComCallbacksRefused_alert_with_the_cause()
    {
        var admin = fixture.Admin;
        await EnsureAppAsync(admin, "wc-alarm");
        var services = fixture.Hub.Host.App.Services;
        var plaintext = "<xml><ToUserName><![CDATA[" + EmulatorOptions.DefaultWeComCorpId + "]]></ToUserName><FromUserName><![CDATA[dave]]></FromUserName><CreateTime>1764100400</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content><MsgId>900101</MsgId><AgentID>1000002</AgentID></xml>";

        // WeCom's app saved with another Token than the Hub's: every callback's signature fails.
        for (var i = 0; i < 3; i++)
        {
            using var refused = await PostEncryptedAsync("wc-alarm", plaintext, token: "TokenInWeComOnly");
            refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }

        await services.GetRequiredService<Larkway.Hub.Monitoring.MetricRecorder>().FlushAsync(default);
        var burst = (await services.GetRequiredService<Larkway.Hub.Monitoring.MetricStore>().ReadRefusalsAsync("wecom", default)).Single(r => r.App == "wc-alarm");
        burst.Count.ShouldBe(3);
        burst.Reason.ShouldBe("bad_signature");

        using var ready = await fixture.Hub.Api.GetAsync("/readyz");
        var readiness = await ready.Content.ReadAsStringAsync();
        ready.StatusCode.ShouldBe(HttpStatusCode.OK, "Degraded, not Unhealthy: the deployment's problem");
        readiness.ShouldContain("wc-alarm: 3 callback(s) refused since ");
        readiness.ShouldContain("the Token in the Hub differs");

        var checks = await services.GetRequiredService<Larkway.Hub.Alerts.AlertEvaluator>().EvaluateAsync(default);
        var check = checks["wecom_callbacks_refused"].ShouldNotBeNull();
        check.Breached.ShouldBeTrue(check.Detail);
        check.Detail.ShouldContain("wc-alarm: 3 since ");
        (await services.GetRequiredService<Larkway.Hub.Alerts.AlertStore>().ListAsync(100, default))
            .ShouldContain(a => a.Alert.Rule == "wecom_callbacks_refused" && a.Alert.ClearedAt == null);

        // A disabled app is not alerted on or reported: it refuses its callbacks on purpose.
        using (var disabled = await admin.PatchAsJsonAsync("/api/v1/apps/wc-alarm", new { enabled = false }))
        {
            disabled.EnsureSuccessStatusCode();
        }

        (await fixture.Hub.Api.GetStringAsync("/readyz")).ShouldNotContain("wc-alarm");
        using (var enabled = await admin.PatchAsJsonAsync("/api/v1/apps/wc-alarm", new { enabled = true }))
        {
            enabled.EnsureSuccessStatusCode();
        }
    }

    internal static async Task<JsonElement> AddAppAsync(HttpClient admin, EmulatorServer emulator, string name, object? extra = null)
    {
        var fields = new Dictionary<string, object?>
        {
            ["name"] = name,
            ["platform"] = "wecom",
            ["app_id"] = EmulatorOptions.DefaultWeComCorpId,
            ["agent_id"] = 1000002,
            ["app_secret"] = EmulatorOptions.DefaultWeComAppSecret,
            ["verification_token"] = EmulatorOptions.DefaultWeComCallbackToken,
            ["encrypt_key"] = EmulatorOptions.DefaultWeComEncodingAesKey,
            ["base_url"] = Larkway.WeCom.WeComBaseUrls.Emulator(emulator.BaseUrl).AbsoluteUri,
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

    [Fact]
    public async Task An_event_whose_app_was_deleted_is_dead_lettered_at_its_next_try_naming_the_app_while_a_disabled_apps_event_keeps_retrying()
    {
        var admin = fixture.Admin;
        await EnsureAppAsync(admin, "wc-gone");
        await EnsureAppAsync(admin, "wc-off");

        // WeCom refuses every send for now, so each member's message fails its first handling and waits for a retry.
        using (var armed = await fixture.Hub.Control.PostAsJsonAsync("/_emulator/wecom/faults", new { endpoint = "POST /cgi-bin/message/send", kind = "server_error", count = 100_000 }))
        {
            armed.EnsureSuccessStatusCode();
        }

        try
        {
            foreach (var (app, msgId) in new[] { ("wc-gone", "7300000000000000001"), ("wc-off", "7300000000000000002") })
            {
                var plaintext = $"<xml><ToUserName><![CDATA[{EmulatorOptions.DefaultWeComCorpId}]]></ToUserName><FromUserName><![CDATA[alice]]></FromUserName><CreateTime>1764200000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[/help]]></Content><MsgId>{msgId}</MsgId><AgentID>1000002</AgentID></xml>";
                using var posted = await PostEncryptedAsync(app, plaintext);
                posted.StatusCode.ShouldBe(HttpStatusCode.OK, await posted.Content.ReadAsStringAsync());
            }

            await fixture.Hub.WaitForAsync(() => EventOf(admin, "wc-gone")?.GetProperty("status").GetString() == "failed"
                && EventOf(admin, "wc-off")?.GetProperty("status").GetString() == "failed", "both messages failed their first handling", seconds: 60);

            (await admin.DeleteAsync("/api/v1/apps/wc-gone")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
            var triedBeforeDeleting = EventOf(admin, "wc-gone")!.Value.GetProperty("attempts").GetInt32();
            using (var disabled = await admin.PatchAsJsonAsync("/api/v1/apps/wc-off", new { enabled = false }))
            {
                disabled.EnsureSuccessStatusCode();
            }

            // The deleted app's event goes to the dead letters at its next try, saying why (before: retried for hours,
            // each time "no Feishu app named …"); the disabled app's keeps retrying, so enabling the app resumes it.
            await fixture.Hub.WaitForAsync(() => EventOf(admin, "wc-gone")?.GetProperty("status").GetString() == "dead_letter", "the deleted app's event dead-lettered", seconds: 60);
            var gone = EventOf(admin, "wc-gone")!.Value;
            gone.GetProperty("last_error").GetString()!.ShouldContain("'wc-gone' this event came for is no longer in the Hub (deleted)");
            gone.GetProperty("attempts").GetInt32().ShouldBeLessThanOrEqualTo(triedBeforeDeleting + 1, "dead-lettered at its next try, not after the inbox's retries");
            // A try that began before the app was disabled may still fail on WeCom's fault: wait for one that saw it disabled
            // and ended (attempts count when an event is claimed), and check it stays to be retried.
            await fixture.Hub.WaitForAsync(() => EventOf(admin, "wc-off") is { } e && e.GetProperty("status").GetString() is "failed" or "dead_letter"
                && e.TryGetProperty("last_error", out var error) && error.GetString()?.Contains("The WeCom app 'wc-off' is disabled", StringComparison.Ordinal) == true,
                "the disabled app's event tried again and failed for the app being disabled", seconds: 90);
            var off = EventOf(admin, "wc-off")!.Value;
            off.GetProperty("status").GetString().ShouldBe("failed", "a disabled app's event is retried, not dead-lettered: " + off);
        }
        finally
        {
            (await fixture.Hub.Control.DeleteAsync("/_emulator/wecom/faults")).EnsureSuccessStatusCode();
            using var enabled = await admin.PatchAsJsonAsync("/api/v1/apps/wc-off", new { enabled = true });
        }
    }

    private static JsonElement? EventOf(HttpClient admin, string app) =>
        EventsAsync(admin, "wecom.message.text").GetAwaiter().GetResult().Where(e => e.GetProperty("app").GetString() == app).Select(e => (JsonElement?)e).FirstOrDefault();

    private async Task EnsureAppAsync(HttpClient admin, string name)
    {
        using var existing = await admin.GetAsync($"/api/v1/apps/{name}");
        if (existing.StatusCode == HttpStatusCode.NotFound)
        {
            await AddAppAsync(admin, fixture.Emulator, name);
        }
    }

    /// <summary>Posts as WeCom does: the plaintext encrypted for the corp, signed with the Token, in the documented XML body.</summary>
    private async Task<HttpResponseMessage> PostEncryptedAsync(string app, string plaintext, string? token = null, string? corpId = null, DateTimeOffset? at = null)
    {
        var crypto = new WeComCallbackCrypto(token ?? EmulatorOptions.DefaultWeComCallbackToken, EmulatorOptions.DefaultWeComEncodingAesKey, corpId ?? EmulatorOptions.DefaultWeComCorpId);
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var encrypted = crypto.Encrypt(plaintext, timestamp, "n" + Guid.NewGuid().ToString("N")[..10]);
        var body = $"<xml><ToUserName><![CDATA[{EmulatorOptions.DefaultWeComCorpId}]]></ToUserName><Encrypt><![CDATA[{encrypted.Encrypt}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>";
        var url = $"/wecom/apps/{app}/callback?msg_signature={encrypted.MsgSignature}&timestamp={encrypted.TimeStamp}&nonce={encrypted.Nonce}";
        return await fixture.Hub.Api.PostAsync(url, new StringContent(body, Encoding.UTF8, "text/xml"));
    }

    private IReadOnlyList<string> Replies(string user)
    {
        var page = fixture.Hub.Control.GetFromJsonAsync<JsonElement>($"/_emulator/wecom/users/{user}/messages").GetAwaiter().GetResult();
        return [.. page.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("content").GetRawText())];
    }

    private IReadOnlyList<JsonElement> DoneEvents(string type)
    {
        var page = fixture.Admin.GetFromJsonAsync<JsonElement>("/api/v1/events?type=" + Uri.EscapeDataString(type) + "&status=done").GetAwaiter().GetResult();
        return [.. page.GetProperty("items").EnumerateArray().Select(e => e.Clone())];
    }

    private IReadOnlyList<JsonElement> Cards(string user)
    {
        var page = fixture.Hub.Control.GetFromJsonAsync<JsonElement>($"/_emulator/wecom/users/{user}/messages").GetAwaiter().GetResult();
        return [.. page.GetProperty("items").EnumerateArray().Where(m => m.GetProperty("msgtype").GetString() == "template_card").Select(m => m.Clone())];
    }

    private string? ReplacedButton(string user, string msgId)
    {
        var message = Cards(user).Single(m => m.GetProperty("msgid").GetString() == msgId);
        return message.TryGetProperty("replaced_buttons", out var replaced) && replaced.ValueKind == JsonValueKind.Object && replaced.TryGetProperty(user, out var name)
            ? name.GetString()
            : null;
    }

    private List<JsonElement> Forwarded(string app) =>
        [.. fixture.Receiver.At("/wecom").Select(r => JsonDocument.Parse(r.Body).RootElement.Clone()).Where(f => f.GetProperty("app").GetString() == app)];

    private static async Task<string> ProblemAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;

    private static async Task<IReadOnlyList<JsonElement>> EventsAsync(HttpClient admin, string type)
    {
        var page = await admin.GetFromJsonAsync<JsonElement>("/api/v1/events?type=" + Uri.EscapeDataString(type));
        return [.. page.GetProperty("items").EnumerateArray().Select(e => e.Clone())];
    }
}
