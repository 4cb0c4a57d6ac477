using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Larkway.Integration.Tests.Hub.Fuzz;

/// <summary>
/// The Hub attacked from outside as a hostile tester would: thousands of generated malformed requests on every route
/// it maps (the APIs as nobody, a wrong key, an API key and the admin; the Feishu endpoints unsigned and correctly
/// signed around malformed plaintext; the console's pages and forms signed in), plus broken HTTP framing on a raw
/// socket. Fails on any answer of 500 or more, any request without an answer or a close (a hang), the process
/// dying, and a stack trace or error line in its log (expected bad input logs one line at most, as a warning).
/// The seed is printed with every failure; set LARKWAY_FUZZ_SEED to run the same requests again.
/// </summary>
[Collection(AttackCollection.Name)]
public sealed partial class HubFuzzTests
{
    private const int Concurrency = 8;

    /// <summary>How long one request may go unanswered before it counts as a hang (the machine may be loaded).</summary>
    private static readonly TimeSpan HangAfter = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Every_route_answers_thousands_of_malformed_requests_below_500_without_hanging_dying_or_logging_stack_traces()
    {
        var seed = Environment.GetEnvironmentVariable("LARKWAY_FUZZ_SEED") is { Length: > 0 } fixedSeed
            ? int.Parse(fixedSeed, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        var random = new Random(seed);
        var routes = await FuzzRoute.DiscoverAsync();
        routes.Count.ShouldBeGreaterThan(30, "the fuzz found the Hub's routes");
        routes.ShouldContain(r => r.Pattern == "/oidc/feishu/callback", "the Feishu sign-in callback, answered by its authentication handler before routing, is fuzzed too");
        routes.ShouldContain(r => r.Pattern == "/dingtalk/apps/{name}/callback", "DingTalk's HTTP callback is fuzzed too");
        routes.ShouldContain(r => r.Pattern == "/wecom/apps/{name}/callback" && r.Methods.Contains("GET") && r.Methods.Contains("POST"), "WeCom's callback and URL check are fuzzed too");
        routes.ShouldContain(r => r.Pattern == "/api/v1/assistants/{name}" && r.Methods.Contains("PATCH"), "the assistants API is fuzzed too");
        routes.ShouldContain(r => r.Pattern == "/console/assistants/{name}/edit", "the assistants' console pages are fuzzed too");

        await using var target = await FuzzTarget.StartAsync();
        var requests = FuzzCases.For(routes, target, random);
        var failures = new ConcurrentQueue<string>();
        var outcomes = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);

        await SendAllAsync(target, requests, failures, outcomes);
        await SendFramingAsync(target, routes, failures);
        if (Environment.GetEnvironmentVariable("LARKWAY_FUZZ_LOG") is { Length: > 0 } logFile)
        {
            await File.WriteAllLinesAsync(logFile, target.Hub.Output);
        }

        var died = $"the Hub died (exit code {(target.Hub.HasExited ? target.Hub.ExitCode : 0)}); failures, with the requests in flight when it did:\n";
        target.Hub.HasExited.ShouldBeFalse($"seed {seed}: {died}" + string.Join("\n", failures.Take(40)) + "\nlast output:\n" + string.Join("\n", target.Hub.Output.TakeLast(20)));

        // Last: the console's forms (an accepted one may change what the earlier requests found).
        var forms = await FuzzCases.ConsoleFormsAsync(routes, target, random);
        await SendAllAsync(target, forms, failures, outcomes);

        var report = $"seed {seed} (LARKWAY_FUZZ_SEED={seed} repeats it); {requests.Count + forms.Count} requests";
        target.Hub.HasExited.ShouldBeFalse($"the Hub died ({report})");
        using (var health = await target.Http.GetAsync("/healthz"))
        {
            ((int)health.StatusCode).ShouldBe(200, $"/healthz after the fuzz ({report})");
        }

        (requests.Count + forms.Count).ShouldBeGreaterThan(3000, "thousands of requests");
        forms.Count.ShouldBeGreaterThan(0, "the console's forms were found and fuzzed");
        failures.ShouldBeEmpty($"{report}; {failures.Count} failures, the first:\n" + string.Join("\n", failures.Take(40)));

        // The request path (Kestrel, ASP.NET Core, the Feishu endpoints, inline card handling) logs bad input as one
        // warning line; handlers running later may log a downstream failure (a reply to a message that does not exist).
        var noisy = LogEntries(target.Hub.Output)
            .Where(e => RequestPathCategory().IsMatch(e.Category) && (e.Level is "fail" or "crit" || e.Lines.Skip(1).Any(l => StackFrame().IsMatch(l))))
            .ToList();
        noisy.ShouldBeEmpty($"{report}: {noisy.Count} log entries for bad input at error level or with a stack trace, e.g.\n"
            + string.Join("\n", noisy.Take(8).Select(e => string.Join(" | ", e.Lines.Take(4)))));

        // Honest: the mutations reached the routes' own checks, past authentication.
        outcomes.Keys.Count(k => k.EndsWith(" 400", StringComparison.Ordinal)).ShouldBeGreaterThan(10, string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}×{o.Value}")));

        // DingTalk's callback too: signed requests were taken (200), the rest refused by the endpoint's own checks.
        foreach (var status in new[] { 200, 400, 401, 404 })
        {
            outcomes.ShouldContainKey($"/dingtalk/apps/{{name}}/callback {status}", string.Join(", ", outcomes.Where(o => o.Key.StartsWith("/dingtalk/", StringComparison.Ordinal)).Select(o => $"{o.Key}×{o.Value}")));
        }

        // The assistants' API and console pages reached their own checks: the existing assistant shown, bodies and
        // filters refused with 400, and its edit form's hostile values refused on the page.
        foreach (var outcome in new[] { "/api/v1/assistants/ 400", "/api/v1/assistants/{name} 200", "/api/v1/assistants/{name} 400", "/console/assistants/{name}/edit 400", "/console/assistants/{name}/conversations 400" })
        {
            outcomes.ShouldContainKey(outcome, string.Join(", ", outcomes.Where(o => o.Key.Contains("/assistants", StringComparison.Ordinal)).Select(o => $"{o.Key}×{o.Value}")));
        }

        // And WeCom's: URL checks and callbacks signed right were answered (200), the rest refused by the endpoint's checks.
        foreach (var status in new[] { 200, 400, 404 })
        {
            outcomes.ShouldContainKey($"/wecom/apps/{{name}}/callback {status}", string.Join(", ", outcomes.Where(o => o.Key.StartsWith("/wecom/", StringComparison.Ordinal)).Select(o => $"{o.Key}×{o.Value}")));
        }
    }

