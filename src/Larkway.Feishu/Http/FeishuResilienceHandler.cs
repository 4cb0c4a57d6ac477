using Polly;

namespace Larkway.Feishu.Http;

/// <summary>
/// Runs each attempt through the app's Polly pipeline (retry with back-off and jitter, honouring
/// <c>x-ogw-ratelimit-reset</c>; per-attempt timeout). See <see cref="FeishuResilience"/>.
/// </summary>
internal sealed class FeishuResilienceHandler(FeishuAppRuntime app) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(FeishuResilience.RequestKey, request);
        try
        {
            // A static callback with its state passed along: no closure or async lambda per call.
            return await app.Resilience.ExecuteAsync(
                static (ctx, state) => new ValueTask<HttpResponseMessage>(state.Handler.SendInnerAsync(state.Request, ctx.CancellationToken)),
                context,
                (Handler: this, Request: request)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Task<HttpResponseMessage> SendInnerAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);
}
