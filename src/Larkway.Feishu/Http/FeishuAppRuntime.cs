using System.Diagnostics.Metrics;
using Larkway.Feishu.Auth;
using Larkway.Shared.Clients;
using Microsoft.Extensions.Logging;

namespace Larkway.Feishu.Http;

/// <summary>
/// One app's pipeline frame and everything it shares across its calls and handler chains: options, token caches, rate
/// limiters, the resilience pipeline, logger and telemetry. One per app per container (or per client built without DI) —
/// never static.
/// </summary>
/// <remarks>
/// The frame is the one every client shares (<see cref="ApiPipelineBase{TRequest, TReply, TTelemetry}"/>): the token and
/// its one renewal (<see cref="SendAsync"/>) → retries (<see cref="FeishuResilience"/>) → per attempt the client-side
/// rate limits, then the exchange, logged → transport. It has no HTTP client of its own: it runs inside the app's
/// <see cref="HttpMessageHandler"/> chain (<see cref="FeishuPipelineHandler"/>), because users may send their own
/// <see cref="HttpRequestMessage"/>s on the app's named client (<c>FeishuBuilder.HttpClientName</c>) and get the token,
/// retries, limits and logs too. So its answers are <see cref="HttpResponseMessage"/>s handed on whole, and a call that got
/// no answer keeps <see cref="HttpClient"/>'s exception there; the client's own calls (<see cref="FeishuPipeline"/>) are
/// measured by the frame and map that exception to <see cref="FeishuApiException"/> (<see cref="NoAnswerException"/>).
/// </remarks>
internal sealed class FeishuAppRuntime : ApiPipelineBase<FeishuCall, FeishuResponseProbe, FeishuTelemetry>
{
    public FeishuAppRuntime(string name, FeishuAppOptions options, ILoggerFactory? loggerFactory, TimeProvider? timeProvider, IMeterFactory? meterFactory)
        : base(name, "Larkway.Feishu", loggerFactory, timeProvider, new FeishuTelemetry(meterFactory, options.AppId, options.BaseUrl))
    {
        Options = options.Clone();
        BaseAddress = FeishuPipeline.BaseAddress(Options.BaseUrl);
        Tokens = new FeishuTokenProvider(Options, TimeProvider, Telemetry);
        JsapiTickets = new TokenCache<Auth.CachedToken>(TimeProvider);
        RateLimiters = Options.RateLimit.Enabled ? new FeishuRateLimiters(Options.RateLimit) : null;
        Pacers = new FeishuPacers(Options.RateLimit.QueueLimit);
        var retry = Options.Retry;
        Resilience = BuildResilience(
            new ApiRetrySettings(retry.MaxRetries, retry.BaseDelay, retry.MaxDelay, retry.UseJitter, Options.Timeout),
            (call, outcome) => FeishuResilience.ShouldRetry(call.Message, outcome, retry),
            static probe => $"HTTP {(int)probe.Response.StatusCode}",
            static probe => FeishuResponseProbe.RateLimitReset(probe.Response));
        CardKit = new CardKit.CardKitLanes(TimeProvider, new CardKit.CardKitSequences(TimeProvider));
        DocxLanes = new Docs.DocxEditLanes(TimeProvider, options.Docs.PaceRequests ? options.Docs.EditsPerSecondPerDocument : 0);
    }

    public FeishuAppOptions Options { get; }

    /// <summary>The base URL without a trailing slash, computed once: every call's URL starts with it.</summary>
    public string BaseAddress { get; }

    public FeishuTokenProvider Tokens { get; }

    public FeishuRateLimiters? RateLimiters { get; }

    /// <summary>Per-endpoint pacing (bitable's documented rates), shared by the app's calls.</summary>
    public FeishuPacers Pacers { get; }

    /// <summary>What the bitable client shares across the app's calls: per-base write locks and adaptive batch sizes.</summary>
    public Bitable.BitableState Bitable { get; } = new();

    /// <summary>The app's JSAPI ticket, cached and fetched single-flight like the access tokens.</summary>
    public Shared.Clients.TokenCache<Auth.CachedToken> JsapiTickets { get; }

    /// <summary>User token refreshes under way, keyed by the (single-use) refresh token: one request per token at a time.</summary>
    public SingleFlight<string, Authen.FeishuUserToken> UserTokenRefreshes { get; } = new(StringComparer.Ordinal);

    /// <summary>CardKit's per-card lanes (sequence numbers and the 10/s pacing), shared by the app's calls and views.</summary>
    public CardKit.CardKitLanes CardKit { get; }

    /// <summary>Docx's per-document lanes (one edit at a time, at most the documented edits a second per document).</summary>
    public Docs.DocxEditLanes DocxLanes { get; }

    /// <summary>Which chat recently seen messages are in: replies are paced by their chat's limit.</summary>
    public RecentMessageChats MessageChats { get; } = new();

    /// <summary>The app's handler under <c>IHttpClientFactory</c>: the frame, over the named client's own handlers.</summary>
    public DelegatingHandler CreateHandler() => new FeishuPipelineHandler(this);

    /// <summary>The same, wired by hand over <paramref name="primary"/>.</summary>
    public HttpMessageHandler CreateChain(HttpMessageHandler primary) => new FeishuPipelineHandler(this) { InnerHandler = primary };

