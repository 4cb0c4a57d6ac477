using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Larkway.Bench;
using Larkway.Bench.Ingest;
using Larkway.Emulator.AiBackend;
using Larkway.Emulator.Hosting;

// A Feishu wiki space kept in a Dify knowledge base, through the Emulator: the Emulator in this process (Feishu's docs and
// wiki with their rate limits, the fake Dify's knowledge API), the Hub as a child process (Release, SQLite, webhook mode,
// its Feishu app subscribed to the Emulator's events). Three phases:
//   push    — a public space of --documents documents (default 2,000) connected to an empty knowledge base: time until
//             every document is pushed, Feishu and Dify calls per document against the floor;
//   kill    — the same with another space, the Hub SIGKILLed once half are pushed and started again on the same database:
//             documents in the knowledge base, creates sent, lost and duplicated;
//   edits   — --edits edits (default 100) made by a person on a space's documents one after another: edit → the knowledge
//             base's copy holds it (p50, p99), through Feishu's edit event.
// Not a test: bench/knowledge-sync.sh.
var parsed = new BenchArgs(args);
var hubDll = parsed.Optional("hub-dll");
if (hubDll is null)
{
    await Console.Error.WriteLineAsync("usage: Larkway.Bench.KnowledgeSync --hub-dll <path> [--documents 2000] [--edits 100] [--patience 900] [--markdown <path>] [--work <dir>]");
    return 2;
}

var documents = parsed.Int("documents") ?? 2000;
var edits = parsed.Int("edits") ?? 100;
var patience = TimeSpan.FromSeconds(parsed.Int("patience") ?? 900);
var work = parsed.Optional("work") ?? Directory.CreateTempSubdirectory("larkway-knowledge-").FullName;
Directory.CreateDirectory(work);
var adminKey = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
var secret = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
var settings = new Dictionary<string, string>(StringComparer.Ordinal) { ["FEISHU_ENCRYPT_KEY"] = secret, ["FEISHU_VERIFICATION_TOKEN"] = secret };

