using Larkway.DingTalk.Http;
using Larkway.DingTalk.Json;
using Larkway.Shared.Clients;

namespace Larkway.DingTalk.Auth;

/// <summary>
/// The app's two access tokens: the new API's (<c>POST /v1.0/oauth2/accessToken</c>, sent in the
/// <c>x-acs-dingtalk-access-token</c> header) and the old API's (<c>GET /gettoken</c>, sent as <c>access_token</c>),
/// each cached on its own.
/// </summary>
internal sealed class DingTalkTokenProvider(DingTalkAppOptions options, TimeProvider timeProvider, DingTalkTelemetry telemetry)
{
    internal const string NewTokenPath = "/v1.0/oauth2/accessToken";
    internal const string OldTokenPath = "/gettoken";

    private readonly TokenCache<AccessToken> _new = new(timeProvider);
    private readonly TokenCache<AccessToken> _old = new(timeProvider);

    /// <summary>The cached token for <paramref name="host"/>, fetched through <paramref name="send"/> (no token, with retries) when stale.</summary>
    public ValueTask<AccessToken> GetAsync(DingTalkHost host, Func<DingTalkRequest, CancellationToken, Task<DingTalkReply>> send, CancellationToken cancellationToken) =>
        host == DingTalkHost.Api
            ? _new.GetAsync(_ => FetchAsync(host, send), cancellationToken)
            : _old.GetAsync(_ => FetchAsync(host, send), cancellationToken);

    /// <summary>Drops a token DingTalk refused, so that the next call fetches another.</summary>
    public void Invalidate(DingTalkHost host, string token) => (host == DingTalkHost.Api ? _new : _old).Invalidate(token);

    // Measured by the telemetry: a span (a child of the call that found the cache cold or stale) and its count.
    private Task<AccessToken> FetchAsync(DingTalkHost host, Func<DingTalkRequest, CancellationToken, Task<DingTalkReply>> send) =>
        telemetry.FetchTokenAsync(
            host == DingTalkHost.Api ? HttpMethod.Post : HttpMethod.Get,
            host == DingTalkHost.Api ? NewTokenPath : OldTokenPath,
            host == DingTalkHost.Api ? "new" : "old",
            (Provider: this, Host: host, Send: send),
            static state => state.Provider.IssueAsync(state.Host, state.Send));

    private async Task<AccessToken> IssueAsync(DingTalkHost host, Func<DingTalkRequest, CancellationToken, Task<DingTalkReply>> send)
    {
        var started = timeProvider.GetUtcNow();
        var (token, lifetime) = host == DingTalkHost.Api ? await FetchNewAsync(send).ConfigureAwait(false) : await FetchOldAsync(send).ConfigureAwait(false);
        return AccessToken.Issued(token, started, lifetime, options.TokenRefreshMargin);
    }

    private async Task<(string Token, TimeSpan Lifetime)> FetchNewAsync(Func<DingTalkRequest, CancellationToken, Task<DingTalkReply>> send)
    {
        var request = new DingTalkRequest(HttpMethod.Post, DingTalkHost.Api, NewTokenPath, NewTokenPath)
        {
            Json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new NewTokenRequest(options.AppKey, options.AppSecret), DingTalkJsonContext.Default.NewTokenRequest),
            WithAppToken = false,
            Idempotent = true,
        };
        var reply = await send(request, CancellationToken.None).ConfigureAwait(false);
        ThrowIfRefused(reply, "POST " + NewTokenPath);
        var answer = reply.Deserialize(DingTalkJsonContext.Default.NewTokenAnswer, "POST " + NewTokenPath);
        return Checked(answer.AccessToken, answer.ExpireIn, reply, "accessToken / expireIn", NewTokenPath);
    }

    private async Task<(string Token, TimeSpan Lifetime)> FetchOldAsync(Func<DingTalkRequest, CancellationToken, Task<DingTalkReply>> send)
    {
        var query = $"{OldTokenPath}?appkey={Uri.EscapeDataString(options.AppKey)}&appsecret={Uri.EscapeDataString(options.AppSecret)}";
        var request = new DingTalkRequest(HttpMethod.Get, DingTalkHost.Oapi, query, OldTokenPath) { WithAppToken = false, Idempotent = true };
        var reply = await send(request, CancellationToken.None).ConfigureAwait(false);
        ThrowIfRefused(reply, "GET " + OldTokenPath);
        var answer = reply.Deserialize(DingTalkJsonContext.Default.OldTokenAnswer, "GET " + OldTokenPath);
        return Checked(answer.AccessToken, answer.ExpiresIn, reply, "access_token / expires_in", OldTokenPath);
    }

    private void ThrowIfRefused(DingTalkReply reply, string what)
    {
        if (reply.Error is { } error)
        {
            throw DingTalkPipeline.ToException(reply, error,
                $"Could not get an access token for app {options.AppKey} ({what}): check AppKey and AppSecret against the app's credentials page in the DingTalk developer console");
        }
    }

    private static (string, TimeSpan) Checked(string? token, long seconds, DingTalkReply reply, string fields, string path)
    {
        if (string.IsNullOrEmpty(token) || seconds <= 0)
        {
            throw new DingTalkApiException(DingTalkErrorCodes.MalformedResponse, $"The token answer of {path} has no {fields}.", reply.Status, reply.RequestId);
        }

        return (token, TimeSpan.FromSeconds(seconds));
    }
}
