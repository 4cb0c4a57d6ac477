using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Larkway.Hub.Platform.Queue;

/// <summary>
/// Wakes a queue's worker in this process when work was added or became due here; other processes' work is found by
/// polling. Notifications coalesce: many before a wait wake it once.
/// </summary>
public sealed class WorkSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = false, SingleWriter = false });

    /// <summary>Wakes the worker (now, or at its next wait).</summary>
    public void Notify() => _channel.Writer.TryWrite(true);

    /// <summary>Waits for a notification or <paramref name="timeout"/> (on <paramref name="time"/>), whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        if (_channel.Reader.TryRead(out _))
        {
            return;
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(timeout, time, cts.Token);
        var signalled = _channel.Reader.WaitToReadAsync(cts.Token).AsTask();
        await Task.WhenAny(delay, signalled).ConfigureAwait(false);
        await cts.CancelAsync().ConfigureAwait(false);
        _channel.Reader.TryRead(out _);
        cancellationToken.ThrowIfCancellationRequested();
    }
}

/// <summary>One <see cref="WorkSignal"/> per queue name, shared by whoever adds work and the queue's worker.</summary>
public sealed class WorkSignals
{
    private readonly ConcurrentDictionary<string, WorkSignal> _signals = new(StringComparer.Ordinal);

    /// <summary>The signal of queue <paramref name="queue"/>.</summary>
    public WorkSignal For(string queue) => _signals.GetOrAdd(queue, _ => new WorkSignal());
}
