using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.Seed;
using Larkway.Emulator.State;
using Larkway.Feishu;
using Larkway.Feishu.Im;
using Larkway.Hub.Apps;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Larkway.Hub.Webhooks;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// Approval cards against the Emulator's approval engine, on both storage providers: a card to each pending approver,
/// Approve / Reject by the assignee acting in Feishu for them, every card updated at the end, strangers refused, tasks
/// decided in Feishu's app shown as such, reminders counted per task, and the payment notification's "Request approval".
/// </summary>
public abstract class HubApprovalCardsTests
{
    private const string Alice = "alice@example.com";
    private const string Bob = "bob@example.com";
    private const string Carol = "carol@example.com";
    private const string Dave = "dave@example.com";

    /// <summary>Settings of a new, empty database on this class's provider.</summary>
    protected abstract Task<Dictionary<string, string?>> StorageAsync();

    [Fact]
    public async Task Each_pending_approver_gets_a_card_and_approve_clicks_by_the_assignees_approve_in_Feishu_and_update_every_card()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await StartAsync();
        using var client = Client(hub);
        var secret = await SubscribeAsync(hub, receiver.Url("/approvals"), "larkway.approval.*");
        var (id, instance) = await CreateAsync(client, "cards-1");

        // Node 1 (OR): Bob only. Nobody else has a card yet.
        var bobs = await CardOfAsync(hub, Bob, id);
        Buttons(bobs).Select(b => b["text"]!["content"]!.GetValue<string>()).ShouldBe(["Approve", "Reject"]);
        Strings(bobs).ShouldContain("Reference: PO-9");

        // The form as the definition labels it: widget names and option texts, not the ids and values the ERP sent.
        Strings(bobs).ShouldContain("Payment method: Bank transfer");
        Strings(bobs).ShouldContain("Amount: 1200 CNY");
        Strings(bobs).ShouldNotContain("method: bank", Case.Sensitive);
        CardsOf(hub, Carol, id).ShouldBeEmpty();

        var answer = await ClickAsync(hub, bobs, Bob, approve: true);
        answer.GetProperty("toast").GetProperty("type").GetString().ShouldBe("success");
        Strings(hub.State.FindMessage(bobs.MessageId)!).ShouldContain("Approved by you: Payment INV-9");
        Buttons(hub.State.FindMessage(bobs.MessageId)!).ShouldBeEmpty();
        var afterBob = await GetAsync(client, id);
        Task(afterBob, OpenId(hub, Bob)).GetProperty("status").GetString().ShouldBe("approved");
        afterBob.GetProperty("history").EnumerateArray().Single(h => h.GetProperty("type").GetString() == "larkway.approval.task_approved")
            .GetProperty("source").GetString().ShouldBeOneOf("card", "event");
        Instance(hub, instance).Tasks.Single(t => t.OpenId == OpenId(hub, Bob)).Status.ShouldBe("APPROVED");

        // Node 2 (AND): Carol and Dave each get a card; both approve from it.
        var carols = await CardOfAsync(hub, Carol, id);
        var daves = await CardOfAsync(hub, Dave, id);
        await ClickAsync(hub, carols, Carol, approve: true);
        await ClickAsync(hub, daves, Dave, approve: true);

        var approved = await WaitForAsync(client, id, a => a.GetProperty("status").GetString() == "approved");
        Instance(hub, instance).Status.ShouldBe("APPROVED");
        approved.GetProperty("history").EnumerateArray().Count(h => h.GetProperty("type").GetString() == "larkway.approval.task_approved").ShouldBe(3);

        // Every approval card ends up showing the outcome (through the notifications outbox).
        foreach (var card in new[] { bobs, carols, daves })
        {
            await HubSandbox.WaitUntilAsync(() => Strings(hub.State.FindMessage(card.MessageId)!).Contains("The approval was approved.", StringComparison.Ordinal), "the final card");
        }

