using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Larkway.Bench;
using Larkway.Bench.Ingest;
using Larkway.Emulator.Hosting;

// The same full directory sync on each platform, side by side: for Feishu, DingTalk and WeCom in turn, an Emulator (rate
// limits on) in this process with a directory of the same size generated on that platform, the Hub as a child process
// (Release, SQLite) whose directory app is that platform's, one full sync on an empty database. The time, the calls the
// Hub made and its CPU, each against Feishu's as a ratio. Then contact events, one at a time: a synced person renamed
// through the Emulator's control API, which sends the platform's own event to the Hub the way the platform does (Feishu's
// contact.user.updated_v3 pushed to /feishu/events, DingTalk's user_modify_org over the Hub's Stream connection, WeCom's
// encrypted change_contact callback), timed from the control call until the directory API shows the new name; p50, p95,
// p99 and max, the p99 against Feishu's. Not a test: bench/directory-platforms.sh.
var options = PlatformsBenchOptions.Parse(args);
if (options is null)
{
    await Console.Error.WriteLineAsync("usage: Larkway.Bench.DirectoryPlatforms --hub-dll <path> [--users 10000] [--departments 300] [--events 200] [--platforms feishu,dingtalk,wecom] [--tenant-key <key>] [--markdown <path>] [--work <dir>]");
    return 2;
}

var work = options.Work ?? Directory.CreateTempSubdirectory("larkway-directory-platforms-").FullName;
var adminKey = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
var results = new List<(string Platform, JsonElement Run, TimeSpan Took, double Cpu)>();
var changes = new List<(string Platform, EventTimes Times)>();

// Known to the driver so that the Feishu Emulator's event push (encrypted and signed with them) reaches the Hub.
var feishuEncryptKey = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
var feishuToken = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
foreach (var platform in options.Platforms)
{
    await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
    using (var control = new HttpClient { BaseAddress = emulator.BaseUrl })
    using (var generated = await control.PostAsJsonAsync(GeneratePath(platform), new { users = options.Users, departments = options.Departments, prefix = "bench" }))
    {
        generated.EnsureSuccessStatusCode();
    }

    var folder = Path.Combine(work, platform);
    Directory.CreateDirectory(folder);
    var settings = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Larkway__Directory__ReconcileEnabled"] = "false",
        ["Larkway__Directory__PollInterval"] = "00:00:00.200",
        ["FEISHU_ENCRYPT_KEY"] = feishuEncryptKey,
        ["FEISHU_VERIFICATION_TOKEN"] = feishuToken,
    };
    if (options.TenantKey is { } tenantKey)
    {
        // Larkway:Directory:TenantKey: the directory's tenant configured rather than learned from the app's events.
        settings["Larkway__Directory__TenantKey"] = tenantKey;
    }

    if (BenchPlatformApps.AppOf(platform, emulator) is { } app)
    {
        settings["Larkway__Directory__App"] = (string)app["name"]!;
    }

    using var hub = BenchHub.Start(options.HubDll, emulator, folder, adminKey, settings, out var url);
    using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
    await BenchHub.WaitHealthyAsync(http, hub);
    if (BenchPlatformApps.AppOf(platform, emulator) is { } stored)
    {
        using var added = await http.PostAsJsonAsync("/api/v1/apps", stored);
        if (added.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"adding the {platform} app: {(int)added.StatusCode} {await added.Content.ReadAsStringAsync()}");
        }
    }

    var cpu = Memory.CpuSeconds(hub.Id);
    var clock = Stopwatch.StartNew();
    var run = await SyncAsync(http);
    results.Add((platform, run, clock.Elapsed, Memory.CpuSeconds(hub.Id) - cpu));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{platform}: {run.GetProperty("status").GetString()}, {run.GetProperty("people").GetInt32():N0} people in {clock.Elapsed.TotalSeconds:F1} s"));
    if (options.Events > 0 && run.GetProperty("status").GetString() == "completed")
    {
        using var control = new HttpClient { BaseAddress = emulator.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        await BenchPlatformApps.ConnectEventsAsync(platform, emulator, control, url, feishuEncryptKey, feishuToken);
        var times = await ContactEventsAsync(platform, emulator, control, http, options.Events);
        changes.Add((platform, times));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{platform}: {times.Line}"));
    }

    BenchHub.Stop(hub);
    await hub.WaitForExitAsync();
}

