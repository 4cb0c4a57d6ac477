using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Larkway.Integration.Tests.Hub;

/// <summary>Buttons on notification cards: answered by the type's actions, recorded on the notification, forwarded to webhooks.</summary>
public sealed class HubNotificationActionsTests
{
    private static readonly object RequisitionData = new
    {
        requisition = new { number = "PR-2026-0077", title = "Monitors", amount = "¥ 9,000.00", url = "https://erp.example.com/pr/77" },
        requester = new { name = "Bob Li", email = "bob@example.com" },
        approver = new { name = "Alice Chen", email = "alice@example.com" },
    };

    [Fact]
    public async Task Approve_on_a_requisition_card_answers_with_the_toast_and_after_card_records_the_decision_and_reaches_the_webhook()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAsync();
        using var admin = Client(hub, HubSandbox.AdminKey);
        (await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url("/cards").ToString(), event_types = new[] { "card.action.trigger" } }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        var key = await CreateKeyAsync(admin, "requisition.*");
        var alice = hub.State.Users.Single(u => u.Email == "alice@example.com");

        var id = await CreateAsync(hub, key, "pr-77-submitted");
        var sent = await WaitForAsync(hub, key, id, n => n.GetProperty("status").GetString() == "sent", "sent");
        var messageId = sent.GetProperty("recipients")[0].GetProperty("message_id").GetString()!;

        // Every callback value carries the Hub's reference next to the business system's own fields; URL buttons stay as they were.
        var content = hub.State.FindMessage(messageId)!.SendContent;
        var buttons = Buttons(content);
        var approve = buttons.SingleOrDefault(b => b["value"]?["action"]?.GetValue<string>() == "approve")?["value"]?.AsObject();
        approve.ShouldNotBeNull(content);
        approve["larkway_notification"]!.GetValue<string>().ShouldBe(id);
        approve["larkway_type"]!.GetValue<string>().ShouldBe("requisition.submitted");
        approve["requisition"]!.GetValue<string>().ShouldBe("PR-2026-0077");
        buttons.Single(b => b["url"] is not null).AsObject().ContainsKey("value").ShouldBeFalse();

        var outcome = await hub.ClickAsync(messageId, approve, "alice@example.com");

        outcome.GetProperty("toast").GetProperty("type").GetString().ShouldBe("success");
        outcome.GetProperty("toast").GetProperty("content").GetString().ShouldBe("Approved PR-2026-0077");
        outcome.GetProperty("card_updated").GetBoolean().ShouldBeTrue();
        var after = Strings(hub.State.FindMessage(messageId)!.SendContent);
        after.ShouldContain("Requisition PR-2026-0077 approved");
        after.ShouldContain($"<at id={alice.OpenId}></at>");

        var status = await WaitForAsync(hub, key, id, n => n.GetProperty("actions").GetArrayLength() == 1, "the recorded action");
        status.GetProperty("decision").GetString().ShouldBe("approved");
        var recorded = status.GetProperty("actions")[0];
        recorded.GetProperty("action").GetString().ShouldBe("approve");
        recorded.GetProperty("known").GetBoolean().ShouldBeTrue();
        recorded.GetProperty("operator_open_id").GetString().ShouldBe(alice.OpenId);
        recorded.GetProperty("recipient").GetString().ShouldBe("alice@example.com");
        recorded.GetProperty("message_id").GetString().ShouldBe(messageId);
        recorded.GetProperty("decision").GetString().ShouldBe("approved");

