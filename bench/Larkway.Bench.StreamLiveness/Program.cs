using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Larkway.DingTalk;
using Larkway.DingTalk.Stream;
using Larkway.Emulator.Hosting;

// The DingTalk Stream liveness suite: robot messages pushed at a steady rate through the emulator while a fault hits
// one of the client's connections; counts the messages that never reached the handler and the longest stretch without
// one. The emulator keeps DingTalk's rule: a robot message is pushed once, to one connection, never again.
var options = Options.Parse(args);
var report = new StringBuilder();
report.AppendLine(CultureInfo.InvariantCulture, $"| fault | connections | sent | lost | longest gap (s) | client's reason |");
report.AppendLine("|---|---|---|---|---|---|");
foreach (var connections in options.Connections)
{
    foreach (var fault in options.Faults)
    {
        var result = await Scenario.RunAsync(fault, connections, options);
        var line = string.Create(CultureInfo.InvariantCulture,
            $"| {fault} | {connections} | {result.Sent} | {result.Lost} | {result.LongestGap.TotalSeconds:0.00} | {result.Reason} |");
        Console.WriteLine(line);
        report.AppendLine(line);
    }
}

if (options.Markdown is { } path)
{
    await File.WriteAllTextAsync(path, report.ToString());
}

internal sealed record Options(IReadOnlyList<string> Faults, IReadOnlyList<int> Connections, TimeSpan Duration, TimeSpan Interval, TimeSpan FaultAt, string? Markdown)
{
    public static Options Parse(string[] args)
    {
        string Value(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        return new Options(
            Value("--faults", "drop,half-open,disconnect,endpoint-down").Split(','),
            [.. Value("--connections", "1,2").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture))],
            TimeSpan.FromSeconds(double.Parse(Value("--seconds", "40"), CultureInfo.InvariantCulture)),
            TimeSpan.FromMilliseconds(double.Parse(Value("--interval-ms", "100"), CultureInfo.InvariantCulture)),
            TimeSpan.FromSeconds(double.Parse(Value("--fault-at", "5"), CultureInfo.InvariantCulture)),
            Array.IndexOf(args, "--markdown") >= 0 ? Value("--markdown", "") : null);
    }
}

internal sealed record ScenarioResult(int Sent, int Lost, TimeSpan LongestGap, string Reason);

internal static class Scenario
{
    // Production settings on both sides: the emulator pings every 10 s and closes after 3 missed; the client's defaults.
    public static async Task<ScenarioResult> RunAsync(string fault, int connections, Options options)
    {
        var emulatorOptions = new EmulatorOptions { Port = 0 };
        await using var emulator = await EmulatorServer.StartAsync(emulatorOptions);
        using var control = new HttpClient { BaseAddress = new Uri(emulator.BaseUrl, "/_emulator/dingtalk/stream/") };
        var clock = Stopwatch.StartNew();
        var received = new ConcurrentDictionary<string, TimeSpan>(StringComparer.Ordinal);
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
                received.TryAdd(message.ReadRobotMessage().MessageId, clock.Elapsed);
            }

            return new ValueTask<DingTalkStreamAck>(DingTalkStreamAck.Handled);
        });
        await client.StartAsync();
        while (client.OpenConnections.Count < connections)
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
                await InjectAsync(control, fault);
            }

            var answer = await PostAsync(control, "robot-messages", new { conversationType = "1", senderStaffId = "alice", senderNick = "Alice Chen", text = $"m{sent.Count}", appKey = emulatorOptions.DingTalkAppKey });
            sent.Add((answer.GetProperty("msgId").GetString()!, clock.Elapsed));
            await Task.Delay(options.Interval);
        }

        // Anything still on its way arrives within a second; what has not by then was lost.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var lost = sent.Count(s => !received.ContainsKey(s.Id));
        var arrivals = sent.Where(s => received.ContainsKey(s.Id)).Select(s => received[s.Id]).Order().ToList();
        var gap = TimeSpan.Zero;
        for (var i = 1; i < arrivals.Count; i++)
        {
            gap = arrivals[i] - arrivals[i - 1] > gap ? arrivals[i] - arrivals[i - 1] : gap;
        }

        // A loss at the end (no arrival after it) counts up to the end of sending.
        if (arrivals.Count > 0 && sent[^1].At - arrivals[^1] > gap)
        {
            gap = sent[^1].At - arrivals[^1];
        }

        return new ScenarioResult(sent.Count, lost, gap, client.LastReplaceReason ?? "—");
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
