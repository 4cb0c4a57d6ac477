using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Larkway.Bench;
using Larkway.Bench.Ingest;
using Larkway.Emulator.AiBackend;
using Larkway.Emulator.Hosting;

// WeCom customer service (微信客服) through the Emulator: the Emulator in this process, the Hub as a child process (Release,
// SQLite, the WeCom app stored with its callback URL pointed at the Hub, one assistant on the Emulator's fake Dify, the
// sandbox's customer-service account served). Three waves of --customers customers (default 1,000) each write one message
// at once (--concurrency control requests at a time; each returns once the Hub answered WeCom's callback): two
// undisturbed (the second shows whether the Hub's memory grows from burst to burst), the third with the Hub killed (SIGKILL) once half its answers are on the customers' pages and started
// again on the same database and address. Then --down-customers (default 10) write while the Hub is down for --down
// seconds (default 15, past WeCom's callback retries), and nobody after them. Per wave: message → answer on the
// customer's page (p50, p99; the answer's time is the Emulator's record of the send_msg, on this process's clock),
// sync_msg calls and all WeCom calls per message (the Hub's larkway.wecom.calls), customers with no answer (lost) and
// with more than one (duplicated). Not a test: bench/wecom-kf.sh.
var options = KfBenchOptions.Parse(args);
if (options is null)
{
    await Console.Error.WriteLineAsync("usage: Larkway.Bench.WeComKf --hub-dll <path> [--customers 1000] [--concurrency 64] [--patience 120] [--settle 15] [--answer-words 8] [--down-customers 10] [--down 15] [--markdown <path>] [--work <dir>]");
    return 2;
}

const string Account = "wkLarkwaySandboxKf000001";
const string App = "wc-bench";
var work = options.Work ?? Directory.CreateTempSubdirectory("larkway-wecom-kf-").FullName;
Directory.CreateDirectory(work);
var adminKey = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
var secret = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
var settings = new Dictionary<string, string>(StringComparer.Ordinal)
{
    ["FEISHU_ENCRYPT_KEY"] = secret,
    ["FEISHU_VERIFICATION_TOKEN"] = secret,
};

