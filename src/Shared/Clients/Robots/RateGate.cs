namespace Larkway.Shared.Clients;

/// <summary>Why <see cref="RateGate"/> refused a send: the wait it would need, and whether the platform's hold caused it.</summary>
/// <param name="Wait">How long until a send could go.</param>
/// <param name="Held">True when the platform refused an earlier send for its rate and the gate holds sends until then.</param>
/// <param name="Limit">The gate's limit per window.</param>
internal readonly record struct RateRefusal(TimeSpan Wait, bool Held, int Limit);

/// <summary>
/// Holds a sender (a group robot's webhook) to a documented rate on the client: each send reserves the earliest instant
/// at which no window holds more than <c>limit</c> sends, and waits for it. A send whose wait would be longer than allowed
/// fails at once. When the platform still refuses a send for its rate, <see cref="Hold"/> keeps later sends back for as
/// long as the platform does, so that they wait or fail fast instead of being refused one by one. Refusals are the
/// library's own exception, made by <c>refuse</c>.
/// </summary>
internal sealed class RateGate(int limit, TimeSpan window, TimeProvider timeProvider, Func<RateRefusal, Exception> refuse)
{
    private readonly Lock _gate = new();

    // Send instants, reserved or past, ascending; those older than the window are dropped as they pass.
    private readonly Queue<DateTimeOffset> _sends = new();
    private DateTimeOffset _heldUntil = DateTimeOffset.MinValue;

    /// <summary>
    /// Reserves a send slot and returns how long to wait for it; throws when the wait would exceed <paramref name="maxWait"/>.
    /// A reservation is kept even if its caller then gives up (counting one send too many is the safe side).
    /// </summary>
    public TimeSpan Reserve(TimeSpan maxWait)
    {
        lock (_gate)
        {
            var now = timeProvider.GetUtcNow();
            if (_heldUntil > now)
            {
                throw refuse(new RateRefusal(_heldUntil - now, Held: true, limit));
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
                throw refuse(new RateRefusal(wait, Held: false, limit));
            }

            _sends.Enqueue(slot);
            return wait;
        }
    }

    /// <summary>The platform refused a send for its rate: no send is tried until <paramref name="duration"/> has passed.</summary>
    public void Hold(TimeSpan duration)
    {
        lock (_gate)
        {
            var until = timeProvider.GetUtcNow() + duration;
            if (until > _heldUntil)
            {
                _heldUntil = until;
            }
        }
    }
}
