using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Larkway.WeCom;
using Larkway.WeCom.AiBot;
using Xunit.Abstractions;

namespace Larkway.Integration.Tests.WeCom.AiBot;

/// <summary>
/// The liveness rule against the emulator's faults: a killed socket, a half-open one, a server that stops answering
/// pings, the endpoint down and back. A user writes at a steady pace throughout; each test counts the messages WeCom
/// pushed to the client's connection that never reached the handler, and writes the longest gap between two handled ones.
/// Messages sent while the bot has no connection at all (the reconnect's back-off and handshake: WeCom allows one
/// connection per bot, so there is no standby) are counted in NotHandled but are not the client's to lose.
/// </summary>
[Collection(nameof(AiBotEmulatorCollection))]
public sealed class AiBotLivenessTests(AiBotEmulatorFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, long> _handled = new(StringComparer.Ordinal);
    private WeComAiBotClient _client = null!;

    public async Task InitializeAsync()
    {
        await fixture.Control.ClearFaultsAsync();
        _client = NewClient(fixture.Options());
        await _client.StartAsync();
    }

    private WeComAiBotClient NewClient(WeComAiBotOptions options) =>
        new(options, async (callback, ct) =>
        {
            if (callback.Message is { } message)
            {
                _handled.TryAdd(message.PlainText, Stopwatch.GetTimestamp());

                // Answered, so the user's three messages in flight are freed for the next ones.
                try
                {
                    await callback.ReplyAsync(WeComAiBotReply.Stream("stream_" + message.MsgId, "ok", finish: true), ct);
                }
                catch (WeComApiException)
                {
                    // A reply lost with its connection is not what these tests count.
                }
            }
        });

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await fixture.Control.ClearFaultsAsync();
    }

    [Fact]
    public async Task A_killed_socket_is_replaced_and_nothing_pushed_to_a_live_connection_is_lost()
    {
        var run = await WriteWhileAsync(() => fixture.Control.FaultAsync(new { kind = "drop", bot_id = fixture.Options().BotId }));

        run.LostOnConnection.ShouldBe(0, run.ToString());
        _client.ConnectionsOpened.ShouldBeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public async Task A_half_open_connection_is_found_by_its_unanswered_pings_and_replaced()
    {
        var run = await WriteWhileAsync(() => fixture.Control.FaultAsync(new { kind = "half-open", bot_id = fixture.Options().BotId }));

        _client.ConnectionsOpened.ShouldBeGreaterThanOrEqualTo(2);
        _client.LastReconnectReason.ShouldNotBeNull();
        // Pushes into the half-open socket are lost until the rule finds it (2 missed pings at 1 s, or 3 s of silence):
        // at 10 messages a second that is about 30-40; undetected it would be every one after the fault (~60).
        run.LostOnConnection.ShouldBeLessThanOrEqualTo(45, run.ToString());
    }

    [Fact]
    public async Task With_nobody_writing_a_half_open_connection_is_found_by_the_idle_probe_long_before_the_regular_ping()
    {
        // Regular pings and the silence rule far beyond the test: only the probe of an idle connection can find it.
        await _client.DisposeAsync();
        _client = NewClient(fixture.Options(o => (o.PingInterval, o.SilenceTimeout, o.ProbeWhenIdle, o.PongTimeout) =
            (TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1))));
        await _client.StartAsync();

        await fixture.Control.FaultAsync(new { kind = "half-open", bot_id = fixture.Options().BotId });

        await AiBotEmulatorFixture.WaitUntilAsync(() => Task.FromResult(_client.ConnectionsOpened >= 2 && _client.IsConnected), "the half-open connection replaced");
        _client.LastReconnectReason.ShouldNotBeNull().ShouldContain("ping");
        var after = "after-" + Guid.NewGuid().ToString("N");
        await fixture.Control.MessageAsync(after, userId: "bob");
        await AiBotEmulatorFixture.WaitUntilAsync(() => Task.FromResult(_handled.ContainsKey(after)), "a message after the replacement");
    }

    [Fact]
    public async Task A_server_that_stops_answering_pings_gets_a_new_connection_after_two_misses()
    {
        var run = await WriteWhileAsync(() => fixture.Control.FaultAsync(new { kind = "deaf-pings", bot_id = fixture.Options().BotId }));

        _client.ConnectionsOpened.ShouldBeGreaterThanOrEqualTo(2);
        _client.LastReconnectReason.ShouldNotBeNull().ShouldContain("pings unanswered");
        run.LostOnConnection.ShouldBe(0, run.ToString());
    }

    [Fact]
    public async Task With_the_endpoint_down_the_client_backs_off_and_comes_back_when_it_is_up()
    {
        var run = await WriteWhileAsync(async () =>
        {
            await fixture.Control.FaultAsync(new { kind = "refuse-subscribes", seconds = 3 });
            await fixture.Control.FaultAsync(new { kind = "drop", bot_id = fixture.Options().BotId });
        });

        _client.State.ShouldBe(WeComAiBotConnectionState.Connected);
        _client.ConnectionsOpened.ShouldBeGreaterThanOrEqualTo(2);
        run.LostOnConnection.ShouldBe(0, run.ToString());
    }

    /// <summary>
    /// Writes 100 messages, 10 a second, injecting the fault after the 20th; then one more after the client is connected
    /// again, which must arrive. Counts the messages the emulator pushed to a connection that the handler never got.
    /// </summary>
    private async Task<Run> WriteWhileAsync(Func<Task> fault)
    {
        var sent = new List<(string Text, string Delivery)>();
        for (var i = 0; i < 100; i++)
        {
            if (i == 20)
            {
                await fault();
            }

            var text = $"m{i:000}-{Guid.NewGuid():N}";
            var answer = await fixture.Control.MessageAsync(text, userId: "bob");
            sent.Add((text, Delivery(answer)));
            await Task.Delay(100);
        }

        await AiBotEmulatorFixture.WaitUntilAsync(() => Task.FromResult(_client.IsConnected && _client.ConnectionsOpened >= 2), "the client connected again");
        var after = "after-" + Guid.NewGuid().ToString("N");
        var last = await fixture.Control.MessageAsync(after, userId: "bob");
        await AiBotEmulatorFixture.WaitUntilAsync(() => Task.FromResult(_handled.ContainsKey(after)), $"the message after recovery ({last})");

        // The emulator says where each message went: "connection" (written to the bot's connection), "lost" (into a
        // connection that can no longer deliver it, such as a half-open one) or "no-connection" (the bot had none).
        var pushed = sent.Where(s => s.Delivery is "connection" or "lost").ToList();
        // Handlers of the old connection's last messages may still be queued behind the others on a busy machine: wait for
        // every pushed message to be handled, for a while, before counting what never came.
        await WaitForAsync(() => pushed.All(s => _handled.ContainsKey(s.Text)), TimeSpan.FromSeconds(10));
        var times = sent.Where(s => _handled.ContainsKey(s.Text)).Select(s => _handled[s.Text]).Order().ToList();
        var longestGap = times.Zip(times.Skip(1)).Select(p => Stopwatch.GetElapsedTime(p.First, p.Second)).DefaultIfEmpty().Max();
        var run = new Run(sent.Count, pushed.Count, pushed.Count(s => !_handled.ContainsKey(s.Text)), sent.Count(s => !_handled.ContainsKey(s.Text)), longestGap,
            string.Join(",", sent.GroupBy(s => s.Delivery).Select(g => $"{g.Key}:{g.Count()}")), _client.LastReconnectReason);
        output.WriteLine(run.ToString());
        return run;
    }

    /// <summary>Waits until <paramref name="condition"/> holds or <paramref name="most"/> has passed (then the counts tell).</summary>
    private static async Task WaitForAsync(Func<bool> condition, TimeSpan most)
    {
        var waited = Stopwatch.StartNew();
        while (!condition() && waited.Elapsed < most)
        {
            await Task.Delay(50);
        }
    }

    private static string Delivery(JsonElement answer) =>
        answer.TryGetProperty("delivery", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : "?";

    private sealed record Run(int Sent, int Pushed, int LostOnConnection, int NotHandled, TimeSpan LongestGap, string Deliveries, string? Reason);
}
