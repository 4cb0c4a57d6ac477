using Larkway.Feishu.Events.LongConnection;
using Larkway.Feishu.Events.Tests.LongConnection.FakeServer;
using Microsoft.Extensions.Time.Testing;

namespace Larkway.Feishu.Events.Tests.LongConnection;

/// <summary>
/// The deaf-connection rule with two connections to the fake server, whose side the test writes: which connection an
/// event arrives on, and when on the client's (fake) clock, is the test's to choose. The rule is applied as each event
/// is read, before it is handled, so once an event's ack is back any verdict it caused has been given.
/// </summary>
public sealed class LongConnectionDeafRuleTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private LongConnectionHarness _h = null!;
    private FakeConnection _a = null!;
    private FakeConnection _b = null!;
    private int _sent;

    public async Task InitializeAsync()
    {
        _h = await LongConnectionHarness.StartAsync(configure: o =>
        {
            o.Connections = 2;
            o.TimeProvider = _time; // DeafStreak 20 and DeafStreakMinimumSpan 1 s: the defaults
        });
        _a = await _h.Server.NextConnectionAsync();

        // The second connection opens after the client's shortest reconnect pause (200 ms) on its clock; the clock stands
        // still from its discovery on.
        await WaitUntilAsync(() =>
        {
            if (_h.Server.DiscoveryCount >= 2)
            {
                return true;
            }

            _time.Advance(TimeSpan.FromMilliseconds(200));
            return false;
        }, "the second connection's discovery");
        _b = await _h.Server.NextConnectionAsync();
        await WaitUntilAsync(() => _h.Client.OpenConnections == 2, "both connections open in the client");
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_connection_whose_events_are_read_late_is_not_taken_for_deaf()
    {
        // Thirty events read on a while b reads none, in no time on the client's clock: what a read loop that falls a
        // few milliseconds behind looks like at 1,000 events a second.
        await SendAsync(_a, 30);

        // The first reason given wins: had b been judged deaf on the way, the server's close would not be its reason.
        await _b.CloseAsync();
        await WaitUntilAsync(() => _h.Client.LastReplaceReason is not null, "b replaced");
        _h.Client.LastReplaceReason.ShouldStartWith("the server closed the connection");
        _a.Closed.IsCompleted.ShouldBeFalse();
    }

    [Fact]
    public async Task A_connection_that_misses_every_event_for_the_span_is_taken_for_deaf_and_closed()
    {
        await SendAsync(_a, 20);
        _time.Advance(TimeSpan.FromSeconds(1));
        await SendAsync(_a, 1);

        await _b.Closed.WaitAsync(TestTimeouts.HangGuard); // closed at once: a still receives
        await WaitUntilAsync(() => _h.Client.LastReplaceReason is not null, "b replaced");
        _h.Client.LastReplaceReason.ShouldBe("deaf: the last 21 events all came on other connections, over 1.0 s");
        _a.Closed.IsCompleted.ShouldBeFalse();
    }

    [Fact]
    public async Task An_event_on_the_connection_starts_its_span_again()
    {
        await SendAsync(_a, 20);
        await SendAsync(_b, 1);
        _time.Advance(TimeSpan.FromSeconds(1));

        // Twenty misses again, a second after the first run began but in no time since this one did.
        await SendAsync(_a, 20);

        await _b.CloseAsync();
        await WaitUntilAsync(() => _h.Client.LastReplaceReason is not null, "b replaced");
        _h.Client.LastReplaceReason.ShouldStartWith("the server closed the connection");
    }

    [Fact]
    public void A_negative_span_is_refused()
    {
        var options = new FeishuLongConnectionOptions { AppId = "cli_x", AppSecret = "s", DeafStreakMinimumSpan = TimeSpan.FromSeconds(-1) };

        Should.Throw<ArgumentException>(() => new FeishuLongConnectionClient(options, new RecordingSink())).Message.ShouldContain("DeafStreakMinimumSpan");
    }

    /// <summary>Sends events one at a time, each once the previous one's ack is back.</summary>
    private async Task SendAsync(FakeConnection connection, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var id = Interlocked.Increment(ref _sent);
            var sent = await connection.SendDataAsync(Payloads.Message($"ev-{id}"), $"msg-{id}");
            (await connection.NextAckAsync()).ShouldAcknowledge(sent);
        }
    }

    /// <summary>Polls; the bound is a hang guard, not a timing assertion.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var giveUp = DateTime.UtcNow + TestTimeouts.HangGuard;
        while (!condition())
        {
            if (DateTime.UtcNow > giveUp)
            {
                throw new TimeoutException("waited in vain for " + what);
            }

            await Task.Delay(20);
        }
    }
}
