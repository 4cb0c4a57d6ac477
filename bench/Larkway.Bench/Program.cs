using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Bench;
using Larkway.Emulator.Hosting;
using Larkway.Feishu;

// Benchmarks of the client against the in-process Emulator. Not a test: it prints figures for
// docs/benchmarks.md. Both sides run in the same process, interleaved round by round, so the ratio
// is robust to a noisy machine even when the absolute numbers are not.
var calls = ArgValue("--calls", 2000);
var rounds = ArgValue("--rounds", 10);
var concurrent = ArgValue("--concurrent", 1000);

// The platform's rate limits would measure the limiter, not the client: off for this run.
var emulatorOptions = new EmulatorOptions { Port = 0, EnforceRateLimits = false };
await using var emulator = await EmulatorServer.StartAsync(emulatorOptions);
var baseUrl = emulator.BaseUrl;
var appOptions = new FeishuAppOptions { AppId = emulatorOptions.AppId, AppSecret = emulatorOptions.AppSecret, BaseUrl = baseUrl };

Console.WriteLine($"# Larkway benchmarks — {DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
Console.WriteLine();

// --- 1. Overhead per call: FeishuClient vs a bare HttpClient doing the same GET. ---
using var bareHttp = new HttpClient { BaseAddress = baseUrl };
var token = await FetchTenantTokenAsync(bareHttp, appOptions);
using var client = new FeishuClient(appOptions);
var chatId = await FirstChatIdAsync(client);

Func<Task> bare = async () =>
{
    using var request = new HttpRequestMessage(HttpMethod.Get, $"/open-apis/im/v1/chats/{chatId}");
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    using var response = await bareHttp.SendAsync(request);
    await using var body = await response.Content.ReadAsStreamAsync();
    using var json = await JsonDocument.ParseAsync(body);
    if (json.RootElement.GetProperty("code").GetInt32() != 0)
    {
        throw new InvalidOperationException(json.RootElement.ToString());
    }
};
Func<Task> typed = async () => await client.Im.Chats.GetAsync(chatId);

var warmup = ArgValue("--warmup", 300);
await Measure.WarmUpAsync(bare, warmup);
await Measure.WarmUpAsync(typed, warmup);

// --profile bare|client: only that side, --calls times, so a profiler (perf) sees one side's frames.
if (ArgText("--profile") is { } side)
{
    var call = side == "bare" ? bare : side == "client" ? typed : throw new ArgumentException("--profile takes bare or client");
    await Measure.WarmUpAsync(call, 2000);
    var sample = await Measure.RunAsync(call, calls);
    Console.WriteLine($"Profile run, {side} only: {calls} calls, {sample.MicrosPerCall:F1} µs/call, {sample.BytesPerCall:F0} bytes/call.");
    return 0;
}

// --canned: both sides over a handler that answers at once with the bytes the Emulator sent, so only
// their CPU is measured (no socket, no server), interleaved like the rounds below.
if (Environment.GetCommandLineArgs().Contains("--canned"))
{
    byte[] chatBytes;
    using (var first = new HttpRequestMessage(HttpMethod.Get, $"/open-apis/im/v1/chats/{chatId}"))
    {
        first.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var answer = await bareHttp.SendAsync(first);
        chatBytes = await answer.EnsureSuccessStatusCode().Content.ReadAsByteArrayAsync();
    }

    using var canned = new CannedHandler(chatBytes, System.Text.Encoding.UTF8.GetBytes($$"""{"code":0,"msg":"ok","tenant_access_token":"{{token}}","expire":7200}"""));
    using var cannedHttp = new HttpClient(canned, disposeHandler: false) { BaseAddress = baseUrl };
    using var cannedClient = new FeishuClient(appOptions, handler: canned);
    Func<Task> cannedBare = async () =>
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/open-apis/im/v1/chats/{chatId}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await cannedHttp.SendAsync(request);
        await using var body = await response.Content.ReadAsStreamAsync();
        using var json = await JsonDocument.ParseAsync(body);
        if (json.RootElement.GetProperty("code").GetInt32() != 0)
        {
            throw new InvalidOperationException(json.RootElement.ToString());
        }
    };
    Func<Task> cannedTyped = async () => await cannedClient.Im.Chats.GetAsync(chatId);
    await Measure.WarmUpAsync(cannedBare, 20 * calls);
    await Measure.WarmUpAsync(cannedTyped, 20 * calls);
    var cannedBareRuns = new List<Measure.Sample>();
    var cannedTypedRuns = new List<Measure.Sample>();
    for (var round = 0; round < rounds; round++)
    {
        cannedBareRuns.Add(await Measure.RunAsync(cannedBare, 10 * calls));
        cannedTypedRuns.Add(await Measure.RunAsync(cannedTyped, 10 * calls));
    }

    Console.WriteLine($"Canned answers, no network ({rounds} interleaved rounds × {10 * calls} calls): bare {Median(cannedBareRuns.Select(r => r.MicrosPerCall)):F2} µs/call, "
        + $"{Median(cannedBareRuns.Select(r => r.BytesPerCall)):F0} bytes/call; FeishuClient {Median(cannedTypedRuns.Select(r => r.MicrosPerCall)):F2} µs/call, "
        + $"{Median(cannedTypedRuns.Select(r => r.BytesPerCall)):F0} bytes/call.");
    return 0;
}

