using System.Net;
using System.Text.Json.Serialization.Metadata;
using Larkway.Shared.Clients;
using Larkway.WeCom.Auth;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Timeout;

namespace Larkway.WeCom.Http;

/// <summary>
/// The one place a <see cref="WeComRequest"/> becomes HTTP: the access token in the <c>access_token</c> query, retries
/// with back-off (45009 and 45033 for every call; -1 "system busy" for every call, since WeCom did not carry it out; 5xx, timeouts
/// and transport failures for calls safe to repeat), a per-attempt timeout, the token dropped and the call sent once more
/// when WeCom refuses it (40014 / 42001 / 40001), one log line per attempt (paths only: never the token), and a
/// <see cref="WeComApiException"/> for every failure. Domain clients only describe requests.
/// </summary>
internal sealed class WeComPipeline : ApiPipelineBase<WeComRequest, WeComReply, WeComTelemetry>
{
    private readonly string _apiBase;
    private readonly Func<WeComRequest, CancellationToken, Task<WeComReply>> _sendWithoutToken;

    public WeComPipeline(string name, WeComAppOptions options, ILoggerFactory? loggerFactory, TimeProvider? timeProvider, System.Diagnostics.Metrics.IMeterFactory? meterFactory, HttpMessageHandler? handler)
        : base(name, "Larkway.WeCom", loggerFactory, timeProvider, handler, new WeComTelemetry(meterFactory, options.AgentId is { } agent ? $"{options.CorpId}/{agent}" : options.CorpId))
    {
        Options = options;
        Tokens = new WeComTokenProvider(options, TimeProvider, Telemetry);
        _apiBase = options.ApiBaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        Resilience = BuildResilience(
            new ApiRetrySettings(options.Retry.MaxRetries, options.Retry.BaseDelay, options.Retry.MaxDelay, options.Retry.UseJitter, options.Timeout),
            ShouldRetry,
            static reply => reply.Error is { } e ? $"HTTP {(int)reply.Status} errcode {e.Code}" : null);
        _sendWithoutToken = (request, ct) => SendWithRetriesAsync(request, token: null, ct);
    }

    public WeComAppOptions Options { get; }

    public WeComTokenProvider Tokens { get; }

    /// <summary>Sends a call and returns its answer deserialised as <typeparamref name="T"/>.</summary>
    public async Task<T> SendAsync<T>(WeComRequest request, JsonTypeInfo<T> answer, CancellationToken cancellationToken)
    {
        var reply = await SendCoreAsync(request, cancellationToken).ConfigureAwait(false);
        return reply.Deserialize(answer, $"{request.Method} {request.PathTemplate}");
    }

    /// <summary>Sends a call whose answer is only success or failure.</summary>
    public Task SendAsync(WeComRequest request, CancellationToken cancellationToken) => SendCoreAsync(request, cancellationToken);

    /// <summary>Sends a call and returns the checked reply itself (a download's bytes).</summary>
    public Task<WeComReply> SendForReplyAsync(WeComRequest request, CancellationToken cancellationToken) => SendCoreAsync(request, cancellationToken);

    /// <summary>The access token (cached; fetched when missing or stale).</summary>
    public async Task<string> GetTokenAsync(CancellationToken cancellationToken) =>
        (await Tokens.GetAsync(_sendWithoutToken, cancellationToken).ConfigureAwait(false)).Value;

    private Task<WeComReply> SendCoreAsync(WeComRequest request, CancellationToken cancellationToken) =>
        MeasureAsync(request, (Pipeline: this, Request: request, Cancellation: cancellationToken), static state => state.Pipeline.SendCheckedAsync(state.Request, state.Cancellation));

    private async Task<WeComReply> SendCheckedAsync(WeComRequest request, CancellationToken cancellationToken)
    {
        var reply = await SendWithTokenAsync(request, cancellationToken).ConfigureAwait(false);
        if (reply.Error is { } error)
        {
            throw ToException(reply, error, context: null);
        }

        if (!reply.IsJson && !(request.BinaryAnswer && reply.Status == HttpStatusCode.OK))
        {
            throw new WeComApiException(WeComErrorCodes.MalformedResponse,
                $"Expected WeCom's JSON from {request.Method} {request.PathTemplate} but got HTTP {(int)reply.Status} with content type '{reply.ContentType ?? "none"}'.", reply.Status);
        }

        return reply;
    }

