using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Larkway.DingTalk;
using Larkway.DingTalk.Stream;
using Larkway.Emulator.Hosting;
using Larkway.Feishu.Events.Ingest;
using Larkway.Feishu.Events.LongConnection;
using Larkway.WeCom;
using Larkway.WeCom.AiBot;

// The liveness suite of the three long connections (DingTalk Stream mode, Feishu's long connection, the WeCom AI bot):
// messages pushed at a steady rate through the emulator while a fault hits one of the client's connections; counts the
// messages that never reached the handler, those that reached it twice, the longest stretch without one, and the
// longest delay of one message. The emulator keeps each platform's rule: DingTalk pushes a robot message to one
// connection; Feishu pushes an event to one connection and again (to any) when it is not acknowledged within 10 s;
// WeCom holds one connection per bot and pushes each message once.
var options = Options.Parse(args);
var report = new StringBuilder();
report.AppendLine(CultureInfo.InvariantCulture, $"| platform | fault | connections | sent | lost | duplicated | longest gap (s) | longest delay (s) | client's reason |");
report.AppendLine("|---|---|---|---|---|---|---|---|---|");
foreach (var platform in options.Platforms)
{
    foreach (var connections in options.Connections)
    {
        foreach (var fault in options.Faults)
        {
            var result = platform switch
            {
                "feishu" => await FeishuScenario.RunAsync(fault, connections, options),
                "wecom" => await WeComScenario.RunAsync(fault, connections, options),
                _ => await Scenario.RunAsync(fault, connections, options),
            };
            if (result is null)
            {
                continue; // the platform has no such fault, or allows no such connection count
            }

            var line = string.Create(CultureInfo.InvariantCulture,
                $"| {platform} | {fault} | {connections} | {result.Sent} | {result.Lost} | {result.Duplicated} | {result.LongestGap.TotalSeconds:0.00} | {result.LongestDelay.TotalSeconds:0.00} | {result.Reason} |");
            Console.WriteLine(line);
            report.AppendLine(line);
        }
    }
}

if (options.Markdown is { } path)
{
    await File.WriteAllTextAsync(path, report.ToString());
}

internal sealed record Options(IReadOnlyList<string> Platforms, IReadOnlyList<string> Faults, IReadOnlyList<int> Connections, TimeSpan Duration, TimeSpan Interval, TimeSpan FaultAt, string? Markdown)
{
    public static Options Parse(string[] args)
    {
        string Value(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        return new Options(
            Value("--platforms", "dingtalk,feishu,wecom").Split(','),
            Value("--faults", "drop,half-open,disconnect,endpoint-down").Split(','),
            [.. Value("--connections", "1,2").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture))],
            TimeSpan.FromSeconds(double.Parse(Value("--seconds", "40"), CultureInfo.InvariantCulture)),
            TimeSpan.FromMilliseconds(double.Parse(Value("--interval-ms", "100"), CultureInfo.InvariantCulture)),
            TimeSpan.FromSeconds(double.Parse(Value("--fault-at", "5"), CultureInfo.InvariantCulture)),
            Array.IndexOf(args, "--markdown") >= 0 ? Value("--markdown", "") : null);
    }
}

internal sealed record ScenarioResult(int Sent, int Lost, int Duplicated, TimeSpan LongestGap, TimeSpan LongestDelay, string Reason)
{
    /// <summary>
    /// Counts what never arrived, what arrived more than once, the longest stretch without an arrival (up to the last
    /// send) and the longest send-to-arrival delay (of the first arrival).
    /// </summary>
    public static ScenarioResult Of(List<(string Id, TimeSpan At)> sent, Arrivals arrivals, string reason)
    {
        var received = arrivals.First;
        var lost = sent.Count(s => !received.ContainsKey(s.Id));
        var times = sent.Where(s => received.ContainsKey(s.Id)).Select(s => received[s.Id]).Order().ToList();
        var gap = TimeSpan.Zero;
        for (var i = 1; i < times.Count; i++)
        {
            gap = times[i] - times[i - 1] > gap ? times[i] - times[i - 1] : gap;
        }

        // A loss at the end (no arrival after it) counts up to the end of sending.
        if (times.Count > 0 && sent[^1].At - times[^1] > gap)
        {
            gap = sent[^1].At - times[^1];
        }

        var delay = sent.Where(s => received.ContainsKey(s.Id)).Select(s => received[s.Id] - s.At).DefaultIfEmpty().Max();
        return new ScenarioResult(sent.Count, lost, arrivals.Duplicated, gap, delay, reason);
    }
}

