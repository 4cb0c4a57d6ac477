using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Larkway.Bench.Ingest;

namespace Larkway.Bench.DingTalkIngest;

/// <summary>One side's run at one load in one round, with what was measured around it.</summary>
internal sealed record Round(string Target, int Load, int Number, StreamRunResult Run, double DrainSeconds, double CpuMsPerEvent, double ReceiverCpuMsPerEvent, long Replies)
{
    public RunResult Result => Run.Result;
}

/// <summary>
/// The DingTalk Hub and the Feishu Hub, alternately, at the same offered loads: the DingTalk app stored and its Stream
/// connections awaited, a probe and a warm-up each, then for every load the rounds (which side goes first alternates),
/// each run followed by the wait for that Hub's inbox to drain; then the table, the ratios and the persistence check.
/// </summary>
internal static class SideBySideBenchmark
{
    private const string AppName = "dt-bench";
    private const string AppKey = "dingbenchlarkway0029";
    private const string RobotMessageType = "dingtalk.robot_message";
    private const string MessageReceiveType = "im.message.receive_v1";
    private const double AckTargetMs = 200;

    public static async Task<int> RunAsync(DingTalkIngestOptions options)
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

        // Feishu: the generator's messages that its bot answers (a direct message, or a group message mentioning it).
        var factory = new SignedEvent.Factory(options.EncryptKey, options.VerificationToken, BenchDefaults.EventType);
        var feishuMix = EventMix.Create($"{EventMix.P2p}={100 - options.GroupPercent},{EventMix.Mention}={options.GroupPercent}", EmulatorInfo.Read(options.EmulatorInfo), options.Emulator, factory);
        var feishu = new FeishuSide(http, new Uri(options.FeishuHub, "/feishu/events"), feishuMix, options.Emulator, options.FeishuPid, options.EmulatorPid, new HubInbox(http, options.FeishuHub, options.AdminKey));

        // DingTalk: the app stored in its Hub through the admin API, pointed at the driver's own Stream server.
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        await using var server = await FakeDingTalk.StartAsync(AppKey, secret);
        // The sink stands as the app's DingTalk host (replies go to session webhooks on it), forwarding the rest to the server.
        await SessionSinkUpstream.PointAtAsync(http, options.SessionSink, server.BaseUrl);
        await AddAppAsync(http, options, options.SessionSink, secret);
        await server.WaitForConnectionsAsync(2, TimeSpan.FromSeconds(60));
        var robotMix = new RobotMessageMix(AppKey, options.SessionSink, options.GroupPercent);
        var dingTalk = new DingTalkSide(http, server, robotMix, options.SessionSink, options.DingTalkPid, options.SinkPid, new HubInbox(http, options.DingTalkHub, options.AdminKey));
        Side[] sides = [dingTalk, feishu];

        var header = $"DingTalk Stream ingest beside Feishu webhook ingest — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}; "
            + $"DingTalk {robotMix.Spec}, Feishu {feishuMix.Spec} (every message answered by the bot); open loop, loads {string.Join("/", options.Loads)} messages/s × {options.Seconds} s, "
            + $"{options.Rounds} rounds, the sides alternating; load average before {ProcessProbe.LoadAverage()}";
        Console.WriteLine("# " + header);
        Console.WriteLine($"fake DingTalk at {server.BaseUrl}, the Hub holds {server.Open.Count} Stream connections");

        // One message each first: a side that refuses them stops the run here.
        foreach (var side in sides)
        {
            var probe = await (await side.PrepareAsync(1, 10))();
            if (probe.Result.Acked != 1)
            {
                await Console.Error.WriteLineAsync($"the {side.Name} Hub did not ack a message: {probe.Result.FirstError}");
                return 1;
            }
        }

