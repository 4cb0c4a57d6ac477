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
            + $"{options.Rounds} interleaved rounds; load average before {LoadAverage()}";
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
                var drained = name == Hub ? await DrainHubInboxAsync(http, options) : null;
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
                var drained = name == Hub ? await DrainHubInboxAsync(http, options) : null;
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
                        var cpuBefore = CpuSeconds(pid);
                        var repliesBefore = await EmulatorRepliesAsync(http, options.Emulator);
                        var result = mode == "closed"
                            ? await ClosedLoopRun.RunAsync(http, name, url, events, options.Clients, TimeSpan.FromSeconds(options.Seconds), id => Record(name, id))
                            : await OpenLoopRun.RunAsync(http, name, url, events, load, id => Record(name, id));

                        // The Hub's inbox processor works through the events after the acks; the run lasts until it has
                        // finished (its CPU time is charged to the Hub's events), so nothing is left for the next run.
                        var drained = name == Hub ? await DrainHubInboxAsync(http, options) : null;
                        var cpuAfter = CpuSeconds(pid);
                        var repliesAfter = await EmulatorRepliesAsync(http, options.Emulator);
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
                            $"{(mode == "closed" ? $"closed {result.Connections} conns" : $"open {load,5}/s"),-15} round {round + 1} {name,-8}: acked {result.AchievedPerSecond,7:F0}/s  handled {result.HandledPerSecond,7:F0}/s  p50 {result.P50Ms,8:F2} ms  p99 {result.P99Ms,8:F2} ms  max {result.MaxMs,8:F1} ms  errors {result.Errors}  >3s {result.OverDeadline}  server CPU {result.ServerCpuMsPerEvent:F3} ms/event  replies {result.RepliesSeen}/{result.Replied}  load {LoadAverage()}")
                            + (drained is { } d ? string.Create(CultureInfo.InvariantCulture, $"  inbox drained {d.TotalSeconds:F2} s after the last ack") : "")
                            + (mode == "open" ? string.Create(CultureInfo.InvariantCulture, $"  sender lag {result.MaxLagMs:F1} ms") : "")
                            + (result.FirstError is { } e ? $"  first error: {Truncate(e, 200)}" : ""));
                    }
                }
            }
        }

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"{header}; after {LoadAverage()}.");
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

    /// <summary>The 1, 5 and 15 minute load averages.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    /// <summary>Replies the Emulator has answered so far (its call counter); -1 when it cannot be asked.</summary>
    private static async Task<long> EmulatorRepliesAsync(HttpClient http, Uri? emulator)
    {
        if (emulator is null)
        {
            return -1;
        }

        try
        {
            using var json = JsonDocument.Parse(await http.GetStringAsync(new Uri(emulator, "/_emulator/calls")));
            return json.RootElement.GetProperty("data").GetProperty("items").EnumerateArray()
                .Where(i => i.GetProperty("endpoint").GetString()!.EndsWith("/reply", StringComparison.Ordinal))
                .Sum(i => i.GetProperty("count").GetInt64());
        }
        catch (HttpRequestException)
        {
            return -1;
        }
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
                $"| {target} | {Median(runs.Select(r => r.AchievedPerSecond)):N0} | {Median(runs.Select(r => r.HandledPerSecond)):N0} | {Median(runs.Select(r => r.P50Ms)):F1} | {Median(runs.Select(r => r.P99Ms)):F1} | {runs.Sum(r => r.Errors)} | {Median(runs.Select(r => r.DrainSeconds)):F2} | {Median(runs.Select(r => r.ServerCpuMsPerEvent)):F3} | {runs.Sum(r => Math.Max(0, r.RepliesSeen)):N0} / {runs.Sum(r => r.Replied):N0} |"));
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
        return ratios.Count == 0 ? "–" : string.Create(CultureInfo.InvariantCulture, $"{Median(ratios):F2} [{ratios[0]:F2}–{ratios[^1]:F2}]");
    }

    /// <summary>
    /// Waits until the Hub's inbox has nothing pending or in progress (asked of the admin API), at most
    /// two minutes; null when the Hub has no admin API (no inbox: it dispatched before the ack).
    /// </summary>
    private static async Task<TimeSpan?> DrainHubInboxAsync(HttpClient http, IngestOptions options)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (started.Elapsed < TimeSpan.FromMinutes(2))
        {
            var pending = await InboxCountAsync(http, options, "pending");
            var inProgress = await InboxCountAsync(http, options, "in_progress");
            if (pending is null || inProgress is null)
            {
                return null;
            }

            if (pending == 0 && inProgress == 0)
            {
                return started.Elapsed;
            }

            await Task.Delay(100);
        }

        await Console.Error.WriteLineAsync("the Hub's inbox still had work after 2 minutes; going on");
        return started.Elapsed;
    }

    private static async Task<int?> InboxCountAsync(HttpClient http, IngestOptions options, string status)
    {
        // A pooled connection can be reset under us after an overload; ask again before giving up.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await InboxCountOnceAsync(http, options, status);
            }
            catch (HttpRequestException) when (attempt < 5)
            {
                await Task.Delay(200);
            }
        }
    }

    private static async Task<int?> InboxCountOnceAsync(HttpClient http, IngestOptions options, string status)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(options.Hub, $"/api/v1/events?status={status}&limit=1"));
        if (options.AdminKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.AdminKey);
        }

        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.TryGetProperty("total", out var total) ? checked((int)total.GetInt64()) : null;
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
                    $"| {load:N0} | {target} | {Median(runs.Select(r => r.AchievedPerSecond)):N0} | {Median(runs.Select(r => r.P50Ms)):F1} | {Median(runs.Select(r => r.P99Ms)):F1} | {runs.Sum(r => r.Errors)} | {runs.Sum(r => r.OverDeadline)} | {Median(runs.Select(r => r.DrainSeconds)):F2} | {Median(runs.Select(r => r.ServerCpuMsPerEvent)):F3} | {runs.Sum(r => Math.Max(0, r.RepliesSeen)):N0} / {runs.Sum(r => r.Replied):N0} |"));
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
                $"| {load:N0} | {Median(throughput):F2} [{throughput[0]:F2}–{throughput[^1]:F2}] | {Median(p99):F2} [{p99[0]:F2}–{p99[^1]:F2}] | {Ratio(hub, node, r => r.ServerCpuMsPerEvent)} |"));
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

        var (listed, total, status) = await ListAllEventsAsync(http, options);
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

    /// <summary>Every inbox event's id (the last segment of its dedup key), page by page; null with the status when the API refuses.</summary>
    private static async Task<(HashSet<string>? Listed, long Total, int Status)> ListAllEventsAsync(HttpClient http, IngestOptions options)
    {
        var listed = new HashSet<string>(StringComparer.Ordinal);
        long total = 0;
        string? before = null;
        do
        {
            var uri = new Uri(options.Hub, "/api/v1/events?limit=1000" + (before is null ? "" : "&before=" + before));
            using var response = await SendWithRetryAsync(http, uri, options.AdminKey);
            if (!response.IsSuccessStatusCode)
            {
                return (null, 0, (int)response.StatusCode);
            }

            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            total = json.RootElement.GetProperty("total").GetInt64();
            foreach (var item in json.RootElement.GetProperty("items").EnumerateArray())
            {
                if (item.TryGetProperty("dedup_key", out var key) && key.GetString() is { } k)
                {
                    listed.Add(k[(k.LastIndexOf('/') + 1)..]);
                }
            }

            var next = json.RootElement.GetProperty("next");
            before = next.ValueKind == JsonValueKind.Null ? null : next.GetInt64().ToString(CultureInfo.InvariantCulture);
        }
        while (before is not null);

        return (listed, total, 200);
    }

    private static async Task<HttpResponseMessage> SendWithRetryAsync(HttpClient http, Uri uri, string? adminKey)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            if (adminKey is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
            }

            try
            {
                return await http.SendAsync(request);
            }
            catch (HttpRequestException) when (attempt < 3)
            {
                // A pooled connection reset after an overload: again on a fresh one.
            }
        }
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

        var keys = await Sqlite3Async(path, "SELECT dedup_key FROM inbox_events;");
        if (keys is null)
        {
            return "- database: not checked (no sqlite3 CLI, or no inbox_events table).";
        }

        var stored = keys.Select(k => k[(k.LastIndexOf('/') + 1)..]).ToList();
        var distinct = stored.ToHashSet(StringComparer.Ordinal);
        var missing = acked.Count(id => !distinct.Contains(id));
        var unexpected = distinct.Count(id => !acked.Contains(id));
        var statuses = await Sqlite3Async(path, "SELECT status || ' ' || COUNT(*) FROM inbox_events GROUP BY status ORDER BY status;") ?? [];
        return string.Create(CultureInfo.InvariantCulture,
            $"- database: inbox_events holds {stored.Count:N0} rows, {distinct.Count:N0} distinct event ids; acked but not stored: {missing}; stored twice: {stored.Count - distinct.Count}; stored but not acked (e.g. a timed-out request): {unexpected}. By status at the end: {string.Join(", ", statuses)}.");
    }

    private static async Task<List<string>?> Sqlite3Async(string path, string sql)
    {
        try
        {
            var start = new System.Diagnostics.ProcessStartInfo("sqlite3")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add("-readonly");
            start.ArgumentList.Add(path);
            start.ArgumentList.Add(sql);
            using var process = System.Diagnostics.Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                await Console.Error.WriteLineAsync("sqlite3: " + (await error).Trim());
                return null;
            }

            return (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
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
        static string? PeakRss(int? pid)
        {
            if (pid is null || !File.Exists($"/proc/{pid}/status"))
            {
                return null;
            }

            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? null : (long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024).ToString("N0", CultureInfo.InvariantCulture) + " MiB";
        }

        var hub = PeakRss(options.HubPid);
        var node = PeakRss(options.NodePid);
        return hub is null && node is null ? "" : $"- peak RSS: Hub {hub ?? "?"}, node {node ?? "?"}.{Environment.NewLine}";
    }

    /// <summary>User + system CPU seconds a process has used so far (Linux /proc), NaN when unknown.</summary>
    private static double CpuSeconds(int? pid)
    {
        var path = $"/proc/{pid}/stat";
        if (pid is null || !File.Exists(path))
        {
            return double.NaN;
        }

        // Fields after the command name (which is in parentheses and may hold spaces): utime and stime are 14 and 15.
        var stat = File.ReadAllText(path);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / 100.0;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length] + "…";
}
