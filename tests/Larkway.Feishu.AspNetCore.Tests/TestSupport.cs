using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Larkway.Feishu.Events.Ingest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Larkway.Feishu.AspNetCore.Tests;

/// <summary>A clock the tests set by hand.</summary>
internal sealed class ManualTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>A sink that records what it gets and answers what the test says.</summary>
internal sealed class RecordingSink : IFeishuEventSink
{
    public List<FeishuInboundEvent> Received { get; } = [];

    public Func<FeishuInboundEvent, ValueTask<FeishuIngestResult>> Answer { get; set; } =
        static _ => ValueTask.FromResult(FeishuIngestResult.Accepted);

    public ValueTask<FeishuIngestResult> AcceptAsync(FeishuInboundEvent inbound, CancellationToken cancellationToken)
    {
        lock (Received)
        {
            Received.Add(inbound);
        }

        return Answer(inbound);
    }
}

/// <summary>Feishu's side of the wire, written here independently of the library: AES-256-CBC and signatures.</summary>
internal static class FeishuWire
{
    public static string Encrypt(string encryptKey, string plaintext)
    {
        using var aes = Aes.Create();
        aes.Key = SHA256.HashData(Encoding.UTF8.GetBytes(encryptKey));
        aes.GenerateIV();
        var cipher = aes.EncryptCbc(Encoding.UTF8.GetBytes(plaintext), aes.IV, PaddingMode.PKCS7);
        return Convert.ToBase64String([.. aes.IV, .. cipher]);
    }

    public static string EncryptedBody(string encryptKey, string plaintext) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["encrypt"] = Encrypt(encryptKey, plaintext) });

    /// <summary>AES-256-CBC over arbitrary plaintext bytes (which need not be UTF-8), as <c>{"encrypt":"…"}</c>.</summary>
    public static byte[] EncryptedBody(string encryptKey, byte[] plaintext)
    {
        using var aes = Aes.Create();
        aes.Key = SHA256.HashData(Encoding.UTF8.GetBytes(encryptKey));
        aes.GenerateIV();
        var cipher = aes.EncryptCbc(plaintext, aes.IV, PaddingMode.PKCS7);
        return Encoding.UTF8.GetBytes("{\"encrypt\":\"" + Convert.ToBase64String([.. aes.IV, .. cipher]) + "\"}");
    }

    public static string Sign(string timestamp, string nonce, string secret, string body, bool sha1 = false) =>
        Sign(timestamp, nonce, secret, Encoding.UTF8.GetBytes(body), sha1);

    /// <summary>The signature over raw body bytes (which need not be UTF-8).</summary>
    public static string Sign(string timestamp, string nonce, string secret, byte[] body, bool sha1 = false)
    {
        byte[] bytes = [.. Encoding.UTF8.GetBytes(timestamp + nonce + secret), .. body];
#pragma warning disable CA5350 // Old-style card callbacks are signed with SHA-1 by Feishu; the test plays Feishu.
        return Convert.ToHexStringLower(sha1 ? SHA1.HashData(bytes) : SHA256.HashData(bytes));
#pragma warning restore CA5350
    }

    /// <summary>A request with exactly these body bytes, signed over them when <paramref name="secret"/> is given.</summary>
    public static HttpRequestMessage RawRequest(string path, byte[] body, DateTimeOffset now, string? secret = null, bool sha1WithToken = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (secret is not null)
        {
            var timestamp = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            var nonce = Guid.NewGuid().ToString("N");
            request.Headers.Add("X-Lark-Request-Timestamp", timestamp);
            request.Headers.Add("X-Lark-Request-Nonce", nonce);
            request.Headers.Add("X-Lark-Signature", Sign(timestamp, nonce, secret, body, sha1WithToken));
        }

        return request;
    }

    public static HttpRequestMessage Request(string path, string body, string? timestamp = null, string? nonce = null, string? signature = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (timestamp is not null)
        {
            request.Headers.Add("X-Lark-Request-Timestamp", timestamp);
        }

        if (nonce is not null)
        {
            request.Headers.Add("X-Lark-Request-Nonce", nonce);
        }

        if (signature is not null)
        {
            request.Headers.Add("X-Lark-Signature", signature);
        }

        return request;
    }

    public static HttpRequestMessage Signed(string path, string body, string encryptKey, DateTimeOffset now, bool sha1WithToken = false)
    {
        var timestamp = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var nonce = Guid.NewGuid().ToString("N");
        return Request(path, body, timestamp, nonce, Sign(timestamp, nonce, encryptKey, body, sha1WithToken));
    }

    public static string V2Event(string eventType, string token, string eventId, string eventJson, string appId = "cli_a1b2c3d4e5f60001") =>
        $$"""{"schema":"2.0","header":{"event_id":"{{eventId}}","event_type":"{{eventType}}","create_time":"1718000000000","token":"{{token}}","app_id":"{{appId}}","tenant_key":"t1"},"event":""" + eventJson + "}";

    public static string MessageEvent(string token, string eventId, string messageId) =>
        V2Event("im.message.receive_v1", token, eventId,
            """{"sender":{"sender_id":{"open_id":"ou_1"},"sender_type":"user","tenant_key":"t1"},"message":{"message_id":"""
            + "\"" + messageId + "\""
            + ""","chat_id":"oc_1","chat_type":"p2p","message_type":"text","content":"{\"text\":\"hi\"}","create_time":"1718000000000"}}""");
}

/// <summary>One log entry as the host wrote it.</summary>
internal sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);

/// <summary>Keeps every log entry of a host (from Debug up), for tests that check what bad input logs.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly List<LogEntry> _entries = [];

    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner._entries)
            {
                owner._entries.Add(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception));
            }
        }
    }
}

/// <summary>An ASP.NET Core host with the receivers mapped: in memory, or on real Kestrel (loopback, any port) for raw-socket tests.</summary>
internal sealed class ReceiverHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ReceiverHost(WebApplication app, Uri? address)
    {
        _app = app;
        Address = address;
        Client = address is null ? app.GetTestClient() : new HttpClient { BaseAddress = address };
    }

    public HttpClient Client { get; }

    /// <summary>Where Kestrel listens; null for the in-memory server.</summary>
    public Uri? Address { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<ReceiverHost> StartAsync(
        Action<IServiceCollection> configureServices,
        Action<WebApplication> map,
        TimeProvider? time = null,
        CapturingLoggerProvider? logs = null,
        bool kestrel = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        if (kestrel)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
            builder.Logging.AddProvider(logs);
        }

        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        configureServices(builder.Services);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new ReceiverHost(app, kestrel ? new Uri(app.Urls.First()) : null);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
