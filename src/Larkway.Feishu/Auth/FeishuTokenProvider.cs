using Larkway.Feishu.Http;
using Larkway.Feishu.Json;
using Larkway.Shared.Clients;

namespace Larkway.Feishu.Auth;

/// <summary>
/// Gets the tenant and app access tokens of one self-built app, each from its own
/// <see cref="TokenCache{TToken}"/>.
/// </summary>
internal sealed class FeishuTokenProvider(FeishuAppOptions options, TimeProvider timeProvider, FeishuTelemetry telemetry)
{
    internal const string TenantTokenPath = "/open-apis/auth/v3/tenant_access_token/internal";
    internal const string AppTokenPath = "/open-apis/auth/v3/app_access_token/internal";

    private readonly TokenCache<CachedToken> _tenant = new(timeProvider);
    private readonly TokenCache<CachedToken> _app = new(timeProvider);

    /// <summary>Returns the cached token of <paramref name="kind"/>, fetching through <paramref name="send"/> when stale.</summary>
    public ValueTask<CachedToken> GetAsync(FeishuAuth kind, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        if (options.AppType != FeishuAppType.SelfBuilt)
        {
            throw new FeishuApiException(FeishuErrorCodes.InvalidRequest,
                $"App '{options.AppId}' is a {options.AppType} app; only self-built apps (AppType = SelfBuilt) can get tokens in this version.");
        }

        var cache = kind == FeishuAuth.App ? _app : _tenant;
        if (cache.TryGetFresh() is { } cached)
        {
            telemetry.TokenLookup(kind, hit: true);
            return new ValueTask<CachedToken>(cached);
        }

        // Only a miss pays for the fetch's closure.
        telemetry.TokenLookup(kind, hit: false);
        var path = kind == FeishuAuth.App ? AppTokenPath : TenantTokenPath;
        return cache.GetAsync(ct => FetchAsync(kind, path, send, ct), cancellationToken);
    }

    /// <summary>Drops a token the platform rejected, so the next call fetches a new one.</summary>
    public void Invalidate(FeishuAuth kind, string token) => (kind == FeishuAuth.App ? _app : _tenant).Invalidate(token);

    // Measured by the telemetry: a span (a child of the call that found the cache cold or stale) and its counts.
    private Task<CachedToken> FetchAsync(FeishuAuth kind, string path, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send, CancellationToken cancellationToken) =>
        telemetry.FetchTokenAsync(HttpMethod.Post, path, FeishuTelemetry.Kind(kind), (Provider: this, Kind: kind, Path: path, Send: send, Cancellation: cancellationToken),
            static state => state.Provider.RequestAsync(state.Kind, state.Path, state.Send, state.Cancellation));

    private async Task<CachedToken> RequestAsync(FeishuAuth kind, string path, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        using var request = new FeishuRequestMessage(HttpMethod.Post, FeishuPipeline.Combine(options.BaseUrl, path), path)
        {
            Content = JsonBody.Create(new AppCredentialsBody(options.AppId, options.AppSecret), FeishuJson.Context.AppCredentialsBody),
            Auth = FeishuAuth.None,
            Idempotent = true,
        };

        var started = timeProvider.GetUtcNow();
        using var response = await FeishuPipeline.SendMappedAsync(send, request, options.BaseUrl, cancellationToken).ConfigureAwait(false);
        var body = await FeishuPipeline.ReadEnvelopeAsync(response, request, FeishuJson.Context.TokenResponse, cancellationToken).ConfigureAwait(false);
        var token = kind == FeishuAuth.App ? body.AppAccessToken : body.TenantAccessToken;
        if (string.IsNullOrEmpty(token) || body.Expire <= 0)
        {
            throw new FeishuApiException(FeishuErrorCodes.MalformedResponse,
                $"The token response from {path} has no {(kind == FeishuAuth.App ? "app_access_token" : "tenant_access_token")} or expire.",
                response.StatusCode, FeishuResponseProbe.HeaderLogId(response));
        }

        // Expiry counts from when we asked, so network time only makes the token look older. A token
        // shorter-lived than twice the margin (an emulator's, say) is replaced at half its life instead,
        // so that it is not refetched on every call.
        var lifetime = TimeSpan.FromSeconds(body.Expire);
        var margin = options.TokenRefreshMargin < lifetime / 2 ? options.TokenRefreshMargin : lifetime / 2;
        return new CachedToken(token, started + lifetime, started + lifetime - margin);
    }
}
