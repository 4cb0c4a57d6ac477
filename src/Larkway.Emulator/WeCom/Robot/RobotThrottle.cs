using Larkway.Emulator.Hosting;

namespace Larkway.Emulator.WeCom.Robot;

/// <summary>
/// The group robot's documented limit — 20 messages a minute per robot ("每个消息推送发送的消息不能超过20条/分钟") — as a
/// sliding minute; a message over it is 45009 and is not posted. In memory (a restart forgets the window).
/// </summary>
internal sealed class RobotThrottle(TimeProvider time, EmulatorOptions options)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<DateTimeOffset>> _windows = new(StringComparer.Ordinal);

    public bool TryTake(string key)
    {
        if (!options.EnforceRateLimits)
        {
            return true;
        }

        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_windows.TryGetValue(key, out var window))
            {
                _windows[key] = window = new Queue<DateTimeOffset>();
            }

            while (window.Count > 0 && window.Peek() <= now - TimeSpan.FromMinutes(1))
            {
                window.Dequeue();
            }

            if (window.Count >= options.WeComRobotMessagesPerMinute)
            {
                return false;
            }

            window.Enqueue(now);
            return true;
        }
    }
}
