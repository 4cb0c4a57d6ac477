using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Larkway.Bench;
using Larkway.Bench.Ingest;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.Seed;

// The one approvals API on each platform, side by side: for Feishu, DingTalk and WeCom in turn, an Emulator in this
// process and the Hub as a child process (Release, SQLite, webhook mode, approvers' cards off so only the approvals'
// own calls count). A burst of approvals (--approvals, default 1,000; --concurrency requests at a time), the same request
// on each platform but for its definition and form; halfway the Hub is killed (SIGKILL) with requests in flight and
// started again on the same database, and the business system sends the requests that got no answer again with their
// idempotency keys. Then every approval must hold its own instance (none lost, none shared). The create's time as the
// caller sees it (p50, p99), the platform calls per approval (the Hub's larkway.{platform}.calls before the kill), and
// for --decisions approvals the first approver's decision made on the platform (the Emulator's approval page or control
// API) until the Hub shows the task decided (p50, p99). Not a test: bench/approvals.sh.
var options = ApprovalsBenchOptions.Parse(args);
if (options is null)
{
    await Console.Error.WriteLineAsync("usage: Larkway.Bench.Approvals --hub-dll <path> [--approvals 1000] [--concurrency 8] [--decisions 100] [--platforms feishu,dingtalk,wecom] [--markdown <path>] [--work <dir>]");
    return 2;
}

var work = options.Work ?? Directory.CreateTempSubdirectory("larkway-approvals-bench-").FullName;
var adminKey = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
var feishuEncryptKey = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
var feishuToken = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
var results = new List<PlatformResult>();
foreach (var platform in options.Platforms)
{
    await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
    var folder = Path.Combine(work, platform);
    Directory.CreateDirectory(folder);
    var settings = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["FEISHU_ENCRYPT_KEY"] = feishuEncryptKey,
        ["FEISHU_VERIFICATION_TOKEN"] = feishuToken,
        ["Larkway__Approvals__CardsEnabled"] = "false",
    };
    var shape = Shape.Of(platform);
    var hub = BenchHub.Start(options.HubDll, emulator, folder, adminKey, settings, out var url);
    try
    {
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        using var control = new HttpClient { BaseAddress = emulator.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        await BenchHub.WaitHealthyAsync(http, hub);
        if (BenchPlatformApps.AppOf(platform, emulator) is { } app)
        {
            using var added = await http.PostAsJsonAsync("/api/v1/apps", app);
            await BenchPlatformApps.EnsureAsync(added, $"adding the {platform} app");
        }

        await BenchPlatformApps.ConnectEventsAsync(platform, emulator, control, url, feishuEncryptKey, feishuToken);

        // A first approval warms the path (token, definition, subscription); it is not counted.
        await CreateAsync(http, shape, "warm-up");

        // The first half: timed, and the platform calls counted.
        var half = options.Approvals / 2;
        var created = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var times = new ConcurrentBag<double>();
        var callsBefore = await CallsAsync(http);
        var unanswered = await BurstAsync(http, shape, Enumerable.Range(0, half), options.Concurrency, created, times, stopAfter: null);
        var calls = (await CallsAsync(http) - callsBefore) / Math.Max(1, half);

        // The second half, with the Hub killed a quarter of the way in; the requests without an answer are sent again.
        var killAt = half + ((options.Approvals - half) / 4);
        unanswered.AddRange(await BurstAsync(http, shape, Enumerable.Range(half, options.Approvals - half), options.Concurrency, created, times,
            stopAfter: (killAt, () => hub.Kill(entireProcessTree: true))));
        await hub.WaitForExitAsync();
        // On the same address: the platforms' events (Feishu's subscription, WeCom's callback URL) still point there.
        hub = BenchHub.Start(options.HubDll, emulator, folder, adminKey, new Dictionary<string, string>(settings) { ["ASPNETCORE_URLS"] = url.ToString() }, out _);
        using var restarted = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
        restarted.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        await BenchHub.WaitHealthyAsync(restarted, hub);
        var resent = unanswered.Count;
        var stillUnanswered = await BurstAsync(restarted, shape, unanswered, options.Concurrency, created, times: null, stopAfter: null);

        // Every approval accepted ends with an instance of its own; a create the kill interrupted is finished by the queue.
        var held = await InstancesAsync(restarted, options.Approvals, TimeSpan.FromMinutes(5));
        var decisions = await DecideAsync(platform, control, restarted, [.. held.Keys.Take(options.Decisions)]);
        results.Add(new PlatformResult(platform, created.Count, [.. times], calls, resent, stillUnanswered.Count, held, decisions));
        Console.WriteLine(results[^1].Line);
    }
    finally
    {
        BenchHub.Stop(hub);
        await hub.WaitForExitAsync();
    }
}