    /// <summary>
    /// Sends <paramref name="request"/> through the frame, each attempt through <paramref name="transport"/>: the token it
    /// asks for (a request the client did not make gets the tenant token), dropped and fetched again once when Feishu
    /// refuses it (99991663/99991664/99991671), around the retries.
    /// </summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> transport, CancellationToken cancellationToken)
    {
        var message = request as FeishuRequestMessage;
        switch (message?.Auth ?? FeishuAuth.Tenant)
        {
            case FeishuAuth.None:
                return SendWithRetriesAsync(request, transport, cancellationToken);
            case FeishuAuth.User:
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", message!.UserAccessToken);
                return SendWithRetriesAsync(request, transport, cancellationToken);
            case var kind:
                return SendWithTokenAsync(request, kind, transport, cancellationToken);
        }
    }

    /// <summary>The client's own failure for a call that got no answer (a time-out or a network error).</summary>
    public static FeishuApiException NoAnswerException(TransportFailure failure, Exception exception) =>
        new(failure.TimedOut ? FeishuErrorCodes.Timeout : FeishuErrorCodes.NetworkError, failure.Message, innerException: exception);

    /// <summary>Runs <paramref name="call"/> as one measured call of <paramref name="method"/> <paramref name="pathTemplate"/>.</summary>
    public Task<T> MeasureCallAsync<T, TState>(HttpMethod method, string pathTemplate, TState state, Func<TState, Task<T>> call) =>
        MeasureAsync(method, pathTemplate, state, call);

    private async Task<HttpResponseMessage> SendWithTokenAsync(
        HttpRequestMessage request, FeishuAuth auth, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> transport, CancellationToken cancellationToken)
    {
        // Token requests go through the retries and the attempt's steps, but not through this token step.
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> fetch = (tokenRequest, ct) => SendWithRetriesAsync(tokenRequest, transport, ct);
        var token = await Tokens.GetAsync(auth, fetch, cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = token.Header;
        var probe = await RetryAsync(new FeishuCall(request, transport), token: null, cancellationToken).ConfigureAwait(false);
        if (probe.Code is not { } code || !FeishuErrorCodes.IsInvalidToken(code))
        {
            return probe.Response;
        }

        Log.TokenRejected(Logger, auth == FeishuAuth.App ? "app" : "tenant", Options.AppId, code);
        Tokens.Invalidate(auth, token.Value);
        probe.Dispose();
        var fresh = await Tokens.GetAsync(auth, fetch, cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = fresh.Header;
        return await SendWithRetriesAsync(request, transport, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendWithRetriesAsync(
        HttpRequestMessage request, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> transport, CancellationToken cancellationToken) =>
        (await RetryAsync(new FeishuCall(request, transport), token: null, cancellationToken).ConfigureAwait(false)).Response;

    /// <summary>One attempt: the client-side rate limits (message sends, per-endpoint paces), then the exchange.</summary>
    protected override async Task<FeishuResponseProbe> AttemptAsync(FeishuCall call, string? token, CancellationToken cancellationToken)
    {
        var request = call.Message;
        if (RateLimiters is { } limiters && request is FeishuRequestMessage { MessageSendTo: { } receiver, PacedByCaller: false })
        {
            await FeishuRateLimits.WaitForSendAsync(this, limiters, receiver, request, cancellationToken).ConfigureAwait(false);
        }
        else if (request is FeishuRequestMessage { Pace: { } pace })
        {
            // Every attempt, retries included, takes a permit, as each counts against Feishu's limit.
            await FeishuRateLimits.WaitForPaceAsync(this, pace, request, cancellationToken).ConfigureAwait(false);
        }

        // The body is read inside the attempt's timeout (the probe buffers JSON; a download's body streams later).
        return await ExchangeAsync(request, request.RequestUri?.AbsolutePath ?? "", call.Transport, ReadProbe, replyHoldsResponse: true, cancellationToken).ConfigureAwait(false);
    }

    private static readonly Func<HttpResponseMessage, CancellationToken, Task<FeishuResponseProbe>> ReadProbe =
        static (response, cancellationToken) => FeishuResponseProbe.GetAsync(response, cancellationToken).AsTask();

    // One line per attempt with method, path, status, code, log id and duration; never the query, headers or bodies.
    protected override void LogAnswer(FeishuResponseProbe reply, string method, string path, double elapsedMs)
    {
        var status = (int)reply.Response.StatusCode;
        if (reply.Response.IsSuccessStatusCode && reply.Code is 0 or null)
        {
            Log.CallSucceeded(Logger, method, path, status, reply.Code, reply.LogId, elapsedMs);
        }
        else
        {
            Log.CallFailed(Logger, method, path, status, reply.Code, reply.LogId, elapsedMs);
        }
    }

    protected override void LogNoAnswer(string method, string path, double elapsedMs, string exceptionType) =>
        Log.CallFailedWithoutResponse(Logger, method, path, elapsedMs, exceptionType);

    protected override void LogRetrying(FeishuCall request, int attempt, double delayMs, string reason) =>
        Log.Retrying(Logger, request.Method.Method, request.Message.RequestUri?.AbsolutePath ?? "", attempt, delayMs, reason);

    protected override string ApiHost(FeishuCall request) => Options.BaseUrl.ToString();

    protected override Exception NoAnswer(TransportFailure failure, Exception exception) => NoAnswerException(failure, exception);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            RateLimiters?.Dispose();
            Pacers.Dispose();
            Bitable.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>
/// A request in the frame: the message (the client's own <see cref="FeishuRequestMessage"/>, or one a user sent on the
/// app's named client) and the transport its attempts go through.
/// </summary>
internal sealed class FeishuCall(HttpRequestMessage message, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> transport) : IApiRequest
{
    public HttpRequestMessage Message { get; } = message;

    public Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Transport { get; } = transport;

    public HttpMethod Method => Message.Method;

    public string PathTemplate => (Message as FeishuRequestMessage)?.PathTemplate ?? Message.RequestUri?.AbsolutePath ?? "";

    public Uri? AbsoluteUrl => null;
}
