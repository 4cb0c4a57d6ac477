namespace Larkway.Integration.Tests.Hub;

/// <summary>The README's run command on a fresh machine: the Hub with no credentials runs its bot against the embedded Emulator.</summary>
public sealed class HubSandboxTests
{
    [Fact]
    public async Task A_user_message_to_the_bot_is_answered_through_the_signed_encrypted_event_path()
    {
        await using var hub = await HubSandbox.StartAsync();

        var messageId = await hub.SayToBotAsync("/echo hello from the sandbox");

        await HubSandbox.WaitUntilAsync(() => hub.BotTextsInChatOf(messageId).Count > 0, "the bot's reply");
        Assert.Equal(["hello from the sandbox"], hub.BotTextsInChatOf(messageId));
        var attempt = Assert.Single(hub.Host.Emulator!.Deliveries.Attempts, a => a.EventType == "im.message.receive_v1");
        Assert.Equal(200, attempt.StatusCode);
    }

    [Fact]
    public async Task A_click_on_the_bots_card_is_answered_with_a_toast_and_an_updated_card()
    {
        await using var hub = await HubSandbox.StartAsync();
        var messageId = await hub.SayToBotAsync("/card");
        await HubSandbox.WaitUntilAsync(() => hub.BotCardsInChatOf(messageId).Count > 0, "the bot's card");
        var card = hub.BotCardsInChatOf(messageId)[0];

        var outcome = await hub.ClickAsync(card.MessageId, new { action = "sample.ack" });

        Assert.Equal("ok", outcome.GetProperty("status").GetString());
        Assert.Equal("Acknowledged", outcome.GetProperty("toast").GetProperty("content").GetString());
        Assert.True(outcome.GetProperty("card_updated").GetBoolean());
        Assert.Contains("Acknowledged by", hub.State.FindMessage(card.MessageId)!.Content, StringComparison.Ordinal);
    }
}
