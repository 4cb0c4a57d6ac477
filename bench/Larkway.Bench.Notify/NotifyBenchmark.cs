using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Larkway.Bench;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.Seed;
using Larkway.Emulator.State;

namespace Larkway.Bench.Notify;

/// <summary>
/// Rounds of notifications end to end: POSTed to the Hub (accepted) → every delivery posted in the Emulator, whose
/// rate limits are on (send: 50/s and 1,000/min per app, fixed windows; 5/s per user or chat). Reports
/// notifications/s against the ceiling those limits allow, API calls per notification, and the Hub's memory.
/// </summary>
internal static partial class NotifyBenchmark
{
    private const string SendEndpoint = "POST /open-apis/im/v1/messages";
    private const string LookupEndpoint = "POST /open-apis/contact/v3/users/batch_get_id";
    private const string TokenEndpoint = "POST /open-apis/auth/v3/tenant_access_token/internal";

    public static async Task<int> RunAsync(NotifyOptions options)
    {
        var work = options.Work ?? Directory.CreateTempSubdirectory("larkway-notify-").FullName;
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        var users = Enumerable.Range(1, options.Users)
            .Select(i => emulator.State.AddUser(new EmulatorUser($"ou_bench{i:D5}", $"on_bench{i:D5}", $"u_bench{i:D5}", $"Bench {i}", $"bench{i:D5}@example.com", ["eng"])))
            .ToList();
        var chat = emulator.State.Chats.Single(c => c.Name == DefaultSeed.GeneralChatName).ChatId;

        var adminKey = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        using var hub = BenchHub.Start(options.HubDll, emulator, work, adminKey, NotifySettings(), out var hubUrl);
        using var stop = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, _ => BenchHub.Stop(hub));
        using var interrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, _ => BenchHub.Stop(hub));
        try
        {
            using var http = new HttpClient { BaseAddress = hubUrl, Timeout = TimeSpan.FromSeconds(30) };
            await BenchHub.WaitHealthyAsync(http, hub);

            // Idle: started, migrated, nothing sent yet; a few seconds for start-up work to settle.
            await Task.Delay(TimeSpan.FromSeconds(5));
            var idle = Memory.Read(hub.Id);
            var report = new StringBuilder();
            report.AppendLine(CultureInfo.InvariantCulture, $"Hub pid {hub.Id}, SQLite in {work}; Emulator {emulator.BaseUrl} with rate limits on; {options.Users:N0} people.");
            report.AppendLine(CultureInfo.InvariantCulture, $"Hub memory idle: VmRSS {idle.RssMb:F0} MB.");
            Console.Write(report);

            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await CreateKeyAsync(http, adminKey));
            var table = new StringBuilder();
            table.AppendLine("| notifications | deliveries (chat / people) | accepted in | all posted in | notifications/s | deliveries/s | ceiling deliveries/s | send calls | look-up calls | token calls | API calls / notification | duplicates, missing | Hub CPU ms / delivery | Hub VmRSS peak |");
            table.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|");
            for (var round = 0; round < options.Rounds.Count; round++)
            {
                var row = await RunRoundAsync(options, emulator, http, hub.Id, users, chat, round + 1, options.Rounds[round]);
                table.AppendLine(row);
                Console.WriteLine(row);
            }

            var peak = Memory.Read(hub.Id);
            report.AppendLine();
            report.Append(table);
            report.AppendLine();
            report.AppendLine(CultureInfo.InvariantCulture, $"Hub memory after the rounds: VmRSS {peak.RssMb:F0} MB, VmHWM (peak) {peak.HwmMb:F0} MB.");
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
        NotifyOptions options, EmulatorServer emulator, HttpClient http, int hubPid, List<EmulatorUser> users, string chat, int round, int count)
    {
        // The 1,000/min window is fixed and minute-aligned: start each round at a fresh minute, so the ceiling is known.
        if (options.Align)
        {
            var now = DateTimeOffset.UtcNow;
            var next = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(1);
            await Task.Delay(next - now + TimeSpan.FromMilliseconds(200));
        }

        using (var reset = new HttpClient { BaseAddress = emulator.BaseUrl })
        {
            (await reset.DeleteAsync("/_emulator/calls")).EnsureSuccessStatusCode();
        }

        // Mix: one in twenty to the team chat; the rest to two people each, one named by open_id and one by email.
        var prefix = string.Create(CultureInfo.InvariantCulture, $"NB{round}-");
        var requests = new List<object>(count);
        var chatDeliveries = 0;
        var peopleDeliveries = 0;
        for (var i = 0; i < count; i++)
        {
            var marker = string.Create(CultureInfo.InvariantCulture, $"{prefix}{i:D5}");
            object[] recipients;
            if (i % 20 == 0)
            {
                recipients = [new { chat_id = chat }];
                chatDeliveries++;
            }
            else
            {
                var a = users[(i * 2) % users.Count];
                var b = users[((i * 2) + 1) % users.Count];
                recipients = [new { open_id = a.OpenId }, new { email = b.Email }];
                peopleDeliveries += 2;
            }

            requests.Add(new
            {
                type = "purchase_order.created",
                idempotency_key = marker,
                card = new { header = new { title = new { tag = "plain_text", content = marker } }, elements = new[] { new { tag = "div", text = new { tag = "lark_md", content = "Benchmark " + marker } } } },
                recipients,
            });
        }

        var deliveries = chatDeliveries + peopleDeliveries;
        using var sampling = new CancellationTokenSource();
        var peakRss = 0.0;
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peakRss = Math.Max(peakRss, Memory.Read(hubPid).RssMb);
                try
                {
                    await Task.Delay(250, sampling.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        });

        var cpuBefore = Memory.CpuSeconds(hubPid);
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency }, async (request, ct) =>
        {
            using var response = await http.PostAsJsonAsync("/api/v1/notifications", request, ct);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                throw new InvalidOperationException($"the Hub answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
            }
        });
        var accepted = clock.Elapsed;

        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(15);
        Dictionary<(string Marker, string Chat), int> posted;
        while ((posted = Posted(emulator.State, prefix)).Count < deliveries && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var done = clock.Elapsed;
        var cpuMsPerDelivery = (Memory.CpuSeconds(hubPid) - cpuBefore) * 1000 / deliveries;
        await sampling.CancelAsync();
        await sampler;

        var calls = emulator.CallCounts;
        var sends = calls.GetValueOrDefault(SendEndpoint);
        var lookups = calls.GetValueOrDefault(LookupEndpoint);
        var tokens = calls.GetValueOrDefault(TokenEndpoint);
        var duplicates = posted.Values.Sum(n => n - 1);
        var missing = deliveries - posted.Count;
        var ceiling = options.Align ? CeilingSeconds(deliveries, chatDeliveries) : (double?)null;
        var ceilingText = ceiling is { } c ? string.Create(CultureInfo.InvariantCulture, $"{deliveries / c:F1} ({c:F1} s)") : "n/a (not aligned)";
        return string.Create(CultureInfo.InvariantCulture,
            $"| {count:N0} | {deliveries:N0} ({chatDeliveries} / {peopleDeliveries:N0}) | {accepted.TotalSeconds:F1} s | {done.TotalSeconds:F1} s | {count / done.TotalSeconds:F1} | {deliveries / done.TotalSeconds:F1} | {ceilingText} | {sends:N0} | {lookups:N0} | {tokens} | {(double)calls.Values.Sum() / count:F2} | {duplicates}, {missing} | {cpuMsPerDelivery:F2} | {peakRss:F0} MB |");
    }

    /// <summary>
    /// The shortest time the Emulator's limits allow for <paramref name="sends"/> sends starting at a minute boundary:
    /// 1,000 per minute window at 50 a second, and the team chat's share at 5 a second.
    /// </summary>
    private static double CeilingSeconds(int sends, int toChat)
    {
        var fullMinutes = (sends - 1) / 1000;
        var app = (fullMinutes * 60.0) + ((sends - (fullMinutes * 1000)) / 50.0);
        return Math.Max(app, toChat / 5.0);
    }

    /// <summary>Bot messages of this round, by marker and chat.</summary>
    private static Dictionary<(string Marker, string Chat), int> Posted(EmulatorState state, string prefix)
    {
        var posted = new Dictionary<(string, string), int>();
        foreach (var chat in state.Chats)
        {
            foreach (var message in state.MessagesIn(chat.ChatId))
            {
                if (message.Sender.SenderType == "app" && Marker().Match(message.Content) is { Success: true } m && m.Value.StartsWith(prefix, StringComparison.Ordinal))
                {
                    var key = (m.Value, chat.ChatId);
                    posted[key] = posted.TryGetValue(key, out var seen) ? seen + 1 : 1;
                }
            }
        }

        return posted;
    }

    /// <summary>The notification bench's own settings: SQLite's synchronous mode, and NOTIFY_HUB_ENV="NAME=value …" (e.g. Larkway__Notifications__Concurrency=16).</summary>
    private static Dictionary<string, string> NotifySettings()
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Larkway__Storage__Synchronous"] = Environment.GetEnvironmentVariable("NOTIFY_SYNCHRONOUS") ?? "Full",
        };
        foreach (var pair in (Environment.GetEnvironmentVariable("NOTIFY_HUB_ENV") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var at = pair.IndexOf('=', StringComparison.Ordinal);
            if (at > 0)
            {
                settings[pair[..at]] = pair[(at + 1)..];
            }
        }

        return settings;
    }

    private static async Task<string> CreateKeyAsync(HttpClient http, string adminKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/api-keys") { Content = JsonContent.Create(new { name = "bench", types = new[] { "*" } }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return response.StatusCode == HttpStatusCode.Created
            ? JsonDocument.Parse(text).RootElement.GetProperty("key").GetString()!
            : throw new InvalidOperationException($"creating an API key: {(int)response.StatusCode} {text}");
    }

    [GeneratedRegex("NB[0-9]+-[0-9]{5}")]
    private static partial Regex Marker();
}
