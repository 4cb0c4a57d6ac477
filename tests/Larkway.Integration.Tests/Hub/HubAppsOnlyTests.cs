using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Integration.Tests.Hub.Identity;
using Larkway.Emulator.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

using static Larkway.Integration.Tests.Hub.DirectoryApi;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// A company on DingTalk alone, and one on WeCom alone: a Hub with no Feishu app at all (<c>LARKWAY_SANDBOX=off</c>, no
/// <c>FEISHU_*</c>) whose only app is the platform's, stored at run time — the walk a new company makes. Its directory
/// syncs from that app; a person signs in to an OpenID Connect app with the platform's login as their directory person;
/// an ERP's notification naming its approver by email — naming no app, since the Hub has no default one — reaches them on
/// their platform by the userid the directory synced, as a card whose decision is recorded as theirs and shown on the card;
/// the assistant answers them as their directory person. What cannot go out without an app is refused with what to set.
/// </summary>
public sealed class HubAppsOnlyTests
{
    private static readonly object Card = new
    {
        header = new { title = new { tag = "plain_text", content = "PO-7001 needs approval" } },
        elements = new object[]
        {
            new { tag = "div", text = new { tag = "lark_md", content = "**Supplier** Acme" } },
            new { tag = "action", actions = new object[] { new { tag = "button", text = new { tag = "plain_text", content = "Approve" }, value = new { action = "approve" } } } },
        },
    };

    private static Dictionary<string, string?> DirectoryFrom(string app) => new()
    {
        ["Larkway:Directory:App"] = app,
        ["Larkway:Directory:ReconcileEnabled"] = "false",
        ["Larkway:Directory:PollInterval"] = "00:00:00.200",
    };

    [Fact]
    public async Task A_company_on_DingTalk_alone_syncs_its_people_signs_them_in_reaches_them_by_email_on_a_card_that_shows_their_decision_and_the_assistant_knows_them()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        var settings = DirectoryFrom(HubDingTalkTests.AppName);
        settings[$"Larkway:DingTalk:NotificationCards:Templates:{HubDingTalkTests.AppName}"] = "tpl-larkway-notification.schema";
        await using var hub = await HubSandbox.StartAppsOnlyAsync(emulator, settings);
        using var admin = HubDingTalkTests.Admin(hub);