var report = new StringBuilder();
report.AppendLine(CultureInfo.InvariantCulture, $"{options.Approvals:N0} approvals per platform, {options.Concurrency} requests at a time, the Hub killed (SIGKILL) and restarted a quarter into the second half; {options.Decisions} first-approver decisions each:");
report.AppendLine();
report.AppendLine("| platform | approvals | calls per approval | create p50 | create p99 | × Feishu's p99 | resent after the kill | lost | instances shared | decision → Hub p50 | decision → Hub p99 | × Feishu's p99 |");
report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
var feishu = results.FirstOrDefault(r => r.Platform == "feishu");
foreach (var r in results)
{
    string Ratio(double mine, double? theirs) => theirs is > 0 ? (mine / theirs.Value).ToString("F2", CultureInfo.InvariantCulture) : "—";
    report.AppendLine(string.Create(CultureInfo.InvariantCulture,
        $"| {r.Platform} | {r.Held.Count:N0} | {r.Calls:F1} | {Quantile(r.Times, 0.5):F0} ms | {Quantile(r.Times, 0.99):F0} ms | {Ratio(Quantile(r.Times, 0.99), feishu is null ? null : Quantile(feishu.Times, 0.99))} | {r.Resent} | {r.Lost(options.Approvals)} | {r.Shared} | {Quantile(r.Decisions, 0.5):F0} ms | {Quantile(r.Decisions, 0.99):F0} ms | {Ratio(Quantile(r.Decisions, 0.99), feishu is null ? null : Quantile(feishu.Decisions, 0.99))} |"));
}

Console.WriteLine(report.ToString());
if (options.Markdown is { } path)
{
    await File.WriteAllTextAsync(path, report.ToString());
}

return results.All(r => r.Lost(options.Approvals) == 0 && r.Shared == 0 && r.Unanswered == 0) ? 0 : 1;

// Sends the approvals of the given numbers, `concurrency` at a time; returns the numbers that got no answer (the Hub
// went away). `stopAfter`: once that many approvals in all have answers, the action runs (the kill).
static async Task<List<int>> BurstAsync(HttpClient http, Shape shape, IEnumerable<int> numbers, int concurrency,
    ConcurrentDictionary<string, string> created, ConcurrentBag<double>? times, (int Count, Action Act)? stopAfter)
{
    var unanswered = new ConcurrentBag<int>();
    var acted = 0;
    await Parallel.ForEachAsync(numbers, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (n, ct) =>
    {
        var key = string.Create(CultureInfo.InvariantCulture, $"bench-{n:D5}");
        var clock = Stopwatch.StartNew();
        try
        {
            var id = await CreateAsync(http, shape, key);
            times?.Add(clock.Elapsed.TotalMilliseconds);
            created[key] = id;
            if (stopAfter is { } stop && created.Count >= stop.Count && Interlocked.Exchange(ref acted, 1) == 0)
            {
                stop.Act();
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            unanswered.Add(n);
        }
    });
    return [.. unanswered.Order()];
}

// One approval: 201 (created now) or 200 (the same key again) or 202 (accepted; the platform's answer is pending). Its id.
static async Task<string> CreateAsync(HttpClient http, Shape shape, string key)
{
    using var response = await http.PostAsJsonAsync("/api/v1/approvals", new
    {
        app = shape.App,
        definition = shape.Definition,
        applicant = shape.Applicant,
        form = shape.Form,
        reference = key,
        idempotency_key = key,
    });
    var text = await response.Content.ReadAsStringAsync();
    if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK or HttpStatusCode.Accepted))
    {
        throw new InvalidOperationException($"creating {key}: {(int)response.StatusCode} {text}");
    }

    return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
}

