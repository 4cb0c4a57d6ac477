using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Larkway.Feishu.Json;
using Polly.Timeout;

namespace Larkway.Feishu.Http;

/// <summary>
/// The one place that turns a <see cref="FeishuRequest"/> into an HTTP call and its response into
/// a typed result or a <see cref="FeishuApiException"/>. Domain clients only describe requests.
/// </summary>
internal sealed class FeishuPipeline
{
    private readonly Func<HttpClient> _httpClient;
    private readonly FeishuAppRuntime _app;
    private readonly FeishuRequestOptions? _requestOptions;

    public FeishuPipeline(Func<HttpClient> httpClient, FeishuAppRuntime app, FeishuRequestOptions? requestOptions = null)
    {
        _httpClient = httpClient;
        _app = app;
        _requestOptions = requestOptions;
    }

    public FeishuAppRuntime App => _app;

    /// <summary>The same pipeline with other per-call options.</summary>
    public FeishuPipeline With(FeishuRequestOptions? requestOptions) => new(_httpClient, _app, requestOptions);

    /// <summary>Sends a JSON API call and returns its <c>data</c> (never null: an absent <c>data</c> becomes an exception).</summary>
    public async Task<T> SendAsync<T>(FeishuRequest request, JsonTypeInfo<FeishuEnvelope<T>> envelope, CancellationToken cancellationToken)
        where T : class
    {
        var result = await SendCoreAsync(request, envelope, cancellationToken).ConfigureAwait(false);
        return result.Data ?? throw new FeishuApiException(FeishuErrorCodes.MalformedResponse,
            $"The response of {request.Method} {request.PathTemplate} has no data.");
    }

    /// <summary>Sends a JSON API call whose payload is not under <c>data</c> and returns the whole envelope.</summary>
    public Task<TEnvelope> SendEnvelopeAsync<TEnvelope>(FeishuRequest request, JsonTypeInfo<TEnvelope> envelope, CancellationToken cancellationToken)
        where TEnvelope : IFeishuEnvelope => SendCoreAsync(request, envelope, cancellationToken);

    /// <summary>Sends a JSON API call whose <c>data</c> is not needed.</summary>
    public Task SendAsync(FeishuRequest request, CancellationToken cancellationToken) =>
        SendCoreAsync(request, FeishuJson.Context.FeishuEnvelopeJsonElement, cancellationToken);

    /// <summary>Sends a call answered with a binary body (downloads); JSON answers are errors.</summary>
    public async Task<FeishuDownload> DownloadAsync(FeishuRequest request, CancellationToken cancellationToken)
    {
        using var activity = StartActivity(request);
        var started = _app.TimeProvider.GetTimestamp();
        int? code = null;
        try
        {
            using var message = CreateMessage(request);
            var response = await SendMappedAsync(
                (m, ct) => _httpClient().SendAsync(m, HttpCompletionOption.ResponseHeadersRead, ct), message, _app.Options.BaseUrl, cancellationToken).ConfigureAwait(false);
            try
            {
                if (response.IsSuccessStatusCode && !FeishuResponseProbe.IsJsonContent(response.Content.Headers.ContentType))
                {
                    code = 0;
                    var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                    return new FeishuDownload(stream, FileName(response), response.Content.Headers.ContentType?.ToString(), response.Content.Headers.ContentLength, response);
                }

                // A JSON body (or a failure status) here is an error envelope.
                await ReadEnvelopeAsync(response, message, FeishuJson.Context.FeishuEnvelopeJsonElement, cancellationToken).ConfigureAwait(false);
                throw new FeishuApiException(FeishuErrorCodes.MalformedResponse,
                    $"Expected a file from {request.Method} {request.PathTemplate} but got a JSON answer with code 0 (HTTP {(int)response.StatusCode}).",
                    response.StatusCode, FeishuResponseProbe.HeaderLogId(response));
            }
            catch
            {
                response.Dispose();
                throw;
            }
        }
        catch (FeishuApiException ex)
        {
            code = ex.Code;
            throw;
        }
        finally
        {
            Record(request, code, started, activity);
        }
    }

