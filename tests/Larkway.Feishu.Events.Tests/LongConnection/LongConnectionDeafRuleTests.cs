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
            o.TimeProvider = _time; // DeafStreak 20 and DeafConfirmation 1 s: the defaults
            o.WatchdogTimeout = TimeSpan.FromMinutes(10); // a quiet minute on the fake clock is not silence enough to replace both
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
        // few milliseconds behind looks like at 1,000 events a second. b is suspect from the twentieth on.
        await SendAsync(_a, 30);

        await ExpectNoVerdictAsync();
    }

    [Fact]
    public async Task A_quiet_spell_inside_a_streak_does_not_count_towards_a_deaf_verdict()
    {
        // Ten events on a, a quiet minute, ten more and a few after them: the run of misses spans the minute, but b was
        // missing nothing during it, and the events since it made b suspect came in no time.
        await SendAsync(_a, 10);
        _time.Advance(TimeSpan.FromMinutes(1));
        await SendAsync(_a, 15);

        await ExpectNoVerdictAsync();
    }

    [Fact]
    public async Task A_connection_that_gets_nothing_for_the_confirmation_after_its_streak_is_taken_for_deaf_and_closed()
    {
        // Twenty misses make b suspect; events keep reaching a over the next second and none reaches b. The reason names
        // the twenty-sixth event: the first reason given wins, so none of the five half a second in was a verdict.
        await SendAsync(_a, 20);
        _time.Advance(TimeSpan.FromMilliseconds(500));
        await SendAsync(_a, 5);
        _time.Advance(TimeSpan.FromMilliseconds(500));
        await SendAsync(_a, 1);

        await _b.Closed.WaitAsync(TestTimeouts.HangGuard); // closed at once: a still receives
        await WaitUntilAsync(() => _h.Client.LastReplaceReason is not null, "b replaced");
        _h.Client.LastReplaceReason.ShouldBe("deaf: the last 26 pushes all came on other connections (suspected after 20, none here for 1.0 s since)");
        _a.Closed.IsCompleted.ShouldBeFalse();
    }

    [Fact]
    public async Task An_event_on_the_suspected_connection_clears_the_suspicion()
    {
        await SendAsync(_a, 20);
        await SendAsync(_b, 1);
        _time.Advance(TimeSpan.FromSeconds(1));

        // Had b stayed suspect, the first of these would be a verdict: it is a second after the streak was reached.
        await SendAsync(_a, 19);

        await ExpectNoVerdictAsync();
    }

    [Fact]
    public async Task A_connection_judged_deaf_still_hands_on_what_the_server_sent_before_it_saw_the_close()
    {
        // b is closed at once; its server sends two more events before answering the close. Their acks cannot go out
        // (Feishu would push them again), but they are read and handled, not dropped unread.
        _b.BeforeAnsweringClose = async b =>
        {
            await b.SendDataAsync(Payloads.Message("ev-last-1"), "msg-last-1");
            await b.SendDataAsync(Payloads.Message("ev-last-2"), "msg-last-2");
        };
        await SendAsync(_a, 20);
        _time.Advance(TimeSpan.FromSeconds(1));
        await SendAsync(_a, 1);

        await _b.Closed.WaitAsync(TestTimeouts.HangGuard);
        var handled = new List<string?>();
        await WaitUntilAsync(() =>
        {
            while (_h.Sink.TryRead(out var inbound))
            {
                handled.Add(inbound!.Envelope.DedupKey);
            }

            return handled.Count == 23;
        }, "the two events sent after the client's close handled");
        handled.ShouldContain("ev-last-1");
        handled.ShouldContain("ev-last-2");
    }

    [Fact]
    public void A_negative_confirmation_is_refused()
    {
        var options = new FeishuLongConnectionOptions { AppId = "cli_x", AppSecret = "s", DeafConfirmation = TimeSpan.FromSeconds(-1) };

        Should.Throw<ArgumentException>(() => new FeishuLongConnectionClient(options, new RecordingSink())).Message.ShouldContain("DeafConfirmation");
    }

    /// <summary>
    /// The server then closes b: the first reason given wins, so had b been judged deaf on the way, the server's close
    /// would not be the reason of its replacement.
    /// </summary>
    private async Task ExpectNoVerdictAsync()
    {
        await _b.CloseAsync();
        await WaitUntilAsync(() => _h.Client.LastReplaceReason is not null, "b replaced");
        _h.Client.LastReplaceReason.ShouldStartWith("the server closed the connection");
        _a.Closed.IsCompleted.ShouldBeFalse();
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
