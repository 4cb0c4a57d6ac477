using Larkway.Feishu.Auth;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Larkway.Feishu.Authen;

/// <summary>
/// Valid user access tokens for one app's users, from an <see cref="IFeishuUserTokenStore"/>: a token near its expiry is
/// refreshed (one refresh per user at a time, through <see cref="AuthenClient.RefreshUserTokenAsync"/>) and the rotated
/// set saved before anyone gets it. Thread-safe; keep one per app.
/// </summary>
/// <example>
/// <code>
/// // After the redirect: exchange the code, find out who signed in, keep the tokens under that user's key.
/// var token = await client.Authen.ExchangeCodeAsync(code, redirectUri, pkce.Verifier);
/// var me = await client.Authen.GetUserInfoAsync(token.AccessToken);
/// await tokens.SaveAsync(me.OpenId!, token);
///
/// // Later, in any request: call as that user.
/// var asUser = await tokens.AsUserAsync(openId);
/// </code>
/// </example>
public partial class FeishuUserTokenProvider
{
    private readonly FeishuClient _client = null!;
    private readonly IFeishuUserTokenStore _store = null!;
    private readonly TimeProvider _time = null!;
    private readonly ILogger _logger = null!;
    private readonly SingleFlight<string, FeishuUserToken> _refreshes = new(StringComparer.Ordinal);

    /// <summary>A provider for <paramref name="client"/>'s app over <paramref name="store"/>.</summary>
    /// <param name="client">The app's client.</param>
    /// <param name="store">Where token sets are kept.</param>
    /// <param name="timeProvider">The clock expiry is judged by; by default the client's.</param>
    /// <param name="logger">Where refreshes are logged (user keys and codes, never tokens); by default the client's logger.</param>
    public FeishuUserTokenProvider(FeishuClient client, IFeishuUserTokenStore store, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(store);
        _client = client;
        _store = store;
        _time = timeProvider ?? client.Clock ?? TimeProvider.System;
        _logger = logger ?? client.Logger ?? NullLogger.Instance;
    }

    /// <summary>For mocking.</summary>
    protected FeishuUserTokenProvider()
    {
    }

    /// <summary>A token this close to its expiry is refreshed before it is handed out (default 5 minutes).</summary>
    public TimeSpan RefreshMargin { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Keeps a user's token set (after sign-in) under <paramref name="userKey"/>.</summary>
    public virtual Task SaveAsync(string userKey, FeishuUserToken token, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userKey);
        ArgumentNullException.ThrowIfNull(token);
        return _store.SaveAsync(_client.AppId, userKey, token, cancellationToken);
    }

