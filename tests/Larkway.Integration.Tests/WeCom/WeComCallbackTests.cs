using System.Collections.Concurrent;
using Larkway.WeCom.Callbacks;
using Larkway.WeCom.Messages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Larkway.Integration.Tests.WeCom;

/// <summary>
/// The library's callback crypto against the emulator's: the emulator verifies the URL, then encrypts a member's message
/// and a card click to a receiver built on <see cref="WeComCallbackCrypto"/>, which answers with an encrypted passive
/// reply the emulator must decrypt.
/// </summary>
public sealed class WeComCallbackTests(WeComEmulatorFixture fx) : IClassFixture<WeComEmulatorFixture>, IAsyncLifetime
{
    private readonly ConcurrentQueue<WeComCallbackMessage> _received = new();
    private WebApplication _app = null!;
    private Uri _url = null!;

    public async Task InitializeAsync()
    {
        var crypto = new WeComCallbackCrypto(fx.Options.WeComCallbackToken, fx.Options.WeComEncodingAesKey, fx.Options.WeComCorpId);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/wecom/callback", (HttpRequest r) =>
            Results.Text(crypto.VerifyUrl(r.Query["msg_signature"], r.Query["timestamp"], r.Query["nonce"], r.Query["echostr"])));
        _app.MapPost("/wecom/callback", async (HttpRequest r) =>
        {
            using var reader = new StreamReader(r.Body);
            var body = await reader.ReadToEndAsync();
            string timestamp = r.Query["timestamp"]!, nonce = r.Query["nonce"]!;
            var message = WeComCallbackMessage.Parse(crypto.DecryptXml(r.Query["msg_signature"], timestamp, nonce, body));
            _received.Enqueue(message);
            if (message is WeComTextMessage text)
            {
                var reply = WeComPassiveReply.Text(text.FromUserName, text.ToUserName, DateTimeOffset.UtcNow, "echo: " + text.Content);
                return Results.Text(crypto.EncryptXmlReply(reply, timestamp, nonce), "application/xml");
            }

            return Results.Text("");
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _url = new Uri(new Uri(address), "/wecom/callback");
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task The_url_is_verified_a_message_is_decrypted_and_the_encrypted_passive_reply_is_read_back()
    {
        await fx.PostAsync("callback", new { url = _url.ToString() });

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
        await fx.PostAsync("callback", new { url = _url.ToString() });
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
