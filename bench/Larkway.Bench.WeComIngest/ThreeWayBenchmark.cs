using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Larkway.Bench.DingTalkIngest;
using Larkway.Bench.Ingest;

namespace Larkway.Bench.WeComIngest;

/// <summary>One side's run at one load in one round, with what was measured around it.</summary>
internal sealed record Round(string Target, int Load, int Number, StreamRunResult Run, double DrainSeconds, double CpuMsPerEvent, long Replies)
{
    public RunResult Result => Run.Result;
}

/// <summary>
/// The WeCom, DingTalk and Feishu Hubs taking turns at the same offered loads: the WeCom and DingTalk apps stored (and
/// DingTalk's Stream connections awaited), a probe and a warm-up each, then for every load the rounds — the order of the
/// three rotating round by round, each run followed by the wait for that Hub's inbox to drain — then the table, the
/// ratios per round, and the persistence check (every message acked stored once, WeCom's retries included).
/// </summary>
internal static class ThreeWayBenchmark
{
    private const string WeComAppName = "wc-bench";
    private const long WeComAgentId = 1000002;
    private const string DingTalkAppName = "dt-bench";
    private const string DingTalkAppKey = "dingbenchlarkway0030";
    private const string WeComMessageType = "wecom.message.text";
    private const string RobotMessageType = "dingtalk.robot_message";
    private const string MessageReceiveType = "im.message.receive_v1";
    private const double AckTargetMs = 200;
    private static readonly string[] Targets = ["WeCom", "DingTalk", "Feishu"];

    public static async Task<int> RunAsync(WeComIngestOptions options)
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

        // Feishu: the generator's messages that its bot answers.
        var factory = new SignedEvent.Factory(options.EncryptKey, options.VerificationToken, BenchDefaults.EventType);
        var feishuMix = EventMix.Create($"{EventMix.P2p}={100 - options.GroupPercent},{EventMix.Mention}={options.GroupPercent}", EmulatorInfo.Read(options.EmulatorInfo), options.Emulator, factory);
        var feishu = new FeishuSide(http, new Uri(options.FeishuHub, "/feishu/events"), feishuMix, options.Emulator, options.FeishuPid, options.EmulatorPid, new HubInbox(http, options.FeishuHub, options.AdminKey));

        // DingTalk: the app stored in its Hub, pointed at the driver's own Stream server.
        var dingTalkSecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        await using var server = await FakeDingTalk.StartAsync(DingTalkAppKey, dingTalkSecret);
        // The sink stands as the app's DingTalk host (replies go to session webhooks on it), forwarding the rest to the server.
        await SessionSinkUpstream.PointAtAsync(http, options.SessionSink, server.BaseUrl);
        await AddAppAsync(http, options.DingTalkHub, options.AdminKey, new Dictionary<string, object>
        {
            ["name"] = DingTalkAppName,
            ["platform"] = "dingtalk",
            ["app_id"] = DingTalkAppKey,
            ["app_secret"] = dingTalkSecret,
            ["base_url"] = options.SessionSink.AbsoluteUri,
            ["agent_id"] = 3_000_000_030,
        });
        await server.WaitForConnectionsAsync(2, TimeSpan.FromSeconds(60));
        var robotMix = new RobotMessageMix(DingTalkAppKey, options.SessionSink, options.GroupPercent);
        var dingTalk = new DingTalkSide(http, server, robotMix, options.SessionSink, options.DingTalkPid, options.SinkPid, new HubInbox(http, options.DingTalkHub, options.AdminKey));

        // WeCom: the app stored in its Hub with its callback Token and EncodingAESKey, its server API the WeCom sink.
        await AddAppAsync(http, options.WeComHub, options.AdminKey, new Dictionary<string, object>
        {
            ["name"] = WeComAppName,
            ["platform"] = "wecom",
            ["app_id"] = options.WeComCorpId,
            ["agent_id"] = WeComAgentId,
            ["app_secret"] = options.WeComSecret,
            ["verification_token"] = options.WeComToken,
            ["encrypt_key"] = options.WeComAesKey,
            ["base_url"] = options.WeComSink.AbsoluteUri,
        });
        var weComMix = new WeComCallbackMix(new WeComEnvelope(options.WeComToken, options.WeComAesKey, options.WeComCorpId), options.WeComCorpId, WeComAgentId, WeComAppName, options.RetryPercent);
        var weCom = new WeComSide(http, options.WeComHub, weComMix, options.WeComSink, options.WeComPid, options.WeComSinkPid, new HubInbox(http, options.WeComHub, options.AdminKey));
        Side[] sides = [weCom, dingTalk, feishu];

