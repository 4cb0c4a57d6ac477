namespace Larkway.WeCom.Robots;

/// <summary>
/// Holds a group robot to its documented rate (20 messages a minute per webhook) on the client: each send reserves the
/// earliest instant at which no window holds more than the limit, and waits for it. A send whose wait would be longer
/// than allowed fails at once. When WeCom still answers 45009 (another sender shares the webhook), the robot is held for
/// a minute, so that later sends wait or fail fast instead of being refused one by one.
/// </summary>
internal sealed class RobotRateGate(int limit, TimeSpan window, TimeProvider timeProvider)
{
    private readonly Lock _gate = new();

    // Send instants, reserved or past, ascending; those older than the window are dropped as they pass.
    private readonly Queue<DateTimeOffset> _sends = new();
    private DateTimeOffset _blockedUntil = DateTimeOffset.MinValue;

    /// <summary>
    /// Reserves a send slot and returns how long to wait for it; throws when the wait would exceed <paramref name="maxWait"/>.
    /// A reservation is kept even if its caller then gives up (counting one send too many is the safe side).
    /// </summary>
    public TimeSpan Reserve(TimeSpan maxWait)
    {
        lock (_gate)
        {
            var now = timeProvider.GetUtcNow();
            if (_blockedUntil > now)
            {
                throw Refused(_blockedUntil - now, "WeCom refused this robot for its rate (45009); the client holds its messages, and the next one can go");
            }

            while (_sends.Count > 0 && _sends.Peek() <= now - window)
            {
                _sends.Dequeue();
            }

            var slot = now;
            if (_sends.Count >= limit)
            {
                // The send `limit` places back must have left the window before this one goes.
                slot = _sends.ElementAt(_sends.Count - limit) + window;
            }

            if (_sends.Count > 0 && _sends.Last() > slot)
            {
                slot = _sends.Last();
            }

            var wait = slot - now;
            if (wait > maxWait)
            {
                throw Refused(wait, $"This robot already has {limit} messages within a minute (WeCom's limit per robot); the next one can go");
            }

            _sends.Enqueue(slot);
            return wait;
        }
    }

    /// <summary>WeCom refused a send for its rate: no send is tried until <paramref name="duration"/> has passed.</summary>
    public void Block(TimeSpan duration)
    {
        lock (_gate)
        {
            var until = timeProvider.GetUtcNow() + duration;
            if (until > _blockedUntil)
            {
                _blockedUntil = until;
            }
        }
    }

    private static WeComApiException Refused(TimeSpan wait, string what) =>
        new(WeComErrorCodes.RateLimited, $"{what} in {Math.Ceiling(wait.TotalSeconds):0} s. Send fewer messages (combine them) or allow a longer MaxWait.")
        {
            RetryAfter = wait,
        };
}