    private async Task<TEnvelope> SendCoreAsync<TEnvelope>(FeishuRequest request, JsonTypeInfo<TEnvelope> envelope, CancellationToken cancellationToken)
        where TEnvelope : IFeishuEnvelope
    {
        using var activity = StartActivity(request);
        var started = _app.TimeProvider.GetTimestamp();
        int? code = null;
        try
        {
            using var message = CreateMessage(request);
            using var response = await SendMappedAsync(
                (m, ct) => _httpClient().SendAsync(m, HttpCompletionOption.ResponseContentRead, ct), message, _app.Options.BaseUrl, cancellationToken).ConfigureAwait(false);
            var result = await ReadEnvelopeAsync(response, message, envelope, cancellationToken).ConfigureAwait(false);
            code = 0;
            return result;
        }
        catch (FeishuApiException ex)
        {
            code = ex.Code;
            throw;
        }
        finally
        {
            Record(request, code, started, activity);
        }
    }

    private HttpRequestMessage CreateMessage(FeishuRequest request)
    {
        var message = new HttpRequestMessage(request.Method, Combine(_app.Options.BaseUrl, request.PathAndQuery)) { Content = request.Content };
        message.Options.Set(FeishuRequestKeys.PathTemplate, request.PathTemplate);
        if (request.Idempotent)
        {
            message.Options.Set(FeishuRequestKeys.Idempotent, true);
        }

        if (request.MessageSendTo is { } receiver)
        {
            message.Options.Set(FeishuRequestKeys.MessageSend, true);
            message.Options.Set(FeishuRequestKeys.RateLimitKey, receiver);
        }

        if (_requestOptions?.UserAccessToken is { Length: > 0 } userToken)
        {
            message.Options.Set(FeishuRequestKeys.Auth, FeishuAuth.User);
            message.Options.Set(FeishuRequestKeys.UserAccessToken, userToken);
        }
        else
        {
            message.Options.Set(FeishuRequestKeys.Auth, request.Auth);
        }

        return message;
    }

    private Activity? StartActivity(FeishuRequest request)
    {
        var activity = FeishuTelemetry.ActivitySource.StartActivity($"Feishu {request.Method} {request.PathTemplate}", ActivityKind.Client);
        activity?.SetTag("http.request.method", request.Method.Method);
        activity?.SetTag("url.template", request.PathTemplate);
        activity?.SetTag("feishu.app_id", _app.Options.AppId);
        return activity;
    }

    private void Record(FeishuRequest request, int? code, long started, Activity? activity)
    {
        var elapsed = _app.TimeProvider.GetElapsedTime(started);
        _app.Telemetry.RecordCall(_app.Options.AppId, request.Method.Method, request.PathTemplate, code, elapsed);
        if (activity is not null)
        {
            activity.SetTag("feishu.code", code);
            activity.SetStatus(code == 0 ? ActivityStatusCode.Ok : ActivityStatusCode.Error);
        }
    }

    /// <summary>Joins the base URL (which may carry a path prefix) and an <c>/open-apis/…</c> path.</summary>
    public static Uri Combine(Uri baseUrl, string pathAndQuery) =>
        new(baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + pathAndQuery, UriKind.Absolute);

