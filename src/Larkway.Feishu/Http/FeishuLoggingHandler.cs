namespace Larkway.Feishu.Http;

/// <summary>
/// Innermost handler: one log line per attempt with method, path, status, code, log id and duration.
/// Never the query, headers or bodies (tokens and secrets live there).
/// </summary>
internal sealed class FeishuLoggingHandler(FeishuAppRuntime app) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = app.TimeProvider.GetTimestamp();
        var path = request.RequestUri?.AbsolutePath ?? "";
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            Log.CallFailedWithoutResponse(app.Logger, request.Method.Method, path, app.TimeProvider.GetElapsedTime(started).TotalMilliseconds, ex.GetType().Name);
            throw;
        }

        var probe = await FeishuResponseProbe.GetAsync(response, cancellationToken).ConfigureAwait(false);
        var elapsed = app.TimeProvider.GetElapsedTime(started).TotalMilliseconds;
        if (response.IsSuccessStatusCode && probe.Code is 0 or null)
        {
            Log.CallSucceeded(app.Logger, request.Method.Method, path, (int)response.StatusCode, probe.Code, probe.LogId, elapsed);
        }
        else
        {
            Log.CallFailed(app.Logger, request.Method.Method, path, (int)response.StatusCode, probe.Code, probe.LogId, elapsed);
        }

        return response;
    }
}