await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
var hub = BenchHub.Start(options.HubDll, emulator, work, adminKey, settings, out var url);
using var stop = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => BenchHub.Stop(hub));
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => BenchHub.Stop(hub));
var waves = new List<WaveResult>();
string? afterDown = null;
var load = LoadAverage();
try
{
    using var admin = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
    admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
    using var control = new HttpClient { BaseAddress = emulator.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
    await BenchHub.WaitHealthyAsync(admin, hub);
    using (var added = await admin.PostAsJsonAsync("/api/v1/apps", BenchPlatformApps.AppOf("wecom", emulator)))
    {
        await BenchPlatformApps.EnsureAsync(added, "adding the WeCom app");
    }

    await BenchPlatformApps.ConnectEventsAsync("wecom", emulator, control, url, secret, secret);
    using (var created = await admin.PostAsJsonAsync("/api/v1/assistants", new
    {
        name = "kf-bench",
        backend = "dify",
        base_url = new Uri(emulator.BaseUrl, new AiBackendOptions().DifyPrefix.TrimStart('/')).AbsoluteUri,
        api_key = AiBackendOptions.DefaultDifyAppKey,
        apps = new[] { App },
        policy = new { unknown_users = "guest" },
    }))
    {
        await BenchPlatformApps.EnsureAsync(created, "adding the assistant");
    }

    // The account is served before anyone writes: what WeCom kept from before it was added is history, never answered.
    using (var served = await admin.PutAsJsonAsync($"/api/v1/wecom/apps/{App}/customer-service/accounts/{Account}", new { enabled = true }))
    {
        await BenchPlatformApps.EnsureAsync(served, "serving the customer-service account");
    }

    await FirstPullAsync(admin);
    using (var ai = await control.PutAsJsonAsync("/_emulator/ai/settings", new { tokens_per_second = 10_000, answer_words = options.AnswerWords }))
    {
        await BenchPlatformApps.EnsureAsync(ai, "the fake AI's settings");
    }

    // One customer warms the path (token, assistant, backend); not counted.
    var warm = new Customer("wmBenchWarm00001", "Warm0", "Warm-up: when do you open?");
    await warm.SayAsync(control);
    if (!await WaitAnsweredAsync(control, warm, TimeSpan.FromMinutes(2)))
    {
        throw new TimeoutException("the warm-up customer got no answer within 2 minutes; see hub.log");
    }

    // Two undisturbed waves: the second shows whether the Hub's memory grows from one burst to the next.
    var plan = new List<(string Name, string Label, int Customers, Disruption? Disruption)>
    {
        ("A", "undisturbed", options.Customers, null),
        ("A2", "undisturbed again", options.Customers, null),
        ("B", "Hub killed at half", options.Customers, new Disruption(DisruptionKind.AtHalfAnswered, KillAsync, StartAgainAsync)),
    };
    if (options.DownCustomers > 0)
    {
        plan.Add(("C", string.Create(CultureInfo.InvariantCulture, $"written while the Hub was down ({options.Down} s)"), options.DownCustomers,
            new Disruption(DisruptionKind.WhileWriting, KillAsync, StartAgainAsync)));
    }

    foreach (var (name, label, count, disruption) in plan)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wave {name} ({label}): {count} customers, {options.Concurrency} at a time; load average {LoadAverage()}"));
        var wave = new Wave(name, label, count, options, control, url, adminKey, LoadAverage(), () => ResidentMegabytes(hub));
        waves.Add(await wave.RunAsync(disruption));
        Console.WriteLine(waves[^1].Line);
    }

    // What the messages written while the Hub was down wait for: the next callback of the account, from anyone.
    if (waves[^1] is { Kind: DisruptionKind.WhileWriting, Lost: > 0 } stranded)
    {
        var next = new Customer("wmBenchNext00001", "Next0", "Next customer: when do you open?");
        var clock = Stopwatch.StartNew();
        await next.SayAsync(control);
        var recovered = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(options.Patience))
        {
            recovered = 0;
            foreach (var id in stranded.LostCustomers)
            {
                recovered += (await Page.ReadAsync(control, id)).Answers.Count > 0 ? 1 : 0;
            }

            if (recovered == stranded.Lost)
            {
                break;
            }

            await Task.Delay(500);
        }

        afterDown = string.Create(CultureInfo.InvariantCulture,
            $"- Then one more customer wrote, with the Hub up: {recovered} of the {stranded.Lost} customers written while it was down had an answer {clock.Elapsed.TotalSeconds:F1} s later.");
        Console.WriteLine(afterDown);
    }
}
finally
{
    BenchHub.Stop(hub);
    await hub.WaitForExitAsync();
}

var report = new StringBuilder();
report.AppendLine(CultureInfo.InvariantCulture, $"{options.Customers:N0} customers a wave, each writing one message, {options.Concurrency} customer requests at a time; {Environment.ProcessorCount} cores, load average {load} at the start:");
report.AppendLine();
report.AppendLine("| wave | customers | answered | message → answer p50 | p99 | max | all answered after | sync_msg per message | WeCom calls per message | callbacks not delivered | lost | duplicated | Hub memory (RSS) start → peak → end |");
report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
foreach (var w in waves)
{
    report.AppendLine(w.Row);
}

report.AppendLine();
foreach (var w in waves)
{
    report.AppendLine(w.Notes);
}

if (afterDown is not null)
{
    report.AppendLine(afterDown);
}

Console.WriteLine(report.ToString());
if (options.Markdown is { } path)
{
    await File.WriteAllTextAsync(path, report.ToString());
}

return waves.All(w => w.Lost == 0 && w.Duplicated == 0) ? 0 : 1;

// Kills the Hub (SIGKILL, the whole tree).
async Task KillAsync()
{
    hub.Kill(entireProcessTree: true);
    await hub.WaitForExitAsync();
}

// Starts the Hub again on the same folder, database and address (WeCom's callback URL points there).
async Task StartAgainAsync()
{
    hub = BenchHub.Start(options.HubDll, emulator, work, adminKey, new Dictionary<string, string>(settings) { ["ASPNETCORE_URLS"] = url.ToString() }, out _);
    using var restarted = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
    await BenchHub.WaitHealthyAsync(restarted, hub);
}

