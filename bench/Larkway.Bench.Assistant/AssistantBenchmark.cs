using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Larkway.Bench;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.State;

namespace Larkway.Bench.Assistant;

/// <summary>
/// Rounds of N people asking the assistant at once on Feishu: every answer streams into its own CardKit card, and the
/// driver reads each card's operations (with the Emulator's millisecond timestamps) to measure the time to the first text
/// shown, the gaps between text updates against <c>update_interval_ms</c>, refusals, and whether the final card holds
/// the backend's whole answer. Then the first token through the Hub against the fake Dify called directly.
/// </summary>
internal static class AssistantBenchmark
{
    public const string DifyKey = "app-larkwayemulatordevkey0001";

    public static async Task<int> RunAsync(AssistantOptions options)
    {
        var work = options.Work ?? Directory.CreateTempSubdirectory("larkway-assistant-").FullName;
        Directory.CreateDirectory(work);

        // Defaults on purpose: Feishu's per-app API limits and CardKit's 10 operations a second per card are enforced.
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        var people = options.Conversations.Sum() + options.Samples + 1 + 2 * options.LatencySamples + options.BackgroundAskers + 1 + 2 * options.LinkedSamples;
        // In the seed's Engineering department (users name departments by open id), so the directory sync reads them.
        var engineering = emulator.State.FindDepartment("department_id", "eng")?.OpenDepartmentId ?? throw new InvalidOperationException("the Emulator's seed has no department 'eng'");
        var users = Enumerable.Range(1, people)
            .Select(i => emulator.State.AddUser(new EmulatorUser($"ou_asst{i:D5}", $"on_asst{i:D5}", $"u_asst{i:D5}", $"Asker {i}", $"asker{i:D5}@example.com", [engineering])))
            .ToList();

        var adminKey = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var secret = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["FEISHU_ENCRYPT_KEY"] = secret,
            ["FEISHU_VERIFICATION_TOKEN"] = secret,
        };
        foreach (var (name, value) in options.HubEnv)
        {
            settings[name] = value;
        }

