using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Integration.Tests.DingTalk;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// Approvers' cards on DingTalk and WeCom, in the sandbox: on DingTalk, whose workflow lets an app decide a task for its
/// approver (<c>processInstances/execute</c>), each approver decides from the interactive card in their chat with the
/// app's robot — a press in anyone else's name decides nothing — and every card shows the outcome in place; on WeCom, where no app may decide, the card
/// tells the approver to decide in WeCom's approval app (WeCom offers no link to an application, so only the
/// Emulator's card opens one), and once they have, a card with the outcome follows.
/// </summary>
public sealed class HubApprovalCardsOnEveryPlatformTests
{
    [Fact]
    public async Task On_DingTalk_each_approver_decides_from_their_card_and_a_press_in_anothers_name_decides_nothing()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?>(HubApprovalsOnEveryPlatformTests.Fast) { ["Larkway:Directory:AlsoFrom:0"] = "dingtalk-sandbox" });
        using var client = Admin(hub);
        await SubscribeAsync(client, receiver);

        // The directory reads Feishu, then DingTalk: Bob and Alice are each one person with a DingTalk account.
        using (var started = await client.PostAsync("/api/v1/directory/sync", null))
        {
            started.StatusCode.ShouldBe(HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
        }

        await HubSandbox.WaitUntilAsync(
            () => DirectoryApi.LastRunAsync(client).GetAwaiter().GetResult() is var run
                && run.GetProperty("app").GetString() == "dingtalk-sandbox" && run.GetProperty("status").GetString() != "running",
            "the DingTalk run after Feishu's", seconds: 180);
        var bobPerson = (await DirectoryApi.PersonByEmailAsync(client, "bob@example.com")).GetProperty("id").GetString();
        var alicePerson = (await DirectoryApi.PersonByEmailAsync(client, "alice@example.com")).GetProperty("id").GetString();

        var approval = await SubmitAsync(client, "dingtalk-sandbox", "PROC-LW-PAYMENT", new { user_id = "bob" },
            new { Amount = 1200, Reason = "Team offsite" }, "PO-DT-CARD");
        var id = approval.GetProperty("id").GetString()!;

        // The answer names each person on DingTalk and as the directory's person.
        approval.GetProperty("applicant").GetProperty("user_id").GetString().ShouldBe("bob");
        approval.GetProperty("applicant").GetProperty("person_id").GetString().ShouldBe(bobPerson, approval.ToString());
        var first = approval.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("status").GetString() == "pending").GetProperty("approver");
        (first.GetProperty("user_id").GetString(), first.GetProperty("person_id").GetString()).ShouldBe(("alice", alicePerson));

        // Alice, the first node's approver, gets an interactive card (the sandbox app has a card template) with Approve and Reject.
        var aliceCard = await CardAboutAsync(hub, "alice", "PO-DT-CARD");
        var approve = ActionOf(aliceCard, "Approve");
        ActionOf(aliceCard, "Reject").ShouldNotBeNull();

        // DingTalk's cards mention no one by id: the applicant is shown by the directory's name, not as "bob".
        var facts = aliceCard.GetProperty("cardParamMap").GetRawText();
        facts.ShouldContain("Bob Li");

        // A press of Alice's button in Carol's name (a forwarded card, a forged callback) decides nothing: the task stays Alice's.
        using var stream = new DingTalkStreamControl(hub.Control.BaseAddress!, EmulatorOptions.DefaultDingTalkAppKey);
        await HubSandbox.WaitUntilAsync(() => stream.OpenConnectionIdsAsync().GetAwaiter().GetResult().Count > 0, "the Hub's Stream connection", seconds: 60);
        await stream.CardCallbackAsync(Track(aliceCard), "carol", approve);
        await HubSandbox.WaitUntilAsync(
            () => CardCallbacks(client) is { Count: >= 1 } events && events.All(e => e.GetProperty("status").GetString() == "done"),
            "the forged press handled", seconds: 60);
        var still = await client.GetFromJsonAsync<JsonElement>($"/api/v1/approvals/{id}");
        still.GetProperty("status").GetString().ShouldBe("pending");
        PendingApprovers(still).ShouldBe(["alice"]);

        // Alice approves from her card: the Hub executes her task on DingTalk, which moves on to Carol's node.
        var pressed = await HubDingTalkBotCardTests.ClickAsync(hub, Track(aliceCard), "alice", approve);
        pressed.ToString().ShouldNotContain("Only the approver");
        var carolCard = await CardAboutAsync(hub, "carol", "PO-DT-CARD");
        await HubDingTalkBotCardTests.ClickAsync(hub, Track(carolCard), "carol", ActionOf(carolCard, "Reject")!);

        // The approval ends rejected, decided where each approver works, and the business system hears it with the platform.
        await HubSandbox.WaitUntilAsync(
            () => receiver.At("/approvals").Any(r => HubApprovalsOnEveryPlatformTests.Is(r.Body, id, "larkway.approval.rejected", "dingtalk")),
            "the rejected callback", seconds: 60);
        var ended = await client.GetFromJsonAsync<JsonElement>($"/api/v1/approvals/{id}");
        ended.GetProperty("status").GetString().ShouldBe("rejected");
        var decisions = ended.GetProperty("tasks").EnumerateArray()
            .Select(t => (t.GetProperty("approver").GetProperty("user_id").GetString(), t.GetProperty("status").GetString())).ToList();
        decisions.ShouldContain(("alice", "approved"));
        decisions.ShouldContain(("carol", "rejected"));
        // The callbacks name who decided as the answers do: on DingTalk, and as the directory's person.
        var aliceDecided = receiver.At("/approvals").Select(r => JsonDocument.Parse(r.Body).RootElement.Clone())
            .Single(e => e.GetProperty("type").GetString() == "larkway.approval.task_approved" && e.GetProperty("approval").GetProperty("id").GetString() == id);
        var byAlice = aliceDecided.GetProperty("transition").GetProperty("operator");
        (byAlice.GetProperty("platform").GetString(), byAlice.GetProperty("user_id").GetString(), byAlice.GetProperty("person_id").GetString())
            .ShouldBe(("dingtalk", "alice", alicePerson), aliceDecided.ToString());
        var decided = ended.GetProperty("history").EnumerateArray().Count(h => h.GetProperty("type").GetString() is "larkway.approval.task_approved" or "larkway.approval.task_rejected");

        // Each card is updated in place: the outcome, no buttons left.
        foreach (var card in new[] { aliceCard, carolCard })
        {
            await HubSandbox.WaitUntilAsync(
                () => HubDingTalkBotCardTests.CardAsync(hub, Track(card)).GetAwaiter().GetResult() is var now
                    && (HubDingTalkBotCardTests.Param(now, "title") ?? "").StartsWith("Rejected", StringComparison.Ordinal)
                    && HubDingTalkBotCardTests.Buttons(now).Count == 0,
                "each card showing the outcome", seconds: 60);
        }

        // DingTalk redelivering Alice's press records nothing more.
        var handled = CardCallbacks(client).Count;
        await stream.CardCallbackAsync(Track(aliceCard), "alice", approve);
        await HubSandbox.WaitUntilAsync(
            () => CardCallbacks(client) is var events && events.Count > handled && events.All(e => e.GetProperty("status").GetString() == "done"),
            "the redelivered press handled", seconds: 60);
        var after = await client.GetFromJsonAsync<JsonElement>($"/api/v1/approvals/{id}");
        after.GetProperty("status").GetString().ShouldBe("rejected");
        after.GetProperty("history").EnumerateArray().Count(h => h.GetProperty("type").GetString() is "larkway.approval.task_approved" or "larkway.approval.task_rejected").ShouldBe(decided);
    }

    [Fact]
    public async Task On_WeCom_the_approvers_card_says_to_decide_in_WeComs_approval_app_and_a_card_with_the_outcome_follows()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAsync(HubApprovalsOnEveryPlatformTests.Fast);
        using var client = Admin(hub);
        await SubscribeAsync(client, receiver);
        var approval = await SubmitAsync(client, "wecom-sandbox", "3TmApprovalPaymentLarkwayDevTemplate0001", new { user_id = "alice" },
            new Dictionary<string, object> { ["Money-1"] = 1200, ["Text-1"] = "Team offsite" }, "PO-WC-CARD");
        var id = approval.GetProperty("id").GetString()!;

        // Carol's card says where to decide, and opening it opens the approval in WeCom's approval app (a link the Emulator
        // has; WeCom documents none, so there the card opens nothing): it has no button that would pretend to decide.
        var spNo = approval.GetProperty("instance_code").GetString()!;
        await HubSandbox.WaitUntilAsync(() => WeComCardsAbout(hub, "carol", "PO-WC-CARD").Count > 0, "Carol's card", seconds: 60);
        var card = WeComCardsAbout(hub, "carol", "PO-WC-CARD").Single();
        card.ShouldContain("Approve or reject it in WeCom", Case.Sensitive, card);
        var notice = JsonDocument.Parse(card).RootElement;
        notice.GetProperty("card_type").GetString().ShouldBe("text_notice", card);
        notice.TryGetProperty("button_list", out var _).ShouldBeFalse(card);
        notice.GetProperty("card_action").GetProperty("type").GetInt32().ShouldBe(1, card);
        notice.GetProperty("card_action").GetProperty("url").GetString()!.ShouldEndWith("/wecom-approval/" + spNo, Case.Sensitive, card);
        card.ShouldNotContain(ApprovalButton, Case.Sensitive, card);

        // She decides in WeCom's approval app; the approval ends approved, and her next card shows it.
        using (var decided = await hub.Control.PostAsJsonAsync($"/_emulator/wecom/approvals/{spNo}/decide", new { userid = "carol", action = "approve", speech = "OK" }))
        {
            decided.StatusCode.ShouldBe(HttpStatusCode.OK, await decided.Content.ReadAsStringAsync());
        }

        await HubSandbox.WaitUntilAsync(
            () => receiver.At("/approvals").Any(r => HubApprovalsOnEveryPlatformTests.Is(r.Body, id, "larkway.approval.approved", "wecom")),
            "the approved callback", seconds: 60);
        await HubSandbox.WaitUntilAsync(
            () => WeComCardsAbout(hub, "carol", "PO-WC-CARD") is { Count: > 1 } cards && cards[^1].Contains("Approved", StringComparison.Ordinal),
            "Carol's card with the outcome", seconds: 60);
        WeComCardsAbout(hub, "carol", "PO-WC-CARD")[^1].ShouldNotContain("Approve or reject it in WeCom");
    }

    /// <summary>The approve/reject actions of an approval card, which a WeCom card must never carry.</summary>
    private const string ApprovalButton = "larkway.approval.";

    private static HttpClient Admin(HubSandbox hub)
    {
        var client = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        return client;
    }

    private static async Task SubscribeAsync(HttpClient client, WebhookReceiver receiver)
    {
        using var subscribed = await client.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url("/approvals").ToString(), event_types = new[] { "larkway.approval.*" } });
        subscribed.StatusCode.ShouldBe(HttpStatusCode.Created, await subscribed.Content.ReadAsStringAsync());
    }

    private static async Task<JsonElement> SubmitAsync(HttpClient client, string app, string definition, object applicant, object form, string reference)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/approvals", new { app, definition, applicant, form, reference, idempotency_key = reference });
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static IReadOnlyList<string?> PendingApprovers(JsonElement approval) =>
        [.. approval.GetProperty("tasks").EnumerateArray().Where(t => t.GetProperty("status").GetString() == "pending")
            .Select(t => t.GetProperty("approver").GetProperty("user_id").GetString())];

    /// <summary>The interactive card about the approval (its reference) in the person's chat with the app's robot, once it has arrived.</summary>
    internal static async Task<JsonElement> CardAboutAsync(HubSandbox hub, string person, string reference)
    {
        JsonElement? found = null;
        await HubSandbox.WaitUntilAsync(
            () => (found = HubDingTalkBotCardTests.CardsAsync(hub, "IM_ROBOT", person).GetAwaiter().GetResult()
                .Where(c => c.GetProperty("cardParamMap").GetRawText().Contains(reference, StringComparison.Ordinal))
                .Select(c => (JsonElement?)c).LastOrDefault()) is { } card
                && HubDingTalkBotCardTests.Buttons(card).Count > 0,
            $"{person}'s card with its buttons", seconds: 60);
        return found!.Value;
    }

    private static string Track(JsonElement card) => card.GetProperty("outTrackId").GetString()!;

    /// <summary>The actionId of the card's button labelled <paramref name="text"/>.</summary>
    private static string ActionOf(JsonElement card, string text) =>
        HubDingTalkBotCardTests.Buttons(card).Single(b => b.GetProperty("text").GetString() == text).GetProperty("actionId").GetString()!;

    private static IReadOnlyList<JsonElement> CardCallbacks(HttpClient client) =>
        [.. client.GetFromJsonAsync<JsonElement>("/api/v1/events?limit=100").GetAwaiter().GetResult().GetProperty("items").EnumerateArray()
            .Where(e => e.GetProperty("event_type").GetString() == "dingtalk.card_callback").Select(e => e.Clone())];

    /// <summary>
    /// The WeCom app's cards to the member about the approval (its reference), oldest first, as JSON: a template card, or
    /// the markdown a card with nothing to open is sent as.
    /// </summary>
    internal static IReadOnlyList<string> WeComCardsAbout(HubSandbox hub, string user, string reference) =>
        [.. hub.Control.GetFromJsonAsync<JsonElement>($"/_emulator/wecom/users/{user}/messages").GetAwaiter().GetResult().GetProperty("items").EnumerateArray()
            .Where(m => m.GetProperty("msgtype").GetString() is "template_card" or "markdown")
            .Select(m => m.GetProperty("content").GetRawText())
            .Where(c => c.Contains(reference, StringComparison.Ordinal))];
}
