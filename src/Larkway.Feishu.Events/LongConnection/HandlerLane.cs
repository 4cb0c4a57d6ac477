namespace Larkway.Feishu.Events.LongConnection;

/// <summary>
/// A bounded allowance of handler slots: <c>concurrency</c> run at once and up to <c>backlog</c> more wait.
/// Reserving never blocks, so the receive loop (and with it pings and other frames) never waits here.
/// </summary>
internal sealed class HandlerLane(int concurrency, int backlog)
{
    private readonly SemaphoreSlim _gate = new(concurrency, concurrency);
    private readonly int _limit = concurrency + backlog;
    private int _reserved;

    public bool TryReserve()
    {
        if (Interlocked.Increment(ref _reserved) <= _limit)
        {
            return true;
        }

        Interlocked.Decrement(ref _reserved);
        return false;
    }

    public void Unreserve() => Interlocked.Decrement(ref _reserved);

    public Task EnterAsync(CancellationToken cancellationToken) => _gate.WaitAsync(cancellationToken);

    public void Exit() => _gate.Release();
}
