using System.Diagnostics;

namespace Larkway.Bench.Ingest;

/// <summary>
/// A closed-loop run: a fixed number of connections, each sending its next event as soon as the answer to the
/// previous one is back, for a fixed time. The server sets the pace, so events/s is what it sustains at that
/// concurrency; latency runs from each request's send to its answer.
/// </summary>
internal static class ClosedLoopRun
{
    private static readonly byte[] SuccessBody = """{"msg":"success"}"""u8.ToArray();
    private static readonly double TicksPerMs = Stopwatch.Frequency / 1000.0;

    public static async Task<RunResult> RunAsync(
        HttpClient http,
        string target,
        Uri url,
        IReadOnlyList<SignedEvent> events,
        int connections,
        TimeSpan duration,
        Action<string>? onAcked = null)
    {
        var requests = new HttpRequestMessage[events.Count];
        for (var i = 0; i < requests.Length; i++)
        {
            requests[i] = events[i].ToRequest(url);
        }

        var latencyTicks = new long[requests.Length];
        var ok = new bool[requests.Length];
        var completedAt = new long[requests.Length];
        var sent = new bool[requests.Length];
        string? firstError = null;
        var next = -1;
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);

        var workers = new Task[connections];
        for (var w = 0; w < connections; w++)
        {
            workers[w] = Task.Run(WorkerAsync);
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        foreach (var request in requests)
        {
            request.Dispose();
        }

        var count = Math.Min(requests.Length, next + 1);
        var acked = 0;
        var sentCount = 0;
        long lastAnswer = start;
        for (var i = 0; i < requests.Length; i++)
        {
            if (!sent[i])
            {
                continue;
            }

            sentCount++;
            lastAnswer = Math.Max(lastAnswer, completedAt[i]);
            if (ok[i])
            {
                acked++;
                onAcked?.Invoke(events[i].EventId);
            }
        }

        var wallSeconds = (lastAnswer - start) / (double)Stopwatch.Frequency;
        var latencies = latencyTicks.Where((_, i) => ok[i]).Select(t => t / TicksPerMs).Order().ToArray();
        return new RunResult(
            target,
            0,
            sentCount,
            acked,
            sentCount - acked,
            wallSeconds > 0 ? acked / wallSeconds : 0,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.99),
            latencies.Length > 0 ? latencies[^1] : double.NaN,
            latencies.Count(ms => ms > 3000),
            0,
            count >= requests.Length ? $"ran out of prepared events ({requests.Length}) before the time was up" : firstError)
        {
            Mode = "closed",
            Connections = connections,
            WallSeconds = wallSeconds,
            Replied = events.Where((e, i) => sent[i] && ok[i] && e.Replied).Count(),
        };

        async Task WorkerAsync()
        {
            while (true)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= requests.Length || Stopwatch.GetTimestamp() >= end)
                {
                    return;
                }

                sent[i] = true;
                var began = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.SendAsync(requests[i]).ConfigureAwait(false);
                    var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                    var now = Stopwatch.GetTimestamp();
                    completedAt[i] = now;
                    latencyTicks[i] = now - began;
                    if (response.StatusCode == System.Net.HttpStatusCode.OK && body.AsSpan().SequenceEqual(SuccessBody))
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
            }
        }
    }

    private static double Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}
