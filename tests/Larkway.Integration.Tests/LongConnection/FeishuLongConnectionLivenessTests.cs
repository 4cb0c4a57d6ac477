using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Feishu.Events.Ingest;
using Larkway.Feishu.Events.LongConnection;

namespace Larkway.Integration.Tests.LongConnection;

/// <summary>
/// The Feishu long-connection client against the Emulator over the real wire, one fault each: events are raised
/// before, during and after the fault, and every one must reach the sink. No assertion on time: the bounds are hang guards.
/// </summary>
public sealed class FeishuLongConnectionLivenessTests : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, int> _received = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private EmulatorServer _emulator = null!;
    private HttpClient _control = null!;
    private FeishuLongConnectionClient? _client;
    private Task _run = Task.CompletedTask;
    private string _appId = "";

    public Task InitializeAsync() => StartEmulatorAsync(pingIntervalSeconds: 1);

    private async Task StartEmulatorAsync(int pingIntervalSeconds)
    {
        var options = new EmulatorOptions { Port = 0, EnforceRateLimits = false };
        options.LongConnection.PingIntervalSeconds = pingIntervalSeconds;
        options.LongConnection.ReconnectIntervalSeconds = 1;
        options.LongConnection.ReconnectNonceSeconds = 1;
        options.LongConnection.AckTimeout = TimeSpan.FromSeconds(2);
        _emulator = await EmulatorServer.StartAsync(options);
        _control = new HttpClient { BaseAddress = _emulator.BaseUrl };
        _appId = _emulator.State.Apps[0].AppId;
        using var subscribed = await _control.PutAsJsonAsync($"/_emulator/apps/{_appId}/event-subscription", new { mode = "long-connection", verification_token = "vt_liveness" });
        subscribed.EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run.WaitAsync(TimeSpan.FromSeconds(30));
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        _control.Dispose();
        await _emulator.DisposeAsync();
        _stop.Dispose();
    }

    [Fact]
    public async Task A_killed_socket_loses_nothing_and_is_replaced()
    {
        await StartAsync();

        var sent = await SendAroundAsync(async () => await FaultAsync(new { app_id = _appId, kind = "drop", device_id = (await DeviceIdsAsync())[0] }));

        await WaitForAllAsync(sent);
        await WaitUntilAsync(async () => (await DeviceIdsAsync()).Count == 2, "the replacement open");
    }

    [Fact]
    public async Task A_half_open_socket_that_answers_nothing_loses_nothing_and_is_replaced()
    {
        await StartAsync();
        var deaf = (await DeviceIdsAsync())[0];

        var sent = await SendAroundAsync(() => FaultAsync(new { app_id = _appId, kind = "half_open", device_id = deaf }));

        await WaitForAllAsync(sent);
        await WaitUntilAsync(async () => !(await DeviceIdsAsync()).Contains(deaf), "the half-open connection closed by the client");
        Assert.NotNull(_client!.LastReplaceReason);
    }

    [Fact]
    public async Task With_one_connection_a_half_open_socket_is_found_by_its_missed_pong_and_nothing_is_lost()
    {
        await StartAsync(o => o.Connections = 1);
        var deaf = Assert.Single(await DeviceIdsAsync());

        var sent = await SendAroundAsync(() => FaultAsync(new { app_id = _appId, kind = "half_open", device_id = deaf }));

        await WaitForAllAsync(sent);
        Assert.Contains("ping", _client!.LastReplaceReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_no_events_a_half_open_socket_is_found_by_the_idle_probe_long_before_the_servers_next_ping()
    {
        // Feishu's own cadence (a ping every 120 s), and no events at all: neither the regular ping nor the deaf streak
        // can find the half-open connection within the test; only the probe of an idle connection can.
        _control.Dispose();
        await _emulator.DisposeAsync();
        await StartEmulatorAsync(pingIntervalSeconds: 120);
        await StartAsync(o => o.ProbeWhenIdle = TimeSpan.FromSeconds(1));
        var deaf = (await DeviceIdsAsync())[0];

        await FaultAsync(new { app_id = _appId, kind = "half_open", device_id = deaf });

        await WaitUntilAsync(() => Task.FromResult(_client!.LastReplaceReason is not null), "the half-open connection replaced");
        Assert.Contains("ping", _client!.LastReplaceReason, StringComparison.Ordinal);
        await WaitUntilAsync(async () => (await DeviceIdsAsync()).Count == 2, "the replacement open");
        var sent = await SendAroundAsync(() => Task.CompletedTask);
        await WaitForAllAsync(sent);
    }

    [Fact]
    public async Task A_server_side_close_loses_nothing_and_is_replaced()
    {
        await StartAsync();

        var sent = await SendAroundAsync(async () => await FaultAsync(new { app_id = _appId, kind = "close", device_id = (await DeviceIdsAsync())[0] }));

        await WaitForAllAsync(sent);
        await WaitUntilAsync(async () => (await DeviceIdsAsync()).Count == 2, "the replacement open");
    }

    [Fact]
    public async Task While_the_endpoint_is_down_nothing_is_lost_and_the_dropped_connection_comes_back_after()
    {
        await StartAsync();

        var sent = await SendAroundAsync(async () =>
        {
            await FaultAsync(new { app_id = _appId, kind = "endpoint_down", seconds = 3 });
            await FaultAsync(new { app_id = _appId, kind = "drop", device_id = (await DeviceIdsAsync())[0] });
        });

        await WaitForAllAsync(sent);
        await WaitUntilAsync(async () => (await DeviceIdsAsync()).Count == 2, "both connections back after the outage");
    }

    private async Task StartAsync(Action<FeishuLongConnectionOptions>? configure = null)
    {
        var options = new FeishuLongConnectionOptions
        {
            AppId = _appId,
            AppSecret = _emulator.State.Apps[0].AppSecret,
            BaseUrl = _emulator.BaseUrl,
            PongTimeout = TimeSpan.FromSeconds(1),
        };
        configure?.Invoke(options);
        _client = new FeishuLongConnectionClient(options, new Sink(_received));
        _run = _client.RunAsync(_stop.Token);
        await WaitUntilAsync(async () => (await DeviceIdsAsync()).Count == options.Connections, "the connections open");
    }

    /// <summary>Raises ten events, the fault, then twenty more; returns their message ids.</summary>
    private async Task<List<string>> SendAroundAsync(Func<Task> fault)
    {
        var sent = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            if (i == 10)
            {
                await fault();
            }

            using var posted = await _control.PostAsJsonAsync($"/_emulator/apps/{_appId}/p2p-messages", new { sender = "alice@example.com", msg_type = "text", content = new { text = $"m{i}" } });
            posted.EnsureSuccessStatusCode();
            using var body = JsonDocument.Parse(await posted.Content.ReadAsStringAsync());
            sent.Add(body.RootElement.GetProperty("data").GetProperty("message_id").GetString()!);
            await Task.Delay(50);
        }

        return sent;
    }

    private Task WaitForAllAsync(List<string> sent) =>
        WaitUntilAsync(() => Task.FromResult(sent.All(_received.ContainsKey)), $"every event ({sent.Count(id => !_received.ContainsKey(id))} missing)");

    private async Task FaultAsync(object fault)
    {
        using var response = await _control.PostAsJsonAsync("/_emulator/long-connection/faults", fault);
        response.EnsureSuccessStatusCode();
    }

    private async Task<List<string>> DeviceIdsAsync()
    {
        using var view = JsonDocument.Parse(await _control.GetStringAsync("/_emulator/long-connection"));
        return [.. view.RootElement.GetProperty("data").GetProperty("items").EnumerateArray()
            .Where(a => a.GetProperty("app_id").GetString() == _appId)
            .SelectMany(a => a.GetProperty("connections").EnumerateArray())
            .Where(c => !c.GetProperty("half_open").GetBoolean())
            .Select(c => c.GetProperty("device_id").GetString()!)];
    }

    /// <summary>Polls; the bound is a hang guard, not a timing assertion.</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        for (var i = 0; i < 600; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"waited in vain for {what}");
    }

    private sealed class Sink(ConcurrentDictionary<string, int> received) : IFeishuEventSink
    {
        public ValueTask<FeishuIngestResult> AcceptAsync(FeishuInboundEvent inbound, CancellationToken cancellationToken)
        {
            using var body = JsonDocument.Parse(inbound.Body);
            var messageId = body.RootElement.GetProperty("event").GetProperty("message").GetProperty("message_id").GetString()!;
            return new(received.AddOrUpdate(messageId, 1, (_, n) => n + 1) == 1 ? FeishuIngestResult.Accepted : FeishuIngestResult.Duplicate);
        }
    }
}
