namespace Larkway.Feishu.CardKit;

/// <summary>
/// The app's CardKit budget: every CardKit call of the app — create, settings, updates, streamed text — counts against
/// the platform's 50 a second and 1,000 a minute per app, so however many cards stream at once (each paced in its own
/// lane) the app as a whole is never refused for its rate. A call over the budget waits for the oldest in the window to
/// age out. The windows are a little longer than the platform's, for calls that arrive closer together than they left.
/// </summary>
internal sealed class CardKitAppBudget(TimeProvider clock, int perSecond = CardKitAppBudget.DefaultPerSecond, int perMinute = CardKitAppBudget.DefaultPerMinute)
{
    public const int DefaultPerSecond = 50;
    public const int DefaultPerMinute = 1000;

    private static readonly TimeSpan Second = TimeSpan.FromMilliseconds(1050);
    private static readonly TimeSpan Minute = TimeSpan.FromSeconds(61);

    private readonly Lock _gate = new();
    private readonly Queue<long> _lastSecond = new();
    private readonly Queue<long> _lastMinute = new();

    /// <summary>Waits until one more call fits both windows, then counts it.</summary>
    public async Task TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            TimeSpan wait;
            lock (_gate)
            {
                var now = clock.GetTimestamp();
                Forget(_lastSecond, now, Second);
                Forget(_lastMinute, now, Minute);
                if (_lastSecond.Count < perSecond && _lastMinute.Count < perMinute)
                {
                    _lastSecond.Enqueue(now);
                    _lastMinute.Enqueue(now);
                    return;
                }

                var second = _lastSecond.Count < perSecond ? TimeSpan.Zero : Second - clock.GetElapsedTime(_lastSecond.Peek(), now);
                var minute = _lastMinute.Count < perMinute ? TimeSpan.Zero : Minute - clock.GetElapsedTime(_lastMinute.Peek(), now);
                wait = second > minute ? second : minute;
            }

            await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1), clock, cancellationToken).ConfigureAwait(false);
        }
    }

    private void Forget(Queue<long> window, long now, TimeSpan length)
    {
        while (window.Count > 0 && clock.GetElapsedTime(window.Peek(), now) >= length)
        {
            window.Dequeue();
        }
    }
}
