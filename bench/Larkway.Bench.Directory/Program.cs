using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Bench;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.State;

// Directory sync benchmark (issue 15 §7): the Emulator (rate limits on) runs in this process with a generated directory,
// the Hub as a child process pointed at it. Round 1: a full sync on an empty database — API calls against the floor,
// time, people and departments. Round 2: a full sync on another empty database, the Hub killed mid-run and started
// again on the same database — the run resumes and ends with the same directory. Then contact events, one at a time:
// the time from posting one to the change being visible through the directory API. Not a test: bench/directory.sh.
var options = DirectoryBenchOptions.Parse(args);
if (options is null)
{
    await Console.Error.WriteLineAsync("usage: Larkway.Bench.Directory --hub-dll <path> [--users 10000] [--departments 300] [--events 200] [--kill-after 3] [--markdown <path>] [--work <dir>]");
    return 2;
}

await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
using (var control = new HttpClient { BaseAddress = emulator.BaseUrl })
using (var generated = await control.PostAsJsonAsync("/_emulator/contact/generate", new { users = options.Users, departments = options.Departments, prefix = "bench" }))
{
    generated.EnsureSuccessStatusCode();
}

var users = emulator.State.Users.Where(u => !u.IsResigned).ToList();
var members = emulator.State.Departments.Select(d => users.Count(u => u.DepartmentIds.Contains(d.OpenDepartmentId))).Append(emulator.State.Users.Count(u => u.DepartmentIds.Count == 0)).ToList();
static int Pages(int n) => Math.Max(1, (n + 49) / 50);
var floor = Pages(emulator.State.Departments.Count) + members.Sum(Pages);
var work = options.Work ?? Directory.CreateTempSubdirectory("larkway-directory-").FullName;
var report = new StringBuilder();
report.AppendLine(CultureInfo.InvariantCulture, $"Emulator {emulator.BaseUrl} (rate limits on, the directory made by POST /_emulator/contact/generate): {emulator.State.Users.Count:N0} people in {emulator.State.Departments.Count:N0} departments; the floor is {floor:N0} calls ({Pages(emulator.State.Departments.Count)} department pages + one page per 50 members of each department and of the root).");
report.AppendLine();
report.AppendLine("| round | status | people | departments | API calls (floor) | contact calls the Emulator counted | sync time | Hub CPU s |");
report.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");

var adminKey = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
var token = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
var settings = new Dictionary<string, string>(StringComparer.Ordinal)
{
    ["FEISHU_ENCRYPT_KEY"] = "", // plaintext events with the verification token: the driver posts them itself
    ["FEISHU_VERIFICATION_TOKEN"] = token,
    ["Larkway__Directory__ReconcileEnabled"] = "false",
    ["Larkway__Directory__LeaseDuration"] = "00:00:05",
    ["Larkway__Directory__PollInterval"] = "00:00:00.200",
};

