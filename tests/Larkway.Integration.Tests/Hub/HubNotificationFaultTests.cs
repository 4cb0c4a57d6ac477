using System.Net.Http.Json;
using Larkway.Emulator.Hosting;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// A few hundred notification deliveries through the Hub against the Emulator with its rate limits on, while Feishu
/// misbehaves: every recipient ends up with exactly one message of each notification — none lost, none twice.
/// </summary>
public sealed class HubNotificationFaultTests
{
    private const string SendEndpoint = "POST /open-apis/im/v1/messages";

    /// <summary>Short back-offs so retries happen within the test; everything else as deployed.</summary>
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Larkway:Notifications:RetryDelays:0"] = "00:00:00.200",
        ["Larkway:Notifications:RetryDelays:1"] = "00:00:00.500",
        ["Larkway:Notifications:PollInterval"] = "00:00:00.200",
    };

    [Fact]
    public async Task A_429_storm_delays_deliveries_but_loses_and_doubles_none()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", Settings);
        var load = NotificationLoad.Plan(emulator.State);

        // More 429s than the Feishu client retries in one call, so the outbox has to wait out the reset too.
        await ArmAsync(hub, new { endpoint = SendEndpoint, kind = "rate_limit", count = 40, reset_seconds = 1 });
        await RunAsync(hub, load);

        var sends = emulator.CallCounts[SendEndpoint];
        Assert.True(sends >= load.Deliveries + 40, $"{sends} send calls for {load.Deliveries} deliveries and 40 refusals");
    }

    [Fact]
    public async Task Intermittent_server_errors_including_ones_after_the_message_was_posted_lose_and_double_none()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", Settings);
        var load = NotificationLoad.Plan(emulator.State);

        // Every 4th send fails before doing anything, every 5th fails after posting (a lost answer: only the
        // message uuid keeps the retry from posting again); contact look-ups fail now and then too.
        await ArmAsync(hub, new { endpoint = SendEndpoint, kind = "server_error", count = 40, every = 4 });
        await ArmAsync(hub, new { endpoint = SendEndpoint, kind = "server_error_after", count = 30, every = 5 });
        await ArmAsync(hub, new { endpoint = "POST /open-apis/contact/v3/users/batch_get_id", kind = "server_error", count = 10, every = 3 });
        await RunAsync(hub, load);

        var faults = await hub.Control.GetFromJsonAsync<System.Text.Json.JsonElement>("/_emulator/faults");
        Assert.Equal(0, faults.GetProperty("data").GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Tokens_expiring_mid_run_are_renewed_and_nothing_is_lost_or_doubled()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", Settings);
        var load = NotificationLoad.Plan(emulator.State);
        var key = await NotificationLoad.CreateKeyAsync(hub.Host.BaseUrl, HubSandbox.AdminKey);

        await load.PostAllAsync(hub.Host.BaseUrl, key);

        // Up to one outbox batch of sends (Concurrency, 16) may have been authorised before an expiry and recorded
        // after it, so only an expiry followed by more posts than that must have cost a fetch.
        const int inFlight = 16;
        var followedBySends = 0;
        foreach (var fraction in new[] { 4, 2 })
        {
            // Expire every issued token once a quarter and once half of the deliveries are posted.
            await HubSandbox.WaitUntilAsync(() => NotificationLoad.PostedCount(emulator.State) >= load.Deliveries / fraction, $"1/{fraction} posted", seconds: 120);
            using var expired = await hub.Control.PostAsync("/_emulator/tokens/expire", null);
            expired.EnsureSuccessStatusCode();
            var postedAtExpiry = NotificationLoad.PostedCount(emulator.State);

            // Before the next expiry, the renewed token must be in use: otherwise a fetch still in flight at the next
            // expiry would be counted before it and answered after it, and that expiry would owe no fetch of its own.
            await HubSandbox.WaitUntilAsync(
                () => NotificationLoad.PostedCount(emulator.State) is var posted && (posted > postedAtExpiry + inFlight || posted == load.Deliveries),
                $"sends after the 1/{fraction} expiry", seconds: 120);
            if (NotificationLoad.PostedCount(emulator.State) > postedAtExpiry + inFlight)
            {
                followedBySends++;
            }
        }

        await load.WaitAllSentAsync(hub.Host.BaseUrl, key);
        load.AssertExactlyOnce(emulator.State);

        // A message posted after an expiry needs a token issued after it. On a slow machine the sender may have
        // posted everything before the second expiry; that expiry then owes no new token.
        Assert.True(followedBySends >= 1, "the first expiry came before the last message was posted");
        Assert.True(emulator.CallCounts["POST /open-apis/auth/v3/tenant_access_token/internal"] >= 1 + followedBySends, "the token was fetched again after each expiry that sends followed");
    }

    [Fact]
    public async Task A_busy_chat_is_paced_to_its_limit_without_holding_up_other_recipients()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", Settings);
        var key = await NotificationLoad.CreateKeyAsync(hub.Host.BaseUrl, HubSandbox.AdminKey);
        var general = emulator.State.Chats.Single(c => c.Name == Larkway.Emulator.Seed.DefaultSeed.GeneralChatName).ChatId;
        using var client = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);

        // 60 notifications to one chat (12 s of its 5 a second), then one to a person.
        for (var i = 0; i < 60; i++)
        {
            using var queued = await client.PostAsJsonAsync("/api/v1/notifications", Card($"busy-{i}", new { chat_id = general }));
            queued.EnsureSuccessStatusCode();
        }

        using var last = await client.PostAsJsonAsync("/api/v1/notifications", Card("person", new { email = "bob@example.com" }));
        var id = (await last.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString()!;
        await HubSandbox.WaitUntilAsync(() => Status(client, id) == "sent", "the person's notification sent");
        var chatPostedMeanwhile = emulator.State.MessagesIn(general).Count(m => m.Content.Contains("busy-", StringComparison.Ordinal));
        Assert.True(chatPostedMeanwhile < 30, $"the person's message waited for {chatPostedMeanwhile} of the chat's 60");

        // The chat's messages all arrive, and Feishu refused none of the sends: the Hub paced, it did not collect 230020s.
        await HubSandbox.WaitUntilAsync(() => emulator.State.MessagesIn(general).Count(m => m.Content.Contains("busy-", StringComparison.Ordinal)) == 60, "the chat's 60 messages", seconds: 60);
        Assert.Equal(61, emulator.CallCounts[SendEndpoint]);
    }

    private static string? Status(HttpClient client, string id) =>
        client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/notifications/{id}").GetAwaiter().GetResult().GetProperty("status").GetString();

    private static object Card(string marker, object recipient) => new
    {
        type = "purchase_order.created",
        idempotency_key = marker,
        card = new { elements = new[] { new { tag = "div", text = new { tag = "lark_md", content = marker } } } },
        recipients = new[] { recipient },
    };

    private static async Task RunAsync(HubSandbox hub, NotificationLoad load)
    {
        var key = await NotificationLoad.CreateKeyAsync(hub.Host.BaseUrl, HubSandbox.AdminKey);
        await load.PostAllAsync(hub.Host.BaseUrl, key);
        await load.WaitAllSentAsync(hub.Host.BaseUrl, key);
        load.AssertExactlyOnce(hub.State);
    }

    private static async Task ArmAsync(HubSandbox hub, object fault)
    {
        using var response = await hub.Control.PostAsJsonAsync("/_emulator/faults", fault);
        response.EnsureSuccessStatusCode();
    }
}
