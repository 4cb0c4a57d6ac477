using Larkway.Shared.Clients;
using Larkway.WeCom.Http;
using Larkway.WeCom.Json;

namespace Larkway.WeCom.Auth;

/// <summary>
/// The app's access token (<c>GET /cgi-bin/gettoken?corpid=&amp;corpsecret=</c>, sent as the <c>access_token</c> query),
/// cached per corp id + secret: one client per app.
/// </summary>
internal sealed class WeComTokenProvider(WeComAppOptions options, TimeProvider timeProvider, WeComTelemetry telemetry)
{
    internal const string TokenPath = "/cgi-bin/gettoken";

    private readonly TokenCache<AccessToken> _cache = new(timeProvider);

    /// <summary>The cached token, fetched through <paramref name="send"/> (no token, with retries) when stale.</summary>
    public ValueTask<AccessToken> GetAsync(Func<WeComRequest, CancellationToken, Task<WeComReply>> send, CancellationToken cancellationToken) =>
        _cache.GetAsync(_ => FetchAsync(send), cancellationToken);

    /// <summary>Drops a token WeCom refused, so that the next call fetches another.</summary>
    public void Invalidate(string token) => _cache.Invalidate(token);

    // Measured by the telemetry: a span (a child of the call that found the cache cold or stale) and its count.
    private Task<AccessToken> FetchAsync(Func<WeComRequest, CancellationToken, Task<WeComReply>> send) =>
        telemetry.FetchTokenAsync(HttpMethod.Get, TokenPath, "app", (Provider: this, Send: send), static state => state.Provider.IssueAsync(state.Send));

    private async Task<AccessToken> IssueAsync(Func<WeComRequest, CancellationToken, Task<WeComReply>> send)
    {
        var started = timeProvider.GetUtcNow();
        var query = $"{TokenPath}?corpid={Uri.EscapeDataString(options.CorpId)}&corpsecret={Uri.EscapeDataString(options.CorpSecret)}";
        var request = new WeComRequest(HttpMethod.Get, query, TokenPath) { WithAppToken = false, Idempotent = true };
        var reply = await send(request, CancellationToken.None).ConfigureAwait(false);
        if (reply.Error is { } error)
        {
            throw WeComPipeline.ToException(reply, error,
                $"Could not get an access token for corp {options.CorpId} (GET {TokenPath}): check CorpId and the app's Secret in the WeCom admin console");
        }

        var answer = reply.Deserialize(WeComJsonContext.Default.TokenAnswer, "GET " + TokenPath);
        if (string.IsNullOrEmpty(answer.AccessToken) || answer.ExpiresIn <= 0)
        {
            throw new WeComApiException(WeComErrorCodes.MalformedResponse, $"The token answer of {TokenPath} has no access_token / expires_in.", reply.Status, reply.RequestId);
        }

        return AccessToken.Issued(answer.AccessToken, started, TimeSpan.FromSeconds(answer.ExpiresIn), options.TokenRefreshMargin);
    }
}
