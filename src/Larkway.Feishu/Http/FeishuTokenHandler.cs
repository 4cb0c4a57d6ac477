using System.Net.Http.Headers;

namespace Larkway.Feishu.Http;

/// <summary>
/// Outermost handler: puts the right token on each request, and when the platform says the cached
/// tenant/app token is no longer good (99991663/99991664/99991671) drops it, fetches a new one and
/// sends the request once more.
/// </summary>
internal sealed class FeishuTokenHandler : DelegatingHandler
{
    private readonly FeishuAppRuntime _app;

    // Made once: a method group converted on every call would allocate a delegate per call.
    private readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> _sendInner;

    public FeishuTokenHandler(FeishuAppRuntime app)
    {
        _app = app;
        _sendInner = SendInnerAsync;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var message = request as FeishuRequestMessage;
        switch (message?.Auth ?? FeishuAuth.Tenant)
        {
            case FeishuAuth.None:
                return base.SendAsync(request, cancellationToken);
            case FeishuAuth.User:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", message!.UserAccessToken);
                return base.SendAsync(request, cancellationToken);
            case var kind:
                return SendWithTokenAsync(request, kind, cancellationToken);
        }
    }

    private async Task<HttpResponseMessage> SendWithTokenAsync(HttpRequestMessage request, FeishuAuth auth, CancellationToken cancellationToken)
    {
        var token = await _app.Tokens.GetAsync(auth, _sendInner, cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = token.Header;
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);

        var probe = await FeishuResponseProbe.GetAsync(response, cancellationToken).ConfigureAwait(false);
        if (probe.Code is not { } code || !FeishuErrorCodes.IsInvalidToken(code))
        {
            return response;
        }

        Log.TokenRejected(_app.Logger, auth == FeishuAuth.App ? "app" : "tenant", _app.Options.AppId, code);
        _app.Tokens.Invalidate(auth, token.Value);
        response.Dispose();
        var fresh = await _app.Tokens.GetAsync(auth, _sendInner, cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = fresh.Header;
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    // Token requests go down the rest of the chain (retries, logging) but not through this handler.
    private Task<HttpResponseMessage> SendInnerAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);
}