        var header = $"WeCom callback ingest beside DingTalk Stream and Feishu webhook ingest — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}; "
            + $"WeCom {weComMix.Spec}, DingTalk {robotMix.Spec}, Feishu {feishuMix.Spec} (every message answered by the bot); open loop, loads {string.Join("/", options.Loads)} messages/s × {options.Seconds} s, "
            + $"{options.Rounds} rounds, the three taking turns; load average before {ProcessProbe.LoadAverage()}";
        Console.WriteLine("# " + header);

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
                // Rotate the order, so no side always follows the same other's after-effects.
                var shift = (r + l) % sides.Length;
                foreach (var side in sides.Skip(shift).Concat(sides.Take(shift)))
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
        report.Append(await PersistenceAsync(weCom, options.WeComDb, WeComMessageType, k => k[(k.IndexOf(":msg:", StringComparison.Ordinal) + 5)..]));
        report.AppendLine(CultureInfo.InvariantCulture, $"  (WeCom retries acked: {weCom.RetriesAcked:N0}, each a MsgId sent before in its run.)");
        report.Append(await PersistenceAsync(dingTalk, options.DingTalkDb, RobotMessageType, k => k[(k.IndexOf(":msg:", StringComparison.Ordinal) + 5)..]));
        report.Append(await PersistenceAsync(feishu, options.FeishuDb, MessageReceiveType, k => k[(k.LastIndexOf('/') + 1)..]));
        var weComSink = await SinkStats.ReadAsync(http, options.WeComSink);
        var sessionSink = await SinkStats.ReadAsync(http, options.SessionSink);
        var tokens = await TokensAsync(http, options.WeComSink);
        report.AppendLine(CultureInfo.InvariantCulture,
            $"- replies: the WeCom sink took {weComSink.Replies:N0} message/send calls ({weComSink.Refused:N0} refused; {tokens} access tokens issued), DingTalk's session webhooks {sessionSink.Replies:N0} replies to {sessionSink.Sessions:N0} messages ({sessionSink.AnsweredTwice:N0} answered more than once), "
            + $"the Emulator {await feishu.RepliesAsync():N0} Feishu replies; measured rounds: WeCom {Sum(rounds, "WeCom", r => r.Replies):N0} for {Sum(rounds, "WeCom", r => r.Result.Replied):N0} new messages acked, "
            + $"DingTalk {Sum(rounds, "DingTalk", r => r.Replies):N0} for {Sum(rounds, "DingTalk", r => r.Result.Acked):N0}, Feishu {Sum(rounds, "Feishu", r => r.Replies):N0} for {Sum(rounds, "Feishu", r => r.Result.Acked):N0} (counted until each inbox drained).");
        report.AppendLine(CultureInfo.InvariantCulture,
            $"- fake DingTalk: {server.ConnectionsOpened} Stream connections opened in all (the Hub holds 2), {server.UnmatchedAcks} acks matched no push of their run.");
        report.AppendLine(CultureInfo.InvariantCulture, $"- peak RSS: WeCom Hub {ProcessProbe.PeakRss(options.WeComPid) ?? "?"}, DingTalk Hub {ProcessProbe.PeakRss(options.DingTalkPid) ?? "?"}, Feishu Hub {ProcessProbe.PeakRss(options.FeishuPid) ?? "?"}.");

        Console.WriteLine();
        Console.Write(report.ToString());
        if (options.Markdown is { } path)
        {
            await File.WriteAllTextAsync(path, report.ToString());
        }