await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
var hub = BenchHub.Start(hubDll, emulator, work, adminKey, settings, out var url);
using var stop = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => BenchHub.Stop(hub));
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => BenchHub.Stop(hub));
var report = new StringBuilder();
var failed = false;
try
{
    using var admin = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(120) };
    admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
    using var control = new HttpClient { BaseAddress = emulator.BaseUrl, Timeout = TimeSpan.FromSeconds(120) };
    await BenchHub.WaitHealthyAsync(admin, hub);
    await BenchPlatformApps.ConnectEventsAsync("feishu", emulator, control, url, secret, secret);
    var dify = new Uri(emulator.BaseUrl, new AiBackendOptions().DifyPrefix.TrimStart('/')).AbsoluteUri;
    var appId = emulator.State.Apps[0].AppId;
    report.AppendLine(CultureInfo.InvariantCulture, $"Knowledge sync, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {LoadAverage()} at the start.");
    report.AppendLine();

    // Phase 1: push a new space.
    var push = await SpaceAsync(control, "Bench push", documents, appId);
    var dataset = await DatasetAsync(control, "Bench push");
    var feishuBefore = await FeishuCallsAsync(control);
    var difyBefore = await DifyCallsAsync(control);
    var clock = Stopwatch.StartNew();
    var sync = await ConnectAsync(admin, "Bench push", push.SpaceId, dataset, dify);
    var pushed = await UntilPushedAsync(admin, sync, documents, patience);
    var took = clock.Elapsed;
    var feishu = Diff(await FeishuCallsAsync(control), feishuBefore);
    var difyCalls = Diff(await DifyCallsAsync(control), difyBefore);
    var held = await HeldAsync(control, dataset);
    // Per document: its text read, its create, its subscription; per space: a node page per 50 and one list of the (empty) knowledge base.
    var floor = 3 + (Math.Ceiling(documents / 50.0) + 1) / documents;
    var perDocument = (feishu.Values.Sum() + difyCalls.Values.Sum()) / (double)documents;
    report.AppendLine(CultureInfo.InvariantCulture, $"**Push** of a public space of {documents:N0} documents: {pushed:N0} pushed in {took.TotalSeconds:F1} s ({documents / took.TotalSeconds:F1} documents/s); the knowledge base holds {held.Count:N0} ({held.Distinct().Count():N0} distinct names).");
    report.AppendLine(CultureInfo.InvariantCulture, $"Calls per document: {perDocument:F4} (floor {floor:F4}: one read of its text, one create in Dify, one edit-event subscription, and for the space a node page per 50 and one list of the empty knowledge base), {perDocument / floor:F4}× the floor.");
    report.AppendLine();
    report.AppendLine("| calls | count | per document |");
    report.AppendLine("|---|---:|---:|");
    var byEndpoint = feishu.Select(f => (Endpoint: f.Key, Count: f.Value)).Concat(difyCalls.Select(d => (Endpoint: $"Dify {d.Key}", Count: d.Value)));
    foreach (var (endpoint, count) in byEndpoint.Where(c => c.Count > 0).OrderByDescending(c => c.Count))
    {
        report.AppendLine(CultureInfo.InvariantCulture, $"| {endpoint} | {count:N0} | {count / (double)documents:F3} |");
    }

    report.AppendLine();
    failed |= held.Count != documents || held.Distinct().Count() != documents;
    Console.WriteLine(report.ToString());

    // Phase 2: another space, the Hub killed at half.
    var killed = await SpaceAsync(control, "Bench kill", documents, appId);
    var killDataset = await DatasetAsync(control, "Bench kill");
    var createsBefore = (await DifyCallsAsync(control)).GetValueOrDefault("create");
    clock.Restart();
    var killSync = await ConnectAsync(admin, "Bench kill", killed.SpaceId, killDataset, dify);
    await UntilPushedAsync(admin, killSync, documents / 2, patience);
    var killedAt = await PushedAsync(admin, killSync);
    hub.Kill(entireProcessTree: true);
    await hub.WaitForExitAsync();
    var down = Stopwatch.StartNew();
    hub = BenchHub.Start(hubDll, emulator, work, adminKey, new Dictionary<string, string>(settings) { ["ASPNETCORE_URLS"] = url.ToString() }, out _);
    await BenchHub.WaitHealthyAsync(admin, hub);
    var downFor = down.Elapsed;
    var afterKill = await UntilPushedAsync(admin, killSync, documents, patience);
    var killTook = clock.Elapsed;
    var killHeld = await HeldAsync(control, killDataset);
    var creates = (await DifyCallsAsync(control)).GetValueOrDefault("create") - createsBefore;
    var lost = documents - killHeld.Distinct().Count();
    var duplicated = killHeld.Count - killHeld.Distinct().Count();
    report.AppendLine(CultureInfo.InvariantCulture, $"**SIGKILL at half**: the Hub killed with {killedAt:N0} of {documents:N0} pushed and healthy again {downFor.TotalSeconds:F1} s later; all {afterKill:N0} pushed {killTook.TotalSeconds:F1} s after the connect. The knowledge base holds {killHeld.Count:N0} documents: {lost:N0} lost, {duplicated:N0} duplicated; {creates:N0} creates sent to Dify for {documents:N0} documents.");
    report.AppendLine();
    failed |= lost != 0 || duplicated != 0;
    Console.WriteLine(report.ToString());

    // Phase 3: edits on a small space (the big syncs are removed and their knowledge bases emptied, so polling stays cheap).
    await RemoveAsync(admin, control, sync, dataset);
    await RemoveAsync(admin, control, killSync, killDataset);
    var edited = await SpaceAsync(control, "Bench edits", 20, appId);
    var editDataset = await DatasetAsync(control, "Bench edits");
    var editSync = await ConnectAsync(admin, "Bench edits", edited.SpaceId, editDataset, dify);
    await UntilPushedAsync(admin, editSync, 20, patience);
    await UntilFollowedAsync(admin, editSync, patience);
    var latencies = new List<double>();
    var missed = 0;
    for (var i = 0; i < edits; i++)
    {
        var document = edited.Documents[i % edited.Documents.Count];
        var marker = string.Create(CultureInfo.InvariantCulture, $"Edit {i:D4} {Guid.NewGuid():N}");
        var at = Stopwatch.StartNew();
        using (var edit = await control.PostAsJsonAsync($"/_emulator/docs/documents/{document}/edits", new { user = "bob@example.com", text = marker }))
        {
            await BenchPlatformApps.EnsureAsync(edit, "a person's edit");
        }

        if (await UntilTextAsync(control, editDataset, document, marker, TimeSpan.FromSeconds(60)))
        {
            latencies.Add(at.Elapsed.TotalMilliseconds);
        }
        else
        {
            missed++;
        }
    }

    latencies.Sort();
    report.AppendLine(CultureInfo.InvariantCulture, $"**Edits**: {edits:N0} edits by a person, one after another over 20 documents: edit → the knowledge base's copy holds it p50 {Percentile(latencies, 0.5):N0} ms, p99 {Percentile(latencies, 0.99):N0} ms, max {(latencies.Count > 0 ? latencies[^1] : 0):N0} ms; {missed:N0} not there within 60 s.");
    failed |= missed > 0;
    Console.WriteLine(report.ToString());
}
finally
{
    BenchHub.Stop(hub);
    if (parsed.Optional("markdown") is { } markdown)
    {
        await File.WriteAllTextAsync(markdown, report.ToString());
    }
}

