using Microsoft.Extensions.Logging;

namespace Larkway.Feishu.Http;

/// <summary>
/// Innermost handler: one log line per attempt with method, path, status, code, log id and duration.
/// Never the query, headers or bodies (tokens and secrets live there). It also probes every response,
/// so that the body is read inside the attempt's timeout.
/// </summary>
internal sealed class FeishuLoggingHandler(FeishuAppRuntime app) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = app.TimeProvider.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            Log.CallFailedWithoutResponse(app.Logger, request.Method.Method, Path(request), app.TimeProvider.GetElapsedTime(started).TotalMilliseconds, ex.GetType().Name);
            throw;
        }

        var probe = await FeishuResponseProbe.GetAsync(response, cancellationToken).ConfigureAwait(false);
        var succeeded = response.IsSuccessStatusCode && probe.Code is 0 or null;

        // The path is a new string per read of RequestUri.AbsolutePath: made only for a line that is written.
        if (!app.Logger.IsEnabled(succeeded ? LogLevel.Debug : LogLevel.Warning))
        {
            return response;
        }

        var elapsed = app.TimeProvider.GetElapsedTime(started).TotalMilliseconds;
        if (succeeded)
        {
            Log.CallSucceeded(app.Logger, request.Method.Method, Path(request), (int)response.StatusCode, probe.Code, probe.LogId, elapsed);
        }
        else
        {
            Log.CallFailed(app.Logger, request.Method.Method, Path(request), (int)response.StatusCode, probe.Code, probe.LogId, elapsed);
        }

        return response;
    }

    private static string Path(HttpRequestMessage request) => request.RequestUri?.AbsolutePath ?? "";
}
