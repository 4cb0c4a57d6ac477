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
            return await app.Resilience.ExecuteAsync(
                async ctx => await base.SendAsync(request, ctx.CancellationToken).ConfigureAwait(false), context).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
