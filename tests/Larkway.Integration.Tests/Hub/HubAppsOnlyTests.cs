using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

using static Larkway.Integration.Tests.Hub.DirectoryApi;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// A company on DingTalk alone, and one on WeCom alone: a Hub with no Feishu app at all (<c>LARKWAY_SANDBOX=off</c>, no
/// <c>FEISHU_*</c>) whose only app is the platform's, stored at run time. Its directory syncs from that app, and a
/// notification to a person's email — naming no app, since the Hub has no default one — reaches them on their platform
/// by the userid the directory synced; what cannot go out without an app is refused with what to set.
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
    public async Task A_company_on_DingTalk_alone_syncs_its_people_and_reaches_them_by_email_with_no_default_app()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAppsOnlyAsync(emulator, DirectoryFrom(HubDingTalkTests.AppName));
        using var admin = HubDingTalkTests.Admin(hub);

        // No Feishu app: the apps list is empty and Feishu's own receivers are not there.
        (await admin.GetFromJsonAsync<JsonElement>("/api/v1/apps")).GetProperty("items").GetArrayLength().ShouldBe(0);
        using (var feishu = await hub.Api.PostAsync("/feishu/events", JsonContent.Create(new { challenge = "x" })))
        {
            feishu.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        await HubDingTalkTests.AddAppAsync(admin, emulator);
        (await SyncAsync(admin)).GetProperty("status").GetString().ShouldBe("completed");
        var carol = await PersonByEmailAsync(admin, "carol@example.com");

        var id = await SendAsync(admin, "carol@example.com", "dt-only-1");
        await HubSandbox.WaitUntilAsync(() => HubDingTalkTests.Status(admin, id) == "sent", "the notification sent on DingTalk", seconds: 60);
        var delivery = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{id}")).GetProperty("recipients").EnumerateArray().ShouldHaveSingleItem();
        delivery.GetProperty("type").GetString().ShouldBe("dingtalk_userid", delivery.ToString());
        delivery.GetProperty("value").GetString().ShouldBe("carol", "the userid the directory synced from the app");
        delivery.GetProperty("person_id").GetString().ShouldBe(carol.GetProperty("id").GetString());
        (await HubDingTalkTests.RobotMessagesAsync(hub, "carol")).ShouldHaveSingleItem().GetRawText().ShouldContain("PO-7001 needs approval");

        await RefusalsWithoutAnAppAsync(admin);
    }

    [Fact]
    public async Task A_company_on_WeCom_alone_syncs_its_people_and_reaches_them_by_email_with_no_default_app()
    {
        const string app = "wc-only";
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAppsOnlyAsync(emulator, DirectoryFrom(app));
        using var admin = HubDingTalkTests.Admin(hub);
        await HubWeComTests.AddAppAsync(admin, emulator, app);
        (await SyncAsync(admin)).GetProperty("status").GetString().ShouldBe("completed");
        var alice = await PersonByEmailAsync(admin, "alice@example.com");

        var id = await SendAsync(admin, "alice@example.com", "wc-only-1");
        await HubSandbox.WaitUntilAsync(() => HubDingTalkTests.Status(admin, id) == "sent", "the notification sent on WeCom", seconds: 60);
        var delivery = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{id}")).GetProperty("recipients").EnumerateArray().ShouldHaveSingleItem();
        delivery.GetProperty("type").GetString().ShouldBe("wecom_userid", delivery.ToString());
        delivery.GetProperty("value").GetString().ShouldBe("alice");
        delivery.GetProperty("person_id").GetString().ShouldBe(alice.GetProperty("id").GetString());
        var messages = await hub.Control.GetFromJsonAsync<JsonElement>("/_emulator/wecom/users/alice/messages");
        messages.GetProperty("items").EnumerateArray().ShouldContain(m => m.GetRawText().Contains("PO-7001 needs approval", StringComparison.Ordinal));

        await RefusalsWithoutAnAppAsync(admin);

        // The assistant knows her: one that refuses people the directory does not know answers Alice, as her directory person.
        using (var saved = await hub.Control.PostAsJsonAsync("/_emulator/wecom/callback", new { url = new Uri(hub.Host.BaseUrl, $"/wecom/apps/{app}/callback").AbsoluteUri }))
        {
            saved.StatusCode.ShouldBe(HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());
        }

        using var driver = new Assistants.AssistantDriver(hub, emulator.BaseUrl);
        await driver.CreateAsync("wecom-helper", [app], policy: new { unknown_users = "refuse" });
        await driver.SetAiAsync(new { tokens_per_second = 200, answer_words = 10 });
        await Assistants.SandboxPlatforms.WeComSayAsync(hub, "alice", "Where is the travel policy?");
        var turn = (await driver.EndedTurnsAsync(1, 60)).Single();
        turn.Status.ShouldBe(Larkway.Hub.Assistants.Storage.AssistantTurnStatus.Answered, turn.LastError);
        turn.PersonId.ShouldBe(alice.GetProperty("id").GetString());
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

    private static async Task<string> SendAsync(HttpClient admin, string email, string key)
    {
        using var queued = await admin.PostAsJsonAsync("/api/v1/notifications", new { type = "po", idempotency_key = key, card = Card, recipients = new[] { new { email } } });
        var text = await queued.Content.ReadAsStringAsync();
        queued.StatusCode.ShouldBe(HttpStatusCode.Accepted, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }
}