var report = new StringBuilder();
report.AppendLine(CultureInfo.InvariantCulture, $"{options.Users:N0} generated people in {options.Departments:N0} generated departments on each platform (plus each Emulator's seed), one full sync each, rate limits on:");
report.AppendLine();
report.AppendLine("| platform | status | people | departments | API calls | sync time | × Feishu's time | Hub CPU s | × Feishu's CPU |");
report.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
var feishu = results.FirstOrDefault(r => r.Platform == "feishu");
foreach (var (platform, run, took, cpu) in results)
{
    var timeRatio = feishu.Run.ValueKind == JsonValueKind.Undefined ? "—" : (took / feishu.Took).ToString("F2", CultureInfo.InvariantCulture);
    var cpuRatio = feishu.Run.ValueKind == JsonValueKind.Undefined ? "—" : (cpu / feishu.Cpu).ToString("F2", CultureInfo.InvariantCulture);
    report.AppendLine(string.Create(CultureInfo.InvariantCulture,
        $"| {platform} | {run.GetProperty("status").GetString()} | {run.GetProperty("people").GetInt32():N0} | {run.GetProperty("departments").GetInt32():N0} | {run.GetProperty("api_calls").GetInt32():N0} | {took.TotalSeconds:F1} s | {timeRatio} | {cpu:F1} | {cpuRatio} |"));
}

if (changes.Count > 0)
{
    report.AppendLine();
    report.AppendLine("Contact event → directory change, one event at a time after the sync: a random synced person renamed through the Emulator's control API (the Emulator sends the platform's event to the Hub), timed from the control call until GET /api/v1/directory/people/{id} shows the new name:");
    report.AppendLine();
    report.AppendLine("| platform | the event, as the Hub gets it | events | not seen in 60 s | 1 s or more | p50 | p95 | p99 | max (which event) | × Feishu's p99 |");
    report.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    var feishuChanges = changes.FirstOrDefault(c => c.Platform == "feishu").Times;
    foreach (var (platform, times) in changes)
    {
        var ratio = feishuChanges is null || feishuChanges.At(0.99) == 0 ? "—" : (times.At(0.99) / feishuChanges.At(0.99)).ToString("F2", CultureInfo.InvariantCulture);
        report.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| {platform} | {EventPath(platform)} | {times.Seen.Count} | {times.Missed} | {times.OverOneSecond} | {times.At(0.5):F0} ms | {times.At(0.95):F0} ms | {times.At(0.99):F0} ms | {times.At(1):F0} ms (#{times.Slowest}) | {ratio} |"));
    }
}

Console.WriteLine(report.ToString());
if (options.Markdown is { } path)
{
    await File.WriteAllTextAsync(path, report.ToString());
}

return results.All(r => r.Run.GetProperty("status").GetString() == "completed") && changes.All(c => c.Times.Missed == 0) ? 0 : 1;

static string GeneratePath(string platform) => platform switch
{
    "dingtalk" => "/_emulator/dingtalk/directory/generate",
    "wecom" => "/_emulator/wecom/contact/generate",
    _ => "/_emulator/contact/generate",
};

static async Task<JsonElement> SyncAsync(HttpClient http)
{
    using (var started = await http.PostAsync("/api/v1/directory/sync", null))
    {
        if (started.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"starting the sync: {(int)started.StatusCode} {await started.Content.ReadAsStringAsync()}");
        }
    }

    var deadline = DateTimeOffset.UtcNow.AddMinutes(60);
    JsonElement run;
    while ((run = (await http.GetFromJsonAsync<JsonElement>("/api/v1/directory/sync?limit=1")).GetProperty("items")[0].Clone()).GetProperty("status").GetString() == "running"
        && DateTimeOffset.UtcNow < deadline)
    {
        await Task.Delay(200);
    }

    return run;
}

static string EventPath(string platform) => platform switch
{
    "dingtalk" => "user_modify_org over the Hub's Stream connection; the Hub reads the person again (topapi/v2/user/get)",
    "wecom" => "change_contact update_user, an encrypted callback to /wecom/apps/{app}/callback",
    _ => "contact.user.updated_v3, pushed encrypted and signed to /feishu/events",
};


// The platform's people as its Emulator holds them: the key the directory knows them by, and (DingTalk, WeCom) the
// departments an edit must name again.
static async Task<List<(string Key, long[] Departments)>> PeopleOfAsync(string platform, EmulatorServer emulator, HttpClient control)
{
    if (platform == "feishu")
    {
        return [.. emulator.State.Users.Where(u => !u.IsResigned).Select(u => (u.OpenId, Array.Empty<long>()))];
    }

    var org = await control.GetFromJsonAsync<JsonElement>(platform == "dingtalk" ? "/_emulator/dingtalk/org" : "/_emulator/wecom/org");
    var departments = platform == "dingtalk" ? "deptIdList" : "department";
    return [.. org.GetProperty("users").EnumerateArray().Select(u => (u.GetProperty("userid").GetString()!, u.GetProperty(departments).EnumerateArray().Select(d => d.GetInt64()).ToArray()))];
}