        // No Feishu app: the apps list is empty and Feishu's own receivers are not there.
        (await admin.GetFromJsonAsync<JsonElement>("/api/v1/apps")).GetProperty("items").GetArrayLength().ShouldBe(0);
        using (var feishu = await hub.Api.PostAsync("/feishu/events", JsonContent.Create(new { challenge = "x" })))
        {
            feishu.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        // The directory syncs from the DingTalk app.
        await HubDingTalkTests.AddAppAsync(admin, emulator);
        (await SyncAsync(admin)).GetProperty("status").GetString().ShouldBe("completed");
        var carol = await PersonByEmailAsync(admin, "carol@example.com");
        var carolId = carol.GetProperty("id").GetString();

        // Carol signs in to an app with DingTalk, as her directory person.
        (await SignInAsync(hub, emulator, "dingtalk", "carol")).ShouldBe(carolId);

        // The ERP's requisition names its approver by email: the directory finds Carol, and she gets the app's interactive card.
        await HubSandbox.WaitUntilAsync(() => Assistants.SandboxPlatforms.StreamConnected(hub), "the Hub's DingTalk Stream connection (card clicks come over it)", 60);
        var id = await SendRequisitionAsync(admin, "carol@example.com", "dt-only-1");
        await HubSandbox.WaitUntilAsync(() => HubDingTalkTests.Status(admin, id) == "sent", "the notification sent on DingTalk", seconds: 60);
        var delivery = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{id}")).GetProperty("recipients").EnumerateArray().ShouldHaveSingleItem();
        delivery.GetProperty("type").GetString().ShouldBe("dingtalk_userid", delivery.ToString());
        delivery.GetProperty("value").GetString().ShouldBe("carol", "the userid the directory synced from the app");
        delivery.GetProperty("person_id").GetString().ShouldBe(carolId);
        var outTrackId = delivery.GetProperty("message_id").GetString()!;
        var card = await HubDingTalkBotCardTests.CardAsync(hub, outTrackId);
        HubDingTalkBotCardTests.Param(card, "title")!.ShouldContain("PR-2026-0042");
        HubDingTalkBotCardTests.Param(card, "decision").ShouldBeNull();

        // She presses Approve: the decision is recorded as hers and shown on her card in place.
        (await HubDingTalkBotCardTests.ClickAsync(hub, outTrackId, "carol", "approve")).GetProperty("ok").GetBoolean().ShouldBeTrue();
        await HubSandbox.WaitUntilAsync(() => HubDingTalkTests.Actions(admin, id).Count == 1, "the decision recorded", seconds: 60);
        var action = HubDingTalkTests.Actions(admin, id).Single();
        action.GetProperty("decision").GetString().ShouldBe("approved");
        action.GetProperty("operator").GetProperty("person_id").GetString().ShouldBe(carolId);
        await HubSandbox.WaitUntilAsync(() => HubDingTalkBotCardTests.Param(HubDingTalkBotCardTests.CardAsync(hub, outTrackId).GetAwaiter().GetResult(), "decision") is not null, "the decision on the card", seconds: 60);
        HubDingTalkBotCardTests.Param(await HubDingTalkBotCardTests.CardAsync(hub, outTrackId), "decision").ShouldBe("Approved by Carol Wang");

        await RefusalsWithoutAnAppAsync(admin);

        // The assistant knows her: one that refuses people the directory does not know answers Carol, as her directory person.
        using var driver = new Assistants.AssistantDriver(hub, emulator.BaseUrl);
        await driver.CreateAsync("dingtalk-helper", [HubDingTalkTests.AppName], policy: new { unknown_users = "refuse" });
        await driver.SetAiAsync(new { tokens_per_second = 200, answer_words = 10 });
        await Assistants.SandboxPlatforms.DingTalkSayAsync(hub, "carol", "cid-carol-only", "Where is the travel policy?");
        var turn = (await driver.EndedTurnsAsync(1, 60)).Single();
        turn.Status.ShouldBe(Larkway.Hub.Assistants.Storage.AssistantTurnStatus.Answered, turn.LastError);
        turn.PersonId.ShouldBe(carolId);
    }

    [Fact]
    public async Task A_company_on_WeCom_alone_syncs_its_people_signs_them_in_reaches_them_by_email_on_a_card_that_shows_their_decision_and_the_assistant_knows_them()
    {
        const string app = "wc-only";
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAppsOnlyAsync(emulator, DirectoryFrom(app));
        using var admin = HubDingTalkTests.Admin(hub);
        await HubWeComTests.AddAppAsync(admin, emulator, app);
        using (var saved = await hub.Control.PostAsJsonAsync("/_emulator/wecom/callback", new { url = new Uri(hub.Host.BaseUrl, $"/wecom/apps/{app}/callback").AbsoluteUri }))
        {
            saved.StatusCode.ShouldBe(HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());
        }

        (await SyncAsync(admin)).GetProperty("status").GetString().ShouldBe("completed");
        var aliceId = (await PersonByEmailAsync(admin, "alice@example.com")).GetProperty("id").GetString();

        // Alice signs in to an app with WeCom, as her directory person.
        (await SignInAsync(hub, emulator, "wecom", "alice")).ShouldBe(aliceId);

        // The ERP's requisition names her by email: the directory finds her, and she gets the app's template card.
        var id = await SendRequisitionAsync(admin, "alice@example.com", "wc-only-1");
        await HubSandbox.WaitUntilAsync(() => HubDingTalkTests.Status(admin, id) == "sent", "the notification sent on WeCom", seconds: 60);
        var delivery = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{id}")).GetProperty("recipients").EnumerateArray().ShouldHaveSingleItem();
        delivery.GetProperty("type").GetString().ShouldBe("wecom_userid", delivery.ToString());
        delivery.GetProperty("value").GetString().ShouldBe("alice");
        delivery.GetProperty("person_id").GetString().ShouldBe(aliceId);
        var card = (await WeComMessagesAsync(hub, "alice")).Single(m => m.GetProperty("msgtype").GetString() == "template_card");
        var template = card.GetProperty("content");
        template.GetProperty("main_title").GetProperty("title").GetString()!.ShouldContain("PR-2026-0042");
        var approve = template.GetProperty("button_list").EnumerateArray().First(b => b.GetProperty("text").GetString() == "Approve").GetProperty("key").GetString()!;

        // She presses Approve: the decision is recorded as hers and her card shows it.
        var msgId = card.GetProperty("msgid").GetString()!;
        using (var clicked = await hub.Control.PostAsJsonAsync($"/_emulator/wecom/messages/{msgId}/click", new { userid = "alice", key = approve }))
        {
            var outcome = await clicked.Content.ReadFromJsonAsync<JsonElement>();
            outcome.GetProperty("status").GetString().ShouldBe("delivered", outcome.ToString());
        }

        await HubSandbox.WaitUntilAsync(() => HubDingTalkTests.Actions(admin, id).Count == 1, "the decision recorded", seconds: 60);
        var action = HubDingTalkTests.Actions(admin, id).Single();
        action.GetProperty("decision").GetString().ShouldBe("approved");
        action.GetProperty("operator").GetProperty("person_id").GetString().ShouldBe(aliceId);
        await HubSandbox.WaitUntilAsync(() => ReplacedButton(hub, "alice", msgId) == "Approved", "her card showing the decision", seconds: 60);

        await RefusalsWithoutAnAppAsync(admin);

        // The assistant knows her: one that refuses people the directory does not know answers Alice, as her directory person.
        using var driver = new Assistants.AssistantDriver(hub, emulator.BaseUrl);
        await driver.CreateAsync("wecom-helper", [app], policy: new { unknown_users = "refuse" });
        await driver.SetAiAsync(new { tokens_per_second = 200, answer_words = 10 });
        await Assistants.SandboxPlatforms.WeComSayAsync(hub, "alice", "Where is the travel policy?");
        var turn = (await driver.EndedTurnsAsync(1, 60)).Single();
        turn.Status.ShouldBe(Larkway.Hub.Assistants.Storage.AssistantTurnStatus.Answered, turn.LastError);
        turn.PersonId.ShouldBe(aliceId);
    }