    /// <summary>Sends, turning transport failures and timeouts into <see cref="FeishuApiException"/>.</summary>
    public static async Task<HttpResponseMessage> SendMappedAsync(
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send, HttpRequestMessage request, Uri baseUrl, CancellationToken cancellationToken)
    {
        try
        {
            return await send(request, cancellationToken).ConfigureAwait(false);
        }
        catch (FeishuApiException)
        {
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (TimeoutRejectedException ex)
        {
            throw new FeishuApiException(FeishuErrorCodes.Timeout,
                $"No response from {baseUrl} within {ex.Timeout.TotalSeconds:0.###} s ({request.Method} {request.RequestUri?.AbsolutePath}).", innerException: ex);
        }
        catch (OperationCanceledException ex)
        {
            throw new FeishuApiException(FeishuErrorCodes.Timeout,
                $"No response from {baseUrl} ({request.Method} {request.RequestUri?.AbsolutePath}): the request timed out.", innerException: ex);
        }
        catch (HttpRequestException ex)
        {
            throw new FeishuApiException(FeishuErrorCodes.NetworkError,
                $"Could not reach {baseUrl} ({request.Method} {request.RequestUri?.AbsolutePath}): {ex.Message}", innerException: ex);
        }
    }

    /// <summary>Checks status and <c>code</c>, then deserialises the envelope; every failure becomes a <see cref="FeishuApiException"/>.</summary>
    public static async Task<TEnvelope> ReadEnvelopeAsync<TEnvelope>(HttpResponseMessage response, HttpRequestMessage request, JsonTypeInfo<TEnvelope> info, CancellationToken cancellationToken)
    {
        var probe = await FeishuResponseProbe.GetAsync(response, cancellationToken).ConfigureAwait(false);
        var what = $"{request.Method} {request.RequestUri?.AbsolutePath}";
        if (!probe.IsJson || probe.MalformedJson || probe.Code is null)
        {
            var contentType = response.Content.Headers.ContentType?.ToString() ?? "none";
            var reason = !probe.IsJson ? $"content type '{contentType}'" : probe.MalformedJson ? $"a body that is not valid JSON (content type '{contentType}')" : "JSON without a 'code'";
            throw new FeishuApiException(FeishuErrorCodes.MalformedResponse,
                $"Expected Feishu's JSON envelope from {what} but got HTTP {(int)response.StatusCode} with {reason}.",
                response.StatusCode, probe.LogId)
            {
                RetryAfter = FeishuResponseProbe.RateLimitReset(response),
            };
        }

        if (probe.Code != 0 || !response.IsSuccessStatusCode)
        {
            throw await CreateExceptionAsync(response, probe, what, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var body = await response.Content.ReadFromJsonAsync(info, cancellationToken).ConfigureAwait(false);
            return body ?? throw new JsonException("null body");
        }
        catch (JsonException ex)
        {
            throw new FeishuApiException(FeishuErrorCodes.MalformedResponse,
                $"The response of {what} does not have the documented shape: {ex.Message}", response.StatusCode, probe.LogId, ex);
        }
    }

    private static async Task<FeishuApiException> CreateExceptionAsync(HttpResponseMessage response, FeishuResponseProbe probe, string what, CancellationToken cancellationToken)
    {
        FeishuErrorEnvelope? error = null;
        try
        {
            error = await response.Content.ReadFromJsonAsync(FeishuJson.Context.FeishuErrorEnvelope, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            // The probe found a code; a detail that does not parse is not worth hiding it for.
        }

        var code = probe.Code is 0 or null ? FeishuErrorCodes.MalformedResponse : probe.Code.Value;
        var msg = error?.Msg is { Length: > 0 } m ? m
            : error?.Error?.Message is { Length: > 0 } em ? em
            : $"HTTP {(int)response.StatusCode} from {what}";
        if (probe.Code == 0)
        {
            msg = $"HTTP {(int)response.StatusCode} from {what} with code 0";
        }

        var detail = error?.Error;
        return new FeishuApiException(code, msg, response.StatusCode, probe.LogId ?? detail?.LogId)
        {
            Troubleshooter = detail?.Troubleshooter,
            FieldViolations = detail?.FieldViolations?.Select(v => new FeishuFieldViolation(v.Field ?? "", v.Value, v.Description)).ToArray() ?? [],
            PermissionViolations = detail?.PermissionViolations?.Select(v => new FeishuPermissionViolation(v.Type ?? "", v.Subject ?? "", v.Description)).ToArray() ?? [],
            RetryAfter = FeishuResponseProbe.RateLimitReset(response),
        };
    }

    private static string? FileName(HttpResponseMessage response)
    {
        var disposition = response.Content.Headers.ContentDisposition;
        var name = disposition?.FileNameStar ?? disposition?.FileName;
        return name?.Trim('"');
    }
}

/// <summary>A request as a domain client describes it.</summary>
internal sealed record FeishuRequest(HttpMethod Method, string PathAndQuery, string PathTemplate)
{
    public HttpContent? Content { get; init; }

    public FeishuAuth Auth { get; init; } = FeishuAuth.Tenant;

    /// <summary>Safe to send twice (a POST with its <c>uuid</c>, a full-replace PATCH).</summary>
    public bool Idempotent { get; init; }

    /// <summary>Set on message sends: the receiver, for the client-side rate limits.</summary>
    public string? MessageSendTo { get; init; }
}
