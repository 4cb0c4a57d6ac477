using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Larkway.Feishu.Events.Tests.LongConnection.FakeServer;

/// <summary>What the discovery endpoint answers to one request.</summary>
internal sealed record DiscoveryReply(int HttpStatus = 200, int Code = 0, string Msg = "ok");

/// <summary>A refused WebSocket handshake: HTTP status and the Handshake-* headers.</summary>
internal sealed record HandshakeRefusal(int Status, string? AuthErrorCode, string Message);

/// <summary>One discovery request as the server saw it.</summary>
internal sealed record DiscoveryRequest(string Method, string Path, string? Locale, string? ContentType, JsonElement Body);

/// <summary>The ClientConfig the server hands out (whole seconds, all four fields always present).</summary>
internal sealed record FakeClientConfig(int ReconnectCount = -1, int ReconnectInterval = 0, int ReconnectNonce = 0, int PingInterval = 5)
{
    public byte[] ToJson() => Encoding.UTF8.GetBytes(
        $$"""{"ReconnectCount":{{ReconnectCount}},"ReconnectInterval":{{ReconnectInterval}},"ReconnectNonce":{{ReconnectNonce}},"PingInterval":{{PingInterval}}}""");
}

/// <summary>
/// A small Feishu long-connection server on Kestrel, written from protocols.md §2 independently of the
/// client: endpoint discovery, the WebSocket endpoint (protobuf frames, pong, handshake refusals).
/// </summary>
internal sealed class FakeLongConnectionServer : IAsyncDisposable
{
    public const int ServiceId = 4242;

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<FakeConnection> _all = new();
    private int _acceptedCount;
    private readonly Channel<FakeConnection> _connections = Channel.CreateUnbounded<FakeConnection>();
    private int _discoveryCount;

    private FakeLongConnectionServer(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The config of every successful discovery answer.</summary>
    public FakeClientConfig ClientConfig { get; set; } = new();

    /// <summary>Answers for the next discovery requests, in order; once empty, every request succeeds.</summary>
    public ConcurrentQueue<DiscoveryReply> DiscoveryReplies { get; } = new();

    /// <summary>Refusals for the next handshakes, in order; once empty, every handshake is accepted.</summary>
    public ConcurrentQueue<HandshakeRefusal> HandshakeRefusals { get; } = new();

    public ConcurrentQueue<DiscoveryRequest> DiscoveryRequests { get; } = new();

    public int DiscoveryCount => Volatile.Read(ref _discoveryCount);

    /// <summary>WebSockets accepted so far.</summary>
    public int AcceptedCount => Volatile.Read(ref _acceptedCount);

    /// <summary>The payload of the first pong of every new connection (a ClientConfig JSON), if any.</summary>
    public byte[]? FirstPongPayload { get; set; }

    /// <summary>Whether new connections answer pings with pongs.</summary>
    public bool RespondToPings { get; set; } = true;

    public static async Task<FakeLongConnectionServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();
        var server = new FakeLongConnectionServer(app);
        app.UseWebSockets();
        app.MapPost("/callback/ws/endpoint", server.DiscoverAsync);
        app.Map("/ws", server.AcceptAsync);
        await app.StartAsync();
        server.BaseUrl = new Uri(app.Urls.First());
        return server;
    }

    /// <summary>The next connection the client opens (hang guard: 10 s).</summary>
    public async Task<FakeConnection> NextConnectionAsync() =>
        await _connections.Reader.ReadAsync().AsTask().WaitAsync(TestTimeouts.HangGuard);

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _all)
        {
            connection.Abort();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task DiscoverAsync(HttpContext context)
    {
        Interlocked.Increment(ref _discoveryCount);
        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        DiscoveryRequests.Enqueue(new DiscoveryRequest(
            context.Request.Method,
            context.Request.Path,
            context.Request.Headers["locale"].FirstOrDefault(),
            context.Request.ContentType,
            body.RootElement.Clone()));

        var reply = DiscoveryReplies.TryDequeue(out var r) ? r : new DiscoveryReply();
        context.Response.StatusCode = reply.HttpStatus;
        if (reply.HttpStatus != 200)
        {
            return;
        }

        context.Response.ContentType = "application/json";
        var n = DiscoveryCount;
        var url = $"ws://127.0.0.1:{BaseUrl.Port}/ws?fpid=1&aid=2&device_id=dev-{n}&access_key=ak-secret&service_id={ServiceId}&ticket=tk-secret";
        var data = reply.Code == 0
            ? $$""","data":{"URL":"{{url}}","ClientConfig":{{Encoding.UTF8.GetString(ClientConfig.ToJson())}}}"""
            : "";
        await context.Response.WriteAsync($$"""{"code":{{reply.Code}},"msg":"{{reply.Msg}}"{{data}}}""");
    }

    private async Task AcceptAsync(HttpContext context)
    {
        if (HandshakeRefusals.TryDequeue(out var refusal))
        {
            context.Response.StatusCode = refusal.Status;
            context.Response.Headers["Handshake-Status"] = refusal.Status.ToString(CultureInfo.InvariantCulture);
            context.Response.Headers["Handshake-Msg"] = refusal.Message;
            if (refusal.AuthErrorCode is not null)
            {
                context.Response.Headers["Handshake-Autherrcode"] = refusal.AuthErrorCode;
            }

            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = 400;
            return;
        }

        // Counted before the 101 goes out: the client may act on the handshake (close its old connection) before this
        // request's task runs again, and make-before-break tests read the count at that moment.
        Interlocked.Increment(ref _acceptedCount);
        var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new FakeConnection(socket, context.Request.Query["device_id"].ToString(), context.Abort)
        {
            RespondToPings = RespondToPings,
            NextPongPayload = FirstPongPayload,
        };
        _all.Enqueue(connection);
        _connections.Writer.TryWrite(connection);
        try
        {
            await connection.RunAsync(context.RequestAborted);
        }
        finally
        {
            connection.EndRequest();
        }
    }
}