        return 0;
    }

    /// <summary>One run, measured from the Hub's CPU time before it to after its inbox drained (its bot's replies included).</summary>
    private static async Task<Round> MeasureAsync(Side side, int load, int number, WeComIngestOptions options)
    {
        var run = await side.PrepareAsync(Math.Max(1, (int)Math.Round(load * options.Seconds)), load);
        GC.Collect();
        await Task.Delay(TimeSpan.FromSeconds(1));
        var cpuBefore = ProcessProbe.CpuSeconds(side.Pid);
        var repliesBefore = await side.RepliesAsync();
        var measured = await run();
        var drained = await side.Inbox.DrainAsync();
        var cpuAfter = ProcessProbe.CpuSeconds(side.Pid);
        var repliesAfter = await side.RepliesAsync();
        var acked = Math.Max(1, measured.Result.Acked);
        return new Round(side.Name, load, number, measured, drained?.TotalSeconds ?? double.NaN, (cpuAfter - cpuBefore) * 1000 / acked,
            repliesBefore < 0 || repliesAfter < 0 ? -1 : repliesAfter - repliesBefore);
    }

    private static void Print(Round round)
    {
        var r = round.Result;
        var error = r.FirstError is { } e ? $"  first error: {(e.Length <= 200 ? e : e[..200] + "…")}" : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{DateTime.UtcNow:HH:mm:ss} {round.Load,5}/s round {round.Number} {round.Target,-8}: acked {r.AchievedPerSecond,6:F0}/s  p50 {r.P50Ms,7:F2}  p95 {r.P95Ms,7:F2}  p99 {r.P99Ms,7:F2}  max {r.MaxMs,7:F1} ms  errors {round.Run.Refused}  missing {round.Run.Missing}  drain {round.DrainSeconds:F2} s  CPU {round.CpuMsPerEvent:F3} ms/msg  replies {round.Replies}/{r.Replied}  driver lag max {r.MaxLagMs:F1} ms  load {ProcessProbe.LoadAverage()}{error}"));
    }

    private static string Table(List<Round> rounds, WeComIngestOptions options)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Open loop, {options.Seconds} s per run, median of {options.Rounds} rounds (errors summed):");
        text.AppendLine();
        text.AppendLine("| offered msg/s | Hub | acked msg/s | p50 ack ms | p95 ack ms | p99 ack ms | max ack ms | errors / missing acks | drain s | Hub CPU ms/msg |");
        text.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var load in options.Loads)
        {
            foreach (var target in Targets)
            {
                var runs = rounds.Where(r => r.Load == load && r.Target == target).ToList();
                text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {load:N0} | {target} | {Stats.Median(runs.Select(r => r.Result.AchievedPerSecond)):N0} | {Stats.Median(runs.Select(r => r.Result.P50Ms)):F1} | {Stats.Median(runs.Select(r => r.Result.P95Ms)):F1} | {Stats.Median(runs.Select(r => r.Result.P99Ms)):F1} | {Stats.Median(runs.Select(r => r.Result.MaxMs)):F1} | {runs.Sum(r => r.Run.Refused)} / {runs.Sum(r => r.Run.Missing)} | {Stats.Median(runs.Select(r => r.DrainSeconds)):F2} | {Stats.Median(runs.Select(r => r.CpuMsPerEvent)):F3} |"));
            }
        }

        return text.ToString();
    }

    private static string Ratios(List<Round> rounds, WeComIngestOptions options)
    {
        var text = new StringBuilder();
        text.AppendLine("Ratios per round, WeCom ÷ DingTalk and WeCom ÷ Feishu, median [min–max] over the rounds (throughput above 1, p99 and CPU below 1 favour WeCom):");
        text.AppendLine();
        text.AppendLine("| offered msg/s | acked ÷ DingTalk | acked ÷ Feishu | p99 ÷ DingTalk | p99 ÷ Feishu | CPU ÷ DingTalk | CPU ÷ Feishu | WeCom rounds with p99 over 200 ms |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var load in options.Loads)
        {
            List<Round> Of(string target) => [.. rounds.Where(r => r.Load == load && r.Target == target).OrderBy(r => r.Number)];
            var weCom = Of("WeCom");
            var dingTalk = Of("DingTalk");
            var feishu = Of("Feishu");
            var over = weCom.Where(r => !(r.Result.P99Ms <= AckTargetMs)).Select(r => r.Result.P99Ms.ToString("F0", CultureInfo.InvariantCulture) + " ms").ToList();
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {load:N0} | {Ratio(weCom, dingTalk, r => r.Result.AchievedPerSecond)} | {Ratio(weCom, feishu, r => r.Result.AchievedPerSecond)} | {Ratio(weCom, dingTalk, r => r.Result.P99Ms)} | {Ratio(weCom, feishu, r => r.Result.P99Ms)} | {Ratio(weCom, dingTalk, r => r.CpuMsPerEvent)} | {Ratio(weCom, feishu, r => r.CpuMsPerEvent)} | {(over.Count == 0 ? "none" : $"{over.Count} of {weCom.Count} ({string.Join(", ", over)})")} |"));
        }

        return text.ToString();
    }

    private static string Ratio(List<Round> a, List<Round> b, Func<Round, double> value)
    {
        var ratios = a.Zip(b, (x, y) => value(x) / value(y)).Order().ToList();
        return ratios.Count == 0 ? "–" : string.Create(CultureInfo.InvariantCulture, $"{Stats.Median(ratios):F2} [{ratios[0]:F2}–{ratios[^1]:F2}]");
    }

    private static long Sum(List<Round> rounds, string target, Func<Round, long> value) => rounds.Where(r => r.Target == target).Sum(r => Math.Max(0, value(r)));

    /// <summary>Did the Hub store every message it acked exactly once? Counted through the admin API and read from its SQLite file.</summary>
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

    private static async Task<long> TokensAsync(HttpClient http, Uri sink)
    {
        try
        {
            return await http.GetFromJsonAsync<long>(new Uri(sink, "/tokens"));
        }
        catch (HttpRequestException)
        {
            return -1;
        }
    }

    /// <summary>Stores an app in a Hub (<c>POST /api/v1/apps</c>).</summary>
    private static async Task AddAppAsync(HttpClient http, Uri hub, string adminKey, Dictionary<string, object> fields)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(hub, "/api/v1/apps")) { Content = JsonContent.Create(fields) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"the Hub refused the {fields["platform"]} app ({(int)response.StatusCode}): {await response.Content.ReadAsStringAsync()}");
        }
    }
}