/// <summary>When each message first reached the handler, and how many reached it again.</summary>
internal sealed class Arrivals(Stopwatch clock)
{
    private int _duplicated;

    public ConcurrentDictionary<string, TimeSpan> First { get; } = new(StringComparer.Ordinal);

    public int Duplicated => Volatile.Read(ref _duplicated);

    /// <summary>Records an arrival; false when the message had arrived before (handled twice).</summary>
    public bool Add(string id)
    {
        if (First.TryAdd(id, clock.Elapsed))
        {
            return true;
        }

        Interlocked.Increment(ref _duplicated);
        return false;
    }
}

internal static class Scenario
{
    // Production settings on both sides: the emulator pings every 10 s and closes after 3 missed; the client's defaults.
    public static async Task<ScenarioResult?> RunAsync(string fault, int connections, Options options)
    {
        var emulatorOptions = new EmulatorOptions { Port = 0 };
        await using var emulator = await EmulatorServer.StartAsync(emulatorOptions);
        using var control = new HttpClient { BaseAddress = new Uri(emulator.BaseUrl, "/_emulator/dingtalk/stream/") };
        var clock = Stopwatch.StartNew();
        var received = new Arrivals(clock);
        var stream = new DingTalkStreamOptions
        {
            AppKey = emulatorOptions.DingTalkAppKey,
            AppSecret = emulatorOptions.DingTalkAppSecret,
            ApiBaseUrl = DingTalkBaseUrls.Emulator(emulator.BaseUrl),
            Connections = connections,
        };
        await using var client = new DingTalkStreamClient(stream, (message, _) =>
        {
            if (message.IsRobotMessage)
            {
                received.Add(message.ReadRobotMessage().MessageId);
            }

            return new ValueTask<DingTalkStreamAck>(DingTalkStreamAck.Handled);
        });
        await client.StartAsync();
        while (client.OpenConnections.Count < connections)
        {
            await Task.Delay(50);
        }

        // Steady state: each connection has answered two of the server's pings, so the client knows their cadence (a
        // connection that goes half-open before that is left to the silence rule and the server's own).
        while ((await GetAsync(control, "connections")).GetProperty("items").EnumerateArray()
            .Count(c => c.GetProperty("state").GetString() == "open" && c.GetProperty("acksIn").GetInt64() >= 2) < connections)
        {
            await Task.Delay(200);
        }

        var sent = new List<(string Id, TimeSpan At)>();
        var faulted = false;
        var started = clock.Elapsed;
        while (clock.Elapsed - started < options.Duration)
        {
            if (!faulted && clock.Elapsed - started >= options.FaultAt)
            {
                faulted = true;
                await InjectAsync(control, fault);
            }

            var at = clock.Elapsed; // before the POST: the push may arrive before its answer
            var answer = await PostAsync(control, "robot-messages", new { conversationType = "1", senderStaffId = "alice", senderNick = "Alice Chen", text = $"m{sent.Count}", appKey = emulatorOptions.DingTalkAppKey });
            sent.Add((answer.GetProperty("msgId").GetString()!, at));
            await Task.Delay(options.Interval);
        }

        // DingTalk pushes an unacked message again (the Emulator: 10 s, then 30 s later): what has not arrived by the
        // second try after the last send, plus 5 s, was lost.
        var redelivered = emulatorOptions.DingTalkStream.RedeliveryDelays.Take(2).Aggregate(TimeSpan.FromSeconds(5), (sum, d) => sum + d);
        var waitUntil = clock.Elapsed + redelivered;
        while (clock.Elapsed < waitUntil && sent.Any(s => !received.First.ContainsKey(s.Id)))
        {
            await Task.Delay(100);
        }

        return ScenarioResult.Of(sent, received, client.LastReplaceReason ?? "—");
    }

    private static async Task InjectAsync(HttpClient control, string fault)
    {
        var connections = (await GetAsync(control, "connections")).GetProperty("items").EnumerateArray()
            .Where(c => c.GetProperty("state").GetString() == "open").Select(c => c.GetProperty("id").GetString()!).ToList();
        var target = connections[0];
        switch (fault)
        {
            case "disconnect":
                (await control.PostAsync($"connections/{target}/disconnect", null)).EnsureSuccessStatusCode();
                break;
            case "endpoint-down":
                // The gateway is down for 10 s and a connection drops meanwhile: the client cannot reconnect until it is back.
                await PostAsync(control, "faults", new { kind = "endpoint-down", seconds = 10 });
                await PostAsync(control, "faults", new { kind = "drop", connectionId = target });
                break;
            default:
                await PostAsync(control, "faults", new { kind = fault, connectionId = target });
                break;
        }
    }

