using System.Text.Json.Serialization.Metadata;
using Larkway.DingTalk.Auth;
using Larkway.Shared.Clients;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Timeout;

namespace Larkway.DingTalk.Http;

/// <summary>
/// The one place a <see cref="DingTalkRequest"/> becomes HTTP: the app token on the right host in the right place,
/// retries with back-off (rate limits for every call; 5xx, "system busy", timeouts and transport failures for calls safe
/// to repeat), a per-attempt timeout, the token dropped and the call sent once more when DingTalk refuses it, one log line
/// per attempt, and a <see cref="DingTalkApiException"/> for every failure. Domain clients only describe requests.
/// </summary>
internal sealed class DingTalkPipeline : ApiPipelineBase<DingTalkRequest, DingTalkReply, DingTalkTelemetry>
{
    private readonly string _apiBase;
    private readonly string _oapiBase;
    private readonly Func<DingTalkRequest, CancellationToken, Task<DingTalkReply>> _sendWithoutToken;

    public DingTalkPipeline(string name, DingTalkAppOptions options, ILoggerFactory? loggerFactory, TimeProvider? timeProvider, System.Diagnostics.Metrics.IMeterFactory? meterFactory, HttpMessageHandler? handler)
        : base(name, "Larkway.DingTalk", loggerFactory, timeProvider, handler, new DingTalkTelemetry(meterFactory, options.AppKey))
    {
        Options = options;
        Tokens = new DingTalkTokenProvider(options, TimeProvider, Telemetry);
        _apiBase = options.ApiBaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        _oapiBase = options.OapiBaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        Resilience = BuildResilience(
            new ApiRetrySettings(options.Retry.MaxRetries, options.Retry.BaseDelay, options.Retry.MaxDelay, options.Retry.UseJitter, options.Timeout),
            (request, outcome) => ShouldRetry(request, outcome, options.Retry),
            static reply => reply.Error is { } e ? $"HTTP {(int)reply.Status} code {e.Code}" : null,
            static reply => reply.Error?.RetryAfter);
        _sendWithoutToken = (request, ct) => SendWithRetriesAsync(request, token: null, ct);
    }

    public DingTalkAppOptions Options { get; }

    public DingTalkTokenProvider Tokens { get; }

    /// <summary>The app's card streaming calls, spaced to stay within DingTalk's rate (15 a second, under the ~20 seen refused).</summary>
    public Cards.CardStreamingPace CardStreamingPace { get; } = new(15);

    /// <summary>Sends a call and returns its answer deserialised as <typeparamref name="T"/>.</summary>
    public Task<T> SendAsync<T>(DingTalkRequest request, JsonTypeInfo<T> answer, CancellationToken cancellationToken) =>
        SendCoreAsync(request, answer, cancellationToken);

    /// <summary>Sends a call whose answer is only success or failure.</summary>
    public Task SendAsync(DingTalkRequest request, CancellationToken cancellationToken) =>
        SendCoreAsync<object>(request, answer: null, cancellationToken);

    /// <summary>
    /// Downloads <paramref name="request"/>'s <see cref="DingTalkRequest.AbsoluteUrl"/> (a temporary link DingTalk gave),
    /// streamed, in one attempt and without the app token: the link carries its own credential, and the token must not
    /// leave DingTalk's API hosts. The timeout covers the answer's headers; the body is read as the caller reads it. A
    /// failure status is an error (DingTalk's <c>{code, message}</c> when the body is one, else <c>HTTP{status}</c>).
    /// </summary>
    public Task<DingTalkDownload> DownloadAsync(DingTalkRequest request, CancellationToken cancellationToken) =>
        MeasureAsync(request, (Pipeline: this, Request: request, Cancellation: cancellationToken),
            static state => state.Pipeline.DownloadCoreAsync(state.Request, state.Cancellation));

    /// <summary>The app token for <paramref name="host"/> (cached; fetched when missing or stale).</summary>
    public async Task<string> GetTokenAsync(DingTalkHost host, CancellationToken cancellationToken) =>
        (await Tokens.GetAsync(host, _sendWithoutToken, cancellationToken).ConfigureAwait(false)).Value;