// The account's first pull has ended (its cursor is past what WeCom kept), and the next whole second has begun.
static async Task FirstPullAsync(HttpClient admin)
{
    for (var wait = Stopwatch.StartNew(); ; await Task.Delay(200))
    {
        var account = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/wecom/apps/{App}/customer-service/accounts/{Account}");
        if (account.TryGetProperty("last_pulled_at", out var pulled) && pulled.ValueKind == JsonValueKind.String && account.GetProperty("pull_state").GetString() == "done")
        {
            break;
        }

        if (wait.Elapsed > TimeSpan.FromSeconds(60))
        {
            throw new TimeoutException($"the account's first pull did not end within 60 s: {account}");
        }
    }

    var second = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    while (DateTimeOffset.UtcNow.ToUnixTimeSeconds() == second)
    {
        await Task.Delay(20);
    }
}

static async Task<bool> WaitAnsweredAsync(HttpClient control, Customer customer, TimeSpan patience)
{
    for (var wait = Stopwatch.StartNew(); wait.Elapsed < patience; await Task.Delay(100))
    {
        if ((await Page.ReadAsync(control, customer.Id)).Answers.Count > 0)
        {
            return true;
        }
    }

    return false;
}

// The Hub's resident memory in MB (VmRSS of /proc/{pid}/status); null while it is not running.
static double? ResidentMegabytes(Process hub)
{
    try
    {
        var line = File.ReadLines($"/proc/{hub.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? null : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }
    catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
    {
        return null;
    }
}

static string LoadAverage()
{
    try
    {
        return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
    }
    catch (IOException)
    {
        return "?";
    }
}

/// <summary>A customer of a wave and the one message they write, which names their <paramref name="Tag"/>.</summary>
internal sealed record Customer(string Id, string Tag, string Question)
{
    /// <summary>Writes the question; true when WeCom's callback reached the Hub and was answered.</summary>
    public async Task<bool> SayAsync(HttpClient control)
    {
        using var response = await control.PostAsJsonAsync($"/_emulator/wecom/kf/wkLarkwaySandboxKf000001/customers/{Id}/say", new { text = Question });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"customer {Id} could not write: {(int)response.StatusCode} {body}");
        }

        return JsonDocument.Parse(body).RootElement.GetProperty("delivered").ValueKind == JsonValueKind.True;
    }
}

/// <summary>What the Emulator shows on a customer's page: the app's messages to them, the welcome and other event messages left out.</summary>
internal sealed record Page(IReadOnlyList<(string Text, DateTimeOffset At)> Answers)
{
    public static async Task<Page> ReadAsync(HttpClient control, string customer)
    {
        var view = await control.GetFromJsonAsync<JsonElement>($"/_emulator/wecom/kf/wkLarkwaySandboxKf000001/customers/{customer}");
        return new Page([.. view.GetProperty("received").EnumerateArray()
            .Where(m => !(m.TryGetProperty("on_event", out var e) && e.ValueKind == JsonValueKind.True))
            .Select(m => (m.GetProperty("content").TryGetProperty("content", out var text) ? text.GetString() ?? "" : m.GetProperty("content").GetRawText(), m.GetProperty("at").GetDateTimeOffset()))]);
    }
}

/// <summary>When a wave's Hub is killed: once half the answers are on the pages, or before anyone writes (started again <c>--down</c> seconds later).</summary>
internal enum DisruptionKind
{
    AtHalfAnswered,
    WhileWriting,
}

/// <summary>A wave's kill and the start after it.</summary>
internal sealed record Disruption(DisruptionKind Kind, Func<Task> Kill, Func<Task> Start);

/// <summary>
/// One wave: every customer writes at once; their pages are read until each shows an answer (the answer's time is the
/// Emulator's, so how often the pages are read does not change the figures), with the Hub killed as the disruption
/// says; then, after a settling wait, every page once more for what arrived twice.
/// </summary>
internal sealed class Wave(string name, string label, int count, KfBenchOptions options, HttpClient control, Uri hubUrl, string adminKey, string load, Func<double?> hubMemory)
{
    private readonly MemoryWatch _memory = new(hubMemory);

    private static readonly Regex CallLine = new(@"^larkway_wecom_calls(?:_total)?(\{.*\})? ([0-9.eE+]+)\s*$", RegexOptions.Multiline);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _said = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _answered = new(StringComparer.Ordinal);

