using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// Feishu delivers at least once, in any order, sometimes late. Whatever arrives, each user message
/// gets exactly one answer: checked by counting the bot's replies once the inbox has settled.
/// </summary>
public sealed class HubDeliveryTests
{
    private static async Task<(EmulatorServer Emulator, HubSandbox Hub, FeishuPlayer Player)> StartWebhookHubAsync(IDictionary<string, string?>? settings = null)
    {
        // No subscription: the test, not the Emulator, decides what reaches the Hub and when.
        var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", settings);
        var player = new FeishuPlayer(hub.Api, HubSandbox.ExternalEncryptKey, HubSandbox.ExternalVerificationToken, hub.Host.Settings.AppId!);
        return (emulator, hub, player);
    }

    private static string EventFor(HubSandbox hub, FeishuPlayer player, string messageId, string eventId)
    {
        var message = hub.State.FindMessage(messageId)!;
        return FeishuPlayer.ReceiveEvent(message, hub.State.FindChat(message.ChatId)!, eventId, player.Verification, player.AppId, hub.State.Tenant.TenantKey);
    }

    [Fact]
    public async Task Duplicates_out_of_order_deliveries_and_a_second_event_id_for_one_message_get_one_answer_each()
    {
        var (emulator, hub, player) = await StartWebhookHubAsync();
        await using var _ = emulator;
        await using var __ = hub;
        var messages = new List<string>();
        for (var i = 1; i <= 5; i++)
        {
            messages.Add(await hub.SayToBotAsync($"/echo message {i}"));
        }

        var events = messages.Select((m, i) => EventFor(hub, player, m, $"ev_delivery_{i + 1}")).ToList();
        var secondIdForMessage2 = EventFor(hub, player, messages[1], "ev_delivery_2_again");

        // 3, then 1 twice at once, 5, 2, 4, 3 again, and message 2 under a new event id.
        using (var third = await player.DeliverAsync(events[2]))
        {
            Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        }

        var concurrent = await Task.WhenAll(player.DeliverAsync(events[0]), player.DeliverAsync(events[0]));
        Assert.All(concurrent, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var body in new[] { events[4], events[1], events[3], events[2], secondIdForMessage2 })
        {
            using var r = await player.DeliverAsync(body);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        await AdminApi.WaitAllDoneAsync(hub.Host.BaseUrl, HubSandbox.AdminKey, 5);
        Assert.Equal(5, (await AdminApi.EventsAsync(hub.Host.BaseUrl, HubSandbox.AdminKey)).Count);
        for (var i = 0; i < 5; i++)
        {
            var expected = $"message {i + 1}";
            Assert.Single(hub.BotTextsInChatOf(messages[i]), t => t == expected);
        }

        Assert.Equal(5, hub.BotTextsInChatOf(messages[0]).Count);
    }

    [Fact]
    public async Task A_delivery_arriving_again_long_after_it_was_handled_is_acknowledged_and_ignored()
    {
        var (emulator, hub, player) = await StartWebhookHubAsync();
        await using var _ = emulator;
        await using var __ = hub;
        var messageId = await hub.SayToBotAsync("/echo late");
        var body = EventFor(hub, player, messageId, "ev_late");

        using (var first = await player.DeliverAsync(body))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        await AdminApi.WaitAllDoneAsync(hub.Host.BaseUrl, HubSandbox.AdminKey, 1);
        using var again = await player.DeliverAsync(body);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Single(await AdminApi.EventsAsync(hub.Host.BaseUrl, HubSandbox.AdminKey));
        Assert.Equal(["late"], hub.BotTextsInChatOf(messageId));
    }

    [Fact]
    public async Task A_tampered_delivery_is_refused_and_nothing_is_stored()
    {
        var (emulator, hub, player) = await StartWebhookHubAsync();
        await using var _ = emulator;
        await using var __ = hub;
        var messageId = await hub.SayToBotAsync("/echo never");
        var wrongPlayer = new FeishuPlayer(hub.Api, "not-the-hubs-key", HubSandbox.ExternalVerificationToken, player.AppId);

        using var response = await wrongPlayer.DeliverAsync(EventFor(hub, player, messageId, "ev_forged"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await AdminApi.EventsAsync(hub.Host.BaseUrl, HubSandbox.AdminKey));
        Assert.Empty(hub.BotTextsInChatOf(messageId));
    }

    [Fact]
    public async Task A_failed_event_replayed_through_the_admin_api_is_handled_again()
    {
        var (emulator, hub, player) = await StartWebhookHubAsync();
        await using var _ = emulator;
        await using var __ = hub;
        var messageId = await hub.SayToBotAsync("/echo replay me");
        using (var r = await player.DeliverAsync(EventFor(hub, player, messageId, "ev_replay")))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        await AdminApi.WaitAllDoneAsync(hub.Host.BaseUrl, HubSandbox.AdminKey, 1);
        var stored = Assert.Single(await AdminApi.EventsAsync(hub.Host.BaseUrl, HubSandbox.AdminKey));
        using var admin = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", HubSandbox.AdminKey);

        using var replay = await admin.PostAsync($"/api/v1/events/{stored.GetProperty("id").GetInt64()}/replay", null);
        using var unauthorized = await new HttpClient { BaseAddress = hub.Host.BaseUrl }.PostAsync($"/api/v1/events/{stored.GetProperty("id").GetInt64()}/replay", null);

        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        await AdminApi.WaitAllDoneAsync(hub.Host.BaseUrl, HubSandbox.AdminKey, 1);

        // The handler ran twice (two reply calls), but the replayed reply carried the same uuid,
        // which Feishu (and the Emulator) dedupes: the user sees one answer.
        await HubSandbox.WaitUntilAsync(() => ReplyCalls(hub) >= 2, "the replayed handling's reply call");
        Assert.Equal(["replay me"], hub.BotTextsInChatOf(messageId));
    }

    [Fact]
    public async Task A_question_the_bot_asked_before_a_restart_takes_the_answer_after_it()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        var data = Directory.CreateTempSubdirectory("larkway-hub-").FullName;
        string question;
        await using (var before = await HubSandbox.StartAgainstAsync(emulator, "webhook", dataDirectory: data))
        {
            var player = new FeishuPlayer(before.Api, HubSandbox.ExternalEncryptKey, HubSandbox.ExternalVerificationToken, before.Host.Settings.AppId!);
            question = await before.SayToBotAsync("/feedback");
            using var asked = await player.DeliverAsync(EventFor(before, player, question, "ev_question"));
            Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
            await HubSandbox.WaitUntilAsync(() => before.BotTextsInChatOf(question).Count == 1, "the bot's question");
        }

        await using var after = await HubSandbox.StartAgainstAsync(emulator, "webhook", dataDirectory: data);
        var again = new FeishuPlayer(after.Api, HubSandbox.ExternalEncryptKey, HubSandbox.ExternalVerificationToken, after.Host.Settings.AppId!);
        var answer = await after.SayToBotAsync("The lift is slow");
        using (var answered = await again.DeliverAsync(EventFor(after, again, answer, "ev_answer")))
        {
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        }

        await after.WaitForAsync(() => after.BotTextsInChatOf(answer).Count == 2, "the bot's thanks");
        Assert.True(after.BotTextsInChatOf(answer)[1] == "Thanks, noted: \"The lift is slow\"", $"{after.BotTextsInChatOf(answer)[1]}; {after.Log}");
    }

    private static long ReplyCalls(HubSandbox hub) =>
        hub.Emulator.CallCounts.Where(c => c.Key.EndsWith("/reply", StringComparison.Ordinal)).Sum(c => c.Value);
}
