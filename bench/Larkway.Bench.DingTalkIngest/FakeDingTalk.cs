using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Larkway.Bench.DingTalkIngest;

/// <summary>
/// DingTalk's Stream server as far as the Hub meets it, played by the driver itself so that each push is timed at the
/// socket: <c>POST /v1.0/gateway/connections/open</c> answers the app's credentials with an endpoint and a single-use
/// ticket, the endpoint accepts the WebSocket, the driver writes the frames and reads the acks. Nothing of the Emulator
/// sits between the clock and the Hub. Any other request is answered 404 and counted, so the report shows whether the
/// Hub needed more of DingTalk than this (the session-webhook replies go to the sink, another process).
/// </summary>
internal sealed class FakeDingTalk : IAsyncDisposable
{
    /// <summary>Pings carry message ids with this prefix, so their echoes are told from acks.</summary>
    public const string PingPrefix = "ping-";

    private readonly WebApplication _app;
    private readonly string _appKey;
    private readonly string _appSecret;
    private readonly ConcurrentDictionary<string, bool> _tickets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StreamPeer> _peers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _unexpected = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _ended = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ITimer _pings;
    private volatile StreamPeer[] _open = [];
    private volatile StreamPushRun? _current;
    private int _opened;
    private long _unmatchedAcks;

    private FakeDingTalk(WebApplication app, string appKey, string appSecret)
    {
        _app = app;
        _appKey = appKey;
        _appSecret = appSecret;
        _pings = TimeProvider.System.CreateTimer(_ => PingAll(), null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
    }

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The Hub's open connections; each push goes to one of them at random, as DingTalk's do.</summary>
    public IReadOnlyList<StreamPeer> Open => _open;

    /// <summary>Connections opened since start (more than the Hub holds means it replaced some).</summary>
    public int ConnectionsOpened => Volatile.Read(ref _opened);

    /// <summary>Acks that named no push of the current run (late acks of an earlier run, or foreign ids).</summary>
    public long UnmatchedAcks => Interlocked.Read(ref _unmatchedAcks);

    /// <summary>The run the acks belong to.</summary>
    public StreamPushRun? Current
    {
        get => _current;
        set => _current = value;
    }

    /// <summary>Connections that ended while the driver ran, and why.</summary>
    public IReadOnlyCollection<string> Ended => _ended;

    /// <summary>Requests for anything but the gateway and the WebSocket, by method and path.</summary>
    public IReadOnlyDictionary<string, int> Unexpected => _unexpected;

    public static async Task<FakeDingTalk> StartAsync(string appKey, string appSecret)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeDingTalk(app, appKey, appSecret);
        app.UseWebSockets();
        app.MapPost("/v1.0/gateway/connections/open", (Func<HttpContext, Task<IResult>>)fake.OpenConnectionAsync);
        app.Map("/connect", fake.ConnectAsync);
        app.MapFallback(context =>
        {
            fake._unexpected.AddOrUpdate($"{context.Request.Method} {context.Request.Path}", 1, (_, n) => n + 1);
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        await app.StartAsync();
        fake.BaseUrl = new Uri(app.Urls.First());
        return fake;
    }

    /// <summary>Waits until the Hub holds <paramref name="count"/> connections.</summary>
    public async Task WaitForConnectionsAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (_open.Length < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the Hub opened {_open.Length} Stream connection(s) in {timeout.TotalSeconds:0} s, not {count}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>A message from the Hub (its read just finished at <paramref name="at"/>): an ack goes to the current run.</summary>
    public void OnClientMessage(ReadOnlyMemory<byte> utf8, long at)
    {
        string? messageId = null;
        int? code = null;
        string? data = null;
        try
        {
            using var json = JsonDocument.Parse(utf8);
            var root = json.RootElement;
            if (root.TryGetProperty("headers", out var headers) && headers.ValueKind == JsonValueKind.Object
                && headers.TryGetProperty("messageId", out var id) && id.ValueKind == JsonValueKind.String)
            {
                messageId = id.GetString();
            }

            code = root.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var n) ? n : null;
            data = root.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        }
        catch (JsonException)
        {
        }

        if (messageId is null || messageId.StartsWith(PingPrefix, StringComparison.Ordinal))
        {
            return;
        }

        if (_current?.OnAck(messageId, code, data, at) != true)
        {
            Interlocked.Increment(ref _unmatchedAcks);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _pings.DisposeAsync();
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    /// <summary><c>{clientId, clientSecret, subscriptions, ua, localIp}</c> → <c>{endpoint, ticket}</c>; wrong credentials are refused.</summary>
    private async Task<IResult> OpenConnectionAsync(HttpContext context)
    {
        using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        string? Text(string name) => body.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        if (Text("clientId") != _appKey || Text("clientSecret") != _appSecret)
        {
            return Results.Json(new { code = "InvalidAuthentication", message = "clientId or clientSecret is wrong" }, statusCode: StatusCodes.Status401Unauthorized);
        }

        var ticket = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _tickets[ticket] = true;
        var endpoint = new UriBuilder(BaseUrl) { Scheme = "ws", Path = "/connect" }.Uri;
        return Results.Json(new { endpoint = endpoint.AbsoluteUri, ticket });
    }

    /// <summary>The WebSocket: the ticket is single use; the connection serves until the Hub closes it.</summary>
    private async Task ConnectAsync(HttpContext context)
    {
        var ticket = context.Request.Query["ticket"].FirstOrDefault();
        if (!context.WebSockets.IsWebSocketRequest || ticket is null || !_tickets.TryRemove(ticket, out _))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var peer = new StreamPeer("c" + Interlocked.Increment(ref _opened).ToString(CultureInfo.InvariantCulture), socket, this);
        _peers[peer.Id] = peer;
        _open = [.. _peers.Values];
        try
        {
            var ended = await peer.RunAsync(_stopping.Token);
            if (!_stopping.IsCancellationRequested)
            {
                _ended.Enqueue($"{peer.Id} at {DateTime.UtcNow:HH:mm:ss}: {ended}");
            }
        }
        finally
        {
            _peers.TryRemove(peer.Id, out _);
            _open = [.. _peers.Values];
        }
    }

    private void PingAll()
    {
        foreach (var peer in _open)
        {
            peer.Ping();
        }
    }
}