    public async Task<WaveResult> RunAsync(Disruption? disruption)
    {
        var customers = Enumerable.Range(1, count)
            .Select(i => string.Create(CultureInfo.InvariantCulture, $"{name}{i:D5}"))
            .Select(tag => new Customer("wmBench" + tag, tag, $"Customer {tag} asks: when do you open?"))
            .ToList();
        using var metrics = new HttpClient { BaseAddress = hubUrl, Timeout = TimeSpan.FromSeconds(10) };
        metrics.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        var calls = new CallCount(await CallsAsync(metrics) ?? throw new InvalidOperationException("the Hub's /metrics did not answer"));

        var notDelivered = 0;
        var written = 0;
        var sayTimes = new ConcurrentBag<double>();
        DateTimeOffset? killedAt = null;
        var downClock = new Stopwatch();
        if (disruption is { Kind: DisruptionKind.WhileWriting })
        {
            // Down before anyone writes: every callback of the wave fails, WeCom's retries included.
            calls.Killed();
            await disruption.Kill();
            (killedAt, downClock) = (DateTimeOffset.UtcNow, Stopwatch.StartNew());
        }

        _memory.Sample();
        var start = DateTimeOffset.UtcNow;
        var saying = Parallel.ForEachAsync(customers, new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency }, async (customer, _) =>
        {
            var clock = Stopwatch.StartNew();
            _said[customer.Id] = DateTimeOffset.UtcNow;
            if (!await customer.SayAsync(control))
            {
                Interlocked.Increment(ref notDelivered);
            }

            Interlocked.Increment(ref written);

            sayTimes.Add(clock.Elapsed.TotalMilliseconds);
        });

        // The pages of the customers who wrote and have no answer yet, read about once a second, until all have one or
        // none came for `patience`; the kill when half have one.
        TimeSpan? down = null;
        var answeredAtKill = 0;
        var saidAtKill = 0;
        var lastProgress = Stopwatch.StartNew();
        while (true)
        {
            var before = _answered.Count;
            var open = _said.Keys.Where(id => !_answered.ContainsKey(id)).ToList();
            await Parallel.ForEachAsync(open, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (id, _) =>
            {
                var page = await Page.ReadAsync(control, id);
                if (page.Answers.Count > 0)
                {
                    _answered.TryAdd(id, page.Answers.Min(a => a.At));
                }
            });

            calls.Sample(await CallsAsync(metrics));
            _memory.Sample();

            if (_answered.Count > before)
            {
                lastProgress.Restart();
            }

            if (disruption is { Kind: DisruptionKind.WhileWriting } && down is null && saying.IsCompleted && downClock.Elapsed >= TimeSpan.FromSeconds(options.Down))
            {
                await disruption.Start();
                down = downClock.Elapsed;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {Volatile.Read(ref written)} written while the Hub was down; healthy again {down.Value.TotalSeconds:F1} s after the kill"));
                lastProgress.Restart();
                continue;
            }

            if (disruption is { Kind: DisruptionKind.AtHalfAnswered } && killedAt is null && _answered.Count >= count / 2)
            {
                (killedAt, answeredAtKill, saidAtKill) = (DateTimeOffset.UtcNow, _answered.Count, Volatile.Read(ref written));
                calls.Killed();
                var clock = Stopwatch.StartNew();
                await disruption.Kill();
                await disruption.Start();
                down = clock.Elapsed;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  killed the Hub with {answeredAtKill} answered; healthy again after {down.Value.TotalSeconds:F1} s"));
                lastProgress.Restart();
                continue;
            }

            if (saying.IsCompleted && _answered.Count == count)
            {
                break;
            }

            if (saying.IsCompleted && (disruption is not { Kind: DisruptionKind.WhileWriting } || down is not null) && lastProgress.Elapsed > TimeSpan.FromSeconds(options.Patience))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  no new answer for {options.Patience} s: {count - _answered.Count} customers without one"));
                break;
            }