// Round 1: a clean full sync.
var first = Path.Combine(work, "clean");
Directory.CreateDirectory(first);
Dictionary<string, string> cleanDirectory;
JsonElement cleanRun;
string eventsLine;
using (var hub = BenchHub.Start(options.HubDll, emulator, first, adminKey, settings, out var url))
using (var http = Admin(url, adminKey))
{
    await BenchHub.WaitHealthyAsync(http, hub);
    await ResetCallsAsync(emulator);
    var cpu = Memory.CpuSeconds(hub.Id);
    var clock = Stopwatch.StartNew();
    cleanRun = await SyncAsync(http);
    var took = clock.Elapsed;
    report.AppendLine(Row("full sync", cleanRun, floor, ContactCalls(emulator), took, Memory.CpuSeconds(hub.Id) - cpu));
    cleanDirectory = await DirectoryOfAsync(http);

    // Contact events, one at a time: posted, then the directory API polled until the change shows.
    var latencies = new List<double>();
    using var feishu = new HttpClient { BaseAddress = url };
    for (var i = 0; i < options.Events; i++)
    {
        var user = users[(i * 37) % users.Count];
        var name = string.Create(CultureInfo.InvariantCulture, $"Renamed {i:D5} {user.Name}");
        var posted = Stopwatch.StartNew();
        using (var response = await feishu.PostAsync("/feishu/events", new StringContent(UpdatedEvent(user, name, token, i), Encoding.UTF8, "application/json")))
        {
            response.EnsureSuccessStatusCode();
        }

        while ((await http.GetFromJsonAsync<JsonElement>("/api/v1/directory/people?q=" + Uri.EscapeDataString(name))).GetProperty("items").GetArrayLength() == 0)
        {
            await Task.Delay(2);
        }

        latencies.Add(posted.Elapsed.TotalMilliseconds);
    }

    latencies.Sort();
    double At(double q) => latencies.Count == 0 ? 0 : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
    eventsLine = string.Create(CultureInfo.InvariantCulture, $"Contact event → directory change ({latencies.Count} contact.user.updated_v3 events, one at a time, posted to /feishu/events and polled through GET /api/v1/directory/people?q=): p50 {At(0.5):F0} ms, p95 {At(0.95):F0} ms, max {At(1):F0} ms.");
    BenchHub.Stop(hub);
    await hub.WaitForExitAsync();
}

// Round 2: killed mid-run, resumed by a new Hub process on the same database.
var second = Path.Combine(work, "killed");
Directory.CreateDirectory(second);
await ResetCallsAsync(emulator);
var resumed = Stopwatch.StartNew();
var cpuKilled = 0.0;
int readBeforeKill;
using (var hub = BenchHub.Start(options.HubDll, emulator, second, adminKey, settings, out var url))
using (var http = Admin(url, adminKey))
{
    await BenchHub.WaitHealthyAsync(http, hub);
    resumed.Restart();
    using (var started = await http.PostAsync("/api/v1/directory/sync", null))
    {
        started.EnsureSuccessStatusCode();
    }

    await Task.Delay(TimeSpan.FromSeconds(options.KillAfter));
    readBeforeKill = (await LastRunAsync(http)).GetProperty("api_calls").GetInt32();
    cpuKilled = Memory.CpuSeconds(hub.Id);
    hub.Kill(entireProcessTree: true);
    await hub.WaitForExitAsync();
}

using (var hub = BenchHub.Start(options.HubDll, emulator, second, adminKey, settings, out var url))
using (var http = Admin(url, adminKey))
{
    await BenchHub.WaitHealthyAsync(http, hub);
    var cpu = Memory.CpuSeconds(hub.Id);
    var run = await WaitForRunAsync(http);
    report.AppendLine(Row($"killed after {options.KillAfter} s ({readBeforeKill} calls), resumed", run, floor, ContactCalls(emulator), resumed.Elapsed, cpuKilled + Memory.CpuSeconds(hub.Id) - cpu));
    var again = await DirectoryOfAsync(http);
    var same = again.Count == cleanDirectory.Count && again.All(p => cleanDirectory.TryGetValue(p.Key, out var d) && d == p.Value);
    report.AppendLine();
    report.AppendLine(CultureInfo.InvariantCulture, $"After the resume the directory is {(same ? "the same" : "DIFFERENT")} as the clean run's: {again.Count:N0} people, each with the same departments (compared by open_id through the API). The clean run ended {cleanRun.GetProperty("status").GetString()}, the resumed one {run.GetProperty("status").GetString()}.");
    BenchHub.Stop(hub);
    await hub.WaitForExitAsync();
}

report.AppendLine();
report.AppendLine(eventsLine);
Console.WriteLine(report.ToString());
if (options.Markdown is { } path)
{
    await File.WriteAllTextAsync(path, report.ToString());
}

return 0;

static HttpClient Admin(Uri url, string adminKey)
{
    var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
    return http;
}

static async Task<JsonElement> SyncAsync(HttpClient http)
{
    using var started = await http.PostAsync("/api/v1/directory/sync", null);
    if (started.StatusCode != HttpStatusCode.Accepted)
    {
        throw new InvalidOperationException($"starting the sync: {(int)started.StatusCode} {await started.Content.ReadAsStringAsync()}");
    }

    return await WaitForRunAsync(http);
}