    private static async Task<JsonElement> PostAsync(HttpClient http, string path, object body)
    {
        using var response = await http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {path}: HTTP {(int)response.StatusCode} {text}");
        }

        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<JsonElement> GetAsync(HttpClient http, string path) => JsonDocument.Parse(await http.GetStringAsync(path)).RootElement.Clone();
}

internal static class FeishuScenario
{
    // Production settings on both sides: the emulator's ClientConfig is Feishu's (ping every 120 s, reconnect nonce 30 s,
    // interval 120 s) and it pushes an unacknowledged event again after 10 s; the client keeps its defaults.
    public static async Task<ScenarioResult?> RunAsync(string fault, int connections, Options options)
    {
        var emulatorOptions = new EmulatorOptions { Port = 0, EnforceRateLimits = false };
        await using var emulator = await EmulatorServer.StartAsync(emulatorOptions);
        var app = emulator.State.Apps[0];
        using var control = new HttpClient { BaseAddress = emulator.BaseUrl };
        (await control.PutAsJsonAsync($"/_emulator/apps/{app.AppId}/event-subscription", new { mode = "long-connection" })).EnsureSuccessStatusCode();
        var clock = Stopwatch.StartNew();
        var received = new Arrivals(clock);
        var client = new FeishuLongConnectionClient(
            new FeishuLongConnectionOptions { AppId = app.AppId, AppSecret = app.AppSecret, BaseUrl = emulator.BaseUrl, Connections = connections },
            new Sink(received));
        using var stop = new CancellationTokenSource();
        var run = client.RunAsync(stop.Token);
        try
        {
            while (await LiveAsync(control, app.AppId) is var live && live.Count < connections)
            {
                await Task.Delay(50);
            }

            var sent = new List<(string Id, TimeSpan At)>();
            var faulted = false;
            var started = clock.Elapsed;
            while (clock.Elapsed - started < options.Duration)
            {
                if (!faulted && clock.Elapsed - started >= options.FaultAt)
                {
                    faulted = true;
                    await InjectAsync(control, app.AppId, fault);
                }

                var at = clock.Elapsed; // before the POST: the push may arrive before its answer
                using var posted = await control.PostAsJsonAsync($"/_emulator/apps/{app.AppId}/p2p-messages", new { sender = "alice@example.com", msg_type = "text", content = new { text = $"m{sent.Count}" } });
                posted.EnsureSuccessStatusCode();
                using var body = JsonDocument.Parse(await posted.Content.ReadAsStringAsync());
                sent.Add((body.RootElement.GetProperty("data").GetProperty("message_id").GetString()!, at));
                await Task.Delay(options.Interval);
            }

            // Feishu pushes an unacknowledged event again after 10 s: what has not arrived 12 s after the last send was lost.
            for (var i = 0; i < 120 && sent.Any(s => !received.First.ContainsKey(s.Id)); i++)
            {
                await Task.Delay(100);
            }

            return ScenarioResult.Of(sent, received, client.LastReplaceReason ?? "—");
        }
        finally
        {
            await stop.CancelAsync();
            await run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await client.DisposeAsync();
        }
    }

    private static async Task InjectAsync(HttpClient control, string appId, string fault)
    {
        var target = (await LiveAsync(control, appId))[0];
        switch (fault)
        {
            case "disconnect":
                await PostAsync(control, new { app_id = appId, kind = "close", device_id = target });
                break;
            case "endpoint-down":
                // Discovery and handshakes are refused for 10 s and a connection drops meanwhile.
                await PostAsync(control, new { app_id = appId, kind = "endpoint_down", seconds = 10 });
                await PostAsync(control, new { app_id = appId, kind = "drop", device_id = target });
                break;
            default:
                await PostAsync(control, new { app_id = appId, kind = fault.Replace('-', '_'), device_id = target });
                break;
        }
    }

