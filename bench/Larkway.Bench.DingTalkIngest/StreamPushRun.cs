using System.Diagnostics;
using Larkway.Bench.Ingest;

namespace Larkway.Bench.DingTalkIngest;

/// <summary>What a Stream run measured beyond <see cref="RunResult"/>.</summary>
/// <param name="Result">As the Feishu side's: latency from each push's planned time to its ack's arrival.</param>
/// <param name="Refused">Acks that were not <c>200</c> with <c>{"response":…}</c> (the Hub answers a push it could not store otherwise).</param>
/// <param name="Missing">Pushes with no ack within the timeout.</param>
/// <param name="WriteLagP99Ms">The driver's own lateness: from a push's planned time to the start of its write, 99th percentile.</param>
/// <param name="WireP99Ms">The ack latency from the start of each frame's write instead of its planned time, 99th percentile.</param>
internal sealed record StreamRunResult(RunResult Result, int Refused, int Missing, double WriteLagP99Ms, double WireP99Ms);

/// <summary>
/// An open-loop run over DingTalk Stream, as <see cref="OpenLoopRun"/> is over HTTP: push <c>i</c> is due at
/// <c>start + i / rate</c> whether or not earlier ones were acked, goes to one of the Hub's connections chosen at random
/// (DingTalk's rule), and its latency runs from that planned time to the moment its ack has been read, so a Hub that
/// stalls is charged for everything queued behind the stall. The frames are built before the clock starts.
/// </summary>
internal sealed class StreamPushRun
{
    private static readonly double TicksPerMs = Stopwatch.Frequency / 1000.0;

    private readonly IReadOnlyList<RobotPush> _pushes;
    private readonly Dictionary<string, int> _index;
    private readonly long[] _planned;
    private readonly long[] _written;
    private readonly long[] _ackedAt;
    private readonly int[] _answered;
    private readonly bool[] _ok;
    private readonly TaskCompletionSource _allAnswered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _outstanding;
    private string? _firstError;

    public StreamPushRun(IReadOnlyList<RobotPush> pushes)
    {
        _pushes = pushes;
        _index = new Dictionary<string, int>(pushes.Count, StringComparer.Ordinal);
        for (var i = 0; i < pushes.Count; i++)
        {
            _index[pushes[i].FrameId] = i;
        }

        _planned = new long[pushes.Count];
        _written = new long[pushes.Count];
        _ackedAt = new long[pushes.Count];
        _answered = new int[pushes.Count];
        _ok = new bool[pushes.Count];
        _outstanding = pushes.Count;
    }

    /// <summary>Pushes everything at <paramref name="perSecond"/> and waits for the acks, at most <paramref name="ackTimeout"/> after the last push.</summary>
    public async Task<StreamRunResult> RunAsync(FakeDingTalk server, string target, int perSecond, TimeSpan ackTimeout, Action<RobotPush>? onAcked = null)
    {
        server.Current = this;
        var interval = (double)Stopwatch.Frequency / perSecond;
        var noConnection = 0;

        // The schedule, as the Feishu side's: the loop wakes about every millisecond and queues everything due.
        var start = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 100);
        var sender = new Thread(() =>
        {
            var next = 0;
            while (next < _pushes.Count)
            {
                var now = Stopwatch.GetTimestamp();
                while (next < _pushes.Count)
                {
                    var planned = start + (long)(next * interval);
                    if (planned > now)
                    {
                        break;
                    }

                    _planned[next] = planned;
                    var open = server.Open;
                    if (open.Count == 0)
                    {
                        noConnection++;
                    }
                    else
                    {
                        open[Random.Shared.Next(open.Count)].Push(this, next, _pushes[next].Frame);
                    }

                    next++;
                }

                if (next < _pushes.Count)
                {
                    Thread.Sleep(1);
                }
            }
        })
        {
            IsBackground = true,
            Name = "stream-schedule",
            Priority = ThreadPriority.AboveNormal,
        };
        sender.Start();
        sender.Join();
        try
        {
            await _allAnswered.Task.WaitAsync(ackTimeout);
        }
        catch (TimeoutException)
        {
            // What has not been acked by now is missing.
        }

        if (server.Current == this)
        {
            server.Current = null;
        }

        return Summarize(target, perSecond, start, noConnection, onAcked);
    }

    /// <summary>The write of push <paramref name="index"/> starts now.</summary>
    public void Written(int index, long timestamp) => _written[index] = timestamp;

    /// <summary>An ack arrived; false when it names no push of this run.</summary>
    public bool OnAck(string frameId, int? code, string? data, long timestamp)
    {
        if (!_index.TryGetValue(frameId, out var i))
        {
            return false;
        }

        if (Interlocked.Exchange(ref _answered[i], 1) == 1)
        {
            return true;
        }

        _ackedAt[i] = timestamp;

        // A robot message handled is acked 200 with {"response":null}; a push the Hub could not store is answered otherwise.
        _ok[i] = code == 200 && data is not null && data.Contains("\"response\"", StringComparison.Ordinal);
        if (!_ok[i])
        {
            Interlocked.CompareExchange(ref _firstError, $"ack {code}: {data}", null);
        }

        if (Interlocked.Decrement(ref _outstanding) == 0)
        {
            _allAnswered.TrySetResult();
        }

        return true;
    }

    private StreamRunResult Summarize(string target, int perSecond, long start, int noConnection, Action<RobotPush>? onAcked)
    {
        var acked = 0;
        var refused = 0;
        var missing = 0;
        long lastAck = start;
        var latencies = new List<double>(_pushes.Count);
        var wire = new List<double>(_pushes.Count);
        var lags = new List<double>(_pushes.Count);
        for (var i = 0; i < _pushes.Count; i++)
        {
            if (_written[i] != 0)
            {
                lags.Add((_written[i] - _planned[i]) / TicksPerMs);
            }

            if (Volatile.Read(ref _answered[i]) == 0)
            {
                missing++;
                continue;
            }

            lastAck = Math.Max(lastAck, _ackedAt[i]);
            if (!_ok[i])
            {
                refused++;
                continue;
            }

            acked++;
            onAcked?.Invoke(_pushes[i]);
            latencies.Add((_ackedAt[i] - _planned[i]) / TicksPerMs);
            wire.Add((_ackedAt[i] - _written[i]) / TicksPerMs);
        }

        var sorted = latencies.Order().ToArray();
        var wallSeconds = (lastAck - start) / (double)Stopwatch.Frequency;
        var firstError = noConnection > 0 ? $"{noConnection} pushes found the app without a connection" : _firstError;
        var result = new RunResult(
            target,
            perSecond,
            _pushes.Count,
            acked,
            _pushes.Count - acked,
            wallSeconds > 0 ? acked / wallSeconds : 0,
            Stats.Percentile(sorted, 0.50),
            Stats.Percentile(sorted, 0.99),
            sorted.Length > 0 ? sorted[^1] : double.NaN,
            sorted.Count(ms => ms > 3000),
            lags.Count > 0 ? lags.Max() : double.NaN,
            firstError)
        {
            WallSeconds = wallSeconds,
            Replied = acked,
            P95Ms = Stats.Percentile(sorted, 0.95),
        };
        return new StreamRunResult(result, refused, missing, Stats.Percentile([.. lags.Order()], 0.99), Stats.Percentile([.. wire.Order()], 0.99));
    }
}
