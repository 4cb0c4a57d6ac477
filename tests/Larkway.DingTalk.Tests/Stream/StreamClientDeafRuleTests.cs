using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Larkway.DingTalk.Stream;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Larkway.DingTalk.Tests.Stream;

/// <summary>
/// The deaf-connection rule, and what a connection being closed still reads, with two connections over loopback sockets
/// whose server side the test writes: which connection a push arrives on, and when on the client's clock, is the test's
/// to choose.
/// </summary>
public sealed class StreamClientDeafRuleTests : IAsyncLifetime
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<WebSocket> _servers = [];
    private readonly FakeTimeProvider _time = new();
    private readonly ConcurrentQueue<string> _handled = new();
    private readonly ConcurrentQueue<string> _replacements = new();
    private DingTalkStreamClient _client = null!;
    private Func<WebSocket, Task> _beforeAnsweringClose = _ => Task.CompletedTask;
    private int _pushed;

    public async Task InitializeAsync()
    {
        _listener.Start();
        var options = new DingTalkStreamOptions { AppKey = "dingtwoconnections", AppSecret = "secret", ApiBaseUrl = new Uri("http://gateway.test/") };
        _client = new DingTalkStreamClient(options, (message, _) =>
        {
            _handled.Enqueue(message.MessageId);
            return new ValueTask<DingTalkStreamAck>(DingTalkStreamAck.Handled);
        }, new ReplacementLog(_replacements), _time, meterFactory: null, new Gateway(), ConnectAsync);
        await _client.StartAsync();
        await WaitUntilAsync(() => _client.OpenConnections.Count == 2 && Servers().Count == 2, "two connections");
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        foreach (var server in Servers())
        {
            server.Dispose();
        }

        _listener.Dispose();
    }

    [Fact]
    public async Task A_connection_whose_pushes_are_read_late_is_not_taken_for_deaf()
    {
        // Thirty pushes read on the first connection before the second reads its next: what a read loop that falls behind
        // for a few milliseconds looks like at 1,000 pushes a second. No time passes on the client's clock.
        await PushAsync(Servers()[0], 30);
        await PushAsync(Servers()[1], 1);
        await WaitUntilAsync(() => _handled.Count == 31, "every push handled");

        // A disconnect after them goes through the same queue of replacements: a deaf verdict would be ahead of it.
        await SendAsync(Servers()[0], Frame("SYSTEM", "disconnect", "d-1", "{}"));
        await WaitUntilAsync(() => _replacements.Any(r => r.Contains("disconnect", StringComparison.Ordinal)), "the disconnect's replacement");
        _replacements.ShouldNotContain(r => r.Contains("deaf", StringComparison.Ordinal), string.Join(" | ", _replacements));
    }

    [Fact]
    public async Task A_quiet_spell_inside_a_streak_does_not_count_towards_a_deaf_verdict()
    {
        // Ten pushes on the first connection, a quiet minute, ten more and then the second connection's: the streak of
        // twenty spans the minute, but the second connection was missing nothing during it.
        await PushAsync(Servers()[0], 10);
        await WaitUntilAsync(() => _handled.Count == 10, "ten pushes handled");
        _time.Advance(TimeSpan.FromSeconds(59));
        await PushAsync(Servers()[0], 10);
        await WaitUntilAsync(() => _handled.Count == 20, "twenty pushes handled");
        await PushAsync(Servers()[1], 1);
        await WaitUntilAsync(() => _handled.Count == 21, "the second connection's push handled");

        await SendAsync(Servers()[0], Frame("SYSTEM", "disconnect", "d-1", "{}"));
        await WaitUntilAsync(() => _replacements.Any(r => r.Contains("disconnect", StringComparison.Ordinal)), "the disconnect's replacement");
        _replacements.ShouldNotContain(r => r.Contains("deaf", StringComparison.Ordinal), string.Join(" | ", _replacements));
    }

    [Fact]
    public async Task A_connection_that_gets_nothing_for_a_second_after_its_streak_is_taken_for_deaf()
    {
        await PushAsync(Servers()[0], 20);
        await WaitUntilAsync(() => _handled.Count == 20, "twenty pushes handled");

        _time.Advance(TimeSpan.FromSeconds(1));
        await PushAsync(Servers()[0], 1);

        await WaitUntilAsync(() => _replacements.Any(r => r.Contains("deaf", StringComparison.Ordinal)), "the deaf verdict");
        _replacements.Single().ShouldContain("connection c2 ");
        _client.LastReplaceReason.ShouldNotBeNull().ShouldStartWith("deaf: the last 21 pushes");
    }

    [Fact]
    public async Task A_connection_being_closed_still_hands_on_what_the_server_sent_before_it_saw_the_close()
    {
        // The second connection, judged deaf, is closed at once; its server pushes two more before answering the close.
        var lastWords = Servers()[1];
        _beforeAnsweringClose = server => ReferenceEquals(server, lastWords) ? PushAsync(server, 2) : Task.CompletedTask;
        await PushAsync(Servers()[0], 20);
        await WaitUntilAsync(() => _handled.Count == 20, "twenty pushes handled");
        _time.Advance(TimeSpan.FromSeconds(1));
        await PushAsync(Servers()[0], 1);

        await WaitUntilAsync(() => _handled.Count == 23, "the two pushes sent after the client's close handled");
        _handled.ShouldContain("m-22");
        _handled.ShouldContain("m-23");
    }

    private List<WebSocket> Servers()
    {
        lock (_servers)
        {
            return [.. _servers];
        }
    }

    private async Task PushAsync(WebSocket server, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var id = "m-" + Interlocked.Increment(ref _pushed).ToString(CultureInfo.InvariantCulture);
            await SendAsync(server, Frame("CALLBACK", DingTalkStreamTopics.RobotMessages, id, $$"""{"msgId":"msg{{id}}","conversationType":"1","text":{"content":"hi"},"msgtype":"text"}"""));
        }
    }

    private static Task SendAsync(WebSocket server, string frame) =>
        server.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    private static string Frame(string type, string topic, string messageId, string data) =>
        $$"""{"specVersion":"1.0","type":"{{type}}","headers":{"contentType":"application/json","messageId":"{{messageId}}","time":"1764000000000","topic":"{{topic}}"},"data":{{System.Text.Json.JsonSerializer.Serialize(data)}}}""";

    /// <summary>The client's WebSocket, connected over loopback to a server side the test keeps; acks are read and dropped.</summary>
    private async Task<WebSocket> ConnectAsync(Uri url, CancellationToken cancellationToken)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(_listener.LocalEndpoint, cancellationToken);
        var accepted = await _listener.AcceptSocketAsync(cancellationToken);
        var server = WebSocket.CreateFromStream(new NetworkStream(accepted, ownsSocket: true), new WebSocketCreationOptions { IsServer = true });
        lock (_servers)
        {
            _servers.Add(server);
        }

        _ = ServeAsync(server);
        return WebSocket.CreateFromStream(new NetworkStream(client, ownsSocket: true), new WebSocketCreationOptions { IsServer = false });
    }

    /// <summary>Reads and drops the acks; answers the client's close, as DingTalk's server does.</summary>
    private async Task ServeAsync(WebSocket server)
    {
        var buffer = new byte[4096];
        try
        {
            while ((await server.ReceiveAsync(buffer, CancellationToken.None)).MessageType != WebSocketMessageType.Close)
            {
            }

            await _beforeAnsweringClose(server);
            await server.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or IOException)
        {
            // The client went away.
        }
    }

    /// <summary>Polls; the bound is a hang guard, not a timing assertion.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        for (var i = 0; i < 1500; i++)
        {
            if (condition())
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("waited in vain for " + what);
    }

    /// <summary>DingTalk's gateway: every request for a connection gets an endpoint and a ticket.</summary>
    private sealed class Gateway : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent("""{"endpoint":"ws://127.0.0.1:1/connect","ticket":"t"}""", Encoding.UTF8, "application/json"),
            });
    }

    /// <summary>Keeps the client's "Replacing … connection …: reason" lines, in the order its replacements were taken up.</summary>
    private sealed class ReplacementLog(ConcurrentQueue<string> lines) : ILoggerFactory, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (formatter(state, exception).StartsWith("Replacing ", StringComparison.Ordinal))
            {
                lines.Enqueue(formatter(state, exception));
            }
        }

        public void Dispose()
        {
        }
    }
}
