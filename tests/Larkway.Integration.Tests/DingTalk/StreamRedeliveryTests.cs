using System.Collections.Concurrent;
using System.Text.Json;
using Larkway.DingTalk;
using Larkway.DingTalk.Stream;
using Larkway.Emulator.Hosting;

namespace Larkway.Integration.Tests.DingTalk;

/// <summary>
/// DingTalk pushes a robot message again until it is acked: the Stream client, over the emulator's Stream server, loses
/// none when one of its connections goes deaf, and handles each message once however often it comes.
/// </summary>
public sealed class StreamRedeliveryTests : IAsyncLifetime
{
    private const string Topic = "/v1.0/im/bot/messages/get";

    private static readonly TimeSpan Redelivery = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, int> _handled = new(StringComparer.Ordinal);
    private EmulatorServer _emulator = null!;
    private DingTalkStreamControl _control = null!;
    private DingTalkStreamClient? _client;

    public async Task InitializeAsync()
    {
        var options = new EmulatorOptions { Port = 0 };
        options.DingTalkStream.PingInterval = TimeSpan.FromSeconds(1);
        options.DingTalkStream.RedeliveryDelays = [.. Enumerable.Repeat(Redelivery, 4)];
        _emulator = await EmulatorServer.StartAsync(options);
        _control = new DingTalkStreamControl(_emulator.BaseUrl, options.DingTalkAppKey);
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
    public async Task With_two_connections_and_one_half_open_a_hundred_messages_all_arrive_and_each_is_handled_once()
    {
        _client = new DingTalkStreamClient(StreamOptions(), async (m, ct) =>
        {
            var robot = m.ReadRobotMessage();
            _handled.AddOrUpdate(robot.MessageId, 1, (_, n) => n + 1);

            // Every tenth message takes longer than DingTalk waits for its ack: its repeat arrives while it is handled.
            if (robot.PlainText.EndsWith('5'))
            {
                await Task.Delay(Redelivery * 1.5, ct);
            }

            return DingTalkStreamAck.Handled;
        });
        await _client.StartAsync();
        await WaitUntilAsync(async () => (await _control.OpenConnectionIdsAsync()).Count == 2, "two open connections");

        // 10 a second; after the first ten, one connection goes half-open: pushes to it vanish, WebSocket pings are answered.
        var sent = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            if (i == 10)
            {
                await _control.FaultAsync(new { kind = "half-open", connectionId = (await _control.OpenConnectionIdsAsync())[0] });
            }

            sent.Add(await _control.RobotMessageAsync($"message {i}"));
            await Task.Delay(100);
        }

        // Done when DingTalk holds nothing more to push: every robot message's frame acked and taken.
        await WaitUntilAsync(async () => Unsettled(await _control.DeliveriesAsync()).Count == 0, "every robot message acked");

        Assert.DoesNotContain(sent, id => !_handled.ContainsKey(id));
        Assert.DoesNotContain(_handled, h => h.Value != 1);
        var deliveries = await _control.DeliveriesAsync();
        Assert.Contains(deliveries, d => d.GetProperty("outcome").GetString() == "lost" && d.GetProperty("topic").GetString() == Topic);
        Assert.Contains(deliveries, d => d.GetProperty("direction").GetString() == "out" && d.GetProperty("attempt").GetInt32() > 1 && d.GetProperty("topic").GetString() == Topic);
    }

    [Fact]
    public async Task A_robot_message_whose_handler_failed_is_handled_afresh_when_DingTalk_pushes_it_again()
    {
        _client = new DingTalkStreamClient(StreamOptions(), (m, _) =>
        {
            // The first try fails: the client acks 500, which DingTalk answers by pushing the message again.
            if (_handled.AddOrUpdate(m.ReadRobotMessage().MessageId, 1, (_, n) => n + 1) == 1)
            {
                throw new InvalidOperationException("the store is down");
            }

            return new ValueTask<DingTalkStreamAck>(DingTalkStreamAck.Handled);
        });
        await _client.StartAsync();
        await WaitUntilAsync(async () => (await _control.OpenConnectionIdsAsync()).Count == 2, "two open connections");

        var msgId = await _control.RobotMessageAsync("try me twice");

        await WaitUntilAsync(async () => Unsettled(await _control.DeliveriesAsync()).Count == 0 && _handled.ContainsKey(msgId), "the message acked");
        Assert.Equal(2, _handled[msgId]);
        var acks = (await _control.DeliveriesAsync()).Where(d => d.GetProperty("direction").GetString() == "in" && d.GetProperty("topic").GetString() == Topic).ToList();
        Assert.Equal(["nack", "ack"], acks.Select(d => d.GetProperty("outcome").GetString()));
        Assert.Equal(500, acks[0].GetProperty("code").GetInt32());
    }

    /// <summary>The frame ids of robot messages pushed and not yet taken by an ack (nor given up on).</summary>
    private static HashSet<string> Unsettled(IReadOnlyList<JsonElement> deliveries)
    {
        var pushed = deliveries.Where(d => d.GetProperty("direction").GetString() == "out" && d.GetProperty("topic").GetString() == Topic)
            .Select(d => d.GetProperty("messageId").GetString()!).ToHashSet();
        foreach (var d in deliveries.Where(d => d.GetProperty("outcome").GetString() is "ack" or "gave-up"))
        {
            pushed.Remove(d.GetProperty("messageId").GetString()!);
        }

        return pushed;
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