    private static async Task PostAsync(HttpClient control, object fault)
    {
        using var response = await control.PostAsJsonAsync("/_emulator/long-connection/faults", fault);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST faults: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static async Task<List<string>> LiveAsync(HttpClient control, string appId)
    {
        using var view = JsonDocument.Parse(await control.GetStringAsync("/_emulator/long-connection"));
        return [.. view.RootElement.GetProperty("data").GetProperty("items").EnumerateArray()
            .Where(a => a.GetProperty("app_id").GetString() == appId)
            .SelectMany(a => a.GetProperty("connections").EnumerateArray())
            .Where(c => !c.GetProperty("half_open").GetBoolean())
            .Select(c => c.GetProperty("device_id").GetString()!)];
    }

    private sealed class Sink(Arrivals received) : IFeishuEventSink
    {
        public ValueTask<FeishuIngestResult> AcceptAsync(FeishuInboundEvent inbound, CancellationToken cancellationToken)
        {
            using var body = JsonDocument.Parse(inbound.Body);
            var messageId = body.RootElement.GetProperty("event").GetProperty("message").GetProperty("message_id").GetString()!;
            return new(received.Add(messageId) ? FeishuIngestResult.Accepted : FeishuIngestResult.Duplicate);
        }
    }
}

internal static class WeComScenario
{
    // Production settings on the client (a ping every 30 s, an idle connection probed after 5 s, pong deadline 5 s,
    // 60 s of silence); the emulator's defaults. WeCom holds one connection per bot (a second subscribe takes the bot
    // over), so there are no two-connection rows; and its server has no frame that announces a close, so no
    // `disconnect` row. `endpoint-down` is subscribes refused for 10 s while the connection drops.
    public static async Task<ScenarioResult?> RunAsync(string fault, int connections, Options options)
    {
        if (connections != 1 || fault == "disconnect")
        {
            return null;
        }

        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        using var control = new HttpClient { BaseAddress = new Uri(emulator.BaseUrl, "/_emulator/wecom/aibot/") };
        var clock = Stopwatch.StartNew();
        var received = new Arrivals(clock);
        var socket = new UriBuilder(emulator.BaseUrl) { Scheme = emulator.BaseUrl.Scheme == "https" ? "wss" : "ws", Path = "/wecom-aibot/ws" }.Uri;
        var botId = Larkway.Emulator.WeCom.AiBot.AiBotOptions.DefaultBotId;
        await using var client = new WeComAiBotClient(
            new WeComAiBotOptions { BotId = botId, Secret = Larkway.Emulator.WeCom.AiBot.AiBotOptions.DefaultSecret, WebSocketUrl = socket },
            async (callback, ct) =>
            {
                if (callback.Message is { } message && received.Add(message.PlainText))
                {
                    try
                    {
                        // Answered, as a bot does: the member's messages waiting for an answer do not pile up.
                        await callback.ReplyAsync(WeComAiBotReply.Stream("stream_" + message.MsgId, "ok", finish: true), ct);
                    }
                    catch (WeComApiException)
                    {
                        // A reply lost with its connection is not what the suite counts.
                    }
                }
            });
        await client.StartAsync();

        var sent = new List<(string Id, TimeSpan At)>();
        var faulted = false;
        var started = clock.Elapsed;
        while (clock.Elapsed - started < options.Duration)
        {
            if (!faulted && clock.Elapsed - started >= options.FaultAt)
            {
                faulted = true;
                await InjectAsync(control, botId, fault);
            }

            var at = clock.Elapsed; // before the POST: the push may arrive before its answer
            var text = $"m{sent.Count}-{Guid.NewGuid():N}";
            await PostAsync(control, "messages", new { userid = "alice", chattype = "single", msgtype = "text", text });
            sent.Add((text, at));
            await Task.Delay(options.Interval);
        }

        // WeCom never pushes a message again: what has not arrived a couple of seconds after the last send was lost.
        await Task.Delay(TimeSpan.FromSeconds(2));
        return ScenarioResult.Of(sent, received, client.LastReconnectReason ?? "—");
    }

    private static async Task InjectAsync(HttpClient control, string botId, string fault)
    {
        if (fault == "endpoint-down")
        {
            await PostAsync(control, "faults", new { kind = "refuse-subscribes", seconds = 10 });
            await PostAsync(control, "faults", new { kind = "drop", bot_id = botId });
            return;
        }

        await PostAsync(control, "faults", new { kind = fault, bot_id = botId });
    }

    private static async Task PostAsync(HttpClient http, string path, object body)
    {
        using var response = await http.PostAsJsonAsync(path, body);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {path}: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}
