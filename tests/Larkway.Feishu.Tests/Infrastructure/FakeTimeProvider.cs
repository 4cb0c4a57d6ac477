namespace Larkway.Feishu.Tests.Infrastructure;

/// <summary>
/// Time that moves only when told. Timers fire when <see cref="Advance"/> passes their due time;
/// <see cref="WaitForTimerAsync"/> lets a test see a delay the client asked for (e.g. a retry wait).
/// </summary>
public sealed class FakeTimeProvider : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<FakeTimer> _timers = [];
    private readonly Queue<TaskCompletionSource<TimeSpan>> _waiters = new();
    private readonly Queue<TimeSpan> _created = new();
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public void Advance(TimeSpan by)
    {
        List<FakeTimer> due;
        lock (_gate)
        {
            _now += by;
            due = _timers.Where(t => t.DueAt <= _now).ToList();
        }

        foreach (var timer in due)
        {
            timer.Fire();
        }
    }

    /// <summary>Completes with the due time of the next timer armed (or one armed since the last call).</summary>
    public Task<TimeSpan> WaitForTimerAsync()
    {
        lock (_gate)
        {
            if (_created.TryDequeue(out var dueTime))
            {
                return Task.FromResult(dueTime);
            }

            var waiter = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Enqueue(waiter);
            return waiter.Task;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new FakeTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    // Called whenever a timer is armed with a finite due time.
    private void Armed(TimeSpan dueTime)
    {
        TaskCompletionSource<TimeSpan>? waiter;
        lock (_gate)
        {
            if (!_waiters.TryDequeue(out waiter))
            {
                _created.Enqueue(dueTime);
            }
        }

        waiter?.SetResult(dueTime);
    }

    private sealed class FakeTimer(FakeTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset DueAt { get; private set; } = DateTimeOffset.MaxValue;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                owner._timers.Remove(this);
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    return true;
                }

                DueAt = owner._now + dueTime;
                owner._timers.Add(this);
            }

            owner.Armed(dueTime);
            return true;
        }

        public void Fire()
        {
            lock (owner._gate)
            {
                if (!owner._timers.Remove(this))
                {
                    return;
                }
            }

            callback(state);
        }

        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return default;
        }
    }
}