return failed ? 1 : 0;

// A public space of `count` documents, the app its admin (so it may subscribe to edits); its documents' tokens.
static async Task<(string SpaceId, List<string> Documents)> SpaceAsync(HttpClient control, string name, int count, string appId)
{
    var filler = string.Join(' ', Enumerable.Repeat("The knowledge base answers from this paragraph when people ask about the topic it covers.", 6));
    var nodes = Enumerable.Range(1, count).Select(i => new { title = string.Create(CultureInfo.InvariantCulture, $"{name} page {i:D5}"), content = string.Create(CultureInfo.InvariantCulture, $"Page {i} of {name}.\n{filler}\n{filler}") }).ToList();
    using var made = await control.PostAsJsonAsync("/_emulator/docs/spaces", new { name, visibility = "public", owner = "bob@example.com", members = new[] { new { type = "app", id = appId, role = "admin" } }, nodes });
    await BenchPlatformApps.EnsureAsync(made, $"making the space {name}");
    var data = (await made.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data");
    return (data.GetProperty("space_id").GetString()!, [.. data.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("obj_token").GetString()!)]);
}

// An empty knowledge base the default knowledge key opens.
static async Task<string> DatasetAsync(HttpClient control, string name)
{
    var id = Guid.NewGuid().ToString();
    using var made = await control.PostAsJsonAsync("/_emulator/ai/knowledge/datasets", new { name, id });
    await BenchPlatformApps.EnsureAsync(made, $"making the knowledge base {name}");
    return id;
}

static async Task<string> ConnectAsync(HttpClient admin, string name, string space, string dataset, string dify)
{
    using var created = await admin.PostAsJsonAsync("/api/v1/knowledge-syncs", new { name, space_id = space, dify = new { dataset_id = dataset, api_key = AiBackendOptions.DefaultDifyDatasetKey, base_url = dify } });
    await BenchPlatformApps.EnsureAsync(created, $"connecting {name}");
    return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
}

