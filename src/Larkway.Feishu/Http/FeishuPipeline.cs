using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Larkway.Feishu.Json;
using Larkway.Shared.Clients;

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
    public Task<T> SendAsync<T>(FeishuRequest request, JsonTypeInfo<FeishuEnvelope<T>> envelope, CancellationToken cancellationToken)
        where T : class =>
        SendCoreAsync(request, envelope, ReadEnvelopeAsync, static (result, sent) => result.Data ?? throw new FeishuApiException(FeishuErrorCodes.MalformedResponse,
            $"The response of {sent.Method} {sent.PathTemplate} has no data."), cancellationToken);

    /// <summary>Sends a JSON API call whose payload is not under <c>data</c> and returns the whole envelope.</summary>
    public Task<TEnvelope> SendEnvelopeAsync<TEnvelope>(FeishuRequest request, JsonTypeInfo<TEnvelope> envelope, CancellationToken cancellationToken)
        where TEnvelope : IFeishuEnvelope => SendCoreAsync(request, envelope, ReadEnvelopeAsync, static (result, _) => result, cancellationToken);

    /// <summary>Sends a JSON API call whose <c>data</c> is not needed.</summary>
    public Task SendAsync(FeishuRequest request, CancellationToken cancellationToken) =>
        SendCoreAsync(request, FeishuJson.Context.FeishuEnvelopeJsonElement, ReadEnvelopeAsync, static (result, _) => result, cancellationToken);

    /// <summary>
    /// Sends an OAuth token request (<c>authen/v2/oauth/token</c>): the answer is the top-level object, and a failure is
    /// <c>code</c> (number or string), <c>error</c> and <c>error_description</c> rather than Feishu's envelope.
    /// </summary>
    public Task<T> SendOAuthAsync<T>(FeishuRequest request, JsonTypeInfo<T> answer, CancellationToken cancellationToken)
        where T : class => SendCoreAsync(request, answer, OAuthResponseReader.ReadAsync, static (result, _) => result, cancellationToken);

    /// <summary>Sends a call answered with a binary body (downloads); JSON answers are errors.</summary>
    public Task<FeishuDownload> DownloadAsync(FeishuRequest request, CancellationToken cancellationToken) =>
        _app.MeasureCallAsync(request.Method, request.PathTemplate, (Pipeline: this, Request: request, Cancellation: cancellationToken),
            static state => state.Pipeline.DownloadCoreAsync(state.Request, state.Cancellation));

    private async Task<FeishuDownload> DownloadCoreAsync(FeishuRequest request, CancellationToken cancellationToken)
    {
        using var message = CreateMessage(request);
        var response = await SendMappedAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        try
        {
            if (response.IsSuccessStatusCode && !FeishuResponseProbe.IsJsonContent(response.Content.Headers.ContentType))
            {
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

    // One async frame per call for sending, reading and recording; the caller's projection (static) picks the result.
    private Task<TResult> SendCoreAsync<TEnvelope, TResult>(
        FeishuRequest request, JsonTypeInfo<TEnvelope> envelope, ResponseReader<TEnvelope> read, Func<TEnvelope, FeishuRequest, TResult> project, CancellationToken cancellationToken) =>
        _app.MeasureCallAsync(request.Method, request.PathTemplate, (Pipeline: this, Request: request, Envelope: envelope, Read: read, Project: project, Cancellation: cancellationToken),
            static state => state.Pipeline.SendReadAsync(state.Request, state.Envelope, state.Read, state.Project, state.Cancellation));

    private async Task<TResult> SendReadAsync<TEnvelope, TResult>(
        FeishuRequest request, JsonTypeInfo<TEnvelope> envelope, ResponseReader<TEnvelope> read, Func<TEnvelope, FeishuRequest, TResult> project, CancellationToken cancellationToken)
    {
        using var message = CreateMessage(request);
        HttpResponseMessage response;
        try
        {
            response = await _httpClient().SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (MapTransportFailure(ex, message, _app.Options.BaseUrl, cancellationToken) is { } mapped)
        {
            throw mapped;
        }

        using (response)
        {
            return project(await read(response, message, envelope, cancellationToken).ConfigureAwait(false), request);
        }
    }

    private FeishuRequestMessage CreateMessage(FeishuRequest request)
    {
        var userToken = _requestOptions?.UserAccessToken is { Length: > 0 } token ? token : null;
        return new FeishuRequestMessage(request.Method, new Uri(_app.BaseAddress + request.PathAndQuery, UriKind.Absolute), request.PathTemplate)
        {
            Content = request.Content,
            Idempotent = request.Idempotent,
            MessageSendTo = request.MessageSendTo,
            Pace = request.Pace,
            PacedByCaller = _requestOptions?.PacedByCaller ?? false,
            // A user token stands in for the tenant token only: token requests (no token) and app-token calls keep theirs.
            Auth = userToken is not null && request.Auth == FeishuAuth.Tenant ? FeishuAuth.User : request.Auth,
            UserAccessToken = userToken,
        };
    }

    private async Task<HttpResponseMessage> SendMappedAsync(HttpRequestMessage message, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        try
        {
            return await _httpClient().SendAsync(message, completion, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (MapTransportFailure(ex, message, _app.Options.BaseUrl, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <summary>The base URL without a trailing slash, to put in front of an <c>/open-apis/…</c> path.</summary>
    public static string BaseAddress(Uri baseUrl) => baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');

    /// <summary>Joins the base URL (which may carry a path prefix) and an <c>/open-apis/…</c> path.</summary>
    public static Uri Combine(Uri baseUrl, string pathAndQuery) => new(BaseAddress(baseUrl) + pathAndQuery, UriKind.Absolute);

    /// <summary>Sends, turning transport failures and timeouts into <see cref="FeishuApiException"/>.</summary>
    public static async Task<HttpResponseMessage> SendMappedAsync(
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send, HttpRequestMessage request, Uri baseUrl, CancellationToken cancellationToken)
    {
        try
        {
            return await send(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (MapTransportFailure(ex, request, baseUrl, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    // Null for what passes through as it is: API errors, the caller's own cancellation, anything unexpected.
    // The frame runs inside the app's handler chain, where HttpClient's own exceptions go on: mapped here, at the client.
    private static FeishuApiException? MapTransportFailure(Exception exception, HttpRequestMessage request, Uri baseUrl, CancellationToken cancellationToken) =>
        exception is not FeishuApiException && ApiHttp.DescribeTransportFailure(exception, baseUrl.ToString(), Describe(request), cancellationToken) is { } failure
            ? FeishuAppRuntime.NoAnswerException(failure, exception)
            : null;

    /// <summary>Checks status and <c>code</c>, then deserialises the envelope; every failure becomes a <see cref="FeishuApiException"/>.</summary>
    public static async ValueTask<TEnvelope> ReadEnvelopeAsync<TEnvelope>(HttpResponseMessage response, HttpRequestMessage request, JsonTypeInfo<TEnvelope> info, CancellationToken cancellationToken)
    {
        var probe = await FeishuResponseProbe.GetAsync(response, cancellationToken).ConfigureAwait(false);
        if (probe.IsJson && probe.Code == 0 && response.IsSuccessStatusCode)
        {
            // From the bytes the probe read: the content is not read a second time.
            try
            {
                return JsonSerializer.Deserialize(probe.Body, info) ?? throw new JsonException("null body");
            }
            catch (JsonException ex) when (!probe.MalformedJson)
            {
                throw new FeishuApiException(FeishuErrorCodes.MalformedResponse,
                    $"The response of {Describe(request)} does not have the documented shape: {ex.Message}", response.StatusCode, probe.LogId, ex);
            }
            catch (JsonException)
            {
                throw NotAnEnvelope(response, request, probe);
            }
        }

        if (!probe.IsJson || probe.MalformedJson || probe.Code is null)
        {
            throw NotAnEnvelope(response, request, probe);
        }

        throw CreateException(response, probe, Describe(request));
    }

    internal static FeishuApiException NotAnEnvelope(HttpResponseMessage response, HttpRequestMessage request, FeishuResponseProbe probe)
    {
        var contentType = response.Content.Headers.ContentType?.ToString() ?? "none";
        var reason = !probe.IsJson ? $"content type '{contentType}'" : probe.MalformedJson ? $"a body that is not valid JSON (content type '{contentType}')" : "JSON without a 'code'";
        return new FeishuApiException(FeishuErrorCodes.MalformedResponse,
            $"Expected Feishu's JSON envelope from {Describe(request)} but got HTTP {(int)response.StatusCode} with {reason}.",
            response.StatusCode, probe.LogId)
        {
            RetryAfter = FeishuResponseProbe.RateLimitReset(response),
        };
    }

    internal static string Describe(HttpRequestMessage request) => $"{request.Method} {request.RequestUri?.AbsolutePath}";

    private static FeishuApiException CreateException(HttpResponseMessage response, FeishuResponseProbe probe, string what)
    {
        FeishuErrorEnvelope? error = null;
        try
        {
            error = JsonSerializer.Deserialize(probe.Body, FeishuJson.Context.FeishuErrorEnvelope);
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
        if (disposition?.FileNameStar is { Length: > 0 } encoded)
        {
            return encoded;
        }

        return disposition?.FileName is { } name ? Utf8FromLatin1(Unquoted(name)) : null;
    }

    // A quoted-string (RFC 9110 §5.6.4): the quotes removed, each backslash-escaped character taken as itself.
    private static string Unquoted(string value)
    {
        if (value.Length < 2 || value[0] != '"' || value[^1] != '"')
        {
            return value;
        }

        var text = new System.Text.StringBuilder(value.Length);
        for (var i = 1; i < value.Length - 1; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length - 1)
            {
                i++;
            }

            text.Append(value[i]);
        }

        return text.ToString();
    }

    /// <summary>
    /// Feishu puts a name's raw UTF-8 bytes in <c>filename="…"</c>; the handler reads header bytes as ISO-8859-1, one char
    /// per byte. Those chars are taken back to bytes and decoded as UTF-8 — unless they are not valid UTF-8 (a genuine
    /// Latin-1 name) or a handler with its own header encoding already decoded them (a char above U+00FF).
    /// </summary>
    internal static string Utf8FromLatin1(string name)
    {
        if (System.Text.Ascii.IsValid(name) || name.Any(c => c > '\u00FF'))
        {
            return name;
        }

        try
        {
            return StrictUtf8.GetString(System.Text.Encoding.Latin1.GetBytes(name));
        }
        catch (System.Text.DecoderFallbackException)
        {
            return name;
        }
    }

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}

/// <summary>Reads a response into <typeparamref name="T"/>, or throws the <see cref="FeishuApiException"/> it carries.</summary>
internal delegate ValueTask<T> ResponseReader<T>(HttpResponseMessage response, HttpRequestMessage request, JsonTypeInfo<T> info, CancellationToken cancellationToken);

/// <summary>A request as a domain client describes it.</summary>
internal sealed record FeishuRequest(HttpMethod Method, string PathAndQuery, string PathTemplate)
{
    public HttpContent? Content { get; init; }

    public FeishuAuth Auth { get; init; } = FeishuAuth.Tenant;

    /// <summary>Safe to send twice (a POST with its <c>uuid</c>, a full-replace PATCH).</summary>
    public bool Idempotent { get; init; }

    /// <summary>Set on message sends: the receiver, for the client-side rate limits.</summary>
    public string? MessageSendTo { get; init; }

    /// <summary>The per-endpoint rate the request is held to (bitable), when it has one.</summary>
    public FeishuPace? Pace { get; init; }
}
