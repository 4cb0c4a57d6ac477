namespace Larkway.Feishu.Http;

/// <summary>
/// The app's one handler on its named <see cref="HttpClient"/>: a thin adapter that runs every request — the client's
/// own, and any a user sends on that client — through the app's frame (<see cref="FeishuAppRuntime.SendAsync"/>: token,
/// retries, client-side rate limits, logging), each attempt going on to the handlers below it.
/// </summary>
internal sealed class FeishuPipelineHandler : DelegatingHandler
{
    private readonly FeishuAppRuntime _app;

    // Made once: a method group converted on every call would allocate a delegate per call.
    private readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> _sendInner;

    public FeishuPipelineHandler(FeishuAppRuntime app)
    {
        _app = app;
        _sendInner = SendInnerAsync;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _app.SendAsync(request, _sendInner, cancellationToken);

    private Task<HttpResponseMessage> SendInnerAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);
}
