using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.WeCom.Callbacks;
using Shouldly;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// The procurement pack on WeCom, over the real wire against the Emulator: a notification to WeCom members arrives as a
/// template card, a member presses Approve in the Emulator, the business webhook hears the decision once (a re-delivered
/// click too), and the member's card shows the decision; recipients another platform's, or malformed, are 400s naming
/// the field. One Emulator and Hub for the class (<see cref="HubWeComFixture"/>).
/// </summary>
public sealed class HubWeComNotificationTests(HubWeComFixture fixture) : IClassFixture<HubWeComFixture>
{
    private const string AppName = "wc-notify";

    [Fact]
    public async Task Recipients_of_another_platform_or_malformed_are_refused_naming_the_field()
    {
        var admin = fixture.Admin;
        await EnsureAppAsync();
        var card = new { header = new { title = new { tag = "plain_text", content = "PO-1" } }, elements = Array.Empty<object>() };

        var feishuForWeCom = await RefusedAsync(new { type = "po", idempotency_key = "wc-bad-1", app = AppName, card, recipients = new[] { new { email = "alice@example.com" } } });
        feishuForWeCom.ShouldContain("recipients[0].email");
        feishuForWeCom.ShouldContain($"'{AppName}' is a WeCom app: it sends to wecom_userid, wecom_email or wecom_mobile");

        var weComForFeishu = await RefusedAsync(new { type = "po", idempotency_key = "wc-bad-2", card, recipients = new[] { new { wecom_userid = "alice" } } });
        weComForFeishu.ShouldContain("recipients[0].wecom_userid");
        weComForFeishu.ShouldContain("set 'app' to a WeCom app");

        var mobile = await RefusedAsync(new { type = "po", idempotency_key = "wc-bad-3", app = AppName, card, recipients = new[] { new { wecom_mobile = "call me" } } });
        mobile.ShouldContain("recipients[0].wecom_mobile");
        mobile.ShouldContain("is not a mobile number");

        var email = await RefusedAsync(new { type = "po", idempotency_key = "wc-bad-4", app = AppName, card, recipients = new[] { new { wecom_email = "nobody" } } });
        email.ShouldContain("recipients[0].wecom_email");

        // A DingTalk recipient for a WeCom app names the app's kinds too.
        (await RefusedAsync(new { type = "po", idempotency_key = "wc-bad-5", app = AppName, card, recipients = new[] { new { dingtalk_userid = "alice" } } }))
            .ShouldContain("recipients[0].dingtalk_userid");

        // A card WeCom cannot show is refused when submitted (before: accepted, then dead-lettered when sent).
        var template = new { template_id = "ctp_1", template_variable = new { title = "PO-1" } };
        var unrenderable = await RefusedAsync(new { type = "po", idempotency_key = "wc-bad-6", app = AppName, feishu_template = template, recipients = new[] { new { wecom_userid = "alice" } } });
        unrenderable.ShouldContain("This notification cannot be shown on WeCom: A Feishu card-builder template cannot be shown on WeCom");

        // An unknown member is accepted (WeCom decides) and fails with the reason, not retried.
        using var queued = await admin.PostAsJsonAsync("/api/v1/notifications", new { type = "po", idempotency_key = "wc-nobody", app = AppName, card, recipients = new[] { new { wecom_mobile = "+8613999999999" } } });
        queued.StatusCode.ShouldBe(HttpStatusCode.Accepted, await queued.Content.ReadAsStringAsync());
        var id = (await queued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await HubSandbox.WaitUntilAsync(() => Status(id) == "failed", "the delivery failed for good", seconds: 60);
        var delivery = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{id}")).GetProperty("recipients")[0];
        delivery.GetProperty("error").GetProperty("code").GetInt32().ShouldBe(-100);
        delivery.GetProperty("error").GetProperty("message").GetString()!.ShouldContain("No member of the WeCom corp has the mobile number +8613999999999");

        // A member id WeCom itself refuses (message/send answers 81013, "user & party & tag all invalid"): the caller reads
        // WeCom's own code, as WeCom answered it, in the one failure shape — not a Hub code standing in for it.
        using var refused = await admin.PostAsJsonAsync("/api/v1/notifications", new { type = "po", idempotency_key = "wc-unknown-id", app = AppName, card, recipients = new[] { new { wecom_userid = "nobody-here" } } });
        refused.StatusCode.ShouldBe(HttpStatusCode.Accepted, await refused.Content.ReadAsStringAsync());
        var refusedId = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await HubSandbox.WaitUntilAsync(() => Status(refusedId) == "failed", "WeCom's refusal failed the delivery", seconds: 60);
        var error = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{refusedId}")).GetProperty("recipients")[0].GetProperty("error");
        error.GetProperty("platform").GetString().ShouldBe("wecom");
        error.GetProperty("code").GetInt32().ShouldBe(81013);
        error.GetProperty("message").GetString()!.ShouldContain("invalid");
    }

    [Fact]
    public async Task The_procurement_pack_reaches_WeCom_members_as_a_template_card_whose_Approve_reaches_the_webhook_once_and_shows_the_decision()
    {
        var admin = fixture.Admin;
        await EnsureAppAsync();
        using (var saved = await fixture.Hub.Control.PostAsJsonAsync("/_emulator/wecom/callback", new { url = new Uri(fixture.Hub.Host.BaseUrl, $"/wecom/apps/{AppName}/callback").AbsoluteUri }))
        {
            saved.StatusCode.ShouldBe(HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());
        }

        using (var subscribed = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = fixture.Receiver.Url("/wc-actions").ToString(), event_types = new[] { "wecom.notification.action" } }))
        {
            subscribed.StatusCode.ShouldBe(HttpStatusCode.Created, await subscribed.Content.ReadAsStringAsync());
        }

