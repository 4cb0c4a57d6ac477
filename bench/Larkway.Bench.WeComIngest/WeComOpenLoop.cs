using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Larkway.Bench.Ingest;

namespace Larkway.Bench.WeComIngest;

/// <summary>
/// The open loop of the Feishu side (<see cref="OpenLoopRun"/>) for WeCom callbacks: request <c>i</c> is due at
/// <c>start + i / rate</c> whether or not earlier ones were answered, and its latency runs from that planned time to the
/// end of the response, so a Hub that stalls is charged for everything queued behind the stall. An ack is WeCom's: 200
/// with an empty body (anything else makes WeCom retry).
/// </summary>
internal static class WeComOpenLoop
{
    private static readonly double TicksPerMs = Stopwatch.Frequency / 1000.0;
    private static readonly MediaTypeHeaderValue Xml = new("text/xml") { CharSet = "utf-8" };

    public static async Task<RunResult> RunAsync(HttpClient http, string target, Uri hub, IReadOnlyList<WeComCallback> callbacks, int perSecond, Action<WeComCallback>? onAcked = null)
    {
        var requests = new HttpRequestMessage[callbacks.Count];
        for (var i = 0; i < requests.Length; i++)
        {
            var content = new ByteArrayContent(callbacks[i].Body);
            content.Headers.ContentType = Xml;
            requests[i] = new HttpRequestMessage(HttpMethod.Post, new Uri(hub, callbacks[i].PathAndQuery)) { Content = content };
        }

        var latencyTicks = new long[requests.Length];
        var ok = new bool[requests.Length];
        var completedAt = new long[requests.Length];
        var tasks = new Task[requests.Length];
        string? firstError = null;
        var interval = (double)Stopwatch.Frequency / perSecond;
        long maxLag = 0;

        var start = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 100);
        var sender = new Thread(() =>
        {
            var next = 0;
            while (next < requests.Length)
            {
                var now = Stopwatch.GetTimestamp();
                while (next < requests.Length)
                {
                    var planned = start + (long)(next * interval);
                    if (planned > now)
                    {
                        break;
                    }

                    maxLag = Math.Max(maxLag, now - planned);
                    tasks[next] = SendAsync(next, planned);
                    next++;
                }

                if (next < requests.Length)
                {
                    Thread.Sleep(1);
                }
            }
        })
        {
            IsBackground = true,
            Name = "wecom-schedule",
            Priority = ThreadPriority.AboveNormal,
        };
        sender.Start();
        sender.Join();
        await Task.WhenAll(tasks);

        var acked = 0;
        for (var i = 0; i < ok.Length; i++)
        {
            if (ok[i])
            {
                acked++;
                onAcked?.Invoke(callbacks[i]);
            }
        }

        var wallSeconds = (completedAt.Max() - start) / (double)Stopwatch.Frequency;
        var latencies = latencyTicks.Where((_, i) => ok[i]).Select(t => t / TicksPerMs).Order().ToArray();
        return new RunResult(
            target,
            perSecond,
            requests.Length,
            acked,
            requests.Length - acked,
            wallSeconds > 0 ? acked / wallSeconds : 0,
            Stats.Percentile(latencies, 0.50),
            Stats.Percentile(latencies, 0.99),
            latencies.Length > 0 ? latencies[^1] : double.NaN,
            latencies.Count(ms => ms > 5000),
            maxLag / TicksPerMs,
            firstError)
        {
            WallSeconds = wallSeconds,
            Replied = callbacks.Where((c, i) => ok[i] && !c.Retry).Count(),
            P95Ms = Stats.Percentile(latencies, 0.95),
        };

        async Task SendAsync(int i, long planned)
        {
            var request = requests[i];
            try
            {
                using var response = await http.SendAsync(request).ConfigureAwait(false);
                var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                var now = Stopwatch.GetTimestamp();
                completedAt[i] = now;
                latencyTicks[i] = now - planned;
                if (response.StatusCode == HttpStatusCode.OK && body.Length == 0)
                {
                    ok[i] = true;
                }
                else
                {
                    Interlocked.CompareExchange(ref firstError, $"{(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}", null);
                }
            }
#pragma warning disable CA1031 // Every failure is a measured error, whatever its type.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                completedAt[i] = Stopwatch.GetTimestamp();
                Interlocked.CompareExchange(ref firstError, $"{ex.GetType().Name}: {ex.Message}", null);
            }
            finally
            {
                request.Dispose();
            }
        }
    }
}
