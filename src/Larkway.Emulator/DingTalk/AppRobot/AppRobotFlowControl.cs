using Larkway.Emulator.Hosting;

namespace Larkway.Emulator.DingTalk.AppRobot;

/// <summary>
/// Per-user flow control of one-to-one robot messages: a user who already got
/// <see cref="EmulatorOptions.DingTalkRobotUserMessagesPerMinute"/> messages from the robot within the last minute is
/// answered in <c>flowControlledStaffIdList</c> (HTTP 200, not delivered). DingTalk documents that such users are listed,
/// not the threshold, so it is an option. Sliding window on the injected clock; held-back messages do not count.
/// </summary>
internal sealed class AppRobotFlowControl(TimeProvider time, EmulatorOptions options)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<(string RobotCode, string UserId), Queue<DateTimeOffset>> _windows = [];

    /// <summary>True when the user may get one more message now (and it is counted).</summary>
    public bool TryAcquire(string robotCode, string userId)
    {
        if (!options.EnforceRateLimits)
        {
            return true;
        }

        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_windows.TryGetValue((robotCode, userId), out var sends))
            {
                sends = new Queue<DateTimeOffset>();
                _windows[(robotCode, userId)] = sends;
            }

            while (sends.Count > 0 && sends.Peek() <= now - Window)
            {
                sends.Dequeue();
            }

            if (sends.Count >= options.DingTalkRobotUserMessagesPerMinute)
            {
                return false;
            }

            sends.Enqueue(now);
            return true;
        }
    }
}
