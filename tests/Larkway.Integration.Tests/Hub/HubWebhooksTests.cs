using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Hub.Webhooks;

namespace Larkway.Integration.Tests.Hub;

/// <summary>Feishu events and card actions the Hub receives are posted, signed, to business systems' webhooks.</summary>
public sealed class HubWebhooksTests
{
    private static readonly Dictionary<string, string?> FastRetries = new()
    {
        ["Larkway:Webhooks:PollInterval"] = "00:00:00.050",
        ["Larkway:Webhooks:RetryDelays:0"] = "00:00:00.100",
        ["Larkway:Webhooks:MaxAttempts"] = "3",
    };

    [Fact]
    public async Task A_message_to_the_bot_and_a_card_click_reach_the_receiver_signed_with_the_subscriptions_secret()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAsync(FastRetries);
        using var admin = Client(hub, HubSandbox.AdminKey);
        var (id, secret) = await SubscribeAsync(admin, receiver.Url("/all"), "*");

        var messageId = await hub.SayToBotAsync("/card");
        await HubSandbox.WaitUntilAsync(() => hub.BotCardsInChatOf(messageId).Count > 0, "the bot's card");
        var card = hub.BotCardsInChatOf(messageId)[0];
        await hub.ClickAsync(card.MessageId, new { action = "sample.ack" });

        await HubSandbox.WaitUntilAsync(() => Types(receiver.At("/all")).Contains("card.action.trigger") && Types(receiver.At("/all")).Contains("im.message.receive_v1"), "both events at the receiver");
        foreach (var request in receiver.At("/all"))
        {
            WebhookSignature.Verify(secret, request.Header("X-Larkway-Timestamp"), request.Header("X-Larkway-Signature"), request.Body, DateTimeOffset.UtcNow)
                .ShouldBeTrue($"signature of {Type(request)}");
            request.Header("X-Larkway-Signature").ShouldStartWith("sha256=");
            request.Header("X-Larkway-Delivery").ShouldNotBeEmpty();
            request.Header("Content-Type").ShouldStartWith("application/json");
            WebhookSignature.Verify("whsec_another", request.Header("X-Larkway-Timestamp"), request.Header("X-Larkway-Signature"), request.Body, DateTimeOffset.UtcNow)
                .ShouldBeFalse();
        }

        using var message = JsonDocument.Parse(receiver.At("/all").First(r => Type(r) == "im.message.receive_v1").Body);
        message.RootElement.GetProperty("id").GetString().ShouldNotBeNullOrEmpty();
        message.RootElement.GetProperty("app").GetString().ShouldBe("default");
        message.RootElement.GetProperty("event").GetProperty("message").GetProperty("message_id").GetString().ShouldBe(messageId);
        message.RootElement.TryGetProperty("created_at", out _).ShouldBeTrue();

        using var click = JsonDocument.Parse(receiver.At("/all").First(r => Type(r) == "card.action.trigger").Body);
        click.RootElement.GetProperty("event").GetProperty("action").GetProperty("value").GetProperty("action").GetString().ShouldBe("sample.ack");

        // The delivery log shows them delivered, with status and response time; the list never shows the secret.
        var log = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/webhooks/{id}/deliveries?status=delivered");
        log = log.GetProperty("items");
        log.EnumerateArray().Select(d => d.GetProperty("event_type").GetString()).ShouldContain("card.action.trigger");
        foreach (var delivery in log.EnumerateArray())
        {
            delivery.GetProperty("status_code").GetInt32().ShouldBe(200);
            delivery.GetProperty("attempts").GetInt32().ShouldBe(1);
            delivery.GetProperty("response_time_ms").ValueKind.ShouldBe(JsonValueKind.Number);
        }

