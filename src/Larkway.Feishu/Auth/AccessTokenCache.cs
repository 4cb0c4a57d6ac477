using System.Net.Http.Headers;

namespace Larkway.Feishu.Auth;

/// <summary>
/// One cached access token with early expiry and single-flight refresh: however many callers find
/// the cache cold or stale at once, one fetch runs and all of them await it.
/// </summary>
internal sealed class AccessTokenCache(TimeProvider timeProvider)
{
    private readonly Lock _gate = new();
    private CachedToken? _current;
    private Task<CachedToken>? _inflight;

    /// <summary>The cached token while it is fresh; null when it must be fetched.</summary>
    public CachedToken? TryGetFresh() => Fresh(Volatile.Read(ref _current));

    /// <summary>Returns a fresh token, fetching it with <paramref name="fetch"/> when needed.</summary>
    /// <remarks>
    /// The fetch is not tied to any one caller's cancellation: a caller that gives up stops waiting,
    /// but the fetch completes for the others (its own time limit comes from the pipeline's timeout).
    /// </remarks>
    public async ValueTask<CachedToken> GetAsync(Func<CancellationToken, Task<CachedToken>> fetch, CancellationToken cancellationToken)
    {
        if (Fresh(Volatile.Read(ref _current)) is { } token)
        {
            return token;
        }

        Task<CachedToken> task;
        lock (_gate)
        {
            if (Fresh(_current) is { } again)
            {
                return again;
            }

            task = _inflight ??= FetchAndStoreAsync(fetch);
        }

        return await task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Drops <paramref name="token"/> if it is still the cached one (a newer token is kept).</summary>
    public void Invalidate(string token)
    {
        lock (_gate)
        {
            if (_current is { } current && string.Equals(current.Value, token, StringComparison.Ordinal))
            {
                _current = null;
            }
        }
    }

    private CachedToken? Fresh(CachedToken? token) =>
        token is not null && timeProvider.GetUtcNow() < token.RefreshAt ? token : null;

    private async Task<CachedToken> FetchAndStoreAsync(Func<CancellationToken, Task<CachedToken>> fetch)
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

/// <summary>A token, the instant it stops being valid, and the earlier instant from which it is replaced.</summary>
internal sealed record CachedToken(string Value, DateTimeOffset ExpiresAt, DateTimeOffset RefreshAt)
{
    /// <summary>
    /// <c>Bearer {Value}</c>, built once per token rather than once per call. Shared by concurrent requests,
    /// which only read it.
    /// </summary>
    public AuthenticationHeaderValue Header { get; } = new("Bearer", Value);

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"CachedToken {{ Value = ***, ExpiresAt = {ExpiresAt:O}, RefreshAt = {RefreshAt:O} }}");
}