            await Task.Delay(1000);
        }

        await saying;
        var allAnswered = _answered.IsEmpty ? TimeSpan.Zero : _answered.Values.Max() - start;

        // What a retried turn or pull would add comes later than the first answer: wait, then read every page once more.
        await Task.Delay(TimeSpan.FromSeconds(options.Settle));
        calls.Sample(await CallsAsync(metrics));
        _memory.Sample(end: true);
        var pages = new ConcurrentDictionary<string, Page>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(customers, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (c, _) => pages[c.Id] = await Page.ReadAsync(control, c.Id));
        // An answer names the customer's question (the fake backend repeats it); anything else on the page is a notice.
        bool Answers(Customer c, (string Text, DateTimeOffset At) m) => m.Text.Contains(c.Tag, StringComparison.Ordinal);
        foreach (var c in customers.Where(c => pages[c.Id].Answers.Count != 1 || !Answers(c, pages[c.Id].Answers[0])).Take(10))
        {
            Console.WriteLine($"  {c.Id} asked \"{c.Question}\" and was sent: {string.Join(" | ", pages[c.Id].Answers.Select(a => $"[{a.At:HH:mm:ss.fff}] {a.Text}"))}");
        }

        var latencies = customers.Where(c => pages[c.Id].Answers.Any(m => Answers(c, m)))
            .Select(c => (pages[c.Id].Answers.Where(m => Answers(c, m)).Min(a => a.At) - _said[c.Id]).TotalMilliseconds).ToList();
        var unanswered = customers.Where(c => !pages[c.Id].Answers.Any(m => Answers(c, m))).ToList();
        return new WaveResult(
            Name: name,
            Label: label,
            Load: load,
            Customers: count,
            Latencies: latencies,
            SayTimes: [.. sayTimes],
            AllAnswered: allAnswered,
            Calls: calls,
            NotDelivered: notDelivered,
            Lost: unanswered.Count,
            LostCustomers: [.. unanswered.Select(c => c.Id)],
            ToldToAskAgain: unanswered.Count(c => pages[c.Id].Answers.Count > 0),
            Duplicated: customers.Count(c => pages[c.Id].Answers.Count > 1),
            Kind: disruption?.Kind,
            KilledAfter: killedAt - start,
            AnsweredAtKill: answeredAtKill,
            SaidAtKill: saidAtKill,
            Down: down,
            Memory: _memory);
    }

    // The Hub's WeCom calls so far by path template (larkway_wecom_calls on /metrics); null while it does not answer.
    private static async Task<Dictionary<string, double>?> CallsAsync(HttpClient metrics)
    {
        string text;
        try
        {
            text = await metrics.GetStringAsync("/metrics");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }

        var byPath = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (Match m in CallLine.Matches(text))
        {
            var path = Regex.Match(m.Groups[1].Value, "url_template=\"([^\"]*)\"") is { Success: true } t ? t.Groups[1].Value : "?";
            byPath[path] = byPath.GetValueOrDefault(path) + double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        }

        return byPath;
    }
}

/// <summary>
/// The Hub's WeCom calls over a wave, across a kill: its counters start again at 0 in the new process, so what the killed
/// process had counted at its last reading (at most a second before the kill) is banked.
/// </summary>
internal sealed class CallCount(Dictionary<string, double> start)
{
    private readonly Dictionary<string, double> _banked = new(StringComparer.Ordinal);
    private Dictionary<string, double> _start = start;
    private Dictionary<string, double> _last = start;

    public void Sample(Dictionary<string, double>? now)
    {
        if (now is not null)
        {
            _last = now;
        }
    }

    public void Killed()
    {
        foreach (var (path, count) in Since())
        {
            _banked[path] = _banked.GetValueOrDefault(path) + count;
        }

        (_start, _last) = (new(StringComparer.Ordinal), new(StringComparer.Ordinal));
    }

    /// <summary>Calls by path template over the wave.</summary>
    public IReadOnlyDictionary<string, double> Total
    {
        get
        {
            var total = new Dictionary<string, double>(_banked, StringComparer.Ordinal);
            foreach (var (path, count) in Since())
            {
                total[path] = total.GetValueOrDefault(path) + count;
            }

            return total;
        }
    }

    private IEnumerable<(string Path, double Count)> Since() =>
        _last.Select(p => (p.Key, p.Value - _start.GetValueOrDefault(p.Key))).Where(p => p.Item2 > 0);
}