static async Task<JsonElement> WaitForRunAsync(HttpClient http)
{
    var deadline = DateTimeOffset.UtcNow.AddMinutes(30);
    JsonElement run;
    while ((run = await LastRunAsync(http)).GetProperty("status").GetString() == "running" && DateTimeOffset.UtcNow < deadline)
    {
        await Task.Delay(200);
    }

    return run;
}

static async Task<JsonElement> LastRunAsync(HttpClient http) =>
    (await http.GetFromJsonAsync<JsonElement>("/api/v1/directory/sync?limit=1")).GetProperty("items")[0].Clone();

static async Task<Dictionary<string, string>> DirectoryOfAsync(HttpClient http)
{
    var result = new Dictionary<string, string>(StringComparer.Ordinal);
    string? after = null;
    do
    {
        var page = await http.GetFromJsonAsync<JsonElement>("/api/v1/directory/people?limit=200" + (after is null ? "" : "&after=" + after));
        foreach (var person in page.GetProperty("items").EnumerateArray())
        {
            var openId = person.GetProperty("open_ids").GetProperty("default").GetString()!;
            result[openId] = string.Join(',', person.GetProperty("departments").EnumerateArray().Select(d => d.GetProperty("id").GetString()).Order(StringComparer.Ordinal))
                + "|" + person.GetProperty("status").GetString();
        }

        after = page.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
    }
    while (after is not null);
    return result;
}

static async Task ResetCallsAsync(EmulatorServer emulator)
{
    using var control = new HttpClient { BaseAddress = emulator.BaseUrl };
    (await control.DeleteAsync("/_emulator/calls")).EnsureSuccessStatusCode();
}

static long ContactCalls(EmulatorServer emulator) =>
    emulator.CallCounts.Where(c => c.Key.Contains("/contact/v3/", StringComparison.Ordinal)).Sum(c => c.Value);

static string Row(string round, JsonElement run, int floor, long counted, TimeSpan took, double cpu) => string.Create(CultureInfo.InvariantCulture,
    $"| {round} | {run.GetProperty("status").GetString()} | {run.GetProperty("people").GetInt32():N0} | {run.GetProperty("departments").GetInt32():N0} | {run.GetProperty("api_calls").GetInt32():N0} ({floor:N0}) | {counted:N0} | {took.TotalSeconds:F1} s | {cpu:F1} |");

static string UpdatedEvent(EmulatorUser user, string name, string token, int i) => new JsonObject
{
    ["schema"] = "2.0",
    ["header"] = new JsonObject
    {
        ["event_id"] = string.Create(CultureInfo.InvariantCulture, $"bench-dir-{i:D6}-{Guid.NewGuid():N}"),
        ["event_type"] = "contact.user.updated_v3",
        ["create_time"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        ["token"] = token,
        ["app_id"] = "cli_bench",
        ["tenant_key"] = "tenant_bench",
    },
    ["event"] = new JsonObject
    {
        ["object"] = new JsonObject { ["open_id"] = user.OpenId, ["union_id"] = user.UnionId, ["name"] = name },
        ["old_object"] = new JsonObject { ["name"] = user.Name },
    },
}.ToJsonString();

/// <summary>Command-line options.</summary>
internal sealed record DirectoryBenchOptions(string HubDll, int Users, int Departments, int Events, int KillAfter, string? Markdown, string? Work)
{
    public static DirectoryBenchOptions? Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                return null;
            }

            values[args[i][2..]] = args[i + 1];
        }

        int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return values.TryGetValue("hub-dll", out var dll) && args.Length % 2 == 0
            ? new DirectoryBenchOptions(dll, Int("users", 10_000), Int("departments", 300), Int("events", 200), Int("kill-after", 3), values.GetValueOrDefault("markdown"), values.GetValueOrDefault("work"))
            : null;
    }
}
