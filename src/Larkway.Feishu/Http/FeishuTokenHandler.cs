using System.Net.Http.Headers;

namespace Larkway.Feishu.Http;

/// <summary>
/// Outermost handler: puts the right token on each request, and when the platform says the cached
/// tenant/app token is no longer good (99991663/99991664/99991671) drops it, fetches a new one and
/// sends the request once more.
/// </summary>
internal sealed class FeishuTokenHandler(FeishuAppRuntime app) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var auth = request.Options.TryGetValue(FeishuRequestKeys.Auth, out var kind) ? kind : FeishuAuth.Tenant;
        switch (auth)
        {
            case FeishuAuth.None:
                return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            case FeishuAuth.User:
                request.Options.TryGetValue(FeishuRequestKeys.UserAccessToken, out var userToken);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", userToken);
                return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var token = await app.Tokens.GetAsync(auth, SendInnerAsync, cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);

        var probe = await FeishuResponseProbe.GetAsync(response, cancellationToken).ConfigureAwait(false);
        if (probe.Code is not { } code || !FeishuErrorCodes.IsInvalidToken(code))
        {
            return response;
        }

        Log.TokenRejected(app.Logger, auth == FeishuAuth.App ? "app" : "tenant", app.Options.AppId, code);
        app.Tokens.Invalidate(auth, token);
        response.Dispose();
        var fresh = await app.Tokens.GetAsync(auth, SendInnerAsync, cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fresh);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    // Token requests go down the rest of the chain (retries, logging) but not through this handler.
    private Task<HttpResponseMessage> SendInnerAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);
}