    /// <summary>Kestrel's default <c>MaxRequestLineSize</c>, which the Hub keeps.</summary>
    private const int KestrelMaxRequestLine = 8 * 1024;

    /// <summary>The bytes of <c>METHOD target HTTP/1.1\r\n</c> as Kestrel counts them against its limit.</summary>
    private static int RequestLineLength(HttpRequestMessage request) =>
        request.Method.Method.Length + 1 + request.RequestUri!.OriginalString.Length + " HTTP/1.1\r\n".Length;

    private static async Task SendAllAsync(FuzzTarget target, List<FuzzRequest> requests, ConcurrentQueue<string> failures, ConcurrentDictionary<string, int> outcomes)
    {
        var inFlight = new ConcurrentDictionary<FuzzRequest, byte>();
        var deathReported = 0;
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (fuzz, cancellation) =>
        {
            if (target.Hub.HasExited)
            {
                if (Interlocked.Exchange(ref deathReported, 1) == 0)
                {
                    foreach (var suspect in inFlight.Keys)
                    {
                        failures.Enqueue($"in flight when the Hub died: {suspect.Description}");
                    }
                }

                return;
            }

            inFlight[fuzz] = 0;
            using var request = fuzz.Build();
            using var hang = new CancellationTokenSource(HangAfter);
            try
            {
                using var response = await target.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, hang.Token);
                var status = (int)response.StatusCode;
                outcomes.AddOrUpdate($"{fuzz.Route} {status}", 1, (_, n) => n + 1);
                if (status >= 500)
                {
                    var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                    failures.Enqueue($"{status} ← {fuzz.Description}: {body[..Math.Min(body.Length, 300)]}");
                }
                else if (status is >= 400 and not (404 or 405) && (fuzz.Route.StartsWith("/api/", StringComparison.Ordinal) || fuzz.Route.StartsWith("/dingtalk/", StringComparison.Ordinal))
                    && !request.RequestUri!.OriginalString.Contains("%00", StringComparison.Ordinal)
                    && !(status == 414 && RequestLineLength(request) > KestrelMaxRequestLine)
                    && response.Content.Headers.ContentType?.MediaType is not ("application/problem+json" or "application/json"))
                {
                    // An API's (or DingTalk callback's) refusal says what to fix, as JSON (404 and 405 may come from routing itself, and Kestrel
                    // refuses a NUL in the path with a bare 400, and a request line over its limit with a bare 414 — junk in
                    // every segment of a three-parameter route plus a long query — before any of the Hub runs).
                    failures.Enqueue($"{status} without a JSON error ({response.Content.Headers.ContentType}) ← {fuzz.Description}");
                }
                else
                {
                    // Read the answer to the end: a server that fails while writing it is caught here.
                    await response.Content.ReadAsByteArrayAsync(hang.Token);
                }
            }
            catch (OperationCanceledException) when (hang.IsCancellationRequested)
            {
                failures.Enqueue($"hang (no answer in {HangAfter.TotalSeconds} s) ← {fuzz.Description}");
            }
            catch (HttpRequestException ex)
            {
                // A server may close on a body it will not read (too large); a small body dropped mid-answer is a crash.
                if (target.Hub.HasExited)
                {
                    failures.Enqueue($"the Hub died (exit code {target.Hub.ExitCode}) ← {fuzz.Description}");
                }
                else if (fuzz.BodyLength < 64 * 1024 && await DropsAgainAsync(target, fuzz))
                {
                    // Once may be the client's race with an answer sent before the body was read (under load);
                    // a drop that repeats for the same request is the server's.
                    failures.Enqueue($"connection dropped, twice ({ex.Message}) ← {fuzz.Description}");
                }
            }
            finally
            {
                inFlight.TryRemove(fuzz, out _);
            }
        });
    }

    /// <summary>Sends <paramref name="fuzz"/> again: true when that connection drops too.</summary>
    private static async Task<bool> DropsAgainAsync(FuzzTarget target, FuzzRequest fuzz)
    {
        using var request = fuzz.Build();
        using var hang = new CancellationTokenSource(HangAfter);
        try
        {
            using var response = await target.Http.SendAsync(request, HttpCompletionOption.ResponseContentRead, hang.Token);
            return false;
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && hang.IsCancellationRequested))
        {
            return true;
        }
    }

    private static async Task SendFramingAsync(FuzzTarget target, IReadOnlyList<FuzzRoute> routes, ConcurrentQueue<string> failures)
    {
        var cases = new List<(string Path, RawHttp.Case Case)>();
        var host = $"{target.Hub.BaseUrl.Host}:{target.Hub.BaseUrl.Port}";
        foreach (var route in routes.Where(r => r.Methods.Contains("POST") || r.Methods.Contains("PUT") || r.Methods.Contains("PATCH")))
        {
            var path = route.Path(p => target.Existing.TryGetValue(p, out var values) ? Uri.EscapeDataString(values[0]) : "x");
            string? authorization = route.IsApi ? $"Bearer {FuzzTarget.AdminKey}" : null;
            cases.AddRange(RawHttp.BrokenFraming(path, host, authorization)
                .Where(c => c.Name != "slow-body" || route.IsFeishu)
                .Select(c => (path, c)));
        }

        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (item, cancellation) =>
        {
            if (target.Hub.HasExited)
            {
                return;
            }

            try
            {
                var status = await RawHttp.SendAsync(target.Hub.BaseUrl, item.Case);

                // 505 HTTP Version Not Supported is the one right answer to HTTP/9.9, given by Kestrel before the Hub runs.
                if (status >= 500 && !(status == 505 && item.Case.Name == "bad-version"))
                {
                    failures.Enqueue($"{status} ← raw {item.Case.Name} to {item.Path}");
                }
            }
            catch (TimeoutException ex)
            {
                failures.Enqueue($"hang ({ex.Message}) ← raw {item.Case.Name} to {item.Path}");
            }
            catch (System.Net.Sockets.SocketException ex)
            {
                failures.Enqueue($"no connection ({ex.SocketErrorCode}) ← raw {item.Case.Name} to {item.Path}");
            }
        });
    }

    /// <summary>The console logger's entries: a "level: category[id]" line and the indented lines under it.</summary>
    private static List<(string Level, string Category, List<string> Lines)> LogEntries(IReadOnlyList<string> output)
    {
        var entries = new List<(string Level, string Category, List<string> Lines)>();
        foreach (var line in output)
        {
            if (EntryHead().Match(line) is { Success: true } head)
            {
                entries.Add((head.Groups[1].Value, head.Groups[2].Value, [line]));
            }
            else if (entries.Count > 0)
            {
                entries[^1].Lines.Add(line);
            }
        }

        return entries;
    }

    [GeneratedRegex(@"^(trce|dbug|info|warn|fail|crit): ([^\[]+)\[")]
    private static partial Regex EntryHead();

    [GeneratedRegex(@"^(Microsoft\.AspNetCore|Larkway\.Feishu\.AspNetCore|Larkway\.Hub\.Feishu\.Inbound\.FeishuInboxSink|Larkway\.Hub\.AdminConsole)")]
    private static partial Regex RequestPathCategory();

    [GeneratedRegex(@"^\s+at \S+\(")]
    private static partial Regex StackFrame();
}
