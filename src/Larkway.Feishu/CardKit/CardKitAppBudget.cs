using System.Collections.Concurrent;

namespace Larkway.Feishu.CardKit;

/// <summary>
/// The app's CardKit budget: each CardKit endpoint — create, settings, full update, streamed text, … — takes at most 50
/// calls a second and 1,000 a minute per app, so however many cards stream at once (each paced in its own lane) the
/// app is never refused for its rate. A call over its endpoint's budget waits for the oldest in the window to age out.
/// </summary>
/// <remarks>
/// The platform counts calls as they arrive, and calls sent under load arrive closer together than they left: 50 sent
/// in one sliding second still had some refused when 100 answers began at once. So the budget keeps a fifth of the
/// second spare (40), and its windows are a little longer than the platform's.
/// </remarks>
internal sealed class CardKitAppBudget(TimeProvider clock, int perSecond = CardKitAppBudget.DefaultPerSecond, int perMinute = CardKitAppBudget.DefaultPerMinute)
{
    public const int DefaultPerSecond = 40;
    public const int DefaultPerMinute = 1000;

    private static readonly TimeSpan Second = TimeSpan.FromMilliseconds(1050);
    private static readonly TimeSpan Minute = TimeSpan.FromSeconds(61);

    private readonly ConcurrentDictionary<string, Windows> _endpoints = new(StringComparer.Ordinal);

    /// <summary>Waits until one more call of <paramref name="endpoint"/> (its route template) fits both windows, then counts it.</summary>
    public async Task TakeAsync(string endpoint, CancellationToken cancellationToken)
    {
        var windows = _endpoints.GetOrAdd(endpoint, static _ => new Windows());
        while (true)
        {
            var wait = windows.TryTake(clock, perSecond, perMinute);
            if (wait == TimeSpan.Zero)
            {
                return;
            }

            await Task.Delay(wait, clock, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One endpoint's calls of the last second and the last minute.</summary>
    private sealed class Windows
    {
        private readonly Lock _gate = new();
        private readonly Queue<long> _lastSecond = new();
        private readonly Queue<long> _lastMinute = new();

        /// <summary>Zero when the call is counted; otherwise how long to wait before asking again.</summary>
        public TimeSpan TryTake(TimeProvider clock, int perSecond, int perMinute)
        {
            lock (_gate)
            {
                var now = clock.GetTimestamp();
                Forget(clock, _lastSecond, now, Second);
                Forget(clock, _lastMinute, now, Minute);
                if (_lastSecond.Count < perSecond && _lastMinute.Count < perMinute)
                {
                    _lastSecond.Enqueue(now);
                    _lastMinute.Enqueue(now);
                    return TimeSpan.Zero;
                }

                var second = _lastSecond.Count < perSecond ? TimeSpan.Zero : Second - clock.GetElapsedTime(_lastSecond.Peek(), now);
                var minute = _lastMinute.Count < perMinute ? TimeSpan.Zero : Minute - clock.GetElapsedTime(_lastMinute.Peek(), now);
                var wait = second > minute ? second : minute;
                return wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1);
            }
        }

        private static void Forget(TimeProvider clock, Queue<long> window, long now, TimeSpan length)
        {
            while (window.Count > 0 && clock.GetElapsedTime(window.Peek(), now) >= length)
            {
                window.Dequeue();
            }
        }
    }
}
