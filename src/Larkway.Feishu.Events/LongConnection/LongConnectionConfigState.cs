namespace Larkway.Feishu.Events.LongConnection;

/// <summary>The live <see cref="FeishuLongConnectionConfig"/>, shared by the reconnect loop and every connection's heartbeat, with a signal when it changes.</summary>
internal sealed class LongConnectionConfigState(FeishuLongConnectionConfig initial)
{
    private readonly Lock _lock = new();
    private FeishuLongConnectionConfig _current = initial.Normalized();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FeishuLongConnectionConfig Current => Volatile.Read(ref _current);

    /// <summary>Completes at the next <see cref="Set"/>. Read it before <see cref="Current"/> so that no change is missed.</summary>
    public Task Changed
    {
        get
        {
            lock (_lock)
            {
                return _changed.Task;
            }
        }
    }

    public void Set(FeishuLongConnectionConfig config)
    {
        TaskCompletionSource previous;
        lock (_lock)
        {
            Volatile.Write(ref _current, config.Normalized());
            previous = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
    }
}