static async Task<int> PushedAsync(HttpClient admin, string sync) =>
    (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/knowledge-syncs/{sync}")).GetProperty("status").GetProperty("documents").GetProperty("pushed").GetInt32();

static async Task<int> UntilPushedAsync(HttpClient admin, string sync, int count, TimeSpan patience)
{
    var clock = Stopwatch.StartNew();
    var last = 0;
    while ((last = await PushedAsync(admin, sync)) < count)
    {
        if (clock.Elapsed > patience)
        {
            throw new TimeoutException($"{last} of {count} pushed after {patience.TotalSeconds:F0} s; see hub.log");
        }

        await Task.Delay(250);
    }

    return last;
}

// Every document of the sync is followed by its edit events.
static async Task UntilFollowedAsync(HttpClient admin, string sync, TimeSpan patience)
{
    var clock = Stopwatch.StartNew();
    while (!(await admin.GetFromJsonAsync<JsonElement>($"/api/v1/knowledge-syncs/{sync}/documents?limit=200")).GetProperty("items").EnumerateArray().All(d => d.GetProperty("edit_events").GetBoolean()))
    {
        if (clock.Elapsed > patience)
        {
            throw new TimeoutException("the documents' edit events were not subscribed; see hub.log");
        }

        await Task.Delay(250);
    }
}

static async Task RemoveAsync(HttpClient admin, HttpClient control, string sync, string dataset)
{
    using (var deleted = await admin.DeleteAsync($"/api/v1/knowledge-syncs/{sync}"))
    {
        await BenchPlatformApps.EnsureAsync(deleted, "removing a sync");
    }

    using var cleared = await control.DeleteAsync($"/_emulator/ai/knowledge/datasets/{dataset}/documents");
    await BenchPlatformApps.EnsureAsync(cleared, "emptying a knowledge base");
}

// The names of the knowledge base's documents.
static async Task<List<string>> HeldAsync(HttpClient control, string dataset) =>
    [.. (await DatasetAsJsonAsync(control, dataset)).GetProperty("documents").EnumerateArray().Select(d => d.GetProperty("name").GetString()!)];

static async Task<JsonElement> DatasetAsJsonAsync(HttpClient control, string dataset) =>
    (await control.GetFromJsonAsync<JsonElement>("/_emulator/ai/knowledge/datasets")).GetProperty("items").EnumerateArray().Single(d => d.GetProperty("id").GetString() == dataset);

static async Task<bool> UntilTextAsync(HttpClient control, string dataset, string document, string marker, TimeSpan patience)
{
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed < patience)
    {
        if ((await DatasetAsJsonAsync(control, dataset)).GetProperty("documents").EnumerateArray()
            .Any(d => d.GetProperty("name").GetString()!.Contains(document, StringComparison.Ordinal) && d.GetProperty("text").GetString()!.Contains(marker, StringComparison.Ordinal)))
        {
            return true;
        }

        await Task.Delay(20);
    }

    return false;
}

// The Emulator's count of Feishu API calls, by endpoint (token calls left out: they are not per document).
static async Task<Dictionary<string, long>> FeishuCallsAsync(HttpClient control) =>
    (await control.GetFromJsonAsync<JsonElement>("/_emulator/calls")).GetProperty("data").GetProperty("items").EnumerateArray()
        .Select(c => (Endpoint: c.GetProperty("endpoint").GetString()!, Count: c.GetProperty("count").GetInt64()))
        .Where(c => c.Endpoint.Contains("/open-apis/", StringComparison.Ordinal) && !c.Endpoint.Contains("/auth/", StringComparison.Ordinal))
        .ToDictionary(c => c.Endpoint, c => c.Count, StringComparer.Ordinal);

static async Task<Dictionary<string, long>> DifyCallsAsync(HttpClient control) =>
    (await control.GetFromJsonAsync<JsonElement>("/_emulator/ai/knowledge/calls")).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64(), StringComparer.Ordinal);

static Dictionary<string, long> Diff(Dictionary<string, long> after, Dictionary<string, long> before) =>
    after.ToDictionary(a => a.Key, a => a.Value - before.GetValueOrDefault(a.Key), StringComparer.Ordinal);

static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

static string LoadAverage()
{
    try
    {
        return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
    }
    catch (IOException)
    {
        return "unknown";
    }
}
