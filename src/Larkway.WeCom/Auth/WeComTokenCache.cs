namespace Larkway.WeCom.Auth;

/// <summary>
/// One cached access token, replaced early and fetched single-flight: however many calls find it missing or stale at
/// once, one request goes to WeCom and all of them await it.
/// </summary>
internal sealed class WeComTokenCache(TimeProvider timeProvider)
{
    private readonly Lock _gate = new();
    private WeComToken? _current;
    private Task<WeComToken>? _inflight;

    /// <summary>Returns a fresh token, fetching it with <paramref name="fetch"/> when needed.</summary>
    /// <remarks>The fetch outlives a caller that gives up: the others still get its token.</remarks>
    public ValueTask<WeComToken> GetAsync(Func<Task<WeComToken>> fetch, CancellationToken cancellationToken)
    {
        if (Fresh(Volatile.Read(ref _current)) is { } token)
        {
            return new ValueTask<WeComToken>(token);
        }

        Task<WeComToken> task;
        lock (_gate)
        {
            if (Fresh(_current) is { } again)
            {
                return new ValueTask<WeComToken>(again);
            }

            task = _inflight ??= FetchAndStoreAsync(fetch);
        }

        return new ValueTask<WeComToken>(task.WaitAsync(cancellationToken));
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

    private WeComToken? Fresh(WeComToken? token) => token is not null && timeProvider.GetUtcNow() < token.RefreshAt ? token : null;

    private async Task<WeComToken> FetchAndStoreAsync(Func<Task<WeComToken>> fetch)
    {
        // Off the caller's lock before any work.
        await Task.Yield();
        try
        {
            var token = await fetch().ConfigureAwait(false);
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

/// <summary>A token, when it expires, and the earlier instant from which it is replaced.</summary>
internal sealed record WeComToken(string Value, DateTimeOffset ExpiresAt, DateTimeOffset RefreshAt)
{
    public override string ToString() => $"WeComToken {{ Value = ***, ExpiresAt = {ExpiresAt:O} }}";
}