    /// <summary>Forgets the user's tokens (sign-out).</summary>
    public virtual Task RemoveAsync(string userKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userKey);
        return _store.RemoveAsync(_client.AppId, userKey, cancellationToken);
    }

    /// <summary>A valid access token of the user, refreshed first when it is within <see cref="RefreshMargin"/> of expiry.</summary>
    /// <exception cref="FeishuApiException">
    /// <see cref="FeishuErrorCodes.UserNotSignedIn"/>: nothing is stored, or the token lapsed and cannot be refreshed (no
    /// refresh token, or Feishu refused it for good) — sign the user in again. Other codes: the refresh failed for now.
    /// </exception>
    public virtual async Task<string> GetAccessTokenAsync(string userKey, CancellationToken cancellationToken = default) =>
        (await GetTokenAsync(userKey, cancellationToken).ConfigureAwait(false)).AccessToken;

    /// <summary>A view of the client that calls as the user, with a valid access token (see <see cref="GetAccessTokenAsync"/>).</summary>
    public virtual async Task<FeishuClient> AsUserAsync(string userKey, CancellationToken cancellationToken = default) =>
        _client.AsUser(await GetAccessTokenAsync(userKey, cancellationToken).ConfigureAwait(false));

    /// <summary>The user's whole token set, refreshed and saved first when its access token is near expiry.</summary>
    /// <exception cref="FeishuApiException">As <see cref="GetAccessTokenAsync"/>.</exception>
    public virtual async Task<FeishuUserToken> GetTokenAsync(string userKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userKey);
        var stored = await _store.GetAsync(_client.AppId, userKey, cancellationToken).ConfigureAwait(false) ?? throw NotSignedIn(userKey, "no token is stored");
        return IsFresh(stored)
            ? stored
            : await _refreshes.RunAsync(userKey, this, static (key, provider) => provider.RefreshAndSaveAsync(key), cancellationToken).ConfigureAwait(false);
    }

    private bool IsFresh(FeishuUserToken token) => _time.GetUtcNow() < token.ExpiresAt - RefreshMargin;

    // Shared by every caller waiting for this user, so it does not stop for one caller's cancellation: a refresh token
    // consumed without its successor saved would sign the user out.
    private async Task<FeishuUserToken> RefreshAndSaveAsync(string userKey)
    {
        var appId = _client.AppId;
        var current = await _store.GetAsync(appId, userKey, CancellationToken.None).ConfigureAwait(false) ?? throw NotSignedIn(userKey, "no token is stored");
        if (IsFresh(current))
        {
            return current;
        }

        var now = _time.GetUtcNow();
        if (!current.CanRefreshAt(now))
        {
            return now < current.ExpiresAt ? current : throw NotSignedIn(userKey, "the access token lapsed and there is no usable refresh token");
        }

        try
        {
            var fresh = await _client.Authen.RefreshUserTokenAsync(current.RefreshToken!, cancellationToken: CancellationToken.None).ConfigureAwait(false);
            await _store.SaveAsync(appId, userKey, fresh, CancellationToken.None).ConfigureAwait(false);
            LogRefreshed(_logger, appId, userKey);
            return fresh;
        }
        catch (FeishuApiException ex) when (FeishuErrorCodes.IsRefreshTokenDead(ex.Code))
        {
            return await RecoverFromDeadRefreshTokenAsync(appId, userKey, current, ex).ConfigureAwait(false);
        }
        catch (FeishuApiException ex) when (ex.IsTransient && _time.GetUtcNow() < current.ExpiresAt)
        {
            // Refreshing early failed for now; the token still works until it lapses, and the next call tries again.
            LogRefreshFailed(_logger, appId, userKey, ex.Code);
            return current;
        }
    }

    // Another process sharing the store may have used the refresh token first and saved its successor: take that. Otherwise
    // the stored set is dead; forget it, so the next call says "sign in" without asking Feishu again.
    private async Task<FeishuUserToken> RecoverFromDeadRefreshTokenAsync(string appId, string userKey, FeishuUserToken tried, FeishuApiException failure)
    {
        var latest = await _store.GetAsync(appId, userKey, CancellationToken.None).ConfigureAwait(false);
        if (latest is not null && !string.Equals(latest.RefreshToken, tried.RefreshToken, StringComparison.Ordinal) && _time.GetUtcNow() < latest.ExpiresAt)
        {
            return latest;
        }

        if (latest is not null && string.Equals(latest.RefreshToken, tried.RefreshToken, StringComparison.Ordinal))
        {
            await _store.RemoveAsync(appId, userKey, CancellationToken.None).ConfigureAwait(false);
        }

        LogDropped(_logger, appId, userKey, failure.Code);
        throw NotSignedIn(userKey, $"Feishu refused the refresh token (code {failure.Code})", failure);
    }

    private static FeishuApiException NotSignedIn(string userKey, string why, Exception? inner = null) =>
        new(FeishuErrorCodes.UserNotSignedIn, $"User '{userKey}' has no usable Feishu token: {why}. Sign the user in again.", innerException: inner);

    [LoggerMessage(EventId = LogEvents.UserTokenRefreshed, Level = LogLevel.Debug, Message = "Refreshed the Feishu user token of {UserKey} (app {AppId})")]
    private static partial void LogRefreshed(ILogger logger, string appId, string userKey);

    [LoggerMessage(EventId = LogEvents.UserTokenRefreshFailed, Level = LogLevel.Warning, Message = "Could not refresh the Feishu user token of {UserKey} (app {AppId}) yet, code {Code}; the current token is still valid")]
    private static partial void LogRefreshFailed(ILogger logger, string appId, string userKey, int code);

    [LoggerMessage(EventId = LogEvents.UserTokenDropped, Level = LogLevel.Information, Message = "Feishu refused the refresh token of {UserKey} (app {AppId}), code {Code}: the user must sign in again")]
    private static partial void LogDropped(ILogger logger, string appId, string userKey, int code);
}
