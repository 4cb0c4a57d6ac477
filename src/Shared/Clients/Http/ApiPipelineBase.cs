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

    protected ApiPipelineBase(string name, string loggerCategory, ILoggerFactory? loggerFactory, TimeProvider? timeProvider, HttpMessageHandler? handler, TTelemetry telemetry)
    {
        Name = name;
        TimeProvider = timeProvider ?? TimeProvider.System;
        Logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger(loggerCategory);
        Telemetry = telemetry;
        Http = ApiHttp.CreateClient(handler);
    }

    public string Name { get; }

    public TimeProvider TimeProvider { get; }

    public ILogger Logger { get; }

    public TTelemetry Telemetry { get; }

    protected HttpClient Http { get; }

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
    protected async Task<T> MeasureAsync<T, TState>(TRequest request, TState state, Func<TState, Task<T>> call)
    {
        using var activity = Telemetry.StartCall(request.Method, request.PathTemplate);
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
            Telemetry.EndCall(activity, request.Method, request.PathTemplate, TimeProvider.GetElapsedTime(started), failure);
        }
    }

    /// <summary>Sends <paramref name="request"/> (with <paramref name="token"/>, if any) through the resilience pipeline.</summary>
    protected async Task<TReply> SendWithRetriesAsync(TRequest request, string? token, CancellationToken cancellationToken)
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
        catch (Exception ex) when (MapTransportFailure(ex, request, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>One attempt: the request as HTTP (<see cref="ExchangeAsync"/> sends it).</summary>
    protected abstract Task<TReply> AttemptAsync(TRequest request, string? token, CancellationToken cancellationToken);

    /// <summary>
    /// Sends an attempt's <paramref name="message"/> and reads its answer whole with <paramref name="read"/>, timed for its
    /// log line: an answer is logged by <see cref="LogAnswer"/>, no answer by <see cref="LogNoAnswer"/> before its exception
    /// goes on. The caller's own cancellation (a host stopping) is not a failure to warn about: it propagates unlogged.
    /// </summary>
    protected async Task<TReply> ExchangeAsync(HttpRequestMessage message, string path, Func<HttpResponseMessage, CancellationToken, Task<TReply>> read, CancellationToken cancellationToken)
    {
        var started = TimeProvider.GetTimestamp();
        TReply reply;
        try
        {
            using var response = await Http.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            reply = await read(response, cancellationToken).ConfigureAwait(false);
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
        // A handler passed in is the caller's (never disposed); the client and its own handler are ours.
        Http.Dispose();
        Telemetry.Dispose();
        GC.SuppressFinalize(this);
    }
}