        // Warm-up, not reported: JIT (tiered compilation settles under steady load), pools, the database files, the bots' clients.
        foreach (var side in sides)
        {
            if (options.WarmupSeconds > 0)
            {
                var warm = await (await side.PrepareAsync((int)(options.WarmupRate * options.WarmupSeconds), options.WarmupRate))();
                var drained = await side.Inbox.DrainAsync();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"warm-up {side.Name}: {warm.Result.Acked}/{warm.Result.Sent} acked at {options.WarmupRate}/s, p99 {warm.Result.P99Ms:F1} ms, inbox drained {drained?.TotalSeconds:F1} s after"));
            }
        }

        if (options.MeasuringMarker is { } marker)
        {
            await File.WriteAllTextAsync(marker, DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        var rounds = new List<Round>();
        for (var l = 0; l < options.Loads.Count; l++)
        {
            var load = options.Loads[l];
            for (var r = 0; r < options.Rounds; r++)
            {
                // Alternate which side goes first, so neither always follows the other's after-effects.
                var order = (r + l) % 2 == 0 ? sides : [.. sides.Reverse()];
                foreach (var side in order)
                {
                    var round = await MeasureAsync(side, load, r + 1, options);
                    rounds.Add(round);
                    Print(round);
                }
            }
        }

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"{header}; after {ProcessProbe.LoadAverage()}.");
        report.AppendLine();
        report.Append(Table(rounds, options));
        report.AppendLine();
        report.Append(Ratios(rounds, options));
        report.AppendLine();
        report.Append(await PersistenceAsync(dingTalk, options.DingTalkDb, RobotMessageType, k => k[(k.IndexOf(":msg:", StringComparison.Ordinal) + 5)..]));
        report.Append(await PersistenceAsync(feishu, options.FeishuDb, MessageReceiveType, k => k[(k.LastIndexOf('/') + 1)..]));
        var sink = await SinkStats.ReadAsync(http, options.SessionSink);
        report.AppendLine(CultureInfo.InvariantCulture,
            $"- replies: DingTalk's session webhooks took {sink.Replies:N0} replies to {sink.Sessions:N0} messages ({sink.AnsweredTwice:N0} answered more than once, {sink.Refused:N0} refused); "
            + $"the Emulator took {await feishu.RepliesAsync():N0} Feishu replies; measured rounds: DingTalk {Sum(rounds, dingTalk.Name, r => r.Replies):N0} for {Sum(rounds, dingTalk.Name, r => r.Result.Acked):N0} acked, "
            + $"Feishu {Sum(rounds, feishu.Name, r => r.Replies):N0} for {Sum(rounds, feishu.Name, r => r.Result.Acked):N0} (counted until each inbox drained).");
        var other = server.Unexpected.Count == 0 ? "no other request" : "other requests: " + string.Join(", ", server.Unexpected.Select(u => $"{u.Key} ×{u.Value}"));
        var ended = server.Ended.Count == 0 ? "" : " Connections ended: " + string.Join("; ", server.Ended) + ".";
        report.AppendLine(CultureInfo.InvariantCulture,
            $"- fake DingTalk: {server.ConnectionsOpened} Stream connections opened in all (the Hub holds 2; more means it replaced some), {server.UnmatchedAcks} acks matched no push of their run, {other}.{ended}");
        report.AppendLine(CultureInfo.InvariantCulture, $"- peak RSS: DingTalk Hub {ProcessProbe.PeakRss(options.DingTalkPid) ?? "?"}, Feishu Hub {ProcessProbe.PeakRss(options.FeishuPid) ?? "?"}.");

        Console.WriteLine();
        Console.Write(report.ToString());
        if (options.Markdown is { } path)
        {
            await File.WriteAllTextAsync(path, report.ToString());
        }

        return 0;
    }

    /// <summary>One run, measured from the Hub's CPU time before it to after its inbox drained (its bot's replies included).</summary>
    private static async Task<Round> MeasureAsync(Side side, int load, int number, DingTalkIngestOptions options)
    {
        var run = await side.PrepareAsync(Math.Max(1, (int)Math.Round(load * options.Seconds)), load);
        GC.Collect();
        await Task.Delay(TimeSpan.FromSeconds(1));
        var cpuBefore = ProcessProbe.CpuSeconds(side.Pid);
        var receiverBefore = ProcessProbe.CpuSeconds(side.ReceiverPid);
        var repliesBefore = await side.RepliesAsync();
        var measured = await run();
        var drained = await side.Inbox.DrainAsync();
        var cpuAfter = ProcessProbe.CpuSeconds(side.Pid);
        var receiverAfter = ProcessProbe.CpuSeconds(side.ReceiverPid);
        var repliesAfter = await side.RepliesAsync();
        var acked = Math.Max(1, measured.Result.Acked);
        return new Round(side.Name, load, number, measured, drained?.TotalSeconds ?? double.NaN,
            (cpuAfter - cpuBefore) * 1000 / acked, (receiverAfter - receiverBefore) * 1000 / acked,
            repliesBefore < 0 || repliesAfter < 0 ? -1 : repliesAfter - repliesBefore);
    }

    private static void Print(Round round)
    {
        var r = round.Result;
        var wire = double.IsNaN(round.Run.WriteLagP99Ms) ? "" : string.Create(CultureInfo.InvariantCulture, $" (p99 {round.Run.WriteLagP99Ms:F2}), p99 from the write {round.Run.WireP99Ms:F2} ms");
        var error = r.FirstError is { } e ? $"  first error: {(e.Length <= 200 ? e : e[..200] + "…")}" : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{DateTime.UtcNow:HH:mm:ss} {round.Load,5}/s round {round.Number} {round.Target,-8}: acked {r.AchievedPerSecond,6:F0}/s  p50 {r.P50Ms,7:F2} ms  p99 {r.P99Ms,7:F2} ms  max {r.MaxMs,7:F1} ms  refused {round.Run.Refused}  missing {round.Run.Missing}  drain {round.DrainSeconds:F2} s  CPU {round.CpuMsPerEvent:F3} ms/msg (replies' receiver {round.ReceiverCpuMsPerEvent:F3})  replies {round.Replies}/{r.Acked}  driver lag max {r.MaxLagMs:F1} ms{wire}  load {ProcessProbe.LoadAverage()}{error}"));
    }

    private static string Table(List<Round> rounds, DingTalkIngestOptions options)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Open loop, {options.Seconds} s per run, median of {options.Rounds} rounds (errors summed):");
        text.AppendLine();
        text.AppendLine("| offered msg/s | Hub | acked msg/s | p50 ack ms | p99 ack ms | max ack ms | errors / missing acks | drain s | Hub CPU ms/msg | replies / acked | reply receiver CPU ms/msg |");
        text.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var load in options.Loads)
        {
            foreach (var target in new[] { "DingTalk", "Feishu" })
            {
                var runs = rounds.Where(r => r.Load == load && r.Target == target).ToList();
                var latency = string.Create(CultureInfo.InvariantCulture,
                    $"{Stats.Median(runs.Select(r => r.Result.P50Ms)):F1} | {Stats.Median(runs.Select(r => r.Result.P99Ms)):F1} | {Stats.Median(runs.Select(r => r.Result.MaxMs)):F1}");
                text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {load:N0} | {target} | {Stats.Median(runs.Select(r => r.Result.AchievedPerSecond)):N0} | {latency} | {runs.Sum(r => r.Run.Refused)} / {runs.Sum(r => r.Run.Missing)} | {Stats.Median(runs.Select(r => r.DrainSeconds)):F2} | {Stats.Median(runs.Select(r => r.CpuMsPerEvent)):F3} | {runs.Sum(r => Math.Max(0, r.Replies)):N0} / {runs.Sum(r => r.Result.Acked):N0} | {Stats.Median(runs.Select(r => r.ReceiverCpuMsPerEvent)):F3} |"));
            }
        }

        var lags = rounds.Where(r => r.Target == "DingTalk").ToList();
        text.AppendLine();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"The DingTalk driver's own lateness (planned time → start of the frame's write): p99 at most {lags.Max(r => r.Run.WriteLagP99Ms):F2} ms, worst {lags.Max(r => r.Result.MaxLagMs):F1} ms; "
            + $"the DingTalk p99 measured from the write instead of the plan, median per load: {string.Join(", ", options.Loads.Select(l => $"{l}/s {Stats.Median(lags.Where(r => r.Load == l).Select(r => r.Run.WireP99Ms)):F1} ms"))}."));
        return text.ToString();
    }

    private static string Ratios(List<Round> rounds, DingTalkIngestOptions options)
    {
        var text = new StringBuilder();
        text.AppendLine("Ratios per round, DingTalk ÷ Feishu, median [min–max] over the rounds (throughput above 1 and p99 and CPU below 1 favour DingTalk):");
        text.AppendLine();
        text.AppendLine("| offered msg/s | acked msg/s | p99 ack | Hub CPU ms/msg | DingTalk rounds with p99 over 200 ms |");
        text.AppendLine("|---:|---:|---:|---:|---:|");
        foreach (var load in options.Loads)
        {
            var dingTalk = rounds.Where(r => r.Load == load && r.Target == "DingTalk").OrderBy(r => r.Number).ToList();
            var feishu = rounds.Where(r => r.Load == load && r.Target == "Feishu").OrderBy(r => r.Number).ToList();
            var over = dingTalk.Where(r => !(r.Result.P99Ms <= AckTargetMs)).Select(r => r.Result.P99Ms.ToString("F0", CultureInfo.InvariantCulture) + " ms").ToList();
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {load:N0} | {Ratio(dingTalk, feishu, r => r.Result.AchievedPerSecond)} | {Ratio(dingTalk, feishu, r => r.Result.P99Ms)} | {Ratio(dingTalk, feishu, r => r.CpuMsPerEvent)} | {(over.Count == 0 ? "none" : $"{over.Count} of {dingTalk.Count} ({string.Join(", ", over)})")} |"));
        }

        return text.ToString();
    }

    private static string Ratio(List<Round> dingTalk, List<Round> feishu, Func<Round, double> value)
    {
        var ratios = dingTalk.Zip(feishu, (d, f) => value(d) / value(f)).Order().ToList();
        return ratios.Count == 0 ? "–" : string.Create(CultureInfo.InvariantCulture, $"{Stats.Median(ratios):F2} [{ratios[0]:F2}–{ratios[^1]:F2}]");
    }

    private static long Sum(List<Round> rounds, string target, Func<Round, long> value) => rounds.Where(r => r.Target == target).Sum(r => Math.Max(0, value(r)));

    /// <summary>
    /// Did the Hub store every message it acked exactly once? Counted through the admin API and read from the database
    /// file (the sqlite3 CLI): each row's dedup key names the message (<paramref name="idOf"/>).
    /// </summary>
    private static async Task<string> PersistenceAsync(Side side, string? database, string eventType, Func<string, string> idOf)
    {
        var counted = await side.Inbox.CountAsync(status: null, type: eventType);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"- {side.Name} Hub: acked {side.Acked.Count:N0} distinct messages (probe, warm-up and measured rounds); the admin API counts {counted:N0} `{eventType}` events; ");
        if (database is null || !File.Exists(database))
        {
            text.AppendLine("database not checked (no file).");
            return text.ToString();
        }

        var keys = await Sqlite3.QueryAsync(database, $"SELECT dedup_key FROM inbox_events WHERE event_type = '{eventType}';");
        if (keys is null)
        {
            text.AppendLine("database not checked (no sqlite3 CLI).");
            return text.ToString();
        }

        var stored = keys.Select(idOf).ToList();
        var distinct = stored.ToHashSet(StringComparer.Ordinal);
        var statuses = await Sqlite3.QueryAsync(database, $"SELECT status || ' ' || COUNT(*) FROM inbox_events WHERE event_type = '{eventType}' GROUP BY status ORDER BY status;") ?? [];
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"`inbox_events` holds {stored.Count:N0} rows of it, {distinct.Count:N0} distinct messages; acked but not stored: {side.Acked.Count(id => !distinct.Contains(id))}; "
            + $"stored twice: {stored.Count - distinct.Count}; stored but not acked: {distinct.Count(id => !side.Acked.Contains(id))}; by status: {string.Join(", ", statuses)}."));
        return text.ToString();
    }

    /// <summary>Stores the DingTalk app in its Hub (<c>POST /api/v1/apps</c>, platform dingtalk), its base URL the fake DingTalk.</summary>
    private static async Task AddAppAsync(HttpClient http, DingTalkIngestOptions options, Uri baseUrl, string secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.DingTalkHub, "/api/v1/apps"))
        {
            Content = JsonContent.Create(new Dictionary<string, object>
            {
                ["name"] = AppName,
                ["platform"] = "dingtalk",
                ["app_id"] = AppKey,
                ["app_secret"] = secret,
                ["base_url"] = baseUrl.AbsoluteUri,
                ["agent_id"] = 3_000_000_029,
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.AdminKey);
        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"the DingTalk Hub refused the app ({(int)response.StatusCode}): {await response.Content.ReadAsStringAsync()}");
        }
    }
}
