using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Shouldly;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// One notification to people on several platforms: each person reached on the platform they prefer (a <c>person</c>
/// recipient, or the email of someone who prefers another platform), their account there found by mobile or email and
/// linked, an administrator's link used as given, and a platform that refuses someone followed by the next in their order.
/// </summary>
public sealed class HubPersonRoutingTests
{
    private const string DingTalkApp = "dt-org";

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Larkway:Directory:ReconcileEnabled"] = "false",
        ["Larkway:Directory:PollInterval"] = "00:00:00.200",
        ["Larkway:Webhooks:PollInterval"] = "00:00:00.050",
    };

    private static readonly object Card = new
    {
        header = new { title = new { tag = "plain_text", content = "PO-2002 needs approval" } },
        elements = new object[]
        {
            new { tag = "div", text = new { tag = "lark_md", content = "**Supplier** Acme" } },
            new { tag = "action", actions = new object[] { new { tag = "button", text = new { tag = "plain_text", content = "Approve" }, value = new { action = "approve" } } } },
        },
    };

    [Fact]
    public async Task People_are_reached_on_the_platform_they_prefer_and_the_account_found_by_mobile_is_linked_for_the_next_time()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", Settings);
        using var admin = Admin(hub);
        await AddDingTalkAppAsync(admin, emulator);
        await SyncDirectoryAsync(admin);
        var alice = await PersonIdAsync(admin, "alice@example.com");
        var bob = await PersonIdAsync(admin, "bob@example.com");
        using var subscribed = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url("/actions").ToString(), event_types = new[] { "dingtalk.notification.action" } });
        subscribed.StatusCode.ShouldBe(HttpStatusCode.Created, await subscribed.Content.ReadAsStringAsync());

        // Bob prefers DingTalk; Alice has no preference, so the directory's order (Feishu first) holds for her.
        using var preferred = await admin.PutAsJsonAsync($"/api/v1/directory/people/{bob}/preferred-platform", new { platform = "dingtalk" });
        preferred.StatusCode.ShouldBe(HttpStatusCode.OK, await preferred.Content.ReadAsStringAsync());
        var platforms = await preferred.Content.ReadFromJsonAsync<JsonElement>();
        platforms.GetProperty("order").EnumerateArray().Select(p => p.GetString()).ShouldBe(["dingtalk", "feishu", "wecom"]);
        platforms.GetProperty("links").GetArrayLength().ShouldBe(0);

        // Alice named as a person, Bob by his email: one notification from the default (Feishu) app.
        var id = await SendAsync(admin, "po-2002", new { person = alice }, new { email = "bob@example.com" });
        var recipients = await WaitForAsync(admin, id, r => r.All(x => x.GetProperty("status").GetString() == "sent"), "both delivered");
        var toAlice = recipients.Single(r => r.GetProperty("person_id").GetString() == alice);
        toAlice.GetProperty("platform").GetString().ShouldBe("feishu");
        toAlice.GetProperty("type").GetString().ShouldBe("open_id");
        var toBob = recipients.Single(r => r.GetProperty("person_id").GetString() == bob);
        toBob.GetProperty("platform").GetString().ShouldBe("dingtalk");
        toBob.GetProperty("app").GetString().ShouldBe(DingTalkApp);
        toBob.GetProperty("type").GetString().ShouldBe("dingtalk_userid", "found by his mobile and sent to the userid");
        toBob.GetProperty("value").GetString().ShouldBe("bob");

        // Each saw it where they are: Alice on Feishu, Bob as a DingTalk action card.
        hub.State.FindMessage(toAlice.GetProperty("message_id").GetString()!).ShouldNotBeNull().Content.ShouldContain("PO-2002");
        var bobs = await RobotMessagesAsync(hub, "bob");
        bobs.Count.ShouldBe(1);
        bobs[0].GetProperty("msgParam").GetRawText().ShouldContain("PO-2002 needs approval");

        // The account found is Bob's link now; the next notification goes straight to it.
        var links = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/directory/people/{bob}/platforms")).GetProperty("links");
        links.GetArrayLength().ShouldBe(1);
        links[0].GetProperty("platform").GetString().ShouldBe("dingtalk");
        links[0].GetProperty("app").GetString().ShouldBe(DingTalkApp);
        links[0].GetProperty("user_id").GetString().ShouldBe("bob");
        links[0].GetProperty("source").GetString().ShouldBe("mobile");
        var person = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/directory/people/{bob}");
        person.GetProperty("preferred_platform").GetString().ShouldBe("dingtalk");
        person.GetProperty("links").GetArrayLength().ShouldBe(1);
        var second = await SendAsync(admin, "po-2003", new { person = bob });
        (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{second}")).GetProperty("recipients")[0].GetProperty("type").GetString().ShouldBe("dingtalk_userid");

        // Bob's Approve on DingTalk reaches the business webhook with his person id.
        var approve = LinksIn(bobs[0].GetProperty("msgParam")).Single(l => l.Contains("/dingtalk/actions/", StringComparison.Ordinal));
        using var browser = new DingTalkBrowser("bob");
        (await browser.OpenAndConfirmAsync(approve)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await HubSandbox.WaitUntilAsync(() => receiver.At("/actions").Count >= 1, "Bob's click at the webhook", seconds: 60);
        var envelope = JsonDocument.Parse(receiver.At("/actions")[0].Body).RootElement;
        envelope.GetProperty("type").GetString().ShouldBe("dingtalk.notification.action", "the platform event is in the envelope every webhook event has");
        var forwarded = envelope.GetProperty("event");
        forwarded.GetProperty("operator").GetProperty("person_id").GetString().ShouldBe(bob);
        forwarded.GetProperty("notification_id").GetString().ShouldBe(id);
    }

    [Fact]
    public async Task A_platform_that_refuses_someone_is_followed_by_the_next_in_their_order_and_bad_links_are_refused_with_the_fix()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", Settings);
        using var admin = Admin(hub);
        await AddDingTalkAppAsync(admin, emulator);
        await SyncDirectoryAsync(admin);
        var carol = await PersonIdAsync(admin, "carol@example.com");
        var dave = await PersonIdAsync(admin, "dave@example.com");

        // An administrator links Carol to a DingTalk account that does not exist (a typo), and she prefers DingTalk.
        using var linked = await admin.PutAsJsonAsync($"/api/v1/directory/people/{carol}/links/dingtalk/{DingTalkApp}", new { user_id = "carol-typo" });
        linked.StatusCode.ShouldBe(HttpStatusCode.OK, await linked.Content.ReadAsStringAsync());
        (await linked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("links")[0].GetProperty("source").GetString().ShouldBe("admin");
        (await admin.PutAsJsonAsync($"/api/v1/directory/people/{carol}/preferred-platform", new { platform = "dingtalk" })).EnsureSuccessStatusCode();

        // What cannot be stored is refused with what to fix.
        using var taken = await admin.PutAsJsonAsync($"/api/v1/directory/people/{dave}/links/dingtalk/{DingTalkApp}", new { user_id = "carol-typo" });
        taken.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await taken.Content.ReadAsStringAsync()).ShouldContain($"is linked to {carol}");
        using var noApp = await admin.PutAsJsonAsync($"/api/v1/directory/people/{dave}/links/wecom/nowhere", new { user_id = "dave" });
        noApp.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await noApp.Content.ReadAsStringAsync()).ShouldContain("no WeCom app named 'nowhere'");
        using var feishuLink = await admin.PutAsJsonAsync($"/api/v1/directory/people/{dave}/links/feishu/{DingTalkApp}", new { user_id = "dave" });
        feishuLink.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await feishuLink.Content.ReadAsStringAsync()).ShouldContain("'feishu' cannot be linked: dingtalk or wecom (a Feishu account is the person's own, from the directory sync).");
        using var badPlatform = await admin.PutAsJsonAsync($"/api/v1/directory/people/{dave}/preferred-platform", new { platform = "telegram" });
        badPlatform.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await badPlatform.Content.ReadAsStringAsync()).ShouldContain("feishu, dingtalk or wecom");
        using var noUser = await admin.PutAsJsonAsync($"/api/v1/directory/people/{dave}/links/dingtalk/{DingTalkApp}", new { });
        noUser.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await noUser.Content.ReadAsStringAsync()).ShouldContain("user_id");
        using var badRouting = await admin.PutAsJsonAsync("/api/v1/directory/routing", new { order = new[] { "feishu", "fax" } });
        badRouting.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await badRouting.Content.ReadAsStringAsync()).ShouldContain("order[1]");
        using var notAnId = await admin.PostAsJsonAsync("/api/v1/notifications", new { type = "po", idempotency_key = "po-bad-1", card = Card, recipients = new[] { new { person = "carol" } } });
        notAnId.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await notAnId.Content.ReadAsStringAsync()).ShouldContain("recipients[0].person");
        using var nobody = await admin.PostAsJsonAsync("/api/v1/notifications", new { type = "po", idempotency_key = "po-bad-2", card = Card, recipients = new[] { new { person = "per_" + new string('0', 32) } } });
        nobody.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await nobody.Content.ReadAsStringAsync()).ShouldContain("The directory has no person");

        // DingTalk refuses the linked account; the delivery moves to Feishu, the next platform in her order, and arrives there.
        var id = await SendAsync(admin, "po-2004", new { person = carol });
        var recipient = (await WaitForAsync(admin, id, r => r[0].GetProperty("status").GetString() == "sent", "sent after the fallback"))[0];
        recipient.GetProperty("platform").GetString().ShouldBe("feishu");
        var tried = recipient.GetProperty("platforms_tried").EnumerateArray().ToList();
        tried.Select(p => (p.GetProperty("platform").GetString(), p.GetProperty("outcome").GetString())).ShouldBe([("dingtalk", "refused"), ("feishu", "sent")]);
        tried[0].TryGetProperty("code", out _).ShouldBeTrue(tried[0].ToString());
        hub.State.FindMessage(recipient.GetProperty("message_id").GetString()!).ShouldNotBeNull().Content.ShouldContain("PO-2002");
        (await RobotMessagesAsync(hub, "carol")).ShouldBeEmpty();

        // A type limited to DingTalk has nowhere else to go: failed, saying why.
        using var routing = await admin.PutAsJsonAsync("/api/v1/directory/routing", new { types = new Dictionary<string, string[]> { ["po-dingtalk-only"] = ["dingtalk"] } });
        routing.StatusCode.ShouldBe(HttpStatusCode.OK, await routing.Content.ReadAsStringAsync());
        var onlyDingTalk = await SendAsync(admin, "po-2005", new { person = carol }, type: "po-dingtalk-only");
        var failed = (await WaitForAsync(admin, onlyDingTalk, r => r[0].GetProperty("status").GetString() == "failed", "failed for good"))[0];
        failed.GetProperty("error").GetProperty("message").GetString()!.ShouldContain("was tried");
    }

    [Fact]
    public async Task One_procurement_notification_reaches_Alice_on_Feishu_Bob_on_DingTalk_and_Carol_on_WeCom_and_each_Approve_reaches_the_business_webhook()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", Settings);
        using var admin = Admin(hub);
        await AddDingTalkAppAsync(admin, emulator);
        await AddWeComAppAsync(admin, hub, emulator);
        using (var cards = await hub.Control.PutAsJsonAsync($"/_emulator/apps/{emulator.State.Apps[0].AppId}/callback", new
        {
            url = new Uri(hub.Host.BaseUrl, "/feishu/cards").AbsoluteUri,
            encrypt_key = HubSandbox.ExternalEncryptKey,
            verification_token = HubSandbox.ExternalVerificationToken,
        }))
        {
            cards.StatusCode.ShouldBe(HttpStatusCode.OK, await cards.Content.ReadAsStringAsync());
        }

        await SyncDirectoryAsync(admin);
        var alice = await PersonIdAsync(admin, "alice@example.com");
        var bob = await PersonIdAsync(admin, "bob@example.com");
        var carol = await PersonIdAsync(admin, "carol@example.com");
        (await admin.PutAsJsonAsync($"/api/v1/directory/people/{bob}/preferred-platform", new { platform = "dingtalk" })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"/api/v1/directory/people/{carol}/preferred-platform", new { platform = "wecom" })).EnsureSuccessStatusCode();
        using var subscribed = await admin.PostAsJsonAsync("/api/v1/webhooks", new
        {
            url = receiver.Url("/decisions").ToString(),
            event_types = new[] { "card.action.trigger", "dingtalk.notification.action", "wecom.notification.action" },
        });
        subscribed.StatusCode.ShouldBe(HttpStatusCode.Created, await subscribed.Content.ReadAsStringAsync());
        using var neutral = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url("/any-platform").ToString(), event_types = new[] { "notification.action" } });
        neutral.StatusCode.ShouldBe(HttpStatusCode.Created, await neutral.Content.ReadAsStringAsync());

        // One requisition from the procurement pack, to the three of them as people of the directory.
        var data = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/notification-types/requisition.submitted")).GetProperty("sample_data");
        using var queued = await admin.PostAsJsonAsync("/api/v1/notifications", new
        {
            type = "requisition.submitted",
            idempotency_key = "req-three-platforms",
            data,
            recipients = new object[] { new { person = alice }, new { person = bob }, new { person = carol } },
        });
        queued.StatusCode.ShouldBe(HttpStatusCode.Accepted, await queued.Content.ReadAsStringAsync());
        var id = (await queued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var recipients = await WaitForAsync(admin, id, r => r.Where(x => x.TryGetProperty("person_id", out _)).All(x => x.GetProperty("status").GetString() == "sent"), "all three delivered");
        string PlatformOf(string person) => recipients.Single(r => r.TryGetProperty("person_id", out var p) && p.GetString() == person).GetProperty("platform").GetString()!;
        PlatformOf(alice).ShouldBe("feishu");
        PlatformOf(bob).ShouldBe("dingtalk");
        PlatformOf(carol).ShouldBe("wecom");

        // Alice approves on Feishu.
        var toAlice = recipients.Single(r => r.TryGetProperty("person_id", out var p) && p.GetString() == alice);
        var feishuMessage = toAlice.GetProperty("message_id").GetString()!;
        var content = hub.State.FindMessage(feishuMessage)!.SendContent;
        var value = ApproveValue(System.Text.Json.Nodes.JsonNode.Parse(content));
        value.ShouldNotBeNull(content);
        var outcome = await hub.ClickAsync(feishuMessage, value, "alice@example.com");
        outcome.TryGetProperty("toast", out var toast).ShouldBeTrue(outcome.ToString());
        toast.GetProperty("type").GetString().ShouldBe("success", outcome.ToString());

        // Bob approves on DingTalk (the card's link, confirmed on the Hub's page).
        var bobCard = (await RobotMessagesAsync(hub, "bob")).ShouldHaveSingleItem();
        using var browser = new DingTalkBrowser("bob");
        var approveLink = LinksIn(bobCard.GetProperty("msgParam")).First(l => l.Contains("/dingtalk/actions/", StringComparison.Ordinal)
            && browser.GetStringAsync(l).GetAwaiter().GetResult().Contains("Approve", StringComparison.Ordinal));
        (await browser.ConfirmAsync(approveLink)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Carol approves on WeCom (the template card's button, pressed in the Emulator).
        var page = await hub.Control.GetFromJsonAsync<JsonElement>("/_emulator/wecom/users/carol/messages");
        var carolCard = page.GetProperty("items").EnumerateArray().Single(m => m.GetProperty("msgtype").GetString() == "template_card");
        var key = carolCard.GetProperty("content").GetProperty("button_list").EnumerateArray()
            .First(b => b.GetProperty("text").GetString() == "Approve").GetProperty("key").GetString();
        using (var clicked = await hub.Control.PostAsJsonAsync($"/_emulator/wecom/messages/{carolCard.GetProperty("msgid").GetString()}/click", new { userid = "carol", key }))
        {
            clicked.StatusCode.ShouldBe(HttpStatusCode.OK, await clicked.Content.ReadAsStringAsync());
        }

        // The business webhook hears the three decisions, one per platform; the notification records three approvals.
        string Heard() => string.Join("\n", receiver.At("/decisions").Select(r => System.Text.Encoding.UTF8.GetString(r.Body)));
        try
        {
            await HubSandbox.WaitUntilAsync(() => receiver.At("/decisions").Count >= 3, "three clicks at the webhook", seconds: 60);
        }
        catch (TimeoutException)
        {
            Heard().ShouldBe("three clicks", "the webhook heard only these");
        }

        var heard = receiver.At("/decisions").Select(r => JsonDocument.Parse(r.Body).RootElement.Clone()).ToList();
        heard.Count.ShouldBe(3, Heard());
        heard.Single(h => h.GetProperty("type").GetString() == "card.action.trigger").GetProperty("notification").GetProperty("id").GetString().ShouldBe(id);
        var onDingTalk = heard.Single(h => h.GetProperty("type").GetString() == "dingtalk.notification.action").GetProperty("event");
        onDingTalk.GetProperty("operator").GetProperty("person_id").GetString().ShouldBe(bob);
        onDingTalk.GetProperty("decision").GetString().ShouldBe("approved");
        var onWeCom = heard.Single(h => h.GetProperty("type").GetString() == "wecom.notification.action").GetProperty("event");
        onWeCom.GetProperty("operator").GetProperty("user_id").GetString().ShouldBe("carol");
        onWeCom.GetProperty("operator").GetProperty("person_id").GetString().ShouldBe(carol);
        onWeCom.GetProperty("notification_id").GetString().ShouldBe(id);
        // A system that does not care where people are hears the same three decisions in one shape.
        await HubSandbox.WaitUntilAsync(() => receiver.At("/any-platform").Count >= 3, "three notification.action events", seconds: 60);
        var decisions = receiver.At("/any-platform").Select(r => JsonDocument.Parse(r.Body).RootElement.Clone()).ToList();
        decisions.Count.ShouldBe(3, string.Join("\n", decisions));
        decisions.ShouldAllBe(d => d.GetProperty("type").GetString() == "notification.action");
        decisions.Select(d => d.GetProperty("id").GetString()).ShouldBeUnique();
        var events = decisions.Select(d => d.GetProperty("event")).ToList();
        events.ShouldAllBe(e => e.GetProperty("notification_id").GetString() == id && e.GetProperty("notification_type").GetString() == "requisition.submitted"
            && e.GetProperty("action").GetString() == "approve" && e.GetProperty("decision").GetString() == "approved");
        var operators = events.Select(e => e.GetProperty("operator")).ToList();
        operators.Select(o => (o.GetProperty("platform").GetString(), o.GetProperty("person_id").GetString())).OrderBy(p => p.Item1)
            .ShouldBe([("dingtalk", bob), ("feishu", alice), ("wecom", carol)]);
        operators.Single(o => o.GetProperty("platform").GetString() == "wecom").GetProperty("user_id").GetString().ShouldBe("carol");
        operators.Single(o => o.GetProperty("platform").GetString() == "feishu").GetProperty("user_id").GetString()!.ShouldStartWith("ou_");

        var actions = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{id}")).GetProperty("actions").EnumerateArray().ToList();
        actions.Count.ShouldBe(3);
        actions.ShouldAllBe(a => a.GetProperty("decision").GetString() == "approved");
    }

    [Fact]
    public async Task A_click_on_each_platform_names_who_decided_the_same_way_with_their_directory_person_when_the_recipient_was_a_raw_id()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", Settings);
        using var admin = Admin(hub);
        await AddDingTalkAppAsync(admin, emulator);
        await AddWeComAppAsync(admin, hub, emulator);
        await RouteFeishuCardsToHubAsync(hub, emulator);
        await SyncDirectoryAsync(admin);
        var alice = await PersonIdAsync(admin, "alice@example.com");
        var bob = await PersonIdAsync(admin, "bob@example.com");
        var carol = await PersonIdAsync(admin, "carol@example.com");

        // The directory knows Bob's DingTalk and Carol's WeCom accounts (an administrator's links) and Alice's open_id (the sync).
        (await admin.PutAsJsonAsync($"/api/v1/directory/people/{bob}/links/dingtalk/{DingTalkApp}", new { user_id = "bob" })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"/api/v1/directory/people/{carol}/links/wecom/wc-corp", new { user_id = "carol" })).EnsureSuccessStatusCode();
        var aliceOpenId = emulator.State.OpenIdFor(emulator.State.Apps[0].AppId, emulator.State.Users.Single(u => u.Email == "alice@example.com"));
        using var subscribed = await admin.PostAsJsonAsync("/api/v1/webhooks", new
        {
            url = receiver.Url("/decisions").ToString(),
            event_types = new[] { "notification.action", "dingtalk.notification.action", "wecom.notification.action" },
        });
        subscribed.StatusCode.ShouldBe(HttpStatusCode.Created, await subscribed.Content.ReadAsStringAsync());

        // Each is addressed by their raw platform id, not as a person: the deliveries carry no person id.
        var data = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/notification-types/requisition.submitted")).GetProperty("sample_data");
        async Task<string> RequisitionAsync(string key, string? app, object recipient)
        {
            using var queued = await admin.PostAsJsonAsync("/api/v1/notifications", new { type = "requisition.submitted", idempotency_key = key, app, data, recipients = new[] { recipient } });
            queued.StatusCode.ShouldBe(HttpStatusCode.Accepted, await queued.Content.ReadAsStringAsync());
            return (await queued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        }

        var toAlice = await RequisitionAsync("raw-feishu", null, new { open_id = aliceOpenId });
        var toBob = await RequisitionAsync("raw-dingtalk", DingTalkApp, new { dingtalk_userid = "bob" });
        var toCarol = await RequisitionAsync("raw-wecom", "wc-corp", new { wecom_userid = "carol" });
        var aliceDelivery = (await WaitForAsync(admin, toAlice, r => r[0].GetProperty("status").GetString() == "sent", "Alice's card sent"))[0];
        (await WaitForAsync(admin, toBob, r => r[0].GetProperty("status").GetString() == "sent", "Bob's card sent"))[0].TryGetProperty("person_id", out _).ShouldBeFalse();
        await WaitForAsync(admin, toCarol, r => r[0].GetProperty("status").GetString() == "sent", "Carol's card sent");

        // Alice approves on Feishu, Bob on DingTalk, Carol on WeCom.
        var feishuMessage = aliceDelivery.GetProperty("message_id").GetString()!;
        var value = ApproveValue(System.Text.Json.Nodes.JsonNode.Parse(hub.State.FindMessage(feishuMessage)!.SendContent));
        value.ShouldNotBeNull();
        (await hub.ClickAsync(feishuMessage, value, "alice@example.com")).GetProperty("toast").GetProperty("type").GetString().ShouldBe("success");
        var bobCard = (await RobotMessagesAsync(hub, "bob")).ShouldHaveSingleItem();
        using var browser = new DingTalkBrowser("bob");
        var approveLink = LinksIn(bobCard.GetProperty("msgParam")).First(l => l.Contains("/dingtalk/actions/", StringComparison.Ordinal)
            && browser.GetStringAsync(l).GetAwaiter().GetResult().Contains("Approve", StringComparison.Ordinal));
        (await browser.ConfirmAsync(approveLink)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var page = await hub.Control.GetFromJsonAsync<JsonElement>("/_emulator/wecom/users/carol/messages");
        var carolCard = page.GetProperty("items").EnumerateArray().Single(m => m.GetProperty("msgtype").GetString() == "template_card");
        var key = carolCard.GetProperty("content").GetProperty("button_list").EnumerateArray()
            .First(b => b.GetProperty("text").GetString() == "Approve").GetProperty("key").GetString();
        (await hub.Control.PostAsJsonAsync($"/_emulator/wecom/messages/{carolCard.GetProperty("msgid").GetString()}/click", new { userid = "carol", key })).EnsureSuccessStatusCode();

        // Every recorded click names its operator the same way: platform, the platform's own id, the directory person.
        async Task<JsonElement> ClickOnAsync(string id)
        {
            JsonElement actions = default;
            await HubSandbox.WaitUntilAsync(() =>
            {
                actions = admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{id}").GetAwaiter().GetResult().GetProperty("actions").Clone();
                return actions.GetArrayLength() > 0;
            }, "the click on " + id, seconds: 60);
            return actions.EnumerateArray().ShouldHaveSingleItem();
        }

        static (string?, string?, string?) Who(JsonElement o) =>
            (o.GetProperty("platform").GetString(), o.GetProperty("user_id").GetString(), o.TryGetProperty("person_id", out var p) ? p.GetString() : null);
        var onFeishu = await ClickOnAsync(toAlice);
        Who(onFeishu.GetProperty("operator")).ShouldBe(("feishu", aliceOpenId, alice));
        onFeishu.GetProperty("operator_open_id").GetString().ShouldBe(aliceOpenId, "kept for Feishu callers");
        var onDingTalk = await ClickOnAsync(toBob);
        Who(onDingTalk.GetProperty("operator")).ShouldBe(("dingtalk", "bob", bob));
        onDingTalk.TryGetProperty("operator_open_id", out _).ShouldBeFalse("a DingTalk userid is not an open_id");
        var onWeCom = await ClickOnAsync(toCarol);
        Who(onWeCom.GetProperty("operator")).ShouldBe(("wecom", "carol", carol));
        onWeCom.TryGetProperty("operator_open_id", out _).ShouldBeFalse("a WeCom userid is not an open_id");

        // The business webhook hears the same operator: three notification.action events, and the two platform events.
        await HubSandbox.WaitUntilAsync(() => receiver.At("/decisions").Count >= 5, "five events at the webhook", seconds: 60);
        var heard = receiver.At("/decisions").Select(r => JsonDocument.Parse(r.Body).RootElement.Clone()).ToList();
        heard.Where(h => h.GetProperty("type").GetString() == "notification.action").Select(h => Who(h.GetProperty("event").GetProperty("operator")))
            .OrderBy(w => w.Item1).ShouldBe([("dingtalk", "bob", bob), ("feishu", aliceOpenId, alice), ("wecom", "carol", carol)]);
        Who(heard.Single(h => h.GetProperty("type").GetString() == "dingtalk.notification.action").GetProperty("event").GetProperty("operator")).ShouldBe(("dingtalk", "bob", bob));
        Who(heard.Single(h => h.GetProperty("type").GetString() == "wecom.notification.action").GetProperty("event").GetProperty("operator")).ShouldBe(("wecom", "carol", carol));
    }

    [Fact]
    public async Task Platforms_tried_names_every_platform_routing_considered_with_how_it_ended_there()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", Settings);
        using var admin = Admin(hub);
        await AddDingTalkAppAsync(admin, emulator);
        await AddWeComAppAsync(admin, hub, emulator);
        await SyncDirectoryAsync(admin);
        var carol = await PersonIdAsync(admin, "carol@example.com");

        // WeCom first, but its only app is off; then DingTalk, where Carol's linked account does not exist; then Feishu.
        (await admin.PatchAsJsonAsync("/api/v1/apps/wc-corp", new { enabled = false })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await admin.PutAsJsonAsync($"/api/v1/directory/people/{carol}/links/dingtalk/{DingTalkApp}", new { user_id = "carol-typo" })).EnsureSuccessStatusCode();
        // Feishu's default app always sends there: no app is chosen for it, and the refusal names the platforms that take one.
        using var feishuApp = await admin.PutAsJsonAsync("/api/v1/directory/routing", new { order = new[] { "feishu" }, apps = new Dictionary<string, string> { ["feishu"] = "other" } });
        feishuApp.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await feishuApp.Content.ReadAsStringAsync()).ShouldContain("Only dingtalk and wecom take an app here (Feishu sends with the notification's app, or the default app).");
        using var routing = await admin.PutAsJsonAsync("/api/v1/directory/routing", new { order = new[] { "wecom", "dingtalk", "feishu" } });
        routing.StatusCode.ShouldBe(HttpStatusCode.OK, await routing.Content.ReadAsStringAsync());

        var id = await SendAsync(admin, "po-tried", new { person = carol });
        var recipient = (await WaitForAsync(admin, id, r => r[0].GetProperty("status").GetString() == "sent", "sent on Feishu after the fallback"))[0];
        recipient.GetProperty("platform").GetString().ShouldBe("feishu");
        var tried = recipient.GetProperty("platforms_tried").EnumerateArray().ToList();
        tried.Select(p => (p.GetProperty("platform").GetString(), p.GetProperty("outcome").GetString()))
            .ShouldBe([("wecom", "app_off"), ("dingtalk", "refused"), ("feishu", "sent")], string.Join(", ", tried));
        tried[1].GetProperty("code").GetInt32().ShouldNotBe(0, "the refusal carries the code it was refused with");
        tried[0].TryGetProperty("code", out _).ShouldBeFalse();
        tried[2].TryGetProperty("code", out _).ShouldBeFalse();
    }

    private static async Task RouteFeishuCardsToHubAsync(HubSandbox hub, EmulatorServer emulator)
    {
        using var cards = await hub.Control.PutAsJsonAsync($"/_emulator/apps/{emulator.State.Apps[0].AppId}/callback", new
        {
            url = new Uri(hub.Host.BaseUrl, "/feishu/cards").AbsoluteUri,
            encrypt_key = HubSandbox.ExternalEncryptKey,
            verification_token = HubSandbox.ExternalVerificationToken,
        });
        cards.StatusCode.ShouldBe(HttpStatusCode.OK, await cards.Content.ReadAsStringAsync());
    }

    private static async Task<string> SendAsync(HttpClient admin, string key, object recipient, object? another = null, string type = "po")
    {
        var recipients = another is null ? new[] { recipient } : new[] { recipient, another };
        using var queued = await admin.PostAsJsonAsync("/api/v1/notifications", new { type, idempotency_key = key, card = Card, recipients });
        queued.StatusCode.ShouldBe(HttpStatusCode.Accepted, await queued.Content.ReadAsStringAsync());
        return (await queued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<IReadOnlyList<JsonElement>> WaitForAsync(HttpClient admin, string id, Func<IReadOnlyList<JsonElement>, bool> done, string what)
    {
        IReadOnlyList<JsonElement> recipients = [];
        await HubSandbox.WaitUntilAsync(() =>
        {
            recipients = [.. admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{id}").GetAwaiter().GetResult().GetProperty("recipients").EnumerateArray().Select(r => r.Clone())];
            return done(recipients);
        }, what, seconds: 60);
        return recipients;
    }

    internal static async Task SyncDirectoryAsync(HttpClient admin)
    {
        using var started = await admin.PostAsync("/api/v1/directory/sync", null);
        started.StatusCode.ShouldBe(HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
        await HubSandbox.WaitUntilAsync(() => admin.GetFromJsonAsync<JsonElement>("/api/v1/directory/sync?limit=1").GetAwaiter().GetResult()
            .GetProperty("items")[0].GetProperty("status").GetString() != "running", "the directory sync", seconds: 120);
    }

    internal static async Task<string> PersonIdAsync(HttpClient admin, string email) =>
        (await admin.GetFromJsonAsync<JsonElement>("/api/v1/directory/people?email=" + Uri.EscapeDataString(email))).GetProperty("items").EnumerateArray().Single().GetProperty("id").GetString()!;

    private static async Task<IReadOnlyList<JsonElement>> RobotMessagesAsync(HubSandbox hub, string user)
    {
        var page = await hub.Control.GetFromJsonAsync<JsonElement>($"/_emulator/dingtalk/users/{user}/robot-messages");
        var items = page.TryGetProperty("items", out var i) ? i : page.GetProperty("data").GetProperty("items");
        return [.. items.EnumerateArray().Select(x => x.Clone())];
    }

    /// <summary>The value of the card's Approve button (the object whose action is approve), anywhere in the card.</summary>
    private static System.Text.Json.Nodes.JsonObject? ApproveValue(System.Text.Json.Nodes.JsonNode? node) => node switch
    {
        System.Text.Json.Nodes.JsonObject o when o["action"] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var a) && a == "approve" => o,
        System.Text.Json.Nodes.JsonObject o => o.Select(p => ApproveValue(p.Value)).FirstOrDefault(x => x is not null),
        System.Text.Json.Nodes.JsonArray array => array.Select(ApproveValue).FirstOrDefault(x => x is not null),
        _ => null,
    };

    private static IReadOnlyList<string> LinksIn(JsonElement param) =>
        [.. System.Text.RegularExpressions.Regex.Matches(param.GetRawText(), "https?://[^\"\\\\ )]+").Select(m => m.Value)];

    private static HttpClient Admin(HubSandbox hub)
    {
        var admin = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        return admin;
    }

    private static async Task AddWeComAppAsync(HttpClient admin, HubSandbox hub, EmulatorServer emulator)
    {
        using var added = await admin.PostAsJsonAsync("/api/v1/apps", new Dictionary<string, object?>
        {
            ["name"] = "wc-corp",
            ["platform"] = "wecom",
            ["app_id"] = EmulatorOptions.DefaultWeComCorpId,
            ["agent_id"] = 1000002,
            ["app_secret"] = EmulatorOptions.DefaultWeComAppSecret,
            ["verification_token"] = EmulatorOptions.DefaultWeComCallbackToken,
            ["encrypt_key"] = EmulatorOptions.DefaultWeComEncodingAesKey,
            ["base_url"] = Larkway.WeCom.WeComBaseUrls.Emulator(emulator.BaseUrl).AbsoluteUri,
        });
        added.StatusCode.ShouldBe(HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
        using var callback = await hub.Control.PostAsJsonAsync("/_emulator/wecom/callback", new { url = new Uri(hub.Host.BaseUrl, "/wecom/apps/wc-corp/callback").AbsoluteUri });
        callback.StatusCode.ShouldBe(HttpStatusCode.OK, await callback.Content.ReadAsStringAsync());
    }

    private static async Task AddDingTalkAppAsync(HttpClient admin, EmulatorServer emulator)
    {
        using var added = await admin.PostAsJsonAsync("/api/v1/apps", new
        {
            name = DingTalkApp,
            platform = "dingtalk",
            app_id = EmulatorOptions.DefaultDingTalkAppKey,
            app_secret = EmulatorOptions.DefaultDingTalkAppSecret,
            base_url = new Uri(emulator.BaseUrl, "/dingtalk").AbsoluteUri,
            agent_id = 3000000001,
        });
        added.StatusCode.ShouldBe(HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
    }
}
