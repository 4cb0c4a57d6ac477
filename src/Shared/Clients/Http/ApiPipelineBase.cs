using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace Larkway.Shared.Clients;

/// <summary>
/// What the shared pipeline needs to know of a platform's request: its method and path template (for logs and metrics),
/// and the absolute URL it goes to instead of the API host, if any (a link the platform gave).
/// </summary>
internal interface IApiRequest
{
    HttpMethod Method { get; }

    string PathTemplate { get; }

    Uri? AbsoluteUrl { get; }
}

/// <summary>
/// The frame of a platform's HTTP pipeline: the app's name, clock, logger, telemetry and HTTP client; each call measured
/// (one span and one count per call, retries included); each attempt run through the resilience pipeline with the request
/// at hand for its retry decision, and a call that got no answer turned into the library's own exception. The platform
/// says how a request becomes HTTP (<see cref="AttemptAsync"/>), how an attempt is logged, what is retried (in its
/// <see cref="Resilience"/>), and which exception a transport failure is (<see cref="NoAnswer"/>).
/// </summary>
internal abstract class ApiPipelineBase<TRequest, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] TReply, TTelemetry> : IDisposable
    where TRequest : class, IApiRequest
    where TTelemetry : ApiTelemetry
{
    private static readonly ResiliencePropertyKey<TRequest> RequestKey = new("Larkway.ApiRequest");

    private readonly HttpClient? _http;
    private readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>? _sendOnOwnClient;

    /// <summary>A frame that sends on an HTTP client of its own, over <paramref name="handler"/> (the caller's, never disposed) or a pooled one.</summary>
    protected ApiPipelineBase(string name, string loggerCategory, ILoggerFactory? loggerFactory, TimeProvider? timeProvider, HttpMessageHandler? handler, TTelemetry telemetry)
        : this(name, loggerCategory, loggerFactory, timeProvider, telemetry)
    {
        _http = ApiHttp.CreateClient(handler);
        _sendOnOwnClient = (message, cancellationToken) => _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken);
    }

    /// <summary>
    /// A frame without an HTTP client of its own: each attempt is sent through the transport it is given (a
    /// <see cref="DelegatingHandler"/>'s inner handler, when the frame runs inside an <c>IHttpClientFactory</c> chain).
    /// </summary>
    protected ApiPipelineBase(string name, string loggerCategory, ILoggerFactory? loggerFactory, TimeProvider? timeProvider, TTelemetry telemetry)
    {
        Name = name;
        TimeProvider = timeProvider ?? TimeProvider.System;
        Logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger(loggerCategory);
        Telemetry = telemetry;
    }

    public string Name { get; }

    public TimeProvider TimeProvider { get; }

    public ILogger Logger { get; }

    public TTelemetry Telemetry { get; }

    /// <summary>The frame's own HTTP client (none when each attempt is given its transport).</summary>
    protected HttpClient Http => _http ?? throw new InvalidOperationException("This pipeline sends each attempt through the transport it is given.");

    /// <summary>Retries and the per-attempt timeout (<see cref="BuildResilience"/>); none until the platform sets it.</summary>
    protected ResiliencePipeline<TReply> Resilience { get; init; } = ResiliencePipeline<TReply>.Empty;

    /// <summary>The request a retry decision is about.</summary>
    protected static TRequest RequestOf(ResilienceContext context) => context.Properties.GetValue(RequestKey, null!);

    /// <summary>
    /// The retry pipeline in the shape every client shares (<see cref="ApiHttp"/>) with the platform's classifier:
    /// <paramref name="shouldRetry"/> decides on an attempt's request and outcome, <paramref name="errorOf"/> describes an
    /// error answer for the retry's log line (<see cref="LogRetrying"/>), and <paramref name="delay"/> is the wait the
    /// platform asked for, if any (else the back-off's).
    /// </summary>
    protected ResiliencePipeline<TReply> BuildResilience(ApiRetrySettings settings, Func<TRequest, Outcome<TReply>, bool> shouldRetry, Func<TReply, string?> errorOf, Func<TReply, TimeSpan?>? delay = null) =>
        ApiHttp.BuildResilience<TReply>(
            settings,
            TimeProvider,
            args => shouldRetry(RequestOf(args.Context), args.Outcome),
            args => LogRetrying(RequestOf(args.Context), args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds,
                args.Outcome.Exception is { } ex ? ex.GetType().Name : args.Outcome.Result is { } reply && errorOf(reply) is { } error ? error : "failure"),
            delay is null ? null : args => args.Outcome.Result is { } reply ? delay(reply) : null);

    /// <summary>Logs a retry about to wait <paramref name="delayMs"/> before attempt <paramref name="attempt"/>.</summary>
    protected abstract void LogRetrying(TRequest request, int attempt, double delayMs, string reason);

    /// <summary>Runs <paramref name="call"/> as one measured call: a span, then its count and duration with its outcome.</summary>
    protected Task<T> MeasureAsync<T, TState>(TRequest request, TState state, Func<TState, Task<T>> call) =>
        MeasureAsync(request.Method, request.PathTemplate, state, call);

    /// <summary>The same, for a call known by its method and path template before its request is made.</summary>
    protected async Task<T> MeasureAsync<T, TState>(HttpMethod method, string pathTemplate, TState state, Func<TState, Task<T>> call)
    {
        using var activity = Telemetry.StartCall(method, pathTemplate);
        var started = TimeProvider.GetTimestamp();
        Exception? failure = null;
        try
        {
            return await call(state).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            failure = ex;
            throw;
        }
        finally
        {
            Telemetry.EndCall(activity, method, pathTemplate, TimeProvider.GetElapsedTime(started), failure);
        }
    }

    /// <summary>
    /// Sends <paramref name="request"/> (with <paramref name="token"/>, if any) through the resilience pipeline; a call
    /// that got no answer becomes the library's exception (<see cref="NoAnswer"/>).
    /// </summary>
    protected async Task<TReply> SendWithRetriesAsync(TRequest request, string? token, CancellationToken cancellationToken)
    {
        try
        {
            return await RetryAsync(request, token, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (MapTransportFailure(ex, request, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <summary>
    /// The same, with a call that got no answer left as the transport's own exception: for a frame inside an HTTP handler
    /// chain, whose callers expect what <see cref="HttpClient"/> throws.
    /// </summary>
    protected async Task<TReply> RetryAsync(TRequest request, string? token, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RequestKey, request);
        try
        {
            return await Resilience.ExecuteAsync(
                static async (ctx, state) => await state.Pipeline.AttemptAsync(state.Request, state.Token, ctx.CancellationToken).ConfigureAwait(false),
                context,
                (Pipeline: this, Request: request, Token: token)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>One attempt: the request as HTTP (an <c>ExchangeAsync</c> sends it).</summary>
    protected abstract Task<TReply> AttemptAsync(TRequest request, string? token, CancellationToken cancellationToken);

    /// <summary>
    /// Sends an attempt's <paramref name="message"/> and reads its answer whole with <paramref name="read"/>, timed for its
    /// log line: an answer is logged by <see cref="LogAnswer"/>, no answer by <see cref="LogNoAnswer"/> before its exception
    /// goes on. The caller's own cancellation (a host stopping) is not a failure to warn about: it propagates unlogged.
    /// </summary>
    protected Task<TReply> ExchangeAsync(HttpRequestMessage message, string path, Func<HttpResponseMessage, CancellationToken, Task<TReply>> read, CancellationToken cancellationToken) =>
        ExchangeAsync(message, path, _sendOnOwnClient ?? throw new InvalidOperationException("This pipeline sends each attempt through the transport it is given."),
            read, replyHoldsResponse: false, cancellationToken);

    /// <summary>
    /// The same through <paramref name="send"/>, the attempt's transport. With <paramref name="replyHoldsResponse"/> the
    /// reply keeps the response (a handler chain hands it on): it is disposed here only when reading it fails.
    /// </summary>
    protected async Task<TReply> ExchangeAsync(
        HttpRequestMessage message,
        string path,
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send,
        Func<HttpResponseMessage, CancellationToken, Task<TReply>> read,
        bool replyHoldsResponse,
        CancellationToken cancellationToken)
    {
        var started = TimeProvider.GetTimestamp();
        TReply reply;
        try
        {
            var response = await send(message, cancellationToken).ConfigureAwait(false);
            var kept = false;
            try
            {
                reply = await read(response, cancellationToken).ConfigureAwait(false);
                kept = replyHoldsResponse;
            }
            finally
            {
                if (!kept)
                {
                    response.Dispose();
                }
            }
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogNoAnswer(message.Method.Method, path, TimeProvider.GetElapsedTime(started).TotalMilliseconds, ex.GetType().Name);
            throw;
        }

        LogAnswer(reply, message.Method.Method, path, TimeProvider.GetElapsedTime(started).TotalMilliseconds);
        return reply;
    }

    /// <summary>Logs an attempt's answer (its own line for an error), with the platform's event ids.</summary>
    protected abstract void LogAnswer(TReply reply, string method, string path, double elapsedMs);

    /// <summary>Logs an attempt that got no answer.</summary>
    protected abstract void LogNoAnswer(string method, string path, double elapsedMs, string exceptionType);

    /// <summary>
    /// The library's exception for a call that got no answer (<see cref="NoAnswer"/>, described by where it went: the API
    /// host, or the link's); null for what passes through unchanged (API errors, the caller's own cancellation).
    /// </summary>
    protected Exception? MapTransportFailure(Exception exception, TRequest request, CancellationToken cancellationToken)
    {
        var where = request.AbsoluteUrl is { } absolute ? $"{absolute.Scheme}://{absolute.Authority}" : ApiHost(request);
        return ApiHttp.DescribeTransportFailure(exception, where, $"{request.Method} {request.PathTemplate}", cancellationToken) is { } failure
            ? NoAnswer(failure, exception)
            : null;
    }

    /// <summary>The API host (base URL) <paramref name="request"/> goes to, for messages.</summary>
    protected abstract string ApiHost(TRequest request);

    /// <summary>The library's exception (a time-out or a network error) for a call that got no answer.</summary>
    protected abstract Exception NoAnswer(TransportFailure failure, Exception exception);

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the frame's own client and telemetry; a platform that keeps more state disposes it too.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            // A handler passed in is the caller's (never disposed); the client and its own handler are ours.
            _http?.Dispose();
            Telemetry.Dispose();
        }
    }
}
