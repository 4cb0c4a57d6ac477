using Larkway.Emulator.Hosting;

namespace Larkway.Emulator.DingTalk.Robots;

/// <summary>
/// DingTalk's documented robot limit: at most 20 messages per minute per robot; the one over the limit is refused and
/// the robot is throttled for 10 minutes (<see cref="EmulatorOptions.DingTalkRobotThrottle"/>). The minute is a sliding
/// window on the injected clock; refused messages do not count.
/// </summary>
internal sealed class RobotThrottle(TimeProvider time, EmulatorOptions options)
{
    public const int PerMinute = 20;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, RobotWindow> _windows = new(StringComparer.Ordinal);

    /// <summary>True when the robot may send now (and the send is counted).</summary>
    public bool TryAcquire(string accessToken)
    {
        if (!options.EnforceRateLimits)
        {
            return true;
        }

        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_windows.TryGetValue(accessToken, out var window))
            {
                window = new RobotWindow();
                _windows[accessToken] = window;
            }

            if (window.ThrottledUntil > now)
            {
                return false;
            }

            while (window.Sends.Count > 0 && window.Sends.Peek() <= now - Window)
            {
                window.Sends.Dequeue();
            }

            if (window.Sends.Count >= PerMinute)
            {
                window.ThrottledUntil = now + options.DingTalkRobotThrottle;
                window.Sends.Clear();
                return false;
            }

            window.Sends.Enqueue(now);
            return true;
        }
    }

    private sealed class RobotWindow
    {
        public Queue<DateTimeOffset> Sends { get; } = new();

        public DateTimeOffset ThrottledUntil { get; set; }
    }
}
