namespace Larkway.Feishu.Auth;

/// <summary>
/// At most one run of a piece of work per key at a time: callers that arrive while it runs await the same result, and
/// the key is forgotten once it completes (a later call runs the work again). For single-use credentials such as a
/// refresh token, where a second request with the same key would fail.
/// </summary>
internal sealed class SingleFlight<TKey, TValue>(IEqualityComparer<TKey>? comparer = null)
    where TKey : notnull
{
    private readonly Lock _gate = new();
    private readonly Dictionary<TKey, Task<TValue>> _running = new(comparer);

    /// <summary>Runs <paramref name="work"/> for <paramref name="key"/>, or joins the run already under way.</summary>
    /// <remarks>
    /// The run is not tied to any caller's cancellation: a caller that gives up stops waiting, the others still get the
    /// result (a consumed refresh token's successor would be lost otherwise).
    /// </remarks>
    public Task<TValue> RunAsync<TState>(TKey key, TState state, Func<TKey, TState, Task<TValue>> work, CancellationToken cancellationToken)
    {
        Task<TValue> run;
        lock (_gate)
        {
            if (!_running.TryGetValue(key, out run!))
            {
                run = StartAsync(key, state, work);
                _running[key] = run;
            }
        }

        return run.WaitAsync(cancellationToken);
    }

    private async Task<TValue> StartAsync<TState>(TKey key, TState state, Func<TKey, TState, Task<TValue>> work)
    {
        // Yield first so the work never runs inside the lock held by the caller that started it.
        await Task.Yield();
        try
        {
            return await work(key, state).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _running.Remove(key);
            }
        }
    }
}