        // Alice by userid, Bob by the email WeCom knows him by.
        var org = await fixture.Hub.Control.GetFromJsonAsync<JsonElement>("/_emulator/wecom/org");
        var bob = org.GetProperty("users").EnumerateArray().First(u => u.GetProperty("userid").GetString() == "bob");
        var bobEmail = bob.GetProperty("email").GetString()!;
        var data = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/notification-types/requisition.submitted")).GetProperty("sample_data");
        using var queued = await admin.PostAsJsonAsync("/api/v1/notifications", new
        {
            type = "requisition.submitted",
            idempotency_key = "req-wecom-1",
            app = AppName,
            data,
            recipients = new object[] { new { wecom_userid = "alice" }, new { wecom_email = bobEmail } },
        });
        queued.StatusCode.ShouldBe(HttpStatusCode.Accepted, await queued.Content.ReadAsStringAsync());
        var id = (await queued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await HubSandbox.WaitUntilAsync(() => Status(id) == "sent", "both deliveries sent", seconds: 60);

        // The type's approver named by a Feishu email is left out on WeCom; each member got a button_interaction card.
        (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{id}")).GetProperty("recipients").GetArrayLength().ShouldBe(2);
        var aliceCard = (await CardsAsync("alice")).ShouldHaveSingleItem();
        (await CardsAsync("bob")).ShouldHaveSingleItem();
        var template = aliceCard.GetProperty("content");
        template.GetProperty("card_type").GetString().ShouldBe("button_interaction");
        template.GetProperty("task_id").GetString()!.ShouldStartWith(id + "@");
        template.GetProperty("main_title").GetProperty("title").GetString()!.ShouldStartWith("Requisition PR-2026-0042");
        var buttons = template.GetProperty("button_list").EnumerateArray().ToList();
        buttons.Select(b => b.GetProperty("text").GetString()).ShouldBe(["Approve", "Reject", "Open in ERP"]);
        var approve = buttons[0].GetProperty("key").GetString()!;

        // Alice presses Approve: the Hub records it with the type's decision and updates her card.
        var msgId = aliceCard.GetProperty("msgid").GetString()!;
        using (var clicked = await fixture.Hub.Control.PostAsJsonAsync($"/_emulator/wecom/messages/{msgId}/click", new { userid = "alice", key = approve }))
        {
            var outcome = await clicked.Content.ReadFromJsonAsync<JsonElement>();
            outcome.GetProperty("status").GetString().ShouldBe("delivered", outcome.ToString());
        }

        await HubSandbox.WaitUntilAsync(() => Actions(id).Count == 1, "the click recorded", seconds: 60);
        var action = Actions(id).Single();
        action.GetProperty("action").GetString().ShouldBe("approve");
        action.GetProperty("decision").GetString().ShouldBe("approved");
        action.GetProperty("operator").GetProperty("platform").GetString().ShouldBe("wecom");
        action.GetProperty("operator").GetProperty("user_id").GetString().ShouldBe("alice");
        action.TryGetProperty("operator_open_id", out _).ShouldBeFalse("operator_open_id is Feishu's only");
        await HubSandbox.WaitUntilAsync(() => Replaced("alice", msgId) == "Approved", "Alice's card showing the decision", seconds: 60);
        Replaced("bob", (await CardsAsync("bob"))[0].GetProperty("msgid").GetString()!).ShouldBeNull("only the clicker's card changes");

        // WeCom delivers the same click again (another CreateTime, so the inbox takes it): recorded once, forwarded once.
        var taskId = template.GetProperty("task_id").GetString()!;
        using (var again = await PostEncryptedAsync(ClickXml("alice", taskId, approve, 1764200000)))
        {
            again.StatusCode.ShouldBe(HttpStatusCode.OK, await again.Content.ReadAsStringAsync());
        }

        // A forged task_id, and Bob pressing a button of Alice's card: refused quietly (WeCom gets its 200).
        using (var forged = await PostEncryptedAsync(ClickXml("bob", "ntf_00000000000000000000000000000000@1@1", "0:approve", 1764200001)))
        using (var stranger = await PostEncryptedAsync(ClickXml("bob", taskId, approve, 1764200002)))
        {
            forged.StatusCode.ShouldBe(HttpStatusCode.OK);
            stranger.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        // Alice's Reject, pressed before her card's update reached her (two presses at once): the delivery is decided
        // once, so it records nothing and the approval stands.
        using (var second = await PostEncryptedAsync(ClickXml("alice", taskId, buttons[1].GetProperty("key").GetString()!, 1764200003)))
        {
            second.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        await HubSandbox.WaitUntilAsync(() => DoneClicks() >= 5, "the five clicks handled by the inbox", seconds: 60);
        Actions(id).Count.ShouldBe(1, "the re-delivered click, the refused ones and a second decision record nothing");
        Actions(id).Single().GetProperty("decision").GetString().ShouldBe("approved");
        await HubSandbox.WaitUntilAsync(() => fixture.Receiver.At("/wc-actions").Count >= 1, "the decision at the webhook", seconds: 60);
        var envelopes = fixture.Receiver.At("/wc-actions").Select(r => JsonDocument.Parse(r.Body).RootElement.Clone()).ToList();
        envelopes.ShouldHaveSingleItem().GetProperty("type").GetString().ShouldBe("wecom.notification.action");
        var forwarded = envelopes.Select(e => e.GetProperty("event")).ToList();
        forwarded.ShouldHaveSingleItem();
        forwarded[0].GetProperty("action").GetString().ShouldBe("approve");
        forwarded[0].GetProperty("decision").GetString().ShouldBe("approved");
        forwarded[0].GetProperty("operator").GetProperty("user_id").GetString().ShouldBe("alice");
        forwarded[0].GetProperty("notification_id").GetString().ShouldBe(id);

        // The envelope every platform's click has: the notification at the top, as on Feishu's card.action.trigger.
        var notification = envelopes[0].GetProperty("notification");
        (notification.GetProperty("id").GetString(), notification.GetProperty("action").GetString()).ShouldBe((id, "approve"));
    }

    [Fact]
    public async Task A_changed_notification_updates_the_members_card_in_place_with_the_sends_response_code_and_once_it_is_spent_sends_a_new_card()
    {
        var admin = fixture.Admin;
        await EnsureAppAsync();
        using var queued = await admin.PostAsJsonAsync("/api/v1/notifications", new
        {
            type = "po",
            idempotency_key = "wc-change-1",
            app = AppName,
            card = ApprovalCard("PO-7 needs approval", "Amount 100"),
            recipients = new[] { new { wecom_userid = "alice" } },
        });
        queued.StatusCode.ShouldBe(HttpStatusCode.Accepted, await queued.Content.ReadAsStringAsync());
        var id = (await queued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await HubSandbox.WaitUntilAsync(() => CardsOf("alice", id).Count == 1, "the first card", seconds: 60);
        var msgId = CardsOf("alice", id)[0].GetProperty("msgid").GetString()!;

        // The first change: the card Alice already has shows it (WeCom's update_template_card with the send's code).
        await ChangeAsync(id, ApprovalCard("PO-7 needs approval (amount changed)", "Amount 120"));
        await HubSandbox.WaitUntilAsync(() => ShownTitle("alice", id, msgId)?.Contains("amount changed", StringComparison.Ordinal) == true, "the card updated in place", seconds: 60);
        CardsOf("alice", id).Count.ShouldBe(1, "updated, not sent again");
        var recipient = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{id}")).GetProperty("recipients")[0];
        recipient.GetProperty("message_id").GetString().ShouldBe(msgId);

        // The code works once: the second change arrives as a new card (with a new code for the change after it).
        await ChangeAsync(id, ApprovalCard("PO-7 needs approval (supplier changed)", "Amount 120, Globex"));
        await HubSandbox.WaitUntilAsync(() => CardsOf("alice", id).Count == 2, "the second change as a new card", seconds: 60);
        var second = CardsOf("alice", id)[1];
        second.GetProperty("content").GetProperty("main_title").GetProperty("title").GetString()!.ShouldContain("supplier changed");
        ShownTitle("alice", id, msgId)!.ShouldContain("amount changed", customMessage: "the first card keeps the version it was updated to");
    }

    private static object ApprovalCard(string title, string text) => new
    {
        header = new { title = new { tag = "plain_text", content = title } },
        elements = new object[]
        {
            new { tag = "div", text = new { tag = "lark_md", content = text } },
            new { tag = "action", actions = new object[] { new { tag = "button", text = new { tag = "plain_text", content = "Approve" }, value = new { action = "approve" } } } },
        },
    };

    private async Task ChangeAsync(string id, object card)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/notifications/{id}") { Content = JsonContent.Create(new { card }) };
        using var changed = await fixture.Admin.SendAsync(request);
        changed.StatusCode.ShouldBe(HttpStatusCode.Accepted, await changed.Content.ReadAsStringAsync());
    }

    /// <summary>The member's template cards of one notification (its task_ids start with the notification's id), oldest first.</summary>
    private List<JsonElement> CardsOf(string user, string notificationId) =>
        [.. CardsAsync(user).GetAwaiter().GetResult()
            .Where(m => m.GetProperty("content").GetProperty("task_id").GetString()!.StartsWith(notificationId + "@", StringComparison.Ordinal))];

    /// <summary>The title the member sees on a card now: their own update, else everyone's, else the card as sent.</summary>
    private string? ShownTitle(string user, string notificationId, string msgId)
    {
        var message = CardsOf(user, notificationId).Single(m => m.GetProperty("msgid").GetString() == msgId);
        var shown = message.TryGetProperty("user_cards", out var own) && own.ValueKind == JsonValueKind.Object && own.TryGetProperty(user, out var mine) ? mine
            : message.TryGetProperty("card", out var all) && all.ValueKind == JsonValueKind.Object ? all
            : message.GetProperty("content");
        return shown.GetProperty("main_title").GetProperty("title").GetString();
    }

    private async Task<string> RefusedAsync(object body)
    {
        using var response = await fixture.Admin.PostAsJsonAsync("/api/v1/notifications", body);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, text);
        return text;
    }

    private async Task EnsureAppAsync()
    {
        using var existing = await fixture.Admin.GetAsync($"/api/v1/apps/{AppName}");
        if (existing.StatusCode != HttpStatusCode.NotFound)
        {
            return;
        }

        using var added = await fixture.Admin.PostAsJsonAsync("/api/v1/apps", new Dictionary<string, object?>
        {
            ["name"] = AppName,
            ["platform"] = "wecom",
            ["app_id"] = EmulatorOptions.DefaultWeComCorpId,
            ["agent_id"] = 1000002,
            ["app_secret"] = EmulatorOptions.DefaultWeComAppSecret,
            ["verification_token"] = EmulatorOptions.DefaultWeComCallbackToken,
            ["encrypt_key"] = EmulatorOptions.DefaultWeComEncodingAesKey,
            ["base_url"] = Larkway.WeCom.WeComBaseUrls.Emulator(fixture.Emulator.BaseUrl).AbsoluteUri,
        });
        added.StatusCode.ShouldBe(HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
    }

    private static string ClickXml(string user, string taskId, string key, long createTime) =>
        $"<xml><ToUserName><![CDATA[{EmulatorOptions.DefaultWeComCorpId}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
        + $"<CreateTime>{createTime.ToString(CultureInfo.InvariantCulture)}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event>"
        + $"<EventKey><![CDATA[{key}]]></EventKey><TaskId><![CDATA[{taskId}]]></TaskId><CardType><![CDATA[button_interaction]]></CardType>"
        + "<ResponseCode><![CDATA[not-a-code-wecom-issued]]></ResponseCode><AgentID>1000002</AgentID></xml>";

    /// <summary>Posts as WeCom does: encrypted for the corp, signed with the Token, in the documented XML body.</summary>
    private async Task<HttpResponseMessage> PostEncryptedAsync(string plaintext)
    {
        var crypto = new WeComCallbackCrypto(EmulatorOptions.DefaultWeComCallbackToken, EmulatorOptions.DefaultWeComEncodingAesKey, EmulatorOptions.DefaultWeComCorpId);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var encrypted = crypto.Encrypt(plaintext, timestamp, "n" + Guid.NewGuid().ToString("N")[..10]);
        var body = $"<xml><ToUserName><![CDATA[{EmulatorOptions.DefaultWeComCorpId}]]></ToUserName><Encrypt><![CDATA[{encrypted.Encrypt}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>";
        var url = $"/wecom/apps/{AppName}/callback?msg_signature={encrypted.MsgSignature}&timestamp={encrypted.TimeStamp}&nonce={encrypted.Nonce}";
        return await fixture.Hub.Api.PostAsync(url, new StringContent(body, Encoding.UTF8, "text/xml"));
    }

    private async Task<IReadOnlyList<JsonElement>> CardsAsync(string user)
    {
        var page = await fixture.Hub.Control.GetFromJsonAsync<JsonElement>($"/_emulator/wecom/users/{user}/messages");
        return [.. page.GetProperty("items").EnumerateArray().Where(m => m.GetProperty("msgtype").GetString() == "template_card").Select(m => m.Clone())];
    }

    private string? Replaced(string user, string msgId)
    {
        var page = fixture.Hub.Control.GetFromJsonAsync<JsonElement>($"/_emulator/wecom/users/{user}/messages").GetAwaiter().GetResult();
        var message = page.GetProperty("items").EnumerateArray().Single(m => m.GetProperty("msgid").GetString() == msgId);
        return message.TryGetProperty("replaced_buttons", out var replaced) && replaced.ValueKind == JsonValueKind.Object && replaced.TryGetProperty(user, out var name)
            ? name.GetString()
            : null;
    }

    private int DoneClicks()
    {
        var page = fixture.Admin.GetFromJsonAsync<JsonElement>("/api/v1/events?type=wecom.event.template_card_event&status=done").GetAwaiter().GetResult();
        return page.GetProperty("items").EnumerateArray().Count(e => e.GetProperty("app").GetString() == AppName);
    }

    private string? Status(string id) =>
        fixture.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{id}").GetAwaiter().GetResult().GetProperty("status").GetString();

    private IReadOnlyList<JsonElement> Actions(string id) =>
        fixture.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{id}").GetAwaiter().GetResult() is var n && n.TryGetProperty("actions", out var a)
            ? [.. a.EnumerateArray().Select(x => x.Clone())]
            : [];
}
