using Microsoft.Extensions.Time.Testing;

namespace Larkway.Feishu.Tests.CardKit;

/// <summary>
/// A fake clock that counts the timers (delays) waiting on it, so a test advances it only when every call it drives
/// waits on the clock: a call's time is then never read after a step it did not wait for, however busy the machine.
/// </summary>
internal sealed class QuietClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private int _waiting;

    public int Waiting => Volatile.Read(ref _waiting);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        // A delay's timer fires once or is disposed: either way it stops waiting, and is counted out once.
        var done = 0;
        void Stopped()
        {
            if (Interlocked.Exchange(ref done, 1) == 0)
            {
                Interlocked.Decrement(ref _waiting);
            }
        }

        Interlocked.Increment(ref _waiting);
        var timer = base.CreateTimer(s =>
        {
            Stopped();
            callback(s);
        }, state, dueTime, period);
        return new Counted(timer, Stopped);
    }

    private sealed class Counted(ITimer timer, Action stopped) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => timer.Change(dueTime, period);

        public void Dispose()
        {
            stopped();
            timer.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            stopped();
            return timer.DisposeAsync();
        }
    }
}