// The contact events, one at a time: each renames a person the sync brought in (picked at random, the same way each run),
// and the directory API is polled until it shows the new name.
static async Task<EventTimes> ContactEventsAsync(string platform, EmulatorServer emulator, HttpClient control, HttpClient http, int events)
{
    var people = (await PeopleOfAsync(platform, emulator, control)).ToArray();
    new Random(20261130).Shuffle(people);
    var seen = new List<double>();
    var missed = 0;
    foreach (var (key, departments) in people)
    {
        if (seen.Count + missed == events)
        {
            break;
        }

        // Found before the clock starts; someone the sync did not bring in (out of the app's scope) is passed over.
        var found = (await http.GetFromJsonAsync<JsonElement>("/api/v1/directory/people?limit=20&q=" + Uri.EscapeDataString(key))).GetProperty("items").EnumerateArray()
            .FirstOrDefault(p => (p.TryGetProperty("user_id", out var u) && u.GetString() == key) || p.GetProperty("open_ids").EnumerateObject().Any(o => o.Value.GetString() == key));
        if (found.ValueKind != JsonValueKind.Object || found.GetProperty("status").GetString() != "active")
        {
            continue;
        }

        var id = found.GetProperty("id").GetString()!;
        var name = string.Create(CultureInfo.InvariantCulture, $"Renamed {seen.Count + missed:D5} {platform}");
        using var edit = platform switch
        {
            "dingtalk" => new HttpRequestMessage(HttpMethod.Put, "/_emulator/dingtalk/users/" + Uri.EscapeDataString(key)) { Content = JsonContent.Create(new { name, deptIds = departments }) },
            "wecom" => new HttpRequestMessage(HttpMethod.Put, "/_emulator/wecom/users/" + Uri.EscapeDataString(key)) { Content = JsonContent.Create(new { name, department = departments }) },
            _ => new HttpRequestMessage(HttpMethod.Patch, "/_emulator/contact/users/" + Uri.EscapeDataString(key)) { Content = JsonContent.Create(new { name }) },
        };
        var clock = Stopwatch.StartNew();
        using (var edited = await control.SendAsync(edit))
        {
            await BenchPlatformApps.EnsureAsync(edited, $"renaming {key} in the {platform} Emulator");
        }

        while ((await http.GetFromJsonAsync<JsonElement>("/api/v1/directory/people/" + id)).GetProperty("name").GetString() != name)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                break;
            }

            await Task.Delay(2);
        }

        if (clock.Elapsed > TimeSpan.FromSeconds(60))
        {
            missed++;
        }
        else
        {
            seen.Add(clock.Elapsed.TotalMilliseconds);
        }
    }

    return new EventTimes(seen, missed);
}

/// <summary>How long each contact event took to show in the directory (ms), and how many never showed.</summary>
internal sealed record EventTimes(IReadOnlyList<double> Seen, int Missed)
{
    /// <summary>The <paramref name="q"/> quantile (nearest rank) of the times seen; 0 when none were.</summary>
    public double At(double q)
    {
        if (Seen.Count == 0)
        {
            return 0;
        }

        var sorted = Seen.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    /// <summary>How many took a second or more.</summary>
    public int OverOneSecond => Seen.Count(t => t >= 1000);

    /// <summary>Which event (1-based, in the order sent) was the slowest: the first after the sync, or one later.</summary>
    public int Slowest => Seen.Count == 0 ? 0 : Seen.Select((t, i) => (t, i)).MaxBy(x => x.t).i + 1;

    /// <summary>A line for the console.</summary>
    public string Line => string.Create(CultureInfo.InvariantCulture,
        $"{Seen.Count} contact events seen ({Missed} not within 60 s, {OverOneSecond} took 1 s or more): p50 {At(0.5):F0} ms, p95 {At(0.95):F0} ms, p99 {At(0.99):F0} ms, max {At(1):F0} ms (event {Slowest})");
}

/// <summary>Command-line options.</summary>
internal sealed record PlatformsBenchOptions(string HubDll, int Users, int Departments, int Events, IReadOnlyList<string> Platforms, string? TenantKey, string? Markdown, string? Work)
{
    public static PlatformsBenchOptions? Parse(string[] args)
    {
        try
        {
            var values = new BenchArgs(args);
            var platforms = (values.Optional("platforms") ?? "feishu,dingtalk,wecom").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return platforms.All(p => p is "feishu" or "dingtalk" or "wecom")
                ? new PlatformsBenchOptions(values.Required("hub-dll"), values.Int("users") ?? 10_000, values.Int("departments") ?? 300, values.Int("events") ?? 200, platforms, values.Optional("tenant-key"), values.Optional("markdown"), values.Optional("work"))
                : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
