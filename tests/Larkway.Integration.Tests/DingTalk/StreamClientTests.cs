using System.Collections.Concurrent;
using Larkway.DingTalk;
using Larkway.DingTalk.Robots;
using Larkway.DingTalk.Stream;
using Larkway.Emulator.Hosting;

namespace Larkway.Integration.Tests.DingTalk;

/// <summary>The Stream client against the emulator's Stream server, over the real wire.</summary>
public sealed class StreamClientTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<DingTalkStreamMessage> _received = new();
    private EmulatorServer _emulator = null!;
    private DingTalkStreamControl _control = null!;
    private DingTalkStreamClient? _client;
    private Func<DingTalkStreamMessage, ValueTask<DingTalkStreamAck>> _handle = m => new(m.Type == "EVENT" ? DingTalkStreamAck.Success : DingTalkStreamAck.Handled);

    public Task InitializeAsync() => StartEmulatorAsync(pingInterval: TimeSpan.FromSeconds(1));

    private async Task StartEmulatorAsync(TimeSpan pingInterval, int missedPingsBeforeClose = 3)
    {
        var options = new EmulatorOptions { Port = 0 };
        options.DingTalkStream.PingInterval = pingInterval;
        options.DingTalkStream.MissedPingsBeforeClose = missedPingsBeforeClose;
        options.DingTalkStream.RedeliveryDelays = [.. Enumerable.Repeat(TimeSpan.FromSeconds(1), 4)];
        _emulator = await EmulatorServer.StartAsync(options);
        _control = new DingTalkStreamControl(_emulator.BaseUrl, options.DingTalkAppKey);
    }

    /// <summary>An emulator whose missed-ping rule cannot close a connection within the test.</summary>
    private async Task RestartEmulatorWithoutPingRuleAsync()
    {
        _control.Dispose();
        await _emulator.DisposeAsync();
        await StartEmulatorAsync(pingInterval: TimeSpan.FromMinutes(10));
    }

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        _control.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task A_robot_message_reaches_the_handler_once_is_acked_and_the_reply_goes_through_its_session_webhook()
    {
        using var app = new DingTalkClient(AppOptions());
        _handle = async m =>
        {
            await app.Robot.ReplyAsync(m.ReadRobotMessage(), DingTalkRobotMessage.Markdown("Echo", "**you said** " + m.ReadRobotMessage().PlainText));
            return DingTalkStreamAck.Handled;
        };
        await StartAsync();

        var msgId = await _control.RobotMessageAsync("hello bot");

        await WaitUntilAsync(async () => (await _control.SessionRepliesAsync()).Count == 1, "the reply");
        var robot = Assert.Single(_received, m => m.IsRobotMessage);
        Assert.Equal(msgId, robot.ReadRobotMessage().MessageId);
        Assert.Contains("you said", (await _control.SessionRepliesAsync())[0].GetRawText(), StringComparison.Ordinal);
        await WaitUntilAsync(async () => (await _control.DeliveriesAsync()).Any(d => d.GetProperty("direction").GetString() == "in"
            && d.GetProperty("messageId").GetString() == robot.MessageId && d.GetProperty("outcome").GetString() == "ack"), "the ack");
    }

    [Fact]
    public async Task It_holds_two_connections_and_the_standby_takes_the_pushes_while_one_is_replaced_after_disconnect()
    {
        await StartAsync();
        await WaitUntilAsync(async () => (await _control.OpenConnectionIdsAsync()).Count == 2, "two open connections");

        var sent = await SendWhileAsync(async () => await _control.DisconnectAsync((await _control.OpenConnectionIdsAsync())[0]));

        await WaitUntilAsync(() => Task.FromResult(RobotIds().IsSupersetOf(sent)), "every message sent around the disconnect");
        Assert.Equal(sent.Count, _received.Count(m => m.IsRobotMessage));
        Assert.Contains("disconnect", _client!.LastReplaceReason, StringComparison.Ordinal);
        await WaitUntilAsync(async () => (await _control.OpenConnectionIdsAsync()).Count == 2, "the replacement open");
    }

    [Fact]
    public async Task A_killed_socket_loses_nothing_and_is_replaced()
    {
        await StartAsync();
        await WaitUntilAsync(async () => (await _control.OpenConnectionIdsAsync()).Count == 2, "two open connections");

        var sent = await SendWhileAsync(async () => await _control.FaultAsync(new { kind = "drop", connectionId = (await _control.OpenConnectionIdsAsync())[0] }));

        await WaitUntilAsync(() => Task.FromResult(RobotIds().IsSupersetOf(sent)), "every message sent around the drop");
        await WaitUntilAsync(async () => (await _control.OpenConnectionIdsAsync()).Count == 2, "the replacement open");
        Assert.DoesNotContain(await _control.DeliveriesAsync(), d => d.GetProperty("outcome").GetString() is "lost" or "no-connection");
    }

    [Fact]
    public async Task While_the_endpoint_is_down_the_open_connection_carries_on_and_the_lost_one_comes_back_after()
    {
        await StartAsync();
        await WaitUntilAsync(async () => (await _control.OpenConnectionIdsAsync()).Count == 2, "two open connections");
        await _control.FaultAsync(new { kind = "endpoint-down", seconds = 3 });

        var sent = await SendWhileAsync(async () => await _control.FaultAsync(new { kind = "drop", connectionId = (await _control.OpenConnectionIdsAsync())[0] }));

        await WaitUntilAsync(() => Task.FromResult(RobotIds().IsSupersetOf(sent)), "every message sent while the endpoint was down");
        await WaitUntilAsync(async () => (await _control.OpenConnectionIdsAsync()).Count == 2, "both connections back after the endpoint");
    }

    [Fact]
    public async Task A_half_open_connection_is_found_by_its_unanswered_pings_and_replaced()
    {
        await StartAsync(o => o.Connections = 1);
        var before = Assert.Single(await _control.OpenConnectionIdsAsync());

        await _control.FaultAsync(new { kind = "half-open", connectionId = before });

        await WaitUntilAsync(async () => (await _control.OpenConnectionIdsAsync()).Any(id => id != before), "a new connection");
        Assert.Contains("lost", _client!.LastReplaceReason, StringComparison.Ordinal);
        var after = await _control.RobotMessageAsync("after the fault");
        await WaitUntilAsync(() => Task.FromResult(RobotIds().Contains(after)), "a message after the replacement");
    }

    [Fact]
    public async Task With_no_pushes_a_half_open_connection_is_found_when_the_servers_pings_stop_coming()
    {
        // The server pings every 300 ms but never closes for missed pings; no pushes, so no deaf streak; the silence rule
        // beyond the test. Only the client's probe — the server's pings, whose cadence it learned — can find it.
        _control.Dispose();
        await _emulator.DisposeAsync();
        await StartEmulatorAsync(pingInterval: TimeSpan.FromMilliseconds(300), missedPingsBeforeClose: 1000);
        await StartAsync(o => o.SilenceTimeout = TimeSpan.FromMinutes(5));
        // Each connection has answered two pings: the client has seen two, so it knows the cadence.
        await WaitUntilAsync(async () => (await _control.ConnectionsAsync()).Count(c => c.GetProperty("state").GetString() == "open" && c.GetProperty("acksIn").GetInt64() >= 2) == 2,
            "two connections that have seen the server's cadence");
        var halfOpen = (await _control.OpenConnectionIdsAsync())[0];

        await _control.FaultAsync(new { kind = "half-open", connectionId = halfOpen });

        await WaitUntilAsync(() => Task.FromResult(_client!.LastReplaceReason is not null), "the half-open connection replaced");
        Assert.StartsWith("no server ping", _client!.LastReplaceReason, StringComparison.Ordinal);
        await WaitUntilAsync(async () => (await _control.ConnectionsAsync()).Single(c => c.GetProperty("id").GetString() == halfOpen).GetProperty("state").GetString() == "closed",
            "the half-open connection closed by the client");
        var after = await _control.RobotMessageAsync("after the replacement");
        await WaitUntilAsync(() => Task.FromResult(RobotIds().Contains(after)), "a message after the replacement");
    }

    [Fact]
    public async Task With_two_connections_a_deaf_one_is_found_by_the_pushes_it_misses_long_before_any_ping_rule()
    {
        // The server's own missed-ping rule (three pings) would otherwise close the half-open connection first when the
        // pushes below run slowly on a loaded machine, and the client would see it lost, not deaf.
        await RestartEmulatorWithoutPingRuleAsync();
        // A short confirmation keeps the loss bound below about the streak itself (the default, 1 s, is the benchmark's).
        await StartAsync(o => (o.SilenceTimeout, o.DeafConfirmation) = (TimeSpan.FromMinutes(5), TimeSpan.FromMilliseconds(250)));
        await WaitUntilAsync(async () => (await _control.OpenConnectionIdsAsync()).Count == 2, "two open connections");

        // The emulator's half-open connection still answers WebSocket pings: only the pushes it misses give it away.
        // 140 pushes after the fault: undetected, the deaf one would lose about 70.
        var sent = await SendWhileAsync(async () => await _control.FaultAsync(new { kind = "half-open", connectionId = (await _control.OpenConnectionIdsAsync())[0] }), count: 150);

        await WaitUntilAsync(() => Task.FromResult(_client!.LastReplaceReason?.StartsWith("deaf", StringComparison.Ordinal) == true), "the deaf connection replaced");
        var after = await _control.RobotMessageAsync("after the replacement");
        await WaitUntilAsync(() => Task.FromResult(RobotIds().Contains(after)), "a message after the replacement");
        // Its share of the 20-push streak (random, about 20 ± 6) and of the confirmation: well under the 70 of no detection.
        Assert.True(sent.Count(id => !RobotIds().Contains(id)) <= 45, "at most about the deaf connection's share of the streak is lost");
    }

    [Fact]
    public async Task An_event_acked_later_is_handled_again_and_one_redelivered_while_in_flight_is_not()
    {
        var calls = 0;
        _handle = async m =>
        {
            var call = Interlocked.Increment(ref calls);
            if (call == 1)
            {
                return DingTalkStreamAck.Later("not yet");
            }

            // Slower than the emulator's redelivery: the repeat arrives while this one runs and must not run again.
            await Task.Delay(TimeSpan.FromSeconds(2.5));
            return DingTalkStreamAck.Success;
        };
        await StartAsync(o => o.Connections = 1);

        var messageId = await _control.EventAsync("user_add_org", new { userId = new[] { "manager4821" } });

        await WaitUntilAsync(async () => (await _control.DeliveriesAsync()).Any(d => d.GetProperty("direction").GetString() == "in"
            && d.GetProperty("messageId").GetString() == messageId && (d.GetProperty("data").GetString() ?? "").Contains("SUCCESS", StringComparison.Ordinal)), "the SUCCESS ack");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(2, Volatile.Read(ref calls));
        Assert.True((await _control.DeliveriesAsync()).Count(d => d.GetProperty("direction").GetString() == "out" && d.GetProperty("messageId").GetString() == messageId) >= 3,
            "the emulator pushed the event at least three times: after LATER, and again while the second handling ran");
    }

    [Fact]
    public async Task Wrong_credentials_fail_the_start_with_dingtalks_code()
    {
        var options = StreamOptions();
        options.AppSecret = "wrong";
        await using var client = new DingTalkStreamClient(options, (_, _) => new(DingTalkStreamAck.Handled));

        var refused = await Assert.ThrowsAsync<DingTalkApiException>(() => client.StartAsync());

        Assert.Equal("authFailed", refused.Code);
        Assert.Contains("AppKey and AppSecret", refused.Message, StringComparison.Ordinal);
    }

    private async Task StartAsync(Action<DingTalkStreamOptions>? configure = null)
    {
        var options = StreamOptions();
        configure?.Invoke(options);
        _client = new DingTalkStreamClient(options, async (m, _) =>
        {
            _received.Enqueue(m);
            return await _handle(m);
        });
        await _client.StartAsync();
    }

    private DingTalkStreamOptions StreamOptions() => new()
    {
        AppKey = DingTalkStreamOptionsDefaults.ClientId,
        AppSecret = DingTalkStreamOptionsDefaults.ClientSecret,
        ApiBaseUrl = DingTalkBaseUrls.Emulator(_emulator.BaseUrl),
        KeepAliveInterval = TimeSpan.FromSeconds(1),
        KeepAliveTimeout = TimeSpan.FromSeconds(1),
        SilenceTimeout = TimeSpan.FromSeconds(5),
        ReconnectBaseDelay = TimeSpan.FromMilliseconds(200),
        ReconnectMaxDelay = TimeSpan.FromSeconds(1),
        ReplacedConnectionGrace = TimeSpan.FromSeconds(1),
    };

    private DingTalkAppOptions AppOptions() => new()
    {
        AppKey = DingTalkStreamOptionsDefaults.ClientId,
        AppSecret = DingTalkStreamOptionsDefaults.ClientSecret,
        ApiBaseUrl = DingTalkBaseUrls.Emulator(_emulator.BaseUrl),
        OapiBaseUrl = DingTalkBaseUrls.Emulator(_emulator.BaseUrl),
    };

    private HashSet<string> RobotIds() => [.. _received.Where(m => m.IsRobotMessage).Select(m => m.ReadRobotMessage().MessageId)];

    /// <summary>Sends <paramref name="count"/> robot messages 50 ms apart, running <paramref name="fault"/> after the first ten.</summary>
    private async Task<List<string>> SendWhileAsync(Func<Task> fault, int count = 40)
    {
        var sent = new List<string>();
        for (var i = 0; i < count; i++)
        {
            if (i == 10)
            {
                await fault();
            }

            sent.Add(await _control.RobotMessageAsync($"message {i}"));
            await Task.Delay(50);
        }

        return sent;
    }

    /// <summary>Polls; the bound is a hang guard, not a timing assertion.</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        for (var i = 0; i < 1500; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("waited in vain for " + what);
    }
}

/// <summary>The emulator's DingTalk app (the org's), which opens Stream connections with its tokens' credentials.</summary>
internal static class DingTalkStreamOptionsDefaults
{
    public const string ClientId = EmulatorOptions.DefaultDingTalkAppKey;
    public const string ClientSecret = EmulatorOptions.DefaultDingTalkAppSecret;
}