        var list = await admin.GetStringAsync("/api/v1/webhooks");
        list.ShouldContain(id);
        list.ShouldNotContain(secret);
    }

    [Fact]
    public async Task A_receiver_answering_500_gets_the_event_again_and_exactly_once_delivered_even_when_the_inbox_event_is_replayed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAsync(FastRetries);
        using var admin = Client(hub, HubSandbox.AdminKey);
        var (id, _) = await SubscribeAsync(admin, receiver.Url("/flaky"), "im.message.receive_v1");
        receiver.Answer("/flaky", 500);

        await hub.SayToBotAsync("/echo once");

        await HubSandbox.WaitUntilAsync(() => receiver.At("/flaky").Any(r => r.AnsweredWith == 200), "the retry after the 500");
        var attempts = receiver.At("/flaky");
        attempts.Select(r => r.AnsweredWith).ShouldBe([500, 200]);
        attempts[0].Header("X-Larkway-Delivery").ShouldBe(attempts[1].Header("X-Larkway-Delivery"));
        attempts[0].Body.ShouldBe(attempts[1].Body);

        var delivery = (await WaitForDeliveriesAsync(admin, id, d => d.Any(x => x.GetProperty("status").GetString() == "delivered"))).Single();
        delivery.GetProperty("attempts").GetInt32().ShouldBe(2);
        delivery.GetProperty("status_code").GetInt32().ShouldBe(200);

        // Replaying the inbox event runs its handlers again but queues no second delivery: one per (webhook, event).
        var events = await admin.GetFromJsonAsync<JsonElement>("/api/v1/events?type=im.message.receive_v1");
        var inboxId = events.GetProperty("items").EnumerateArray().Single().GetProperty("id").GetInt64();
        (await admin.PostAsync($"/api/v1/events/{inboxId}/replay", null)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        // The replay set it Pending before answering, so Done now means it was handled again.
        await WaitForInboxDoneAsync(admin, inboxId);

        (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/webhooks/{id}/deliveries")).GetProperty("items").GetArrayLength().ShouldBe(1);
        receiver.At("/flaky").Count(r => r.AnsweredWith == 200).ShouldBe(1);
    }

    [Fact]
    public async Task A_400_dead_letters_the_delivery_and_a_replay_delivers_it()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAsync(FastRetries);
        using var admin = Client(hub, HubSandbox.AdminKey);
        var (id, _) = await SubscribeAsync(admin, receiver.Url("/strict"), "im.message.*");
        receiver.Answer("/strict", 400);

        await hub.SayToBotAsync("/echo refused");

        var dead = (await WaitForDeliveriesAsync(admin, id, d => d.Any(x => x.GetProperty("status").GetString() == "dead_letter"))).Single();
        dead.GetProperty("status_code").GetInt32().ShouldBe(400);
        dead.GetProperty("attempts").GetInt32().ShouldBe(1);
        dead.GetProperty("last_error").GetString()!.ShouldContain("400");
        receiver.At("/strict").Count.ShouldBe(1);

        var deadOnly = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/webhooks/{id}/deliveries?status=dead_letter&limit=10");
        deadOnly.GetProperty("items").GetArrayLength().ShouldBe(1);
        (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/webhooks/{id}/deliveries?status=delivered")).GetProperty("items").GetArrayLength().ShouldBe(0);

        var deliveryId = dead.GetProperty("id").GetInt64();
        var replay = await admin.PostAsync($"/api/v1/webhook-deliveries/{deliveryId}/replay", null);
        replay.StatusCode.ShouldBe(HttpStatusCode.Accepted);

        var delivered = (await WaitForDeliveriesAsync(admin, id, d => d.Any(x => x.GetProperty("status").GetString() == "delivered"))).Single();
        delivered.GetProperty("id").GetInt64().ShouldBe(deliveryId);
        delivered.GetProperty("status_code").GetInt32().ShouldBe(200);
        receiver.At("/strict").Select(r => r.AnsweredWith).ShouldBe([400, 200]);

        (await admin.PostAsync("/api/v1/webhook-deliveries/999999/replay", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_receiver_that_keeps_failing_is_dead_lettered_after_MaxAttempts()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAsync(FastRetries);
        using var admin = Client(hub, HubSandbox.AdminKey);
        var (id, _) = await SubscribeAsync(admin, receiver.Url("/down"), "*");
        receiver.Answer("/down", 503, 503, 503, 503);

        await hub.SayToBotAsync("/echo nobody home");

        var dead = (await WaitForDeliveriesAsync(admin, id, d => d.Any(x => x.GetProperty("status").GetString() == "dead_letter"))).Single();
        dead.GetProperty("attempts").GetInt32().ShouldBe(3);
        dead.GetProperty("status_code").GetInt32().ShouldBe(503);
        receiver.At("/down").Count.ShouldBe(3);
    }

    [Fact]
    public async Task Filters_route_each_event_type_only_to_the_webhooks_that_asked_for_it()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAsync(FastRetries);
        using var admin = Client(hub, HubSandbox.AdminKey);
        var (messagesId, _) = await SubscribeAsync(admin, receiver.Url("/messages"), "im.message.*");
        var (cardsId, _) = await SubscribeAsync(admin, receiver.Url("/cards"), "card.action.trigger");
        var (approvalsId, _) = await SubscribeAsync(admin, receiver.Url("/approvals"), "approval.*");
        var (gone, _) = await SubscribeAsync(admin, receiver.Url("/deleted"), "*");
        (await admin.DeleteAsync($"/api/v1/webhooks/{gone}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await admin.DeleteAsync($"/api/v1/webhooks/{gone}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var messageId = await hub.SayToBotAsync("/card");
        await HubSandbox.WaitUntilAsync(() => hub.BotCardsInChatOf(messageId).Count > 0, "the bot's card");
        await hub.ClickAsync(hub.BotCardsInChatOf(messageId)[0].MessageId, new { action = "sample.ack" });
        await HubSandbox.WaitUntilAsync(() => receiver.At("/messages").Count > 0 && receiver.At("/cards").Count > 0, "both webhooks called");

        // Both events were handled (the card action inline, the message by the processor) before this point.
        await WaitForDeliveriesAsync(admin, messagesId, d => d.All(x => x.GetProperty("status").GetString() == "delivered"));
        Types(receiver.At("/messages")).ShouldBe(["im.message.receive_v1"]);
        Types(receiver.At("/cards")).ShouldBe(["card.action.trigger"]);
        (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/webhooks/{cardsId}/deliveries")).GetProperty("items").GetArrayLength().ShouldBe(1);
        (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/webhooks/{approvalsId}/deliveries")).GetProperty("items").GetArrayLength().ShouldBe(0);
        receiver.At("/approvals").ShouldBeEmpty();
        receiver.At("/deleted").ShouldBeEmpty();
        (await admin.GetAsync($"/api/v1/webhooks/{gone}/deliveries")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Only_the_admin_key_manages_webhooks_and_bad_subscriptions_are_refused()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var admin = Client(hub, HubSandbox.AdminKey);
        var created = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "erp", types = new[] { "*" } });
        var apiKey = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        var request = new { url = "http://127.0.0.1:9/hook", event_types = new[] { "*" } };

        using (var business = Client(hub, apiKey))
        {
            (await business.PostAsJsonAsync("/api/v1/webhooks", request)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            (await business.GetAsync("/api/v1/webhooks")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            (await business.PostAsync("/api/v1/webhook-deliveries/1/replay", null)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }

        using (var anonymous = Client(hub, null))
        {
            (await anonymous.PostAsJsonAsync("/api/v1/webhooks", request)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            (await anonymous.GetAsync("/api/v1/webhooks/whk_x/deliveries")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        using (var wrong = Client(hub, "not-the-admin-key"))
        {
            (await wrong.GetAsync("/api/v1/webhooks")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        (await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "ftp://example.com/x", event_types = new[] { "*" } })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "/relative", event_types = new[] { "*" } })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://example.com/x", event_types = Array.Empty<string>() })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://example.com/x", event_types = new[] { "im.*.x" } })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await admin.GetAsync("/api/v1/webhooks")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await admin.GetFromJsonAsync<JsonElement>("/api/v1/webhooks")).GetProperty("items").GetArrayLength().ShouldBe(0);

        var ok = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://example.com/hooks/larkway", event_types = new[] { "im.message.*", "card.action.trigger" }, description = "ERP" });
        ok.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await ok.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("id").GetString()!.ShouldStartWith("whk_");
        body.GetProperty("secret").GetString()!.ShouldStartWith("whsec_");
        body.GetProperty("event_types").EnumerateArray().Select(e => e.GetString()).ShouldBe(["im.message.*", "card.action.trigger"]);
        (await admin.GetAsync($"/api/v1/webhooks/{body.GetProperty("id").GetString()}/deliveries?status=nope")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await admin.GetAsync($"/api/v1/webhooks/{body.GetProperty("id").GetString()}/deliveries?limit=0")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    internal static async Task<(string Id, string Secret)> SubscribeAsync(HttpClient admin, Uri url, params string[] types)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = url.ToString(), event_types = types, description = "test receiver" });
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        using var document = JsonDocument.Parse(text);
        return (document.RootElement.GetProperty("id").GetString()!, document.RootElement.GetProperty("secret").GetString()!);
    }

    private static async Task<List<JsonElement>> WaitForDeliveriesAsync(HttpClient admin, string id, Func<List<JsonElement>, bool> condition)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var list = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/webhooks/{id}/deliveries", cts.Token)).GetProperty("items").EnumerateArray().Select(e => e.Clone()).ToList();
            if (list.Count > 0 && condition(list))
            {
                return list;
            }

            try
            {
                await Task.Delay(50, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Gave up waiting for the deliveries of {id}; last: {JsonSerializer.Serialize(list)}");
            }
        }
    }

    private static async Task WaitForInboxDoneAsync(HttpClient admin, long inboxId)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while ((await admin.GetFromJsonAsync<JsonElement>("/api/v1/events?status=done", cts.Token)).GetProperty("items").EnumerateArray().All(e => e.GetProperty("id").GetInt64() != inboxId))
        {
            await Task.Delay(50, cts.Token);
        }
    }

    private static string Type(ReceivedWebhook request)
    {
        using var document = JsonDocument.Parse(request.Body);
        return document.RootElement.GetProperty("type").GetString()!;
    }

    private static List<string> Types(IEnumerable<ReceivedWebhook> requests) => [.. requests.Select(Type)];

    internal static HttpClient Client(HubSandbox hub, string? key)
    {
        var client = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }
}