        using var hub = BenchHub.Start(options.HubDll, emulator, work, adminKey, settings, out var hubUrl);
        using var stop = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, _ => BenchHub.Stop(hub));
        using var interrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, _ => BenchHub.Stop(hub));
        try
        {
            using var admin = new HttpClient { BaseAddress = hubUrl, Timeout = TimeSpan.FromSeconds(30) };
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
            using var control = new HttpClient { BaseAddress = emulator.BaseUrl, Timeout = TimeSpan.FromSeconds(120) };
            await BenchHub.WaitHealthyAsync(admin, hub);

            using (var subscribed = await control.PutAsJsonAsync($"/_emulator/apps/{emulator.State.Apps[0].AppId}/event-subscription",
                new { url = new Uri(hubUrl, "/feishu/events").ToString(), encrypt_key = secret, verification_token = secret }))
            {
                await EnsureAsync(subscribed, "the event subscription");
            }

            using (var created = await admin.PostAsJsonAsync("/api/v1/assistants", new
            {
                name = "bench",
                backend = "dify",
                base_url = new Uri(emulator.BaseUrl, "dify/v1").ToString(),
                api_key = DifyKey,
                apps = new[] { "default" },
                policy = new { unknown_users = "guest" },
                streaming = new { update_interval_ms = options.IntervalMs },
            }))
            {
                await EnsureAsync(created, "POST /api/v1/assistants");
            }

            await SetAiAsync(control, new { tokens_per_second = options.TokensPerSecond, answer_words = options.AnswerWords });
            var database = Path.Combine(work, "larkway.db");
            var turns = new TurnReader(database);
            var next = 0;

            // Warm-up: one answer end to end (JIT, connection pools, the bot's identity), not counted.
            var warm = await AskAsync(control, emulator, users[next++], "Warm-up: where is the VPN guide?");
            await turns.WaitEndedAsync([warm.MessageId], TimeSpan.FromMinutes(2));

            var report = new StringBuilder();
            report.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores, {MachineMemoryGb():F1} GB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}; load average at start {LoadAverage()}.");
            report.AppendLine(CultureInfo.InvariantCulture, $"Hub pid {hub.Id} (webhook mode, SQLite in {work}{(options.HubEnv.Count > 0 ? ", " + string.Join(", ", options.HubEnv.Select(e => e.Key + "=" + e.Value)) : "")}); Emulator {emulator.BaseUrl} with its rate limits on (CardKit: 10 operations/s per card, 50/s and 1,000/min per endpoint and app).");
            report.AppendLine(CultureInfo.InvariantCulture, $"Fake Dify: {options.TokensPerSecond} tokens/s, {options.AnswerWords} words an answer; assistant streaming.update_interval_ms {options.IntervalMs}.");
            report.AppendLine();
            Console.Write(report);

            if (options.LinkedOnly)
            {
                var linkedOnly = await LinkedDocumentBenchmark.RunAsync(options, emulator, control, admin, turns, users[next], users.GetRange(next + 1, 2 * options.LinkedSamples));
                report.Append(linkedOnly);
                Console.WriteLine(linkedOnly);
                if (options.Markdown is { } only)
                {
                    await File.WriteAllTextAsync(only, report.ToString());
                }

                return 0;
            }

            if (options.LatencyOnly)
            {
                var quietFirst = await QuestionToBackendAsync(options, emulator, control, admin, hubUrl, secret, turns, users, next);
                report.Append(quietFirst);
                Console.WriteLine(quietFirst);
                if (options.Markdown is { } only)
                {
                    await File.WriteAllTextAsync(only, report.ToString());
                }

                return 0;
            }

            var table = new StringBuilder();
            table.AppendLine("| conversations | answered / failed | final card = backend answer | first text p50 / p99 / max | gap between text updates p50 / p99 / max | gaps > 1.5× interval | text updates / answer | all done in | CardKit calls (refused: sequence, per card 429, app 429) | Hub CPU / answer | Hub VmRSS |");
            table.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|");
            var problems = new StringBuilder();
            for (var round = 0; round < options.Conversations.Count; round++)
            {
                var n = options.Conversations[round];
                var askers = users.GetRange(next, n);
                next += n;
                var row = await RunRoundAsync(options, emulator, control, turns, hub.Id, askers, round + 1, problems);
                table.AppendLine(row);
                Console.WriteLine(row);
            }

            var overhead = await FirstTokenAsync(options, emulator, control, turns, users.GetRange(next, options.Samples));
            next += options.Samples;
            Console.WriteLine(overhead);
            var latency = await QuestionToBackendAsync(options, emulator, control, admin, hubUrl, secret, turns, users, next);
            next += 2 * options.LatencySamples + options.BackgroundAskers;
            Console.WriteLine(latency);
            overhead += Environment.NewLine + latency;
            var linked = await LinkedDocumentBenchmark.RunAsync(options, emulator, control, admin, turns, users[next], users.GetRange(next + 1, 2 * options.LinkedSamples));
            Console.WriteLine(linked);
            overhead += Environment.NewLine + linked;

            report.Append(table);
            report.AppendLine();
            report.Append(overhead);
            var memory = Memory.Read(hub.Id);
            report.AppendLine(CultureInfo.InvariantCulture, $"Hub memory at the end: VmRSS {memory.RssMb:F0} MB, VmHWM (peak) {memory.HwmMb:F0} MB.");
            if (problems.Length > 0)
            {
                report.AppendLine();
                report.AppendLine("Problems seen:");
                report.Append(problems);
            }

            Console.WriteLine();
            Console.WriteLine(report.ToString());
            if (options.Markdown is { } path)
            {
                await File.WriteAllTextAsync(path, report.ToString());
            }

            return 0;
        }
        finally
        {
            if (!hub.HasExited)
            {
                hub.Kill(entireProcessTree: true);
                await hub.WaitForExitAsync();
            }
        }
    }

    private static async Task<string> RunRoundAsync(
        AssistantOptions options, EmulatorServer emulator, HttpClient control, TurnReader turns, int hubPid, List<EmulatorUser> askers, int round, StringBuilder problems)
    {
        // The 1,000/min windows are fixed and minute-aligned: each round starts in a fresh minute, so rounds do not share one.
        if (options.Align)
        {
            var now = DateTimeOffset.UtcNow;
            var nextMinute = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(1);
            await Task.Delay(nextMinute - now + TimeSpan.FromMilliseconds(200));
        }

        (await control.PostAsync("/_emulator/cardkit/stats/reset", null)).EnsureSuccessStatusCode();
        (await control.DeleteAsync("/_emulator/calls")).EnsureSuccessStatusCode();
        (await control.DeleteAsync("/_emulator/ai/requests")).EnsureSuccessStatusCode();
        var cpu = Memory.CpuSeconds(hubPid);
        var n = askers.Count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round}: {n} people ask at once (load average {LoadAverage()})…"));

        var clock = Stopwatch.StartNew();
        var asked = await Task.WhenAll(askers.Select((user, i) => AskAsync(control, emulator, user,
            string.Create(CultureInfo.InvariantCulture, $"Round {round} asker {i + 1}: how do I book a meeting room for my team next week?"))));
        var ended = await turns.WaitEndedAsync([.. asked.Select(a => a.MessageId)], TimeSpan.FromMinutes(10));
        var took = clock.Elapsed;
        await Task.Delay(1000); // the last operations of a card land just after its turn is stored as ended
        var cpuUsed = Memory.CpuSeconds(hubPid) - cpu;
        var rss = Memory.Read(hubPid).RssMb;

        var stats = Data(JsonDocument.Parse(await control.GetStringAsync("/_emulator/cardkit/stats")).RootElement);
        var calls = Data(JsonDocument.Parse(await control.GetStringAsync("/_emulator/calls")).RootElement).GetProperty("items").EnumerateArray()
            .Where(c => c.GetProperty("endpoint").GetString()!.Contains("/cardkit/", StringComparison.Ordinal))
            .Sum(c => c.GetProperty("count").GetInt64());

        // The backend's own answer to each question, asked again of the fake Dify directly (same query, same user, a new
        // conversation as the Hub's was): it is deterministic, and a fast token rate does not change the text.
        var requests = Data(JsonDocument.Parse(await control.GetStringAsync("/_emulator/ai/requests?backend=dify")).RootElement).GetProperty("items").EnumerateArray()
            .Where(r => r.GetProperty("operation").GetString() == "chat")
            .Select(r => (Query: r.GetProperty("query").GetString()!, User: r.GetProperty("user").GetString()!))
            .ToList();
        await SetAiAsync(control, new { tokens_per_second = 100_000 });
        var reference = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var dify = Dify(emulator))
        {
            using var gate = new SemaphoreSlim(16);
            await Task.WhenAll(requests.DistinctBy(r => r.Query).Select(async r =>
            {
                await gate.WaitAsync();
                try
                {
                    var answer = await BlockingAnswerAsync(dify, r.Query, r.User);
                    lock (reference)
                    {
                        reference[r.Query] = answer;
                    }
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        await SetAiAsync(control, new { tokens_per_second = options.TokensPerSecond });

        var firstText = new List<double>();
        var gaps = new List<double>();
        var updates = new List<int>();
        var answered = 0;
        var matches = 0;
        var refusedInCards = 0;
        var statuses = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var question in asked)
        {
            var turn = ended[question.MessageId];
            statuses[turn.Status] = statuses.GetValueOrDefault(turn.Status) + 1;
            if (turn.Status == "answered")
            {
                answered++;
            }

            if (turn.ReplyHandle is not { } cardId)
            {
                problems.AppendLine(CultureInfo.InvariantCulture, $"- round {round} ({n}): {question.MessageId} has no card; turn {turn.Status}, failure {turn.FailureKind ?? "-"}, last error: {turn.LastError ?? "-"}");
                continue;
            }

            var ops = Data(JsonDocument.Parse(await control.GetStringAsync($"/_emulator/cardkit/cards/{cardId}/operations")).RootElement).GetProperty("items").EnumerateArray()
                .Select(o => (Kind: o.GetProperty("kind").GetString()!, Outcome: o.GetProperty("outcome").GetString()!, At: long.Parse(o.GetProperty("at").GetString()!, CultureInfo.InvariantCulture)))
                .ToList();
            refusedInCards += ops.Count(o => o.Outcome == "refused");
            var content = ops.Where(o => o.Kind == "content" && o.Outcome == "applied").Select(o => o.At).Order().ToList();
            if (content.Count > 0)
            {
                firstText.Add(content[0] - question.PostedAtMs);
            }

            gaps.AddRange(content.Zip(content.Skip(1), (a, b) => (double)(b - a)));
            updates.Add(content.Count);

            using var card = JsonDocument.Parse(await control.GetStringAsync($"/_emulator/cardkit/cards/{cardId}"));
            var cardData = Data(card.RootElement);
            var shown = AnswerOf(cardData.GetProperty("card_json")) ?? "";
            var stillStreaming = cardData.GetProperty("card").GetProperty("streaming").GetBoolean();
            var backend = reference.GetValueOrDefault(question.Text);
            if (backend is not null && shown == backend)
            {
                matches++;
            }
            else
            {
                var at = backend is null ? -1 : Enumerable.Range(0, Math.Min(shown.Length, backend.Length)).FirstOrDefault(i => shown[i] != backend[i], Math.Min(shown.Length, backend.Length));
                problems.AppendLine(CultureInfo.InvariantCulture, $"- round {round} ({n}): card {cardId} (turn {turn.Status}, failure {turn.FailureKind ?? "-"}, last error: {turn.LastError ?? "-"}, streaming {stillStreaming}) shows {shown.Length} characters, the backend's answer has {backend?.Length ?? -1}; first difference at {at}; card ends: \"…{Tail(shown)}\"");
            }

            if (turn.Status != "answered")
            {
                problems.AppendLine(CultureInfo.InvariantCulture, $"- round {round} ({n}): turn of {question.MessageId} ended {turn.Status} (state {turn.State}), failure {turn.FailureKind ?? "-"}, last error: {turn.LastError ?? "-"}; card ends: \"…{Tail(shown)}\"");
            }
        }

        var sequence = stats.GetProperty("sequence_refusals").GetInt64();
        var perCard429 = stats.GetProperty("rate_limited").GetInt64();
        var operations = stats.GetProperty("operations").GetInt64();
        var app429 = Math.Max(0, calls - operations); // calls refused by the gateway never reach a card's operation log
        var byCode = stats.TryGetProperty("refusals_by_code", out var codes) ? codes.GetRawText() : "{}";
        if (sequence > 0 || perCard429 > 0 || refusedInCards > 0)
        {
            problems.AppendLine(CultureInfo.InvariantCulture, $"- round {round} ({n}): CardKit refusals: sequence {sequence}, per-card 429 {perCard429}, refused operations in the cards' logs {refusedInCards}, by code {byCode}");
        }

        var interval = options.IntervalMs;
        var late = gaps.Count == 0 ? 0 : 100.0 * gaps.Count(g => g > 1.5 * interval) / gaps.Count;
        var failed = n - answered;
        var statusText = failed == 0 ? "" : " (" + string.Join(", ", statuses.Where(s => s.Key != "answered").Select(s => s.Key + " " + s.Value)) + ")";
        return string.Create(CultureInfo.InvariantCulture,
            $"| {n} | {answered} / {failed}{statusText} | {matches} / {n} | {Ms(P(firstText, 50))} / {Ms(P(firstText, 99))} / {Ms(P(firstText, 100))} | {P(gaps, 50):F0} / {P(gaps, 99):F0} / {P(gaps, 100):F0} ms | {late:F1} % | {(updates.Count == 0 ? 0 : updates.Average()):F1} | {took.TotalSeconds:F1} s | {calls} ({sequence}, {perCard429}, {app429}) | {1000 * cpuUsed / n:F0} ms | {rss:F0} MB |");
    }

    /// <summary>The same question streamed from the fake Dify directly and through the Hub, alternately, one at a time.</summary>
    private static async Task<string> FirstTokenAsync(AssistantOptions options, EmulatorServer emulator, HttpClient control, TurnReader turns, List<EmulatorUser> askers)
    {
        // Short answers: the first token is what is measured, and each sample waits for its answer to end.
        await SetAiAsync(control, new { tokens_per_second = options.TokensPerSecond, answer_words = 10 });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first token: {options.Samples} samples each side, alternately (load average {LoadAverage()})…"));
        var direct = new List<double>();
        var viaHub = new List<double>();
        var cardShown = new List<double>();
        using var dify = Dify(emulator);
        for (var s = 0; s < options.Samples; s++)
        {
            var query = string.Create(CultureInfo.InvariantCulture, $"Sample {s + 1}: where is the VPN guide?");
            async Task Direct() => direct.Add(await DirectFirstTokenAsync(dify, query, string.Create(CultureInfo.InvariantCulture, $"direct-{s + 1}")));
            async Task ViaHub()
            {
                var asked = await AskAsync(control, emulator, askers[s], query);
                var (first, created) = await FirstContentAsync(control, turns, asked);
                viaHub.Add(first);
                cardShown.Add(created);
                await turns.WaitEndedAsync([asked.MessageId], TimeSpan.FromMinutes(2));
            }

            await AlternatelyAsync(s, Direct, ViaHub);
        }

        var d = P(direct, 50);
        var h = P(viaHub, 50);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"First token, {options.Samples} samples each side, alternately, one at a time (N = 1):");
        text.AppendLine();
        text.AppendLine("| path | median | p90 | min | max |");
        text.AppendLine("|---|---:|---:|---:|---:|");
        text.AppendLine(CultureInfo.InvariantCulture, $"| fake Dify directly: request sent → first `message` event | {d:F0} ms | {P(direct, 90):F0} ms | {direct.Min():F0} ms | {direct.Max():F0} ms |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| through the Hub: question posted → card created (\"Thinking…\") | {P(cardShown, 50):F0} ms | {P(cardShown, 90):F0} ms | {cardShown.Min():F0} ms | {cardShown.Max():F0} ms |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| through the Hub: question posted → first answer text on the card | {h:F0} ms | {P(viaHub, 90):F0} ms | {viaHub.Min():F0} ms | {viaHub.Max():F0} ms |");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"The Hub adds {h - d:F0} ms to the median first token ({h / Math.Max(d, 1):F1}× the direct call).");
        return text.ToString();
    }

    /// <summary>
    /// Question posted → the backend's request, one question at a time, first with nothing else going on, then with the
    /// background load (<see cref="BackgroundLoad"/>): what the Hub adds before the backend is even asked.
    /// </summary>
    private static async Task<string> QuestionToBackendAsync(
        AssistantOptions options, EmulatorServer emulator, HttpClient control, HttpClient admin, Uri hubUrl, string secret, TurnReader turns, List<EmulatorUser> users, int next)
    {
        await SetAiAsync(control, new { tokens_per_second = options.TokensPerSecond, answer_words = 10 });
        var samples = options.LatencySamples;
        var quietAskers = users.GetRange(next, samples);
        var busyAskers = users.GetRange(next + samples, samples);
        var background = users.GetRange(next + 2 * samples, options.BackgroundAskers);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"question → backend request: {samples} questions quiet (load average {LoadAverage()})…"));
        var quiet = await QuestionsToBackendAsync(control, emulator, turns, quietAskers, "Quiet");
        var quietLoad = LoadAverage();

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"question → backend request: starting the background ({options.BackgroundAskers} people asking, read receipts, a disabled app's events retrying)…"));
        List<double> busy;
        InboxBacklog before, after;
        int asked, receipts;
        string busyLoad;
        await using (var load = await BackgroundLoad.StartAsync(emulator, control, admin, hubUrl, secret, turns, background))
        {
            // Read from the Hub's events API just before the first measured question and just after the last.
            before = await InboxEvents.BacklogAsync(admin, BackgroundLoad.DisabledApp);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  unfinished inbox events: {before.Describe("disabled app")}; {samples} questions with the background…"));
            busy = await QuestionsToBackendAsync(control, emulator, turns, busyAskers, "Busy");
            after = await InboxEvents.BacklogAsync(admin, BackgroundLoad.DisabledApp);
            asked = load.Asked;
            receipts = load.Receipts;
            busyLoad = LoadAverage();
        }

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Question posted → the backend's request (the fake Dify's receipt of `chat-messages`), {samples} questions one at a time, each from a new person in their own chat:");
        text.AppendLine();
        text.AppendLine("| condition | p50 | p90 | p99 | max | load average after |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|");
        text.AppendLine(CultureInfo.InvariantCulture, $"| quiet | {P(quiet, 50):F0} ms | {P(quiet, 90):F0} ms | {P(quiet, 99):F0} ms | {quiet.Max():F0} ms | {quietLoad} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| with background | {P(busy, 50):F0} ms | {P(busy, 90):F0} ms | {P(busy, 99):F0} ms | {busy.Max():F0} ms | {busyLoad} |");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Background: {options.BackgroundAskers} other people each asking again as soon as their last answer ended ({asked} questions), {receipts} read receipts of the bot's replies (events nothing answers), and a disabled stored app whose events were left failed and retrying.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Unfinished inbox events (the Hub's events API) when the first question with the background was asked: {before.Describe("disabled app")}; after the last: {after.Describe("disabled app")}.");
        if ((after.AppLastError ?? before.AppLastError) is { } error)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"The disabled app's events' last error: {error}");
        }

        if (before.AppRetrying == 0 || after.AppRetrying == 0)
        {
            text.AppendLine("WARNING: the disabled app had no event retrying at the start or the end of the measured questions; this background did not hold what it says.");
        }
        return text.ToString();
    }

    private static async Task<List<double>> QuestionsToBackendAsync(HttpClient control, EmulatorServer emulator, TurnReader turns, List<EmulatorUser> askers, string label)
    {
        var took = new List<double>();
        for (var s = 0; s < askers.Count; s++)
        {
            var query = string.Create(CultureInfo.InvariantCulture, $"{label} {s + 1}: where is the VPN guide?");
            var asked = await AskAsync(control, emulator, askers[s], query);
            took.Add(await BackendRequestAtAsync(control, query) - asked.PostedAtMs);
            await turns.WaitEndedAsync([asked.MessageId], TimeSpan.FromMinutes(2));
        }

        return took;
    }

    /// <summary>When the fake Dify received the chat request of <paramref name="query"/> (Unix ms; the Emulator runs in this process, on this clock).</summary>
    private static async Task<long> BackendRequestAtAsync(HttpClient control, string query) =>
        (await BackendRequestAsync(control, q => q == query, query)).At;

    /// <summary>
    /// When the fake Dify received the first chat request whose query <paramref name="matches"/> (Unix ms, this process's
    /// clock), and that query's length.
    /// </summary>
    internal static async Task<(long At, int Length)> BackendRequestAsync(HttpClient control, Func<string, bool> matches, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            var request = Data(JsonDocument.Parse(await control.GetStringAsync("/_emulator/ai/requests?backend=dify")).RootElement).GetProperty("items").EnumerateArray()
                .FirstOrDefault(r => r.GetProperty("operation").GetString() == "chat" && matches(r.GetProperty("query").GetString()!));
            if (request.ValueKind == JsonValueKind.Object)
            {
                return (request.GetProperty("received_at").GetDateTimeOffset().ToUnixTimeMilliseconds(), request.GetProperty("query").GetString()!.Length);
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"the backend never received \"{what}\" within 2 minutes");
    }

    /// <summary>Runs the two sides of a sample, the first first on even samples, so neither always goes first.</summary>
    internal static async Task AlternatelyAsync(int sample, Func<Task> first, Func<Task> second)
    {
        if (sample % 2 == 0)
        {
            await first();
            await second();
        }
        else
        {
            await second();
            await first();
        }
    }

    internal static async Task<(double FirstText, double CardCreated)> FirstContentAsync(HttpClient control, TurnReader turns, Asked asked)
    {
        var deadline = Stopwatch.StartNew();
        string? cardId = null;
        while (deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            cardId ??= await turns.CardOfAsync(asked.MessageId);
            if (cardId is not null)
            {
                var ops = Data(JsonDocument.Parse(await control.GetStringAsync($"/_emulator/cardkit/cards/{cardId}/operations")).RootElement).GetProperty("items").EnumerateArray()
                    .Select(o => (Kind: o.GetProperty("kind").GetString()!, Outcome: o.GetProperty("outcome").GetString()!, At: long.Parse(o.GetProperty("at").GetString()!, CultureInfo.InvariantCulture)))
                    .ToList();
                if (ops.FirstOrDefault(o => o.Kind == "content" && o.Outcome == "applied") is { Kind: not null } first)
                {
                    var created = ops.First(o => o.Kind == "create").At;
                    return (first.At - asked.PostedAtMs, created - asked.PostedAtMs);
                }
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"no answer text on the card of {asked.MessageId} within 2 minutes");
    }

    private static async Task<double> DirectFirstTokenAsync(HttpClient dify, string query, string user)
    {
        var clock = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Post, "chat-messages")
        {
            Content = JsonContent.Create(new { query, user, inputs = new { }, response_mode = "streaming", conversation_id = "" }),
        };
        using var response = await dify.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        double? first = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (first is null && line.StartsWith("data:", StringComparison.Ordinal))
            {
                using var chunk = JsonDocument.Parse(line[5..]);
                if (chunk.RootElement.GetProperty("event").GetString() == "message")
                {
                    first = clock.Elapsed.TotalMilliseconds;
                }
            }
        }

        return first ?? throw new InvalidOperationException("the fake Dify's stream had no message event");
    }

    private static async Task<string> BlockingAnswerAsync(HttpClient dify, string query, string user)
    {
        using var response = await dify.PostAsJsonAsync("chat-messages", new { query, user, inputs = new { }, response_mode = "blocking", conversation_id = "" });
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"the fake Dify's blocking answer failed: HTTP {(int)response.StatusCode} {text}");
        }

        using var document = JsonDocument.Parse(text);
        return document.RootElement.GetProperty("answer").GetString()!;
    }

    private static HttpClient Dify(EmulatorServer emulator)
    {
        var dify = new HttpClient { BaseAddress = new Uri(emulator.BaseUrl, "dify/v1/"), Timeout = TimeSpan.FromMinutes(2) };
        dify.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DifyKey);
        return dify;
    }

    internal static async Task<Asked> AskAsync(HttpClient control, EmulatorServer emulator, EmulatorUser user, string text)
    {
        var posted = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using var response = await control.PostAsJsonAsync($"/_emulator/apps/{emulator.State.Apps[0].AppId}/p2p-messages", new { sender = user.Email, msg_type = "text", content = new { text } });
        await EnsureAsync(response, "a question");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return new Asked(Data(body.RootElement).GetProperty("message_id").GetString()!, text, posted);
    }

    internal static async Task SetAiAsync(HttpClient control, object settings)
    {
        using var response = await control.PutAsJsonAsync("/_emulator/ai/settings", settings);
        await EnsureAsync(response, "the fake AI's settings");
    }

    internal static async Task EnsureAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{what}: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    // Control answers come in the Feishu envelope ({code, msg, data}).
    private static JsonElement Data(JsonElement root) => root.TryGetProperty("data", out var data) ? data : root;

    /// <summary>The content of the element with id <c>answer</c>, wherever it is in the card.</summary>
    private static string? AnswerOf(JsonElement node)
    {
        switch (node.ValueKind)
        {
            case JsonValueKind.Object:
                if (node.TryGetProperty("element_id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() == "answer"
                    && node.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
                {
                    return content.GetString();
                }

                return node.EnumerateObject().Select(p => AnswerOf(p.Value)).FirstOrDefault(a => a is not null);
            case JsonValueKind.Array:
                return node.EnumerateArray().Select(AnswerOf).FirstOrDefault(a => a is not null);
            default:
                return null;
        }
    }

    private static string Tail(string text) => (text.Length > 100 ? text[^100..] : text).ReplaceLineEndings(" ");

    internal static double P(List<double> values, double percentile)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    private static string Ms(double ms) => ms >= 10_000 ? string.Create(CultureInfo.InvariantCulture, $"{ms / 1000:F1} s") : string.Create(CultureInfo.InvariantCulture, $"{ms:F0} ms");

    internal static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static double MachineMemoryGb()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            return double.Parse(line["MemTotal:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024 / 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}

/// <summary>A question posted: its Feishu message id, its text, and when it was posted (Unix ms, the Emulator's clock).</summary>
internal sealed record Asked(string MessageId, string Text, long PostedAtMs);