    private async Task<WeComReply> SendWithTokenAsync(WeComRequest request, CancellationToken cancellationToken)
    {
        if (!request.WithAppToken)
        {
            return await SendWithRetriesAsync(request, token: null, cancellationToken).ConfigureAwait(false);
        }

        var token = await Tokens.GetAsync(_sendWithoutToken, cancellationToken).ConfigureAwait(false);
        var reply = await SendWithRetriesAsync(request, token.Value, cancellationToken).ConfigureAwait(false);
        if (reply.Error is not { } error || !WeComErrorCodes.IsInvalidToken(error.Code))
        {
            return reply;
        }

        // The token expired early or was replaced: WeCom never carried the call out, so it is sent once more with a new one.
        Log.TokenRejected(Logger, Options.CorpId, error.Code);
        Tokens.Invalidate(token.Value);
        var fresh = await Tokens.GetAsync(_sendWithoutToken, cancellationToken).ConfigureAwait(false);
        return await SendWithRetriesAsync(request, fresh.Value, cancellationToken).ConfigureAwait(false);
    }

    protected override async Task<WeComReply> AttemptAsync(WeComRequest request, string? token, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(request.Method, Url(request, token));
        if (request.Json is { } json)
        {
            message.Content = ApiHttp.JsonContent(json);
        }
        else if (request.Content is { } content)
        {
            message.Content = content();
        }

        return await ExchangeAsync(message, request.PathTemplate, WeComReply.ReadAsync, cancellationToken).ConfigureAwait(false);
    }

    protected override void LogAnswer(WeComReply reply, string method, string path, double elapsedMs)
    {
        if (reply.Error is { } error)
        {
            Log.CallFailed(Logger, method, path, (int)reply.Status, error.Code, elapsedMs, reply.RequestId);
        }
        else
        {
            Log.CallSucceeded(Logger, method, path, (int)reply.Status, elapsedMs);
        }
    }

    protected override void LogNoAnswer(string method, string path, double elapsedMs, string exceptionType) =>
        Log.CallFailedWithoutAnswer(Logger, method, path, elapsedMs, exceptionType);

    private Uri Url(WeComRequest request, string? token)
    {
        if (request.AbsoluteUrl is { } absolute)
        {
            return absolute;
        }

        var url = _apiBase + request.PathAndQuery;
        if (token is not null)
        {
            url += (request.PathAndQuery.Contains('?', StringComparison.Ordinal) ? "&access_token=" : "?access_token=") + Uri.EscapeDataString(token);
        }

        return new Uri(url, UriKind.Absolute);
    }

    /// <summary>The exception for an error answer, with what to do about it where the code says.</summary>
    public static WeComApiException ToException(WeComReply reply, WeComError error, string? context)
    {
        var hint = WeComErrorHints.For(error.Code);
        return new WeComApiException(error.Code, ApiHttp.ErrorText(error.Message, context, WeComErrorCodes.IsTransient(error.Code, reply.Status), hint), reply.Status, reply.RequestId)
        {
            Hint = hint,
            InvalidUser = reply.InvalidUser,
        };
    }

    protected override string ApiHost(WeComRequest request) => _apiBase;

    protected override WeComApiException NoAnswer(TransportFailure failure, Exception exception) =>
        new(failure.TimedOut ? WeComErrorCodes.Timeout : WeComErrorCodes.NetworkError, failure.Message, innerException: exception);

    protected override void LogRetrying(WeComRequest request, int attempt, double delayMs, string reason) =>
        Log.Retrying(Logger, request.Method.Method, request.PathTemplate, attempt, delayMs, reason);

    private static bool ShouldRetry(WeComRequest request, Outcome<WeComReply> outcome)
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

        // A 5xx came from somewhere on the way (a gateway), whatever its body says: the call may have been carried out.
        if (reply.Status >= HttpStatusCode.InternalServerError)
        {
            return request.Idempotent;
        }

        // WeCom itself said it did not carry the call out (the rate, or "system busy"): safe to send again.
        return WeComErrorCodes.IsRateLimit(error.Code, reply.Status) || error.Code == WeComErrorCodes.SystemBusy;
    }
}