    [Fact]
    public async Task A_refused_WeCom_call_opens_the_api_error_alert_whose_card_reaches_the_alert_recipient_on_WeCom()
    {
        const string app = "wc-ops";
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        var settings = DirectoryFrom(app);
        settings["Larkway:Alerts:Interval"] = "00:10:00"; // the test evaluates
        settings["Larkway:Alerts:Recipient:Email"] = "alice@example.com";
        settings["Larkway:Alerts:Rules:ApiErrorRate:MinSamples"] = "1";
        await using var hub = await HubSandbox.StartAppsOnlyAsync(emulator, settings);
        using var admin = HubDingTalkTests.Admin(hub);
        await HubWeComTests.AddAppAsync(admin, emulator, app);
        (await SyncAsync(admin)).GetProperty("status").GetString().ShouldBe("completed");

        // WeCom refuses a member id it does not know (81013): a failed call of the app, as the dashboard counts them.
        using (var refused = await admin.PostAsJsonAsync("/api/v1/notifications", new { type = "po", idempotency_key = "wc-refused", app, card = Card, recipients = new[] { new { wecom_userid = "nobody-here" } } }))
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.Accepted, await refused.Content.ReadAsStringAsync());
        }

        var services = hub.Host.App.Services;
        var dashboard = services.GetRequiredService<Larkway.Hub.Monitoring.MonitoringDashboard>();
        await HubSandbox.WaitUntilAsync(() => dashboard.ReadAsync(Larkway.Hub.Monitoring.DashboardRange.Hour, default).GetAwaiter().GetResult().Hour.ApiErrors > 0, "WeCom's refusal counted", seconds: 60);

        await services.GetRequiredService<Larkway.Hub.Alerts.AlertEvaluator>().RunAsync(default);
        var alert = (await services.GetRequiredService<Larkway.Hub.Alerts.AlertStore>().ListAsync(100, default)).Single(a => a.Alert.Rule == "api_error_rate").Alert;
        alert.NotificationId.ShouldNotBeNull(alert.Detail);

        // Alice, found in the WeCom directory by her email, gets the card on WeCom: there is no default app to send it.
        await HubSandbox.WaitUntilAsync(() => HubDingTalkTests.Status(admin, alert.NotificationId) == "sent", "the alert card sent", seconds: 60);
        var delivery = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{alert.NotificationId}")).GetProperty("recipients").EnumerateArray().ShouldHaveSingleItem();
        delivery.GetProperty("type").GetString().ShouldBe("wecom_userid", delivery.ToString());
        delivery.GetProperty("value").GetString().ShouldBe("alice");
        var messages = await hub.Control.GetFromJsonAsync<JsonElement>("/_emulator/wecom/users/alice/messages");
        messages.GetProperty("items").EnumerateArray().ShouldContain(m => m.GetRawText().Contains("API error rate", StringComparison.Ordinal));
    }

    /// <summary>Without a default app, an address no person of the directory has, and a recipient only an app can send to, are refused with what to set.</summary>
    private static async Task RefusalsWithoutAnAppAsync(HttpClient admin)
    {
        using var stranger = await admin.PostAsJsonAsync("/api/v1/notifications", new { type = "po", idempotency_key = "stranger", card = Card, recipients = new[] { new { email = "stranger@elsewhere.example" } } });
        stranger.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await stranger.Content.ReadAsStringAsync()).ShouldContain("no default app to send to an address");

        using var chat = await admin.PostAsJsonAsync("/api/v1/notifications", new { type = "po", idempotency_key = "chat", card = Card, recipients = new[] { new { chat_id = "oc_1" } } });
        chat.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await chat.Content.ReadAsStringAsync()).ShouldContain("set 'app' to the Feishu app");
    }

    /// <summary>The procurement pack's requisition, as an ERP sends it: its approver named by email only, no app (the Hub has no default one).</summary>
    private static async Task<string> SendRequisitionAsync(HttpClient admin, string approverEmail, string key)
    {
        var data = JsonNode.Parse((await admin.GetFromJsonAsync<JsonElement>("/api/v1/notification-types/requisition.submitted")).GetProperty("sample_data").GetRawText())!;
        data["approver"]!["email"] = approverEmail;
        using var queued = await admin.PostAsJsonAsync("/api/v1/notifications", new { type = "requisition.submitted", idempotency_key = key, data });
        var text = await queued.Content.ReadAsStringAsync();
        queued.StatusCode.ShouldBe(HttpStatusCode.Accepted, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>One sign-in to an OpenID Connect app through <paramref name="platform"/>'s login as <paramref name="user"/>: the id_token's sub.</summary>
    private static async Task<string> SignInAsync(HubSandbox hub, EmulatorServer emulator, string platform, string user)
    {
        var app = await OidcApp.RegisterAsync(hub);
        using var browser = new SignInBrowser(hub);
        var (url, pkce, state, nonce) = app.AuthorizeRequest();
        var login = await HubSignInPlatformsTests.PressAsync(browser, url, platform);
        var callback = platform == "dingtalk"
            ? await HubSignInPlatformsTests.AtDingTalkAsync(emulator, login, user, "agree")
            : await HubSignInPlatformsTests.AtWeComAsync(emulator, login, user, "confirm");
        var answer = OidcApp.Answer(await browser.GetRedirectAsync(callback));
        answer.State.ShouldBe(state);
        var (status, tokens) = await app.RedeemAsync(answer.Code ?? throw new ShouldAssertException($"no code: {answer.Error}"), pkce);
        status.ShouldBe(HttpStatusCode.OK, tokens.ToString());
        return (await app.ValidateIdTokenAsync(tokens.GetProperty("id_token").GetString()!, nonce)).Subject;
    }

    private static async Task<IReadOnlyList<JsonElement>> WeComMessagesAsync(HubSandbox hub, string user) =>
        [.. (await hub.Control.GetFromJsonAsync<JsonElement>($"/_emulator/wecom/users/{user}/messages")).GetProperty("items").EnumerateArray().Select(m => m.Clone())];

    /// <summary>What the member's card shows in place of its buttons after a click (WeCom's update of a button card); null while unchanged.</summary>
    private static string? ReplacedButton(HubSandbox hub, string user, string msgId)
    {
        var message = WeComMessagesAsync(hub, user).GetAwaiter().GetResult().Single(m => m.GetProperty("msgid").GetString() == msgId);
        return message.TryGetProperty("replaced_buttons", out var replaced) && replaced.ValueKind == JsonValueKind.Object && replaced.TryGetProperty(user, out var name)
            ? name.GetString()
            : null;
    }
}