        await HubSandbox.WaitUntilAsync(() => receiver.At("/cards").Count == 1, "the forwarded click");
        using var forwarded = JsonDocument.Parse(receiver.At("/cards")[0].Body);
        var notification = forwarded.RootElement.GetProperty("notification");
        notification.GetProperty("id").GetString().ShouldBe(id);
        notification.GetProperty("type").GetString().ShouldBe("requisition.submitted");
        notification.GetProperty("action").GetString().ShouldBe("approve");
        forwarded.RootElement.GetProperty("event").GetProperty("action").GetProperty("value").GetProperty("requisition").GetString().ShouldBe("PR-2026-0077");
    }

    [Fact]
    public async Task A_Feishu_delivery_is_decided_once_a_reject_after_approve_records_and_forwards_nothing_and_is_answered_with_the_standing_decision()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAsync();
        using var admin = Client(hub, HubSandbox.AdminKey);
        using var subscribed = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url("/decisions").ToString(), event_types = new[] { "notification.action" } });
        var subscription = await subscribed.Content.ReadAsStringAsync();
        subscribed.StatusCode.ShouldBe(HttpStatusCode.Created, subscription);
        var webhookId = JsonDocument.Parse(subscription).RootElement.GetProperty("id").GetString()!;
        var key = await CreateKeyAsync(admin, "requisition.*");
        var id = await CreateAsync(hub, key, "pr-80-submitted");
        var sent = await WaitForAsync(hub, key, id, n => n.GetProperty("status").GetString() == "sent", "sent");
        var messageId = sent.GetProperty("recipients")[0].GetProperty("message_id").GetString()!;
        var buttons = Buttons(hub.State.FindMessage(messageId)!.SendContent);
        var approve = buttons.Single(b => b["value"]?["action"]?.GetValue<string>() == "approve")["value"]!;
        var reject = buttons.Single(b => b["value"]?["action"]?.GetValue<string>() == "reject")["value"]!;

        (await hub.ClickAsync(messageId, approve)).GetProperty("toast").GetProperty("content").GetString().ShouldBe("Approved PR-2026-0077");
        var second = await hub.ClickAsync(messageId, reject);

        second.GetProperty("toast").GetProperty("content").GetString().ShouldBe("Already decided: approved. Nothing more was recorded.");
        second.GetProperty("card_updated").GetBoolean().ShouldBeFalse();
        Strings(hub.State.FindMessage(messageId)!.Content).ShouldContain("Requisition PR-2026-0077 approved");
        var status = await WaitForAsync(hub, key, id, n => n.GetProperty("actions").GetArrayLength() >= 1, "the recorded action");
        status.GetProperty("actions").GetArrayLength().ShouldBe(1, status.ToString());
        status.GetProperty("decision").GetString().ShouldBe("approved");

        // The forwarded decision is queued with the recorded click, in one transaction: by the second answer the queue is final.
        var deliveries = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/webhooks/{webhookId}/deliveries");
        deliveries.GetProperty("items").GetArrayLength().ShouldBe(1, deliveries.ToString());
        await HubSandbox.WaitUntilAsync(() => receiver.At("/decisions").Count == 1, "the forwarded decision");
        using var forwarded = JsonDocument.Parse(receiver.At("/decisions")[0].Body);
        forwarded.RootElement.GetProperty("event").GetProperty("decision").GetString().ShouldBe("approved");
        forwarded.RootElement.GetProperty("event").GetProperty("operator").GetProperty("platform").GetString().ShouldBe("feishu");
    }

    [Fact]
    public async Task An_action_the_type_does_not_declare_gets_a_friendly_toast_and_is_still_recorded()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var admin = Client(hub, HubSandbox.AdminKey);
        var key = await CreateKeyAsync(admin, "requisition.*");
        var id = await CreateAsync(hub, key, "pr-78-submitted");
        var sent = await WaitForAsync(hub, key, id, n => n.GetProperty("status").GetString() == "sent", "sent");
        var messageId = sent.GetProperty("recipients")[0].GetProperty("message_id").GetString()!;
        var before = hub.State.FindMessage(messageId)!.Content;

        var outcome = await hub.ClickAsync(messageId, new { action = "escalate", larkway_notification = id, larkway_type = "requisition.submitted" });

        outcome.GetProperty("toast").GetProperty("content").GetString()!.ShouldContain("business system was told");
        outcome.GetProperty("card_updated").GetBoolean().ShouldBeFalse();
        hub.State.FindMessage(messageId)!.Content.ShouldBe(before);
        var status = await WaitForAsync(hub, key, id, n => n.GetProperty("actions").GetArrayLength() == 1, "the recorded action");
        status.GetProperty("actions")[0].GetProperty("known").GetBoolean().ShouldBeFalse();
        status.TryGetProperty("decision", out _).ShouldBeFalse();

        // A click naming a notification the Hub does not have is answered too, not failed.
        var unknown = await hub.ClickAsync(messageId, new { action = "approve", larkway_notification = "ntf_gone" });
        unknown.GetProperty("toast").GetProperty("content").GetString()!.ShouldContain("no longer on record");
    }

    [Fact]
    public async Task A_patch_after_a_decision_re_renders_every_message_including_the_one_with_the_after_card()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var admin = Client(hub, HubSandbox.AdminKey);
        var key = await CreateKeyAsync(admin, "requisition.*");
        var id = await CreateAsync(hub, key, "pr-79-submitted");
        var sent = await WaitForAsync(hub, key, id, n => n.GetProperty("status").GetString() == "sent", "sent");
        var messageId = sent.GetProperty("recipients")[0].GetProperty("message_id").GetString()!;
        var approve = Buttons(hub.State.FindMessage(messageId)!.SendContent).Single(b => b["value"]?["action"]?.GetValue<string>() == "approve")["value"]!;
        await hub.ClickAsync(messageId, approve);
        hub.State.FindMessage(messageId)!.Content.ShouldContain("approved");

        using var client = Client(hub, key);
        var patched = await client.PatchAsJsonAsync($"/api/v1/notifications/{id}", new
        {
            data = new
            {
                requisition = new { number = "PR-2026-0079", title = "Monitors (revised)", amount = "¥ 8,000.00", url = "https://erp.example.com/pr/79" },
                requester = new { name = "Bob Li", email = "bob@example.com" },
                approver = new { name = "Alice Chen", email = "alice@example.com" },
            },
        });
        patched.StatusCode.ShouldBe(HttpStatusCode.Accepted);

        await HubSandbox.WaitUntilAsync(() => hub.State.FindMessage(messageId)!.Content.Contains("Monitors (revised)", StringComparison.Ordinal), "the re-rendered card");
        var buttons = Buttons(hub.State.FindMessage(messageId)!.SendContent);
        buttons.ShouldContain(b => b["value"] != null && b["value"]!["larkway_notification"]!.GetValue<string>() == id);
    }

    /// <summary>Every string of a card JSON, joined: what it says, whatever the JSON escaping.</summary>
    private static string Strings(string cardJson)
    {
        var texts = new List<string>();
        Visit(JsonNode.Parse(cardJson));
        return string.Join("\n", texts);

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
                    foreach (var item in a)
                    {
                        Visit(item);
                    }

                    break;
                case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                    texts.Add(v.GetValue<string>());
                    break;
            }
        }
    }

    private static List<JsonNode> Buttons(string cardJson)
    {
        var found = new List<JsonNode>();
        Visit(JsonNode.Parse(cardJson));
        return found;

        void Visit(JsonNode? node)
        {
            if (node is JsonObject o)
            {
                if (o["tag"]?.GetValue<string>() == "button")
                {
                    found.Add(o);
                }

                foreach (var (_, child) in o)
                {
                    Visit(child);
                }
            }
            else if (node is JsonArray a)
            {
                foreach (var item in a)
                {
                    Visit(item);
                }
            }
        }
    }

    private static async Task<string> CreateAsync(HubSandbox hub, string key, string idempotencyKey)
    {
        using var client = Client(hub, key);
        using var response = await client.PostAsJsonAsync("/api/v1/notifications", new { type = "requisition.submitted", idempotency_key = idempotencyKey, data = RequisitionData });
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    private static async Task<string> CreateKeyAsync(HttpClient admin, params string[] types)
    {
        using var response = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "erp", types });
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("key").GetString()!;
    }

    private static HttpClient Client(HubSandbox hub, string key)
    {
        var client = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static async Task<JsonElement> WaitForAsync(HubSandbox hub, string key, string id, Func<JsonElement, bool> condition, string what)
    {
        using var client = Client(hub, key);
        JsonElement last = default;
        await HubSandbox.WaitUntilAsync(() =>
        {
            last = client.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{id}").GetAwaiter().GetResult();
            return condition(last);
        }, $"notification {id}: {what} (last: {last})");
        return last;
    }
}
