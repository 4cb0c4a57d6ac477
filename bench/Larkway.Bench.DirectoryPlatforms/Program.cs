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
// Hub made and its CPU, each against Feishu's as a ratio. Not a test: bench/directory-platforms.sh.
var options = PlatformsBenchOptions.Parse(args);
if (options is null)
{
    await Console.Error.WriteLineAsync("usage: Larkway.Bench.DirectoryPlatforms --hub-dll <path> [--users 10000] [--departments 300] [--platforms feishu,dingtalk,wecom] [--markdown <path>] [--work <dir>]");
    return 2;
}

var work = options.Work ?? Directory.CreateTempSubdirectory("larkway-directory-platforms-").FullName;
var adminKey = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
var results = new List<(string Platform, JsonElement Run, TimeSpan Took, double Cpu)>();
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
    };
    if (AppOf(platform, emulator) is { } app)
    {
        settings["Larkway__Directory__App"] = (string)app["name"]!;
    }

    using var hub = BenchHub.Start(options.HubDll, emulator, folder, adminKey, settings, out var url);
    using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
    await BenchHub.WaitHealthyAsync(http, hub);
    if (AppOf(platform, emulator) is { } stored)
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

Console.WriteLine(report.ToString());
if (options.Markdown is { } path)
{
    await File.WriteAllTextAsync(path, report.ToString());
}

return results.All(r => r.Run.GetProperty("status").GetString() == "completed") ? 0 : 1;

static string GeneratePath(string platform) => platform switch
{
    "dingtalk" => "/_emulator/dingtalk/directory/generate",
    "wecom" => "/_emulator/wecom/contact/generate",
    _ => "/_emulator/contact/generate",
};

// The stored app that reads the directory (null for Feishu: the Hub's configured app does), with the Emulator's defaults.
static Dictionary<string, object?>? AppOf(string platform, EmulatorServer emulator) => platform switch
{
    "dingtalk" => new()
    {
        ["name"] = "dt-bench",
        ["platform"] = "dingtalk",
        ["app_id"] = EmulatorOptions.DefaultDingTalkAppKey,
        ["app_secret"] = EmulatorOptions.DefaultDingTalkAppSecret,
        ["base_url"] = new Uri(emulator.BaseUrl, "/dingtalk").AbsoluteUri,
        ["agent_id"] = 3000000001,
    },
    "wecom" => new()
    {
        ["name"] = "wc-bench",
        ["platform"] = "wecom",
        ["app_id"] = EmulatorOptions.DefaultWeComCorpId,
        ["agent_id"] = 1000002,
        ["app_secret"] = EmulatorOptions.DefaultWeComAppSecret,
        ["verification_token"] = EmulatorOptions.DefaultWeComCallbackToken,
        ["encrypt_key"] = EmulatorOptions.DefaultWeComEncodingAesKey,
        ["base_url"] = new Uri(emulator.BaseUrl, "/wecom/").AbsoluteUri,
    },
    _ => null,
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

/// <summary>Command-line options.</summary>
internal sealed record PlatformsBenchOptions(string HubDll, int Users, int Departments, IReadOnlyList<string> Platforms, string? Markdown, string? Work)
{
    public static PlatformsBenchOptions? Parse(string[] args)
    {
        try
        {
            var values = new BenchArgs(args);
            var platforms = (values.Optional("platforms") ?? "feishu,dingtalk,wecom").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return platforms.All(p => p is "feishu" or "dingtalk" or "wecom")
                ? new PlatformsBenchOptions(values.Required("hub-dll"), values.Int("users") ?? 10_000, values.Int("departments") ?? 300, platforms, values.Optional("markdown"), values.Optional("work"))
                : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