// Every approval's instance, once each has one (by approval id), waiting for the queue to finish what the kill interrupted.
static async Task<Dictionary<string, string>> InstancesAsync(HttpClient http, int expected, TimeSpan patience)
{
    var deadline = DateTimeOffset.UtcNow + patience;
    while (true)
    {
        var held = new Dictionary<string, string>(StringComparer.Ordinal);
        string? after = null;
        do
        {
            var page = await http.GetFromJsonAsync<JsonElement>("/api/v1/approvals?limit=200" + (after is null ? "" : "&after=" + Uri.EscapeDataString(after)));
            foreach (var approval in page.GetProperty("items").EnumerateArray())
            {
                if (approval.GetProperty("reference").GetString() is { } reference && reference.StartsWith("bench-", StringComparison.Ordinal)
                    && approval.TryGetProperty("instance_code", out var instance) && instance.GetString() is { Length: > 0 } code)
                {
                    held[approval.GetProperty("id").GetString()!] = code;
                }
            }

            after = page.GetProperty("next").GetString();
        }
        while (after is not null);

        if (held.Count >= expected || DateTimeOffset.UtcNow > deadline)
        {
            return held;
        }

        await Task.Delay(500);
    }
}

// The first pending task of each approval decided by its approver on the platform, one at a time, timed until the Hub
// shows it decided (the platform's event, or the read after it).
static async Task<List<double>> DecideAsync(string platform, HttpClient control, HttpClient http, IReadOnlyList<string> ids)
{
    var times = new List<double>();
    foreach (var id in ids)
    {
        // An approval whose create the queue finished after the restart shows its tasks once the Hub has read them.
        var approval = await http.GetFromJsonAsync<JsonElement>("/api/v1/approvals/" + id);
        for (var wait = Stopwatch.StartNew(); !HasPendingTask(approval) && wait.Elapsed < TimeSpan.FromMinutes(1); await Task.Delay(100))
        {
            approval = await http.GetFromJsonAsync<JsonElement>("/api/v1/approvals/" + id);
        }

        var instance = approval.GetProperty("instance_code").GetString()!;
        var task = approval.GetProperty("tasks").EnumerateArray().First(t => t.GetProperty("status").GetString() == "pending");
        var (taskId, approver) = (task.GetProperty("id").GetString()!, task.GetProperty("approver").GetProperty("user_id").GetString()!);
        using var request = platform switch
        {
            "dingtalk" => new HttpRequestMessage(HttpMethod.Post, $"/dingtalk-approval/{instance}/decide")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["as"] = approver, ["taskId"] = taskId, ["result"] = "agree", ["remark"] = "OK" }),
            },
            "wecom" => new HttpRequestMessage(HttpMethod.Post, $"/_emulator/wecom/approvals/{instance}/decide") { Content = JsonContent.Create(new { userid = approver, action = "approve", speech = "OK" }) },
            _ => new HttpRequestMessage(HttpMethod.Post, $"/_emulator/approvals/instances/{instance}/tasks/{taskId}/approve") { Content = JsonContent.Create(new { user = approver, comment = "OK" }) },
        };
        request.Headers.Add("Origin", control.BaseAddress!.GetLeftPart(UriPartial.Authority));
        var clock = Stopwatch.StartNew();
        using (var decided = await control.SendAsync(request))
        {
            if ((int)decided.StatusCode >= 400)
            {
                throw new InvalidOperationException($"deciding {instance} on {platform}: {(int)decided.StatusCode} {await decided.Content.ReadAsStringAsync()}");
            }
        }

        while ((await http.GetFromJsonAsync<JsonElement>("/api/v1/approvals/" + id)).GetProperty("tasks").EnumerateArray()
            .Any(t => t.GetProperty("id").GetString() == taskId && t.GetProperty("status").GetString() == "pending"))
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException($"the Hub did not show {platform} task {taskId} decided within 2 minutes");
            }

            await Task.Delay(5);
        }

        times.Add(clock.Elapsed.TotalMilliseconds);
    }

    return times;
}

