namespace Larkway.Shared.Clients;

/// <summary>A cached credential: its value and the instant from which it is replaced (before it expires).</summary>
internal interface ICachedToken
{
    string Value { get; }

    DateTimeOffset RefreshAt { get; }
}

/// <summary>
/// One cached token, replaced early and fetched single-flight: however many calls find it missing or stale at once, one
/// fetch runs and all of them await it. Compiled into each client library (src/Shared/Clients); internal to each.
/// </summary>
internal sealed class TokenCache<TToken>(TimeProvider timeProvider)
    where TToken : class, ICachedToken
{
    private readonly Lock _gate = new();
    private TToken? _current;
    private Task<TToken>? _inflight;

    /// <summary>The cached token while it is fresh; null when it must be fetched.</summary>
    public TToken? TryGetFresh() => Fresh(Volatile.Read(ref _current));

    /// <summary>Returns a fresh token, fetching it with <paramref name="fetch"/> when needed.</summary>
    /// <remarks>
    /// The fetch is not tied to any one caller's cancellation (it gets <see cref="CancellationToken.None"/>): a caller that
    /// gives up stops waiting, and the fetch completes for the others (its own time limit is the pipeline's timeout).
    /// </remarks>
    public ValueTask<TToken> GetAsync(Func<CancellationToken, Task<TToken>> fetch, CancellationToken cancellationToken)
    {
        if (Fresh(Volatile.Read(ref _current)) is { } token)
        {
            return new ValueTask<TToken>(token);
        }

        Task<TToken> task;
        lock (_gate)
        {
            if (Fresh(_current) is { } again)
            {
                return new ValueTask<TToken>(again);
            }

            task = _inflight ??= FetchAndStoreAsync(fetch);
        }

        return new ValueTask<TToken>(task.WaitAsync(cancellationToken));
    }

    /// <summary>Drops <paramref name="value"/> if it is still the cached token (a newer one is kept).</summary>
    public void Invalidate(string value)
    {
        lock (_gate)
        {
            if (_current is { } current && string.Equals(current.Value, value, StringComparison.Ordinal))
            {
                _current = null;
            }
        }
    }

    private TToken? Fresh(TToken? token) => token is not null && timeProvider.GetUtcNow() < token.RefreshAt ? token : null;

    private async Task<TToken> FetchAndStoreAsync(Func<CancellationToken, Task<TToken>> fetch)
    {
        // Yield first so the fetch never runs inside the lock taken by the caller.
        await Task.Yield();
        try
        {
            var token = await fetch(CancellationToken.None).ConfigureAwait(false);
            lock (_gate)
            {
                _current = token;
            }

            return token;
        }
        finally
        {
            lock (_gate)
            {
                _inflight = null;
            }
        }
    }
}
