using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Larkway.Emulator.Tests.Infrastructure;

/// <summary>One request as the receiver saw it: headers and the exact body bytes.</summary>
public sealed record ReceivedRequest(int Index, string? Timestamp, string? Nonce, string? Signature, string? ContentType, byte[] RawBody)
{
    public string RawText => Encoding.UTF8.GetString(RawBody);
}

/// <summary>
/// A developer server on 127.0.0.1:0 (real Kestrel). It verifies and decrypts with its own code
/// (System.Security.Cryptography), independent of the emulator's signer and encryptor.
/// </summary>
public sealed class EventReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private int _count;

    private EventReceiver(WebApplication app, string? encryptKey)
    {
        _app = app;
        EncryptKey = encryptKey;
    }

    public string? EncryptKey { get; }

    public Uri Url { get; private set; } = null!;

    /// <summary>Decides the answer to request n (0-based); the default echoes challenges and answers 200.</summary>
    public Func<ReceivedRequest, CancellationToken, Task<(int Status, string Body)>>? Respond { get; set; }

    public IReadOnlyList<ReceivedRequest> Requests => [.. _requests];

    public static async Task<EventReceiver> StartAsync(string? encryptKey = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new EventReceiver(app, encryptKey);
        app.MapPost("/events", receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(address + "/events");
        return receiver;
    }

    /// <summary>Plain JSON of a request: decrypted (strict PKCS#7) when the receiver has an encrypt key.</summary>
    public JsonElement Plain(ReceivedRequest request)
    {
        using var outer = JsonDocument.Parse(request.RawBody);
        if (EncryptKey is null)
        {
            return outer.RootElement.Clone();
        }

        var blob = Convert.FromBase64String(outer.RootElement.GetProperty("encrypt").GetString()!);
        using var aes = Aes.Create();
        aes.Key = SHA256.HashData(Encoding.UTF8.GetBytes(EncryptKey));
        var plain = aes.DecryptCbc(blob.AsSpan(16), blob.AsSpan(0, 16), PaddingMode.PKCS7);
        using var inner = JsonDocument.Parse(plain);
        return inner.RootElement.Clone();
    }

    /// <summary>Checks X-Lark-Signature = lowercase hex SHA-256(timestamp + nonce + encrypt_key + raw body).</summary>
    public bool SignatureValid(ReceivedRequest request)
    {
        if (EncryptKey is null || request.Timestamp is null || request.Nonce is null || request.Signature is null)
        {
            return false;
        }

        var input = Encoding.UTF8.GetBytes(request.Timestamp + request.Nonce + EncryptKey).Concat(request.RawBody).ToArray();
        return request.Signature == Convert.ToHexStringLower(SHA256.HashData(input));
    }

    /// <summary>Waits (bounded, as a failure guard only) until a request matches.</summary>
    public async Task<ReceivedRequest> WaitForAsync(Func<ReceivedRequest, bool> match, int skip = 0)
    {
        for (var i = 0; i < 1000; i++)
        {
            var found = Requests.Where(match).Skip(skip).FirstOrDefault();
            if (found is not null)
            {
                return found;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("the receiver did not get the expected request; got: " + string.Join(" | ", Requests.Select(r => r.RawText)));
    }

    public Task<ReceivedRequest> WaitForEventAsync(string eventType, int skip = 0) =>
        WaitForAsync(r => EventTypeOf(r) == eventType, skip);

    public string? EventTypeOf(ReceivedRequest request)
    {
        var plain = Plain(request);
        return plain.TryGetProperty("header", out var header) ? header.GetProperty("event_type").GetString()
            : plain.TryGetProperty("type", out var type) ? type.GetString() : null;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var headers = context.Request.Headers;
        var request = new ReceivedRequest(
            Interlocked.Increment(ref _count) - 1,
            headers["X-Lark-Request-Timestamp"].FirstOrDefault(),
            headers["X-Lark-Request-Nonce"].FirstOrDefault(),
            headers["X-Lark-Signature"].FirstOrDefault(),
            context.Request.ContentType,
            buffer.ToArray());
        _requests.Enqueue(request);
        var (status, body) = Respond is { } respond ? await respond(request, context.RequestAborted) : Default(request);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body, context.RequestAborted);
    }

    public (int Status, string Body) Default(ReceivedRequest request)
    {
        var plain = Plain(request);
        return plain.TryGetProperty("type", out var type) && type.GetString() == "url_verification"
            ? (200, JsonSerializer.Serialize(new { challenge = plain.GetProperty("challenge").GetString() }))
            : (200, "{\"msg\":\"success\"}");
    }
}