var bareRuns = new List<Measure.Sample>();
var typedRuns = new List<Measure.Sample>();
for (var round = 0; round < rounds; round++)
{
    // Alternate which side goes first so neither always gets the warmer caches.
    if (round % 2 == 0)
    {
        bareRuns.Add(await Measure.RunAsync(bare, calls));
        typedRuns.Add(await Measure.RunAsync(typed, calls));
    }
    else
    {
        typedRuns.Add(await Measure.RunAsync(typed, calls));
        bareRuns.Add(await Measure.RunAsync(bare, calls));
    }
}

var roundRatios = bareRuns.Zip(typedRuns, (b, t) => t.MicrosPerCall / b.MicrosPerCall).ToList();
var ratios = roundRatios.Order().ToList();
Console.WriteLine($"## Client overhead per call (GET chat, {rounds} interleaved rounds × {calls} sequential calls)");
Console.WriteLine();
Console.WriteLine("| side | median µs/call | allocated bytes/call |");
Console.WriteLine("|---|---:|---:|");
Console.WriteLine($"| bare HttpClient + JsonDocument | {Median(bareRuns.Select(r => r.MicrosPerCall)):F1} | {Median(bareRuns.Select(r => r.BytesPerCall)):F0} |");
Console.WriteLine($"| FeishuClient (tokens, retries, rate limits, typed model) | {Median(typedRuns.Select(r => r.MicrosPerCall)):F1} | {Median(typedRuns.Select(r => r.BytesPerCall)):F0} |");
Console.WriteLine();
Console.WriteLine($"Time ratio FeishuClient / bare, per round: median {Median(ratios):F2}, min {ratios[0]:F2}, max {ratios[^1]:F2}.");
Console.WriteLine($"Rounds in order: {string.Join(" ", roundRatios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))}.");
Console.WriteLine();

// The same calls timed one by one, alternating call by call: less sensitive to a noisy machine than round means.
var (bareCalls, typedCalls) = await Measure.PairedAsync(bare, typed, rounds * calls);
Console.WriteLine($"Single calls, alternating ({rounds * calls} of each), µs: bare median {Median(bareCalls):F1} (p90 {Percentile(bareCalls, 0.9):F1}), "
    + $"FeishuClient median {Median(typedCalls):F1} (p90 {Percentile(typedCalls, 0.9):F1}); ratio of medians {Median(typedCalls) / Median(bareCalls):F2}, "
    + $"difference {Median(typedCalls) - Median(bareCalls):F1} µs.");
Console.WriteLine();

// --- 2. Token requests under concurrent calls on a cold cache. ---
var counter = new CountingHandler(new SocketsHttpHandler());
using (var cold = new FeishuClient(appOptions, handler: counter))
{
    var stopwatch = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrent).Select(_ => cold.Im.Chats.GetAsync(chatId)));
    stopwatch.Stop();
    Console.WriteLine($"## Token requests under {concurrent} concurrent calls on a cold cache");
    Console.WriteLine();
    Console.WriteLine($"Token requests: {counter.TokenRequests} (API requests: {counter.ApiRequests}); wall time {stopwatch.Elapsed.TotalMilliseconds:F0} ms.");
}

return 0;

static async Task<string> FetchTenantTokenAsync(HttpClient http, FeishuAppOptions options)
{
    using var response = await http.PostAsJsonAsync("/open-apis/auth/v3/tenant_access_token/internal", new { app_id = options.AppId, app_secret = options.AppSecret });
    using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    return json.RootElement.GetProperty("tenant_access_token").GetString()!;
}

static async Task<string> FirstChatIdAsync(FeishuClient client)
{
    await foreach (var chat in client.Im.Chats.ListAsync())
    {
        return chat.ChatId;
    }

    throw new InvalidOperationException("the emulator's default tenant has no chat with the bot");
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}

static string? ArgText(string name)
{
    var args = Environment.GetCommandLineArgs();
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static double Percentile(IEnumerable<double> values, double p)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
}

static int ArgValue(string name, int fallback)
{
    var args = Environment.GetCommandLineArgs();
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
