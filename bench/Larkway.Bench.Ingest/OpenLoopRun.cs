using System.Diagnostics;

namespace Larkway.Bench.Ingest;

/// <summary>What one run (one target, one offered load) measured.</summary>
/// <param name="Target">The target's name.</param>
/// <param name="OfferedPerSecond">The schedule's rate.</param>
/// <param name="Sent">Requests scheduled.</param>
/// <param name="Acked">Answered 200 with the expected body.</param>
/// <param name="Errors">Anything else: other statuses, other bodies, timeouts, connection errors.</param>
/// <param name="AchievedPerSecond">Acked events per second of wall time (first planned send → last answer).</param>
/// <param name="P50Ms">Median ack latency of acked events, from the planned send time.</param>
/// <param name="P99Ms">99th percentile of the same.</param>
/// <param name="MaxMs">Worst of the same.</param>
/// <param name="OverDeadline">Acks that took longer than Feishu's 3 s (Feishu would have delivered again).</param>
/// <param name="MaxLagMs">How late the generator itself was against its schedule at worst.</param>
/// <param name="FirstError">One error, for the log.</param>
/// <param name="ServerCpuMsPerEvent">CPU time the server process used per acked event (from /proc), when known.</param>
internal sealed record RunResult(
    string Target,
    int OfferedPerSecond,
    int Sent,
    int Acked,
    int Errors,
    double AchievedPerSecond,
    double P50Ms,
    double P99Ms,
    double MaxMs,
    int OverDeadline,
    double MaxLagMs,
    string? FirstError,
    double ServerCpuMsPerEvent = double.NaN)
{
    /// <summary>open or closed.</summary>
    public string Mode { get; init; } = "open";

    /// <summary>95th percentile of the ack latency, where the run computes it.</summary>
    public double P95Ms { get; init; } = double.NaN;

    /// <summary>Closed loop: how many connections sent.</summary>
    public int Connections { get; init; }

    /// <summary>First send → last answer.</summary>
    public double WallSeconds { get; init; }

    /// <summary>Acked events the bots answer with a reply (direct messages, mentions).</summary>
    public int Replied { get; init; }

    /// <summary>Replies the Emulator received during the run (and, for the Hub, until its inbox drained).</summary>
    public long RepliesSeen { get; init; } = -1;

    /// <summary>The Hub: seconds from the last ack until its inbox had nothing pending or in progress; the peer handles inline (0).</summary>
    public double DrainSeconds { get; init; }

    /// <summary>Acked events per second from the first send until they were all handled (the Hub: until drained).</summary>
    public double HandledPerSecond => WallSeconds + DrainSeconds > 0 ? Acked / (WallSeconds + DrainSeconds) : 0;
}

/// <summary>
/// An open-loop run: requests go out at their planned times whether or not earlier ones have been
/// answered, and each latency is measured from the planned time, so a server that stalls is charged
/// for the whole time the requests behind the stall waited (no coordinated omission).
/// </summary>
internal static class OpenLoopRun
{
    private static readonly byte[] SuccessBody = """{"msg":"success"}"""u8.ToArray();
    private static readonly double TicksPerMs = Stopwatch.Frequency / 1000.0;

    public static async Task<RunResult> RunAsync(
        HttpClient http,
        string target,
        Uri url,
        IReadOnlyList<SignedEvent> events,
        int perSecond,
        Action<string>? onAcked = null)
    {
        // Everything the send loop needs exists before the clock starts.
        var requests = new HttpRequestMessage[events.Count];
        for (var i = 0; i < requests.Length; i++)
        {
            requests[i] = events[i].ToRequest(url);
        }

        var latencyTicks = new long[requests.Length];
        var ok = new bool[requests.Length];
        var completedAt = new long[requests.Length];
        var tasks = new Task[requests.Length];
        string? firstError = null;
        var interval = (double)Stopwatch.Frequency / perSecond;
        long maxLag = 0;

        // The schedule: request i is due at start + i × interval. The loop wakes about every
        // millisecond and sends everything that is due, so it never spins a core the servers need.
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 100;
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
            Name = "ingest-schedule",
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
                onAcked?.Invoke(events[i].EventId);
            }
        }

        var lastAnswer = completedAt.Max();
        var wallSeconds = (lastAnswer - start) / (double)Stopwatch.Frequency;
        var latencies = latencyTicks.Where((_, i) => ok[i]).Select(t => t / TicksPerMs).Order().ToArray();
        return new RunResult(
            target,
            perSecond,
            requests.Length,
            acked,
            requests.Length - acked,
            wallSeconds > 0 ? acked / wallSeconds : 0,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.99),
            latencies.Length > 0 ? latencies[^1] : double.NaN,
            latencies.Count(ms => ms > 3000),
            maxLag / TicksPerMs,
            firstError)
        {
            WallSeconds = wallSeconds,
            Replied = events.Where((e, i) => ok[i] && e.Replied).Count(),
            P95Ms = Percentile(latencies, 0.95),
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
            finally
            {
                request.Dispose();
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
