using System.Net.Http.Json;
using Larkway.Emulator.Hosting;

namespace Larkway.Integration.Tests.Hub;

/// <summary>The Hub configured for a real app in long-connection mode, against the Emulator's WebSocket endpoint.</summary>
public sealed class HubLongConnectionTests
{
    private static async Task<EmulatorServer> StartEmulatorInLongConnectionModeAsync()
    {
        var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
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
}
