namespace Larkway.Emulator.State;

/// <summary>
/// A counter every change of the tenant advances (directory, chats, messages, approvals, tokens), so the state
/// file knows whether there is anything to write and a writer can wait for the next change without polling.
/// </summary>
internal sealed class StateRevision
{
    private readonly SemaphoreSlim _changed = new(0, 1);
    private long _current;

    public long Current => Interlocked.Read(ref _current);

    /// <summary>Counts a change; cheap and non-blocking, so it may be called under the state's locks.</summary>
    public void Advance()
    {
        Interlocked.Increment(ref _current);
        try
        {
            if (_changed.CurrentCount == 0)
            {
                _changed.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Another change signalled first: one wake-up covers both.
        }
    }

    /// <summary>Completes after the next change (at once when one happened since the last wait).</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _changed.WaitAsync(cancellationToken);
}