static bool HasPendingTask(JsonElement approval) =>
    approval.GetProperty("tasks").EnumerateArray().Any(t => t.GetProperty("status").GetString() == "pending");

// The Hub's platform calls so far: the sum of its larkway_{platform}_calls counters on /metrics.
static async Task<double> CallsAsync(HttpClient http)
{
    var text = await http.GetStringAsync("/metrics");
    return Regex.Matches(text, @"^larkway_(?:feishu|dingtalk|wecom)_calls(?:_total)?(?:\{.*\})? ([0-9.eE+]+)\s*$", RegexOptions.Multiline)
        .Sum(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
}

static double Quantile(IReadOnlyCollection<double> values, double q)
{
    if (values.Count == 0)
    {
        return 0;
    }

    var sorted = values.Order().ToList();
    return sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
}

/// <summary>The request each platform gets: the same but for the app, the definition, the applicant and the form's field names.</summary>
internal sealed record Shape(string? App, string Definition, object Applicant, object Form)
{
    public static Shape Of(string platform) => platform switch
    {
        "dingtalk" => new("dt-bench", "PROC-LW-PAYMENT", new { user_id = "bob" }, new { Amount = 1200, Reason = "Team offsite" }),
        "wecom" => new("wc-bench", "3TmApprovalPaymentLarkwayDevTemplate0001", new { user_id = "alice" }, new Dictionary<string, object> { ["Money-1"] = 1200, ["Text-1"] = "Team offsite" }),
        _ => new(null, DefaultApprovals.PaymentCode, new { email = "alice@example.com" }, new { amount = new { value = 1200, currency = "CNY" }, reason = "Team offsite", method = "bank" }),
    };
}

/// <summary>One platform's run.</summary>
internal sealed record PlatformResult(string Platform, int Answered, IReadOnlyCollection<double> Times, double Calls, int Resent, int Unanswered,
    IReadOnlyDictionary<string, string> Held, IReadOnlyCollection<double> Decisions)
{
    /// <summary>Approvals asked for that hold no instance.</summary>
    public int Lost(int asked) => Math.Max(0, asked - Held.Count);

    /// <summary>Approvals whose instance another approval holds too.</summary>
    public int Shared => Held.Values.GroupBy(v => v, StringComparer.Ordinal).Where(g => g.Count() > 1).Sum(g => g.Count());

    public string Line => string.Create(CultureInfo.InvariantCulture,
        $"{Platform}: {Held.Count} approvals with an instance ({Shared} sharing one), {Resent} resent after the kill ({Unanswered} still unanswered), {Calls:F1} calls per approval, {Decisions.Count} decisions");
}

/// <summary>Command-line options.</summary>
internal sealed record ApprovalsBenchOptions(string HubDll, int Approvals, int Concurrency, int Decisions, IReadOnlyList<string> Platforms, string? Markdown, string? Work)
{
    public static ApprovalsBenchOptions? Parse(string[] args)
    {
        try
        {
            var values = new BenchArgs(args);
            var platforms = (values.Optional("platforms") ?? "feishu,dingtalk,wecom").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var approvals = values.Int("approvals") ?? 1_000;
            return platforms.All(p => p is "feishu" or "dingtalk" or "wecom") && approvals >= 4
                ? new ApprovalsBenchOptions(values.Required("hub-dll"), approvals, values.Int("concurrency") ?? 8, Math.Min(approvals, values.Int("decisions") ?? 100), platforms, values.Optional("markdown"), values.Optional("work"))
                : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
