using System.Collections.Concurrent;
using System.Text.Json;
using Larkway.Emulator.DingTalk.Callbacks;
using Larkway.Emulator.Tests.DingTalk.Stream;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Larkway.Emulator.Tests.DingTalk;

/// <summary>An app's own server: records each POST (headers, query, body) and answers with <see cref="Respond"/>.</summary>
internal sealed class DingTalkReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _requests = new();

    private DingTalkReceiver(WebApplication app) => _app = app;

    public sealed record Received(Dictionary<string, string> Headers, Dictionary<string, string?> Query, string Body);

    public string Url { get; private set; } = string.Empty;

    public Func<Received, (int Status, string Body)> Respond { get; set; } = _ => (200, "{}");

    public static async Task<DingTalkReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new DingTalkReceiver(app);
        app.MapPost("/callback", receiver.HandleAsync);
        await app.StartAsync();
        receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/callback";
        return receiver;
    }

    /// <summary>
    /// Answers every post as an app whose event subscription has <paramref name="token"/> and <paramref name="aesKey"/>
    /// would: the encrypted "success" (so a subscription is saved and events count as delivered).
    /// </summary>
    public void AnswerSuccess(string token, string aesKey, string ownerKey) => Respond = _ =>
    {
        var encrypt = EventCrypto.Encrypt("success", aesKey, ownerKey);
        return (200, JsonSerializer.Serialize(new { msg_signature = EventCrypto.Signature(token, "1700000000000", "n0nce", encrypt), timeStamp = "1700000000000", nonce = "n0nce", encrypt }));
    };

    /// <summary>The decrypted plaintext of every post so far, in order of arrival.</summary>
    public IReadOnlyList<JsonElement> Events(string aesKey) =>
        [.. _requests.Select(r => JsonDocument.Parse(EventCrypto.Decrypt(JsonDocument.Parse(r.Body).RootElement.GetProperty("encrypt").GetString()!, aesKey)!.Value.Message).RootElement)];

    /// <summary>The <paramref name="count"/>th request (1-based), once it came.</summary>
    public async Task<Received> WaitForAsync(int count)
    {
        await StreamTestHelpers.WaitUntilAsync(() => _requests.Count >= count, $"request {count}");
        return _requests.ElementAt(count - 1);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var received = new Received(
            context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
            context.Request.Query.ToDictionary(q => q.Key, q => (string?)q.Value.ToString()),
            await reader.ReadToEndAsync(context.RequestAborted));
        _requests.Enqueue(received);
        var (status, body) = Respond(received);
        context.Response.StatusCode = status;
        await context.Response.WriteAsync(body, context.RequestAborted);
    }
}