        // The business system got every transition, signed, the last one the approval.
        var transitions = approved.GetProperty("history").GetArrayLength();
        await HubSandbox.WaitUntilAsync(() => receiver.At("/approvals").Count == transitions, "every callback");
        foreach (var callback in receiver.At("/approvals"))
        {
            WebhookSignature.Verify(secret, callback.Header("X-Larkway-Timestamp"), callback.Header("X-Larkway-Signature"), callback.Body, DateTimeOffset.UtcNow).ShouldBeTrue();
        }

        receiver.At("/approvals").Select(c => JsonDocument.Parse(c.Body).RootElement.GetProperty("type").GetString()).ShouldContain("larkway.approval.approved");
    }

    [Fact]
    public async Task A_stranger_is_refused_a_rejection_ends_it_and_a_task_decided_in_Feishu_shows_as_decided()
    {
        await using var hub = await StartAsync();
        using var client = Client(hub);
        var (id, instance) = await CreateAsync(client, "cards-2");
        var bobs = await CardOfAsync(hub, Bob, id);

        // A copy of Bob's card in a group chat (as if forwarded), clicked by Alice: refused (the Hub did not send that message
        // for the notification, and Alice is not its recipient), nothing changes in Feishu or the Hub.
        var group = hub.State.Chats.First(c => c.ChatMode == "group" && c.HasMember(OpenId(hub, Alice)) && c.HasBot(hub.Host.Settings.AppId!));
        var bot = await hub.Host.Services.GetRequiredService<IFeishuClientFactory>().GetClientAsync("");
        var copy = await bot.Im.Messages.SendAsync(ReceiveId.Chat(group.ChatId), MessageContent.Card(bobs.SendContent));
        var refused = await hub.ClickAsync(copy.MessageId, ButtonValue(bobs, "Approve"), Alice);
        refused.GetProperty("toast").GetProperty("content").GetString()!.ShouldContain("not sent by the Hub for this notification");
        Instance(hub, instance).Tasks.Single().Status.ShouldBe("PENDING");
        Buttons(hub.State.FindMessage(bobs.MessageId)!).Count.ShouldBe(2);

        // Bob approves in Feishu's own app; his card then says so, and Carol and Dave get cards. Dave rejects in Feishu.
        await ActAsync(hub, instance, Bob, approve: true);
        await HubSandbox.WaitUntilAsync(() => Strings(hub.State.FindMessage(bobs.MessageId)!).Contains("Approved by you", StringComparison.Ordinal), "Bob's card updated");
        var carols = await CardOfAsync(hub, Carol, id);
        var carolsApprove = ButtonValue(carols, "Approve");
        await ActAsync(hub, instance, Dave, approve: false);
        await WaitForAsync(client, id, a => a.GetProperty("status").GetString() == "rejected");
        await HubSandbox.WaitUntilAsync(() => Strings(hub.State.FindMessage(carols.MessageId)!).Contains("The approval was rejected.", StringComparison.Ordinal), "Carol's card updated");
        Buttons(hub.State.FindMessage(carols.MessageId)!).ShouldBeEmpty();

        // A click on a stale copy of Carol's buttons answers with the card as it stands, not an error.
        var stale = await hub.ClickAsync(carols.MessageId, carolsApprove, Carol);
        stale.GetProperty("toast").GetProperty("type").GetString().ShouldBe("info");
        stale.GetProperty("toast").GetProperty("content").GetString()!.ShouldContain("already decided");
        Instance(hub, instance).Tasks.Single(t => t.OpenId == OpenId(hub, Carol)).Status.ShouldNotBe("APPROVED");
    }

    [Fact]
    public async Task Reject_from_the_card_rejects_in_Feishu_and_a_task_decided_meanwhile_in_Feishu_reads_as_decided_elsewhere()
    {
        await using var hub = await StartAsync();
        using var client = Client(hub);
        var (id, instance) = await CreateAsync(client, "cards-3");
        var bobs = await CardOfAsync(hub, Bob, id);
        var approveValue = ButtonValue(bobs, "Approve");

        // Bob approves in Feishu's app, and the event that would tell the Hub is lost: the card still has its buttons.
        await DropAsync(hub, "approval_task", 10);
        await DropAsync(hub, "approval_instance", 10);
        await ActAsync(hub, instance, Bob, approve: true);
        var elsewhere = await hub.ClickAsync(bobs.MessageId, approveValue, Bob);
        elsewhere.GetProperty("toast").GetProperty("content").GetString()!.ShouldContain("already decided");
        Strings(hub.State.FindMessage(bobs.MessageId)!).ShouldContain("Approved by you");

        // Carol rejects from her card: Feishu's instance is rejected, and so is the Hub's approval.
        var carols = await CardOfAsync(hub, Carol, id);
        var rejected = await ClickAsync(hub, carols, Carol, approve: false);
        rejected.GetProperty("toast").GetProperty("type").GetString().ShouldBe("warning");
        Instance(hub, instance).Status.ShouldBe("REJECTED");
        var approval = await WaitForAsync(client, id, a => a.GetProperty("status").GetString() == "rejected");
        approval.GetProperty("history").EnumerateArray().Last().GetProperty("source").GetString().ShouldBe("card");
        Strings(hub.State.FindMessage(carols.MessageId)!).ShouldContain("Rejected");
    }

    [Fact]
    public async Task Reminders_go_to_pending_approvers_exactly_MaxReminders_times_and_stop_once_the_task_is_decided()
    {
        await using var hub = await StartAsync(new()
        {
            ["Larkway:Approvals:ReminderAfter"] = "00:00:00.200",
            ["Larkway:Approvals:ReminderEvery"] = "00:00:00.200",
            ["Larkway:Approvals:ReminderCheckInterval"] = "00:00:00.100",
            ["Larkway:Approvals:MaxReminders"] = "2",
        });
        using var client = Client(hub);
        var (id, instance) = await CreateAsync(client, "cards-4");
        await CardOfAsync(hub, Bob, id);

        await HubSandbox.WaitUntilAsync(() => Reminders(hub, Bob, "Payment INV-9").Count == 2, "two reminders to Bob");

        // Bob decides; Carol and Dave (node 2) are reminded twice each, and Bob never again.
        var bobsCard = CardsOf(hub, Bob, id).Single();
        await ClickAsync(hub, bobsCard, Bob, approve: true);
        await HubSandbox.WaitUntilAsync(() => Reminders(hub, Carol, "Payment INV-9").Count == 2 && Reminders(hub, Dave, "Payment INV-9").Count == 2, "two reminders each to Carol and Dave");
        var carols = CardsOf(hub, Carol, id).Single();
        await ClickAsync(hub, carols, Carol, approve: false);
        await WaitForAsync(client, id, a => a.GetProperty("status").GetString() == "rejected");

        // A later approval is reminded twice too — so the job ran rounds after the decisions — and nobody got a third.
        var (canary, _) = await CreateAsync(client, "cards-4-canary", title: "Canary");
        await HubSandbox.WaitUntilAsync(() => Reminders(hub, Bob, "Canary").Count == 2, "two reminders of the later approval");
        Reminders(hub, Bob, "Payment INV-9").Count.ShouldBe(2);
        Reminders(hub, Carol, "Payment INV-9").Count.ShouldBe(2);
        Reminders(hub, Dave, "Payment INV-9").Count.ShouldBe(2);
        Instance(hub, instance).Status.ShouldBe("REJECTED");
        canary.ShouldNotBe(id);
    }

    [Fact]
    public async Task Request_approval_for_a_definition_with_a_self_select_node_is_refused_with_what_it_needs_and_nothing_is_stored()
    {
        await using var hub = await StartAsync();
        using var admin = Client(hub);

        // payment.pending, but its "Request approval" asks for the General request, whose approvers the submitter picks.
        var type = (await admin.GetFromJsonAsync<JsonObject>("/api/v1/notification-types/payment.pending"))!;
        type.Remove("name");
        type.Remove("updated_at");
        var approval = type["actions"]!["request_approval"]!["approval"]!.AsObject();
        approval["approval_code"] = DefaultApprovals.GeneralRequestCode;
        approval["form"] = new JsonObject { ["title"] = "Pay {{invoice.number}}" };
        using (var put = await admin.PutAsJsonAsync("/api/v1/notification-types/general.pending", type))
        {
            put.StatusCode.ShouldBe(HttpStatusCode.Created, await put.Content.ReadAsStringAsync());
        }

        using (var sent = await admin.PostAsJsonAsync("/api/v1/notifications", new
        {
            type = "general.pending",
            idempotency_key = "inv-78",
            data = new
            {
                invoice = new { number = "INV-78", supplier = "ACME", amount = "¥ 10.00", amount_value = "10.00", currency = "CNY", due_date = "2026-12-15" },
                po = new { number = "PO-78" },
                finance = new { email = Alice },
            },
        }))
        {
            sent.StatusCode.ShouldBe(HttpStatusCode.Accepted, await sent.Content.ReadAsStringAsync());
        }

        var card = await CardOfAsync(hub, Alice, "Payment pending: INV-78");
        var answer = await hub.ClickAsync(card.MessageId, ButtonValue(card, "Request approval"), Alice);
        answer.GetProperty("toast").GetProperty("type").GetString().ShouldBe("error");
        answer.GetProperty("toast").GetProperty("content").GetString()!.ShouldContain("approvers.approvers");
        (await admin.GetFromJsonAsync<JsonElement>("/api/v1/approvals")).GetProperty("items").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Request_approval_on_a_payment_card_opens_one_approval_whose_outcome_updates_the_card_and_reaches_the_business_system()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await StartAsync();
        using var admin = Client(hub);
        await SubscribeAsync(hub, receiver.Url("/approvals"), "larkway.approval.*");
        var key = await CreateKeyAsync(hub, "erp");
        using var erp = Client(hub, key);

        using (var sent = await erp.PostAsJsonAsync("/api/v1/notifications", new
        {
            type = "payment.pending",
            idempotency_key = "inv-77",
            data = new
            {
                invoice = new { number = "INV-77", supplier = "ACME", amount = "¥ 1,200.00", amount_value = "1200.00", currency = "CNY", due_date = "2026-12-15" },
                po = new { number = "PO-77" },
                finance = new { email = Alice },
            },
        }))
        {
            sent.StatusCode.ShouldBe(HttpStatusCode.Accepted, await sent.Content.ReadAsStringAsync());
        }

        var payment = await CardOfAsync(hub, Alice, "Payment pending: INV-77");
        var request = ButtonValue(payment, "Request approval");
        var answer = await hub.ClickAsync(payment.MessageId, request, Alice);
        answer.GetProperty("toast").GetProperty("content").GetString().ShouldBe("Payment approval requested for INV-77");

        // A second click finds the same approval.
        var again = await hub.ClickAsync(payment.MessageId, request, Alice);
        again.GetProperty("toast").GetProperty("content").GetString()!.ShouldContain("already requested");

        // The ERP's key sees the approval, linked to its notification, applicant Alice (the clicker).
        var list = await erp.GetFromJsonAsync<JsonElement>("/api/v1/approvals?reference=INV-77");
        var item = list.GetProperty("items").EnumerateArray().Single();
        var id = item.GetProperty("id").GetString()!;
        item.GetProperty("applicant").GetProperty("open_id").GetString().ShouldBe(OpenId(hub, Alice));
        item.GetProperty("notification_id").GetString().ShouldNotBeNullOrEmpty();

        // Approved from the approvers' cards; the payment card then says who approved it.
        await ClickAsync(hub, await CardOfAsync(hub, Bob, id), Bob, approve: true);
        await ClickAsync(hub, await CardOfAsync(hub, Carol, id), Carol, approve: true);
        await ClickAsync(hub, await CardOfAsync(hub, Dave, id), Dave, approve: true);
        await WaitForAsync(erp, id, a => a.GetProperty("status").GetString() == "approved");
        await HubSandbox.WaitUntilAsync(() => Strings(hub.State.FindMessage(payment.MessageId)!).Contains("Payment approved", StringComparison.Ordinal), "the payment card updated");
        Strings(hub.State.FindMessage(payment.MessageId)!).ShouldContain($"<at id={OpenId(hub, Dave)}></at>");

        // The business system's callbacks carry the notification.
        await HubSandbox.WaitUntilAsync(() => receiver.At("/approvals").Any(c => Text(c).Contains("\"larkway.approval.approved\"", StringComparison.Ordinal)), "the approved callback");
        var last = JsonDocument.Parse(receiver.At("/approvals").Single(c => Text(c).Contains("\"larkway.approval.approved\"", StringComparison.Ordinal)).Body).RootElement;
        last.GetProperty("approval").GetProperty("notification_id").GetString().ShouldBe(item.GetProperty("notification_id").GetString());
        last.GetProperty("approval").GetProperty("reference").GetString().ShouldBe("INV-77");
    }

    private async Task<HubSandbox> StartAsync(Dictionary<string, string?>? extra = null)
    {
        var settings = await StorageAsync();
        settings["Larkway:Webhooks:PollInterval"] = "00:00:00.050";
        settings["Larkway:Approvals:PollInterval"] = "00:00:00.050";
        foreach (var (k, v) in extra ?? [])
        {
            settings[k] = v;
        }

        return await HubSandbox.StartAsync(settings);
    }

    private static string Text(ReceivedWebhook callback) => System.Text.Encoding.UTF8.GetString(callback.Body);

    private static HttpClient Client(HubSandbox hub, string key = HubSandbox.AdminKey)
    {
        var client = new HttpClient { BaseAddress = hub.Api.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static async Task<string> CreateKeyAsync(HubSandbox hub, string name)
    {
        using var admin = Client(hub);
        using var response = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name, types = new[] { "*" } });
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!;
    }

    private static async Task<string> SubscribeAsync(HubSandbox hub, Uri url, string type)
    {
        using var admin = Client(hub);
        using var response = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = url.ToString(), event_types = new[] { type } });
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("secret").GetString()!;
    }

    private static async Task<(string Id, string Instance)> CreateAsync(HttpClient client, string key, string title = "Payment INV-9")
    {
        using var response = await client.PostAsJsonAsync("/api/v1/approvals", new
        {
            approval_code = DefaultApprovals.PaymentCode,
            applicant = new { email = Alice },
            title,
            reference = "PO-9",
            form = new { amount = new { value = 1200, currency = "CNY" }, reason = "Monitors", method = "bank" },
            idempotency_key = key,
        });
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        var body = JsonDocument.Parse(text).RootElement;
        return (body.GetProperty("id").GetString()!, body.GetProperty("instance_code").GetString()!);
    }

    private static async Task<JsonElement> GetAsync(HttpClient client, string id) => await client.GetFromJsonAsync<JsonElement>($"/api/v1/approvals/{id}");

    private static async Task<JsonElement> WaitForAsync(HttpClient client, string id, Func<JsonElement, bool> condition)
    {
        JsonElement last = default;
        await HubSandbox.WaitUntilAsync(() => condition(last = GetAsync(client, id).GetAwaiter().GetResult()), $"approval {id} to reach the expected state", seconds: 30);
        return last;
    }

    private static JsonElement Task(JsonElement approval, string openId) =>
        approval.GetProperty("tasks").EnumerateArray().First(t => t.GetProperty("approver_open_id").GetString() == openId);

    private static string OpenId(HubSandbox hub, string email) => hub.State.FindUser("email", email)!.OpenId;

    /// <summary>The bot's cards in the user's p2p chat whose content mentions <paramref name="marker"/>.</summary>
    private static List<EmulatorMessage> CardsOf(HubSandbox hub, string email, string marker)
    {
        var openId = OpenId(hub, email);
        return [.. hub.State.Chats.Where(c => c.ChatMode == "p2p" && c.HasMember(openId))
            .SelectMany(c => hub.State.MessagesIn(c.ChatId))
            .Where(m => m.MsgType == "interactive" && m.Sender.SenderType == "app" && m.SendContent.Contains(marker, StringComparison.Ordinal))];
    }

    private static async Task<EmulatorMessage> CardOfAsync(HubSandbox hub, string email, string marker)
    {
        await HubSandbox.WaitUntilAsync(() => CardsOf(hub, email, marker).Count(m => !m.SendContent.Contains("Reminder", StringComparison.Ordinal)) == 1, $"a card to {email}");
        return CardsOf(hub, email, marker).Single(m => !m.SendContent.Contains("Reminder", StringComparison.Ordinal));
    }

    private static List<EmulatorMessage> Reminders(HubSandbox hub, string email, string title)
    {
        var openId = OpenId(hub, email);
        return [.. hub.State.Chats.Where(c => c.ChatMode == "p2p" && c.HasMember(openId))
            .SelectMany(c => hub.State.MessagesIn(c.ChatId))
            .Where(m => m.MsgType == "interactive" && m.SendContent.Contains("Reminder: " + title, StringComparison.Ordinal))];
    }

    private static async Task<JsonElement> ClickAsync(HubSandbox hub, EmulatorMessage card, string email, bool approve) =>
        await hub.ClickAsync(card.MessageId, ButtonValue(hub.State.FindMessage(card.MessageId)!, approve ? "Approve" : "Reject"), email);

    private static JsonNode ButtonValue(EmulatorMessage card, string text) =>
        Buttons(card).Single(b => b["text"]?["content"]?.GetValue<string>() == text)["value"]!.DeepClone();

    internal static List<JsonNode> Buttons(EmulatorMessage card)
    {
        var root = JsonNode.Parse(card.SendContent)!;
        var buttons = new List<JsonNode>();
        void Visit(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o when o["tag"]?.GetValue<string>() == "button":
                    buttons.Add(o);
                    break;
                case JsonObject o:
                    foreach (var (_, child) in o)
                    {
                        Visit(child);
                    }

                    break;
                case JsonArray a:
                    foreach (var child in a)
                    {
                        Visit(child);
                    }

                    break;
            }
        }

        Visit(root);
        return buttons;
    }

    /// <summary>Every string in the card, joined: what a reader sees.</summary>
    private static string Strings(EmulatorMessage card)
    {
        var parts = new List<string>();
        void Visit(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (_, child) in o)
                    {
                        Visit(child);
                    }

                    break;
                case JsonArray a:
                    foreach (var child in a)
                    {
                        Visit(child);
                    }

                    break;
                case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                    parts.Add(v.GetValue<string>());
                    break;
            }
        }

        Visit(JsonNode.Parse(card.SendContent));
        return string.Join("\n", parts);
    }

    private static Larkway.Emulator.Approval.ApprovalInstance Instance(HubSandbox hub, string instance) => hub.Emulator.Approvals.FindInstance(instance)!;

    private static async Task ActAsync(HubSandbox hub, string instance, string email, bool approve)
    {
        var openId = OpenId(hub, email);
        var task = Instance(hub, instance).Tasks.Single(t => t.OpenId == openId && t.Status == "PENDING");
        using var response = await hub.Control.PostAsJsonAsync($"/_emulator/approvals/instances/{instance}/tasks/{task.Id}/{(approve ? "approve" : "reject")}", new { user = email });
        (await response.Content.ReadAsStringAsync()).ShouldContain("\"code\":0");
    }

    private static async Task DropAsync(HubSandbox hub, string eventType, int count)
    {
        using var response = await hub.Control.PostAsJsonAsync("/_emulator/events/drops", new { event_type = eventType, count });
        response.EnsureSuccessStatusCode();
    }
}

public sealed class SqliteHubApprovalCardsTests : HubApprovalCardsTests
{
    protected override Task<Dictionary<string, string?>> StorageAsync() => System.Threading.Tasks.Task.FromResult(new Dictionary<string, string?>());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresHubApprovalCardsTests(PostgresCluster cluster) : HubApprovalCardsTests
{
    protected override async Task<Dictionary<string, string?>> StorageAsync() => new()
    {
        ["Larkway:Storage:Provider"] = "Postgres",
        ["Larkway:Storage:ConnectionString"] = await cluster.CreateDatabaseAsync(),
    };
}
