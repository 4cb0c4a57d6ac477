using Larkway.WeCom.Callbacks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Larkway.Integration.Tests.WeCom;

/// <summary>
/// An app's callback URL built on the library's <see cref="WeComCallbackCrypto"/>: it answers the emulator's URL check and
/// hands each decrypted, parsed callback (with its timestamp and nonce, for an encrypted passive reply) to a handler whose
/// text is the answer's body. Registered with the emulator as the app's callback URL when started.
/// </summary>
internal sealed class WeComCallbackReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WeComCallbackReceiver(WebApplication app, WeComCallbackCrypto crypto)
    {
        _app = app;
        Crypto = crypto;
    }

    public WeComCallbackCrypto Crypto { get; }

    public Uri Url { get; private set; } = null!;

    public static async Task<WeComCallbackReceiver> StartAsync(WeComEmulatorFixture fx, Func<WeComCallbackMessage, string, string, Task<string>> handle)
    {
        var crypto = new WeComCallbackCrypto(fx.Options.WeComCallbackToken, fx.Options.WeComEncodingAesKey, fx.Options.WeComCorpId);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/wecom/callback", (HttpRequest r) =>
            Results.Text(crypto.VerifyUrl(r.Query["msg_signature"], r.Query["timestamp"], r.Query["nonce"], r.Query["echostr"])));
        app.MapPost("/wecom/callback", async (HttpRequest r) =>
        {
            using var reader = new StreamReader(r.Body);
            var body = await reader.ReadToEndAsync();
            string timestamp = r.Query["timestamp"]!, nonce = r.Query["nonce"]!;
            var message = WeComCallbackMessage.Parse(crypto.DecryptXml(r.Query["msg_signature"], timestamp, nonce, body));
            return Results.Text(await handle(message, timestamp, nonce), "application/xml");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var receiver = new WeComCallbackReceiver(app, crypto) { Url = new Uri(new Uri(address), "/wecom/callback") };
        await fx.PostAsync("callback", new { url = receiver.Url.ToString() });
        return receiver;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
