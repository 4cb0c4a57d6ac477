using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;
using Larkway.Feishu.Events.Ingest;
using Larkway.Feishu.Events.LongConnection;
using Larkway.Feishu.Events.Tests.LongConnection.FakeServer;
using Microsoft.Extensions.Logging;

namespace Larkway.Feishu.Events.Tests.LongConnection;

/// <summary>A sink that records what it gets and answers with a replaceable handler.</summary>
internal sealed class RecordingSink : IFeishuEventSink
{
    private readonly Channel<FeishuInboundEvent> _received = Channel.CreateUnbounded<FeishuInboundEvent>();
    private int _count;

    public Func<FeishuInboundEvent, CancellationToken, ValueTask<FeishuIngestResult>>? Handler { get; set; }

    public int Count => Volatile.Read(ref _count);

    public async ValueTask<FeishuIngestResult> AcceptAsync(FeishuInboundEvent inbound, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _count);
        _received.Writer.TryWrite(inbound);
        return Handler is null ? FeishuIngestResult.Accepted : await Handler(inbound, cancellationToken);
    }

    public async Task<FeishuInboundEvent> NextAsync() => await _received.Reader.ReadAsync().AsTask().WaitAsync(TestTimeouts.HangGuard);

    public bool TryRead(out FeishuInboundEvent? inbound) => _received.Reader.TryRead(out inbound);
}

/// <summary>Keeps every formatted log line (and exception text), to check that nothing secret is logged.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Lines.Enqueue($"{logLevel} {eventId.Id} {formatter(state, exception)} {exception}");
    }
}

/// <summary>A fake server, a client pointed at it, a recording sink, and the running <c>RunAsync</c>.</summary>
internal sealed class LongConnectionHarness : IAsyncDisposable
{
    public const string AppId = "cli_a1b2c3d4e5f60718";
    public const string AppSecret = "app-secret-do-not-log";
    public const string VerificationToken = "vt-token-123";

    private readonly CancellationTokenSource _stop = new();
    private readonly ILoggerFactory _loggerFactory;
    private int _disposed;

    private LongConnectionHarness(FakeLongConnectionServer server, FeishuLongConnectionClient client, RecordingSink sink, CapturingLoggerProvider logs, ILoggerFactory loggerFactory)
    {
        Server = server;
        Client = client;
        Sink = sink;
        Logs = logs;
        _loggerFactory = loggerFactory;
    }

    public FakeLongConnectionServer Server { get; }

    public FeishuLongConnectionClient Client { get; }

    public RecordingSink Sink { get; }

    public CapturingLoggerProvider Logs { get; }

    public Task Run { get; private set; } = Task.CompletedTask;

    /// <summary>Small intervals so that reconnects are quick; the ping interval is long enough that a busy machine does not trip the watchdog.</summary>
    public static FeishuLongConnectionConfig FastConfig { get; } = new(-1, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromSeconds(5));

    /// <summary>Starts the server, lets the test prepare it, then starts <c>RunAsync</c>.</summary>
    public static async Task<LongConnectionHarness> StartAsync(
        Action<FeishuLongConnectionOptions>? configure = null,
        Action<FakeLongConnectionServer>? prepare = null,
        bool run = true)
    {
        var server = await FakeLongConnectionServer.StartAsync();
        prepare?.Invoke(server);
        var options = new FeishuLongConnectionOptions
        {
            AppId = AppId,
            AppSecret = AppSecret,
            BaseUrl = server.BaseUrl,
            AppName = "ops",
            InitialConfig = FastConfig,

            // The fake server's tests follow one connection; the Emulator's integration tests cover several.
            Connections = 1,
        };
        configure?.Invoke(options);
        var logs = new CapturingLoggerProvider();
        var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        var sink = new RecordingSink();
        var client = new FeishuLongConnectionClient(options, sink, loggerFactory);
        var harness = new LongConnectionHarness(server, client, sink, logs, loggerFactory);
        if (run)
        {
            harness.Run = client.RunAsync(harness._stop.Token);
        }

        return harness;
    }

    /// <summary>Waits (with the hang guard) for RunAsync to throw, and returns the exception.</summary>
    public async Task<FeishuLongConnectionException> RunFailureAsync() =>
        await Should.ThrowAsync<FeishuLongConnectionException>(Run.WaitAsync(TestTimeouts.HangGuard));

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Run.WaitAsync(TestTimeouts.HangGuard);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync();
        try
        {
            await Run.WaitAsync(TestTimeouts.HangGuard);
        }
        catch (FeishuLongConnectionException)
        {
            // the test looked at it already (or did not care)
        }

        await Client.DisposeAsync();
        await Server.DisposeAsync();
        _loggerFactory.Dispose();
        _stop.Dispose();
    }
}

/// <summary>Event bodies as Feishu sends them over the long connection (plaintext v2 JSON).</summary>
internal static class Payloads
{
    public const string SecretText = "payload-content-do-not-log";

    public static byte[] Message(string eventId = "ev-1", string token = LongConnectionHarness.VerificationToken) =>
        Encoding.UTF8.GetBytes($$$"""
        {"schema":"2.0","header":{"event_id":"{{{eventId}}}","event_type":"im.message.receive_v1","create_time":"1700000000000","token":"{{{token}}}","app_id":"{{{LongConnectionHarness.AppId}}}","tenant_key":"t-1"},
         "event":{"sender":{"sender_id":{"open_id":"ou_1"},"sender_type":"user","tenant_key":"t-1"},
                  "message":{"message_id":"om_{{{eventId}}}","chat_id":"oc_1","chat_type":"p2p","message_type":"text","create_time":"1700000000000","content":"{\"text\":\"{{{SecretText}}}\"}"} } }
        """);

    public static byte[] CardAction(string eventId = "ev-card-1") =>
        Encoding.UTF8.GetBytes($$$"""
        {"schema":"2.0","header":{"event_id":"{{{eventId}}}","event_type":"card.action.trigger","create_time":"1700000000000000","token":"{{{LongConnectionHarness.VerificationToken}}}","app_id":"{{{LongConnectionHarness.AppId}}}","tenant_key":"t-1"},
         "event":{"operator":{"tenant_key":"t-1","open_id":"ou_1"},"token":"c-update-token","action":{"value":{"choice":"approve"},"tag":"button"},
                  "host":"im_message","context":{"open_message_id":"om_1","open_chat_id":"oc_1"} } }
        """);
}
