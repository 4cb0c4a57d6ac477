using System.Net.Http.Json;
using Larkway.Emulator.Hosting;

namespace Larkway.Integration.Tests.Hub;

/// <summary>The Hub configured for a real app in long-connection mode, against the Emulator's WebSocket endpoint.</summary>
public sealed class HubLongConnectionTests
{
    private static async Task<EmulatorServer> StartEmulatorInLongConnectionModeAsync(Action<EmulatorOptions>? configure = null)
    {
        var options = new EmulatorOptions { Port = 0, EnforceRateLimits = false };
        configure?.Invoke(options);

        // Reconnect within about a second after a drop (Feishu's defaults wait up to 30 s).
        options.LongConnection.ReconnectNonceSeconds = 1;
        options.LongConnection.ReconnectIntervalSeconds = 1;
        var emulator = await EmulatorServer.StartAsync(options);
        using var control = new HttpClient { BaseAddress = emulator.BaseUrl };
        using var subscribed = await control.PutAsJsonAsync($"/_emulator/apps/{emulator.State.Apps[0].AppId}/event-subscription",
            new { mode = "long-connection", verification_token = HubSandbox.ExternalVerificationToken });
        subscribed.EnsureSuccessStatusCode();
        return emulator;
    }

    [Fact]
    public async Task Events_over_the_long_connection_reach_the_bot_and_are_acked()
    {
        await using var emulator = await StartEmulatorInLongConnectionModeAsync();
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "long-connection");

        var messageId = await hub.SayToBotAsync("/echo over the socket");

        await HubSandbox.WaitUntilAsync(() => hub.BotTextsInChatOf(messageId).Count > 0, "the bot's reply");
        Assert.Equal(["over the socket"], hub.BotTextsInChatOf(messageId));
    }

    [Fact]
    public async Task A_card_click_over_the_long_connection_is_answered_in_the_ack()
    {
        await using var emulator = await StartEmulatorInLongConnectionModeAsync();
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "long-connection");
        var messageId = await hub.SayToBotAsync("/card");
        await HubSandbox.WaitUntilAsync(() => hub.BotCardsInChatOf(messageId).Count > 0, "the bot's card");

        var outcome = await hub.ClickAsync(hub.BotCardsInChatOf(messageId)[0].MessageId, new { action = "sample.ack" });

        Assert.Equal("ok", outcome.GetProperty("status").GetString());
        Assert.Equal("long-connection", outcome.GetProperty("target").GetString());
        Assert.Equal("Acknowledged", outcome.GetProperty("toast").GetProperty("content").GetString());
        Assert.True(outcome.GetProperty("card_updated").GetBoolean());
    }

    [Fact]
    public async Task A_connection_dropped_mid_stream_loses_nothing_and_doubles_nothing()
    {
        await using var emulator = await StartEmulatorInLongConnectionModeAsync();
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "long-connection");
        var appId = emulator.State.Apps[0].AppId;
        var messages = new List<string>();

        for (var i = 1; i <= 20; i++)
        {
            messages.Add(await hub.SayToBotAsync($"/echo stream {i}"));
            if (i is 7 or 14)
            {
                using var dropped = await hub.Control.PostAsJsonAsync("/_emulator/long-connection/faults", new { app_id = appId, kind = "drop" });
                dropped.EnsureSuccessStatusCode();
            }
        }

        await AdminApi.WaitAllDoneAsync(hub.Host.BaseUrl, HubSandbox.AdminKey, 20);
        var texts = hub.BotTextsInChatOf(messages[0]);
        Assert.Equal(20, texts.Count);
        for (var i = 1; i <= 20; i++)
        {
            var expected = $"stream {i}";
            Assert.Single(texts, t => t == expected);
        }
    }

    [Fact]
    public async Task An_event_split_into_fragments_sent_out_of_order_is_reassembled()
    {
        await using var emulator = await StartEmulatorInLongConnectionModeAsync(o =>
        {
            o.LongConnection.MaxFramePayloadBytes = 128;
            o.LongConnection.SendFragmentsOutOfOrder = true;
        });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "long-connection");
        var text = string.Concat(Enumerable.Range(0, 60).Select(i => $"part{i:00} "));

        var messageId = await hub.SayToBotAsync("/echo " + text);

        await HubSandbox.WaitUntilAsync(() => hub.BotTextsInChatOf(messageId).Count > 0, "the bot's reply");
        Assert.Equal([text.Trim()], hub.BotTextsInChatOf(messageId));
    }
}
