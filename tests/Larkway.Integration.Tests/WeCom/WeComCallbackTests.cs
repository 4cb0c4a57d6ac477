using System.Collections.Concurrent;
using Larkway.WeCom.Callbacks;
using Larkway.WeCom.Messages;

namespace Larkway.Integration.Tests.WeCom;

/// <summary>
/// The library's callback crypto against the emulator's: the emulator verifies the URL, then encrypts a member's message
/// and a card click to a receiver built on <see cref="WeComCallbackCrypto"/>, which answers with an encrypted passive
/// reply the emulator must decrypt.
/// </summary>
public sealed class WeComCallbackTests(WeComEmulatorFixture fx) : IClassFixture<WeComEmulatorFixture>, IAsyncLifetime
{
    private readonly ConcurrentQueue<WeComCallbackMessage> _received = new();
    private WeComCallbackReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WeComCallbackReceiver.StartAsync(fx, (message, timestamp, nonce) =>
    {
        _received.Enqueue(message);
        return Task.FromResult(message is WeComTextMessage text
            ? _receiver.Crypto.EncryptXmlReply(WeComPassiveReply.Text(text.FromUserName, text.ToUserName, DateTimeOffset.UtcNow, "echo: " + text.Content), timestamp, nonce)
            : "");
    });

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task The_url_is_verified_a_message_is_decrypted_and_the_encrypted_passive_reply_is_read_back()
    {
        var outcome = await fx.PostAsync("users/alice/say", new { text = "你好 Larkway" });

        Assert.Equal("delivered", outcome.GetProperty("status").GetString());
        var text = Assert.IsType<WeComTextMessage>(Assert.Single(_received));
        Assert.Equal("你好 Larkway", text.Content);
        Assert.Equal("alice", text.FromUserName, ignoreCase: true);
        Assert.Equal(fx.Options.WeComAgentId, text.AgentId);
        Assert.Contains("echo: 你好 Larkway", outcome.GetProperty("reply").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_card_click_arrives_as_a_template_card_event_whose_response_code_updates_the_card()
    {
        var taskId = "po-" + Guid.NewGuid().ToString("N")[..8];
        var sent = await fx.Client.Messages.SendAsync(WeComRecipients.ToUsers("bob"), WeComAppMessage.TemplateCard(
            WeComTemplateCard.ButtonInteraction(taskId, new WeComCardTitle("PO-42"), new WeComCardButton("Approve", "approve"), new WeComCardButton("Reject", "reject"))));

        var outcome = await fx.PostAsync($"messages/{sent.MsgId}/click", new { userid = "bob", key = "approve" });

        Assert.Equal("delivered", outcome.GetProperty("status").GetString());
        var click = Assert.IsType<WeComTemplateCardEvent>(Assert.Single(_received));
        Assert.Equal("approve", click.EventKey);
        Assert.Equal(taskId, click.TaskId);
        Assert.Equal("button_interaction", click.CardType);
        Assert.False(string.IsNullOrEmpty(click.ResponseCode));
        Assert.Empty(await fx.Client.Messages.UpdateTemplateCardButtonAsync(click.ResponseCode!, "Approved", WeComRecipients.ToUsers("bob")));
    }
}
