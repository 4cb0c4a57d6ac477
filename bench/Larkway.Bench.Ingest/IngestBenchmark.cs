using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Larkway.Bench.Ingest;

/// <summary>Warm-up, the interleaved rounds, the summary table and the Hub's persistence check.</summary>
internal static class IngestBenchmark
{
    private const string Hub = "Hub";
    private const string Node = "node-sdk";
    private const string EventsPath = "/feishu/events";

    public static async Task<int> RunAsync(IngestOptions options)
    {
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Connections,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var factory = new SignedEvent.Factory(options.EncryptKey, options.VerificationToken, options.EventType);
        var info = options.EmulatorInfo is { } infoPath ? EmulatorInfo.Read(infoPath) : null;
        var mix = EventMix.Create(options.Mix ?? $"{EventMix.Reaction}=100", info, options.Emulator, factory);
        var targets = new (string Name, Uri Url)[] { (Hub, new Uri(options.Hub, EventsPath)), (Node, new Uri(options.Node, EventsPath)) };
        var hubInbox = new HubInbox(http, options.Hub, options.AdminKey);
        var hubAcked = new HashSet<string>(StringComparer.Ordinal);
        var nodeAcked = 0L;
        void Record(string target, string eventId)
        {
            if (target == Hub)
            {
                hubAcked.Add(eventId);
            }
            else
            {
                nodeAcked++;
            }
        }

        var modes = options.Mode == "both" ? new[] { "closed", "open" } : [options.Mode];
        var header = $"Event ingest — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}; "
            + $"mix {mix.Spec} ({mix.RepliedShare:P0} answered with a reply); "
            + (modes.Contains("closed") ? $"closed loop: {options.Clients} connections × {options.Seconds} s; " : "")
            + (modes.Contains("open") ? $"open loop: loads {string.Join("/", options.Loads)} events/s × {options.Seconds} s, {options.Connections} connections per target; " : "")
            + $"{options.Rounds} interleaved rounds; load average before {ProcessProbe.LoadAverage()}";
        Console.WriteLine("# " + header);

        // One event each first: a target that rejects our signature or cannot be reached stops the run here.
        foreach (var (name, url) in targets)
        {
            var probe = await OpenLoopRun.RunAsync(http, name, url, await mix.BuildAsync(http, 1), 10, id => Record(name, id));
            if (probe.Acked != 1)
            {
                await Console.Error.WriteLineAsync($"{name} at {url} did not ack a signed event: {probe.FirstError}");
                return 1;
            }
        }

        // Warm-up: JIT, connection pools, the Hub's database file, both sides' Feishu clients; not reported.
        foreach (var (name, url) in targets)
        {
            if (options.Warmup > 0)
            {
                var warm = await OpenLoopRun.RunAsync(http, name, url, await mix.BuildAsync(http, options.Warmup), 500, id => Record(name, id));
                var drained = name == Hub ? await hubInbox.DrainAsync() : null;
                Console.WriteLine($"warm-up {name}: {warm.Acked}/{warm.Sent} acked, p99 {warm.P99Ms:F1} ms"
                    + (drained is { } d ? string.Create(CultureInfo.InvariantCulture, $", inbox drained {d.TotalSeconds:F1} s after the last ack") : ""));
            }
        }

        // Then as hard as each goes, for a while: the Hub's tiered JIT (and V8's) settles, so the rounds measure a warm
        // process rather than the first minute's compilation.
        var capacity = new Dictionary<string, double> { [Hub] = options.ClosedStartRate, [Node] = options.ClosedStartRate };
        foreach (var (name, url) in targets)
        {
            if (options.WarmupSeconds > 0)
            {
                var warm = await ClosedLoopRun.RunAsync(http, name, url, await mix.BuildAsync(http, (int)(capacity[name] * 1.4 * options.WarmupSeconds) + 500),
                    options.Clients, TimeSpan.FromSeconds(options.WarmupSeconds), id => Record(name, id));
                var drained = name == Hub ? await hubInbox.DrainAsync() : null;
                capacity[name] = Math.Max(500, warm.AchievedPerSecond);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"warm-up {name}, closed loop {options.WarmupSeconds} s: {warm.AchievedPerSecond:F0}/s acked")
                    + (drained is { } d ? string.Create(CultureInfo.InvariantCulture, $", inbox drained {d.TotalSeconds:F1} s after the last ack") : ""));
            }
        }

        if (options.MeasuringMarker is { } marker)
        {
            await File.WriteAllTextAsync(marker, DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        var results = new List<RunResult>();
        foreach (var mode in modes)
        {
            var loads = mode == "closed" ? [0] : options.Loads;
            foreach (var load in loads)
            {
                for (var round = 0; round < options.Rounds; round++)
                {
                    // Alternate which target goes first, so neither always follows the other's after-effects.
                    var order = (round + loads.ToList().IndexOf(load)) % 2 == 0 ? targets : targets.Reverse().ToArray();
                    foreach (var (name, url) in order)
                    {
                        var count = mode == "closed"
                            ? (int)Math.Ceiling(capacity[name] * 2 * options.Seconds) + 500
                            : Math.Max(1, (int)Math.Round(load * options.Seconds));
                        var events = await mix.BuildAsync(http, count);
                        GC.Collect();
                        await Task.Delay(TimeSpan.FromSeconds(1));
                        var pid = name == Hub ? options.HubPid : options.NodePid;
                        var cpuBefore = ProcessProbe.CpuSeconds(pid);
                        var repliesBefore = await EmulatorProbe.RepliesAsync(http, options.Emulator);
                        var result = mode == "closed"
                            ? await ClosedLoopRun.RunAsync(http, name, url, events, options.Clients, TimeSpan.FromSeconds(options.Seconds), id => Record(name, id))
                            : await OpenLoopRun.RunAsync(http, name, url, events, load, id => Record(name, id));

                        // The Hub's inbox processor works through the events after the acks; the run lasts until it has
                        // finished (its CPU time is charged to the Hub's events), so nothing is left for the next run.
                        var drained = name == Hub ? await hubInbox.DrainAsync() : null;
                        var cpuAfter = ProcessProbe.CpuSeconds(pid);
                        var repliesAfter = await EmulatorProbe.RepliesAsync(http, options.Emulator);
                        result = result with { ServerCpuMsPerEvent = (cpuAfter - cpuBefore) * 1000 / Math.Max(1, result.Acked) };
                        result = result with
                        {
                            DrainSeconds = drained?.TotalSeconds ?? 0,
                            RepliesSeen = repliesBefore < 0 || repliesAfter < 0 ? -1 : repliesAfter - repliesBefore,
                        };
                        if (mode == "closed")
                        {
                            capacity[name] = Math.Max(capacity[name] * 0.8, result.AchievedPerSecond);
                        }

                        results.Add(result);
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{(mode == "closed" ? $"closed {result.Connections} conns" : $"open {load,5}/s"),-15} round {round + 1} {name,-8}: acked {result.AchievedPerSecond,7:F0}/s  handled {result.HandledPerSecond,7:F0}/s  p50 {result.P50Ms,8:F2} ms  p99 {result.P99Ms,8:F2} ms  max {result.MaxMs,8:F1} ms  errors {result.Errors}  >3s {result.OverDeadline}  server CPU {result.ServerCpuMsPerEvent:F3} ms/event  replies {result.RepliesSeen}/{result.Replied}  load {ProcessProbe.LoadAverage()}")
                            + (drained is { } d ? string.Create(CultureInfo.InvariantCulture, $"  inbox drained {d.TotalSeconds:F2} s after the last ack") : "")
                            + (mode == "open" ? string.Create(CultureInfo.InvariantCulture, $"  sender lag {result.MaxLagMs:F1} ms") : "")
                            + (result.FirstError is { } e ? $"  first error: {Truncate(e, 200)}" : ""));
                    }
                }
            }
        }

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"{header}; after {ProcessProbe.LoadAverage()}.");
        report.AppendLine();
        if (modes.Contains("closed"))
        {
            report.Append(ClosedSummary(results.Where(r => r.Mode == "closed").ToList(), options));
            report.AppendLine();
        }

        if (modes.Contains("open"))
        {
            report.Append(Summary(results.Where(r => r.Mode == "open").ToList(), options));
            report.AppendLine();
        }

        try
        {
            report.Append(await PersistenceAsync(http, options, hubAcked));
        }
        catch (HttpRequestException ex)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"Persistence: not checked, the Hub's admin API failed ({ex.Message}); the Hub acked {hubAcked.Count:N0} distinct events.");
        }

        report.AppendLine(CultureInfo.InvariantCulture, $"- node-sdk: {await NodeReceivedAsync(http, options.Node)} events reached the handler; {nodeAcked:N0} were acked to the generator (the peer stores nothing).");
        report.AppendLine(CultureInfo.InvariantCulture, $"- replies (Emulator): Hub {results.Where(r => r.Target == Hub).Sum(r => Math.Max(0, r.RepliesSeen)):N0} for {results.Where(r => r.Target == Hub).Sum(r => r.Replied):N0} acked events that ask for one; node-sdk {results.Where(r => r.Target == Node).Sum(r => Math.Max(0, r.RepliesSeen)):N0} for {results.Where(r => r.Target == Node).Sum(r => r.Replied):N0} (measured runs only).");
        report.Append(Memory(options));

        Console.WriteLine();
        Console.Write(report.ToString());
        if (options.Markdown is { } path)
        {
            await File.WriteAllTextAsync(path, report.ToString());
        }

        return 0;
    }

    private static string ClosedSummary(List<RunResult> results, IngestOptions options)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Closed loop, {options.Clients} connections × {options.Seconds} s, median of {options.Rounds} rounds:");
        text.AppendLine();
        text.AppendLine("| target | acked events/s | handled events/s | p50 ack ms | p99 ack ms | errors | drain s | server CPU ms/event | replies / asked |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var target in new[] { Hub, Node })
        {
            var runs = results.Where(r => r.Target == target).ToList();
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {target} | {Stats.Median(runs.Select(r => r.AchievedPerSecond)):N0} | {Stats.Median(runs.Select(r => r.HandledPerSecond)):N0} | {Stats.Median(runs.Select(r => r.P50Ms)):F1} | {Stats.Median(runs.Select(r => r.P99Ms)):F1} | {runs.Sum(r => r.Errors)} | {Stats.Median(runs.Select(r => r.DrainSeconds)):F2} | {Stats.Median(runs.Select(r => r.ServerCpuMsPerEvent)):F3} | {runs.Sum(r => Math.Max(0, r.RepliesSeen)):N0} / {runs.Sum(r => r.Replied):N0} |"));
        }

        var hub = results.Where(r => r.Target == Hub).ToList();
        var node = results.Where(r => r.Target == Node).ToList();
        text.AppendLine();
        text.AppendLine("Ratios per round (Hub ÷ node-sdk), median [min–max]:");
        text.AppendLine();
        text.AppendLine("| acked events/s | handled events/s | p99 ack | CPU ms/event |");
        text.AppendLine("|---:|---:|---:|---:|");
        text.AppendLine($"| {Ratio(hub, node, r => r.AchievedPerSecond)} | {Ratio(hub, node, r => r.HandledPerSecond)} | {Ratio(hub, node, r => r.P99Ms)} | {Ratio(hub, node, r => r.ServerCpuMsPerEvent)} |");
        return text.ToString();
    }

    private static string Ratio(List<RunResult> hub, List<RunResult> node, Func<RunResult, double> value)
    {
        var ratios = hub.Zip(node, (h, n) => value(h) / value(n)).Order().ToList();
        return ratios.Count == 0 ? "–" : string.Create(CultureInfo.InvariantCulture, $"{Stats.Median(ratios):F2} [{ratios[0]:F2}–{ratios[^1]:F2}]");
    }

    private static List<SignedEvent> Build(SignedEvent.Factory factory, int count)
    {
        var events = new List<SignedEvent>(count);
        for (var i = 0; i < count; i++)
        {
            events.Add(factory.Create());
        }

        return events;
    }

    private static string Summary(List<RunResult> results, IngestOptions options)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Open loop, {options.Seconds} s per load, median of {options.Rounds} rounds:");
        text.AppendLine();
        text.AppendLine("| offered events/s | target | achieved events/s | p50 ack ms | p99 ack ms | errors | acks > 3 s | drain s | server CPU ms/event | replies / asked |");
        text.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var load in options.Loads)
        {
            foreach (var target in new[] { Hub, Node })
            {
                var runs = results.Where(r => r.OfferedPerSecond == load && r.Target == target).ToList();
                text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {load:N0} | {target} | {Stats.Median(runs.Select(r => r.AchievedPerSecond)):N0} | {Stats.Median(runs.Select(r => r.P50Ms)):F1} | {Stats.Median(runs.Select(r => r.P99Ms)):F1} | {runs.Sum(r => r.Errors)} | {runs.Sum(r => r.OverDeadline)} | {Stats.Median(runs.Select(r => r.DrainSeconds)):F2} | {Stats.Median(runs.Select(r => r.ServerCpuMsPerEvent)):F3} | {runs.Sum(r => Math.Max(0, r.RepliesSeen)):N0} / {runs.Sum(r => r.Replied):N0} |"));
            }
        }

        text.AppendLine();
        text.AppendLine("Ratios per round (Hub ÷ node-sdk), median [min–max] over the rounds; throughput above 1 and p99 below 1 favour the Hub:");
        text.AppendLine();
        text.AppendLine("| offered events/s | achieved events/s, Hub ÷ node | p99 ack latency, Hub ÷ node | CPU ms/event, Hub ÷ node |");
        text.AppendLine("|---:|---:|---:|---:|");
        foreach (var load in options.Loads)
        {
            var hub = results.Where(r => r.OfferedPerSecond == load && r.Target == Hub).ToList();
            var node = results.Where(r => r.OfferedPerSecond == load && r.Target == Node).ToList();
            var throughput = hub.Zip(node, (h, n) => h.AchievedPerSecond / n.AchievedPerSecond).Order().ToList();
            var p99 = hub.Zip(node, (h, n) => h.P99Ms / n.P99Ms).Order().ToList();
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {load:N0} | {Stats.Median(throughput):F2} [{throughput[0]:F2}–{throughput[^1]:F2}] | {Stats.Median(p99):F2} [{p99[0]:F2}–{p99[^1]:F2}] | {Ratio(hub, node, r => r.ServerCpuMsPerEvent)} |"));
        }

        return text.ToString();
    }

    /// <summary>
    /// Did the Hub store every acked event exactly once? Asked of the admin API (which lists the newest
    /// events only) and, when the database file is given and the sqlite3 CLI is present, of the file itself.
    /// </summary>
    private static async Task<string> PersistenceAsync(HttpClient http, IngestOptions options, HashSet<string> acked)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Persistence: the Hub acked {acked.Count:N0} distinct events in this run (probe, warm-up and measured rounds).");
        text.AppendLine();

        var (keys, total, status) = await new HubInbox(http, options.Hub, options.AdminKey).DedupKeysAsync();

        // An event's id is the last segment of its dedup key.
        var listed = keys?.Select(k => k[(k.LastIndexOf('/') + 1)..]).ToHashSet(StringComparer.Ordinal);
        if (listed is null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- admin API: GET /api/v1/events answered {status} — no inbox to ask (the Hub acked after in-process dispatch).");
        }
        else
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"- admin API: GET /api/v1/events, every page: {total:N0} events, {listed.Count:N0} distinct ids; acked but not listed: {acked.Count(a => !listed.Contains(a)):N0}.");
        }

        text.AppendLine(await SqliteCountAsync(options.HubDb, acked));
        return text.ToString();
    }

    private static async Task<string> SqliteCountAsync(string? path, HashSet<string> acked)
    {
        if (path is null)
        {
            return "- database: not checked (no --hub-db).";
        }

        if (!File.Exists(path))
        {
            return $"- database: {path} does not exist — the Hub stored nothing.";
        }

        var keys = await Sqlite3.QueryAsync(path, "SELECT dedup_key FROM inbox_events;");
        if (keys is null)
        {
            return "- database: not checked (no sqlite3 CLI, or no inbox_events table).";
        }

        var stored = keys.Select(k => k[(k.LastIndexOf('/') + 1)..]).ToList();
        var distinct = stored.ToHashSet(StringComparer.Ordinal);
        var missing = acked.Count(id => !distinct.Contains(id));
        var unexpected = distinct.Count(id => !acked.Contains(id));
        var statuses = await Sqlite3.QueryAsync(path, "SELECT status || ' ' || COUNT(*) FROM inbox_events GROUP BY status ORDER BY status;") ?? [];
        return string.Create(CultureInfo.InvariantCulture,
            $"- database: inbox_events holds {stored.Count:N0} rows, {distinct.Count:N0} distinct event ids; acked but not stored: {missing}; stored twice: {stored.Count - distinct.Count}; stored but not acked (e.g. a timed-out request): {unexpected}. By status at the end: {string.Join(", ", statuses)}.");
    }

    private static async Task<string> NodeReceivedAsync(HttpClient http, Uri node)
    {
        try
        {
            using var json = JsonDocument.Parse(await http.GetStringAsync(new Uri(node, "/stats")));
            return json.RootElement.GetProperty("received").GetInt64().ToString("N0", CultureInfo.InvariantCulture);
        }
        catch (HttpRequestException)
        {
            return "?";
        }
    }

    /// <summary>Peak resident memory of the two servers, from /proc, when their pids are given.</summary>
    private static string Memory(IngestOptions options)
    {
        var hub = ProcessProbe.PeakRss(options.HubPid);
        var node = ProcessProbe.PeakRss(options.NodePid);
        return hub is null && node is null ? "" : $"- peak RSS: Hub {hub ?? "?"}, node {node ?? "?"}.{Environment.NewLine}";
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length] + "…";
}