    private Task<T> SendCoreAsync<T>(DingTalkRequest request, JsonTypeInfo<T>? answer, CancellationToken cancellationToken) =>
        MeasureAsync(request, (Pipeline: this, Request: request, Answer: answer, Cancellation: cancellationToken),
            static state => state.Pipeline.SendCheckedAsync(state.Request, state.Answer, state.Cancellation));

    private async Task<T> SendCheckedAsync<T>(DingTalkRequest request, JsonTypeInfo<T>? answer, CancellationToken cancellationToken)
    {
        var reply = await SendWithTokenAsync(request, cancellationToken).ConfigureAwait(false);
        var what = $"{request.Method} {request.PathTemplate}";
        if (reply.Error is { } error)
        {
            throw ToException(reply, error, context: null);
        }

        if (!reply.IsJson)
        {
            throw new DingTalkApiException(DingTalkErrorCodes.MalformedResponse,
                $"Expected DingTalk's JSON from {what} but got HTTP {(int)reply.Status} with content type '{reply.ContentType ?? "none"}'.", reply.Status, reply.RequestId);
        }

        return answer is null ? default! : reply.Deserialize(answer, what);
    }

    private async Task<DingTalkReply> SendWithTokenAsync(DingTalkRequest request, CancellationToken cancellationToken)
    {
        if (!request.WithAppToken)
        {
            return await SendWithRetriesAsync(request, request.UserToken, cancellationToken).ConfigureAwait(false);
        }

        var token = await Tokens.GetAsync(request.Host, _sendWithoutToken, cancellationToken).ConfigureAwait(false);
        var reply = await SendWithRetriesAsync(request, token.Value, cancellationToken).ConfigureAwait(false);
        if (reply.Error is not { } error || !DingTalkErrorCodes.IsInvalidToken(error.Code, error.SubCode))
        {
            return reply;
        }

        // The token expired early or was revoked: DingTalk never carried the call out, so it is sent once more with a new one.
        Log.TokenRejected(Logger, request.Host == DingTalkHost.Api ? "new-API" : "old-API", Options.AppKey, error.Code);
        Tokens.Invalidate(request.Host, token.Value);
        var fresh = await Tokens.GetAsync(request.Host, _sendWithoutToken, cancellationToken).ConfigureAwait(false);
        return await SendWithRetriesAsync(request, fresh.Value, cancellationToken).ConfigureAwait(false);
    }

    private async Task<DingTalkDownload> DownloadCoreAsync(DingTalkRequest request, CancellationToken cancellationToken)
    {
        var url = request.AbsoluteUrl ?? throw new ArgumentException("A download needs the link to fetch.", nameof(request));
        using var timeout = Options.Timeout == System.Threading.Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource(Options.Timeout, TimeProvider);
        using var linked = timeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var message = new HttpRequestMessage(HttpMethod.Get, url);
        var started = TimeProvider.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await Http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked?.Token ?? cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Log.CallFailedWithoutAnswer(Logger, "GET", url.AbsolutePath, TimeProvider.GetElapsedTime(started).TotalMilliseconds, ex.GetType().Name);
            throw MapTransportFailure(ex, request, cancellationToken)!;
        }

