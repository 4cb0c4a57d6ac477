using System.Collections.Concurrent;

namespace Larkway.Feishu.Authen;

/// <summary>
/// Where users' token sets are kept between requests, by app and by the caller's key for the user (an open_id, a union_id,
/// a local account id). An implementation keeps the tokens secret at rest: they let anyone act as the user.
/// </summary>
/// <remarks>
/// A refresh replaces the whole set (the refresh token rotates), so <see cref="SaveAsync"/> overwrites. A store shared by
/// several processes needs nothing more: <see cref="FeishuUserTokenProvider"/> reads the store again when a refresh token
/// turns out to be used already, and takes what another process saved.
/// </remarks>
public interface IFeishuUserTokenStore
{
    /// <summary>The user's token set, or null when none is kept.</summary>
    Task<FeishuUserToken?> GetAsync(string appId, string userKey, CancellationToken cancellationToken = default);

    /// <summary>Keeps <paramref name="token"/> as the user's token set, replacing any other.</summary>
    Task SaveAsync(string appId, string userKey, FeishuUserToken token, CancellationToken cancellationToken = default);

    /// <summary>Forgets the user's token set (sign-out, or a refresh token that no longer works); nothing happens when none is kept.</summary>
    Task RemoveAsync(string appId, string userKey, CancellationToken cancellationToken = default);
}

/// <summary>A process-local <see cref="IFeishuUserTokenStore"/>: tokens are lost on restart. Thread-safe.</summary>
public sealed class InMemoryFeishuUserTokenStore : IFeishuUserTokenStore
{
    private readonly ConcurrentDictionary<(string AppId, string UserKey), FeishuUserToken> _tokens = new();

    /// <inheritdoc />
    public Task<FeishuUserToken?> GetAsync(string appId, string userKey, CancellationToken cancellationToken = default) =>
        Task.FromResult(_tokens.TryGetValue(Key(appId, userKey), out var token) ? token : null);

    /// <inheritdoc />
    public Task SaveAsync(string appId, string userKey, FeishuUserToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        _tokens[Key(appId, userKey)] = token;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task RemoveAsync(string appId, string userKey, CancellationToken cancellationToken = default)
    {
        _tokens.TryRemove(Key(appId, userKey), out _);
        return Task.CompletedTask;
    }

    private static (string, string) Key(string appId, string userKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(appId);
        ArgumentException.ThrowIfNullOrEmpty(userKey);
        return (appId, userKey);
    }
}