/// <summary>One wave's figures.</summary>
internal sealed record WaveResult(
    string Name, string Label, string Load, int Customers, IReadOnlyList<double> Latencies, IReadOnlyList<double> SayTimes, TimeSpan AllAnswered,
    CallCount Calls, int NotDelivered, int Lost, IReadOnlyList<string> LostCustomers, int ToldToAskAgain, int Duplicated, DisruptionKind? Kind, TimeSpan? KilledAfter, int AnsweredAtKill, int SaidAtKill, TimeSpan? Down,
    MemoryWatch Memory)
{
    public double SyncPerMessage => Calls.Total.Where(p => p.Key.EndsWith("/sync_msg", StringComparison.Ordinal)).Sum(p => p.Value) / Customers;

    public double CallsPerMessage => Calls.Total.Sum(p => p.Value) / Customers;

    public string Row => string.Create(CultureInfo.InvariantCulture,
        $"| {Label} | {Customers:N0} | {Latencies.Count:N0} | {Quantile(Latencies, 0.5):N0} ms | {Quantile(Latencies, 0.99):N0} ms | {Quantile(Latencies, 1):N0} ms | {AllAnswered.TotalSeconds:F1} s | {SyncPerMessage:F3} | {CallsPerMessage:F2} | {NotDelivered} | {Lost}{(ToldToAskAgain > 0 ? $" ({ToldToAskAgain} sent a notice instead)" : "")} | {Duplicated} | {Memory} |");

    public string Notes
    {
        get
        {
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"- {Label} (load average {Load} at its start): the customers' requests (each until the Hub answered WeCom's callback) took p50 {Quantile(SayTimes, 0.5):N0} ms, p99 {Quantile(SayTimes, 0.99):N0} ms; ");
            text.Append("WeCom calls by path: ").Append(Calls.Total.Count == 0 ? "none" : string.Join(", ", Calls.Total.OrderByDescending(p => p.Value).Select(p => string.Create(CultureInfo.InvariantCulture, $"`{p.Key}` {p.Value:N0}")))).Append('.');
            if (Kind == DisruptionKind.WhileWriting)
            {
                text.Append(CultureInfo.InvariantCulture, $" The Hub was killed before the first customer wrote and healthy again {Down?.TotalSeconds:F1} s later, after the last customer's request had ended (WeCom's callback retries given up).");
            }
            else if (KilledAfter is { } killed)
            {
                text.Append(CultureInfo.InvariantCulture, $" Killed {killed.TotalSeconds:F1} s into the wave with {AnsweredAtKill:N0} answered and {SaidAtKill:N0} of the messages written (their callbacks answered); healthy again {Down?.TotalSeconds:F1} s later. Calls the killed Hub made in its last second are not counted.");
            }

            if (Lost > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $" Of the {Lost} customers without an answer, {ToldToAskAgain} were sent a notice instead (see the driver's output for its text), {Lost - ToldToAskAgain} nothing.");
            }

            return text.ToString();
        }
    }

    public string Line => string.Create(CultureInfo.InvariantCulture,
        $"wave {Name} ({Label}): {Latencies.Count}/{Customers} answered, p50 {Quantile(Latencies, 0.5):F0} ms, p99 {Quantile(Latencies, 0.99):F0} ms, all after {AllAnswered.TotalSeconds:F1} s; sync_msg {SyncPerMessage:F3}/message, calls {CallsPerMessage:F2}/message; not delivered {NotDelivered}, lost {Lost} ({ToldToAskAgain} sent a notice instead), duplicated {Duplicated}");

    private static double Quantile(IReadOnlyList<double> values, double q)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}

/// <summary>Command-line options.</summary>
internal sealed record KfBenchOptions(string HubDll, int Customers, int Concurrency, int Patience, int Settle, int AnswerWords, int DownCustomers, int Down, string? Markdown, string? Work)
{
    public static KfBenchOptions? Parse(string[] args)
    {
        try
        {
            var values = new BenchArgs(args);
            var customers = values.Int("customers") ?? 1_000;
            var concurrency = values.Int("concurrency") ?? 64;
            return customers >= 2 && concurrency >= 1
                ? new KfBenchOptions(values.Required("hub-dll"), customers, concurrency, values.Int("patience") ?? 120, values.Int("settle") ?? 15,
                    values.Int("answer-words") ?? 8, values.Int("down-customers") ?? 10, values.Int("down") ?? 15, values.Optional("markdown"), values.Optional("work"))
                : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}

/// <summary>The Hub's resident memory over a wave: at its start, the most seen while it ran, at its end (after settling).</summary>
internal sealed class MemoryWatch(Func<double?> read)
{
    private double? _start;
    private double? _peak;
    private double? _end;

    public void Sample(bool end = false)
    {
        if (read() is not { } now)
        {
            return;
        }

        _start ??= now;
        _peak = Math.Max(_peak ?? now, now);
        if (end)
        {
            _end = now;
        }
    }

    public override string ToString() => _start is null
        ? "—"
        : string.Create(CultureInfo.InvariantCulture, $"{_start:N0} → {_peak:N0} → {_end:N0} MB");
}