        try
        {
            var elapsed = TimeProvider.GetElapsedTime(started).TotalMilliseconds;
            if (!response.IsSuccessStatusCode)
            {
                var reply = await DingTalkReply.ReadAsync(response, cancellationToken).ConfigureAwait(false);
                var error = reply.Error!;
                Log.CallFailed(Logger, "GET", url.AbsolutePath, (int)reply.Status, error.Code, elapsed, reply.RequestId);
                throw ToException(reply, error, "The file's download link was refused");
            }

            Log.CallSucceeded(Logger, "GET", url.AbsolutePath, (int)response.StatusCode, elapsed, requestId: null);
            var headers = response.Content.Headers;
            var name = headers.ContentDisposition is { } disposition ? (disposition.FileNameStar ?? disposition.FileName)?.Trim('"') : null;
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new DingTalkDownload(stream, name is { Length: > 0 } ? name : null, headers.ContentType?.ToString(), headers.ContentLength, response);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    protected override async Task<DingTalkReply> AttemptAsync(DingTalkRequest request, string? token, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(request.Method, Url(request, token));
        if (token is not null && request.Host == DingTalkHost.Api)
        {
            message.Headers.TryAddWithoutValidation("x-acs-dingtalk-access-token", token);
        }

        if (request.Json is { } json)
        {
            message.Content = ApiHttp.JsonContent(json);
        }

        return await ExchangeAsync(message, request.AbsoluteUrl?.AbsolutePath ?? request.PathTemplate, DingTalkReply.ReadAsync, cancellationToken).ConfigureAwait(false);
    }

    protected override void LogAnswer(DingTalkReply reply, string method, string path, double elapsedMs)
    {
        if (reply.Error is { } error)
        {
            Log.CallFailed(Logger, method, path, (int)reply.Status, error.Code, elapsedMs, reply.RequestId);
        }
        else
        {
            Log.CallSucceeded(Logger, method, path, (int)reply.Status, elapsedMs, reply.RequestId);
        }
    }

    protected override void LogNoAnswer(string method, string path, double elapsedMs, string exceptionType) =>
        Log.CallFailedWithoutAnswer(Logger, method, path, elapsedMs, exceptionType);

    private Uri Url(DingTalkRequest request, string? token)
    {
        if (request.AbsoluteUrl is { } absolute)
        {
            return absolute;
        }

        var url = (request.Host == DingTalkHost.Api ? _apiBase : _oapiBase) + request.PathAndQuery;
        if (token is not null && request.Host == DingTalkHost.Oapi)
        {
            url += (request.PathAndQuery.Contains('?', StringComparison.Ordinal) ? "&access_token=" : "?access_token=") + Uri.EscapeDataString(token);
        }

        return new Uri(url, UriKind.Absolute);
    }

    /// <summary>The exception for an error answer, with what to do about it where the code says.</summary>
    public static DingTalkApiException ToException(DingTalkReply reply, DingTalkError error, string? context) =>
        new(error.Code, ApiHttp.ErrorText(error.Message, context, DingTalkErrorCodes.IsTransient(error.Code, reply.Status), DingTalkErrorHints.For(error.Code, error.Message)), reply.Status, reply.RequestId)
        {
            SubCode = error.SubCode,
            RetryAfter = error.RetryAfter,
        };

    protected override string ApiHost(DingTalkRequest request) => request.Host == DingTalkHost.Api ? _apiBase : _oapiBase;

    protected override DingTalkApiException NoAnswer(TransportFailure failure, Exception exception) =>
        new(failure.TimedOut ? DingTalkErrorCodes.Timeout : DingTalkErrorCodes.NetworkError, failure.Message, innerException: exception);

    protected override void LogRetrying(DingTalkRequest request, int attempt, double delayMs, string reason) =>
        Log.Retrying(Logger, request.Method.Method, request.AbsoluteUrl?.AbsolutePath ?? request.PathTemplate, attempt, delayMs, reason);

    private static bool ShouldRetry(DingTalkRequest request, Outcome<DingTalkReply> outcome, DingTalkRetryOptions retry)
    {
        if (outcome.Exception is { } exception)
        {
            // No answer: the call may have been carried out, so only a call safe to repeat goes again.
            return request.Idempotent && exception is HttpRequestException or TimeoutRejectedException;
        }

        if (outcome.Result is not { Error: { } error } reply)
        {
            return false;
        }

        if (DingTalkErrorCodes.IsRateLimit(error.Code, reply.Status))
        {
            // Refused before it was carried out: safe to send again, unless DingTalk asks for a wait longer than a call should take.
            return error.RetryAfter is not { } wait || wait <= retry.MaxRetryAfter;
        }

        return request.Idempotent && DingTalkErrorCodes.IsTransient(error.Code, reply.Status) && !DingTalkErrorCodes.IsInvalidToken(error.Code, error.SubCode);
    }
}
