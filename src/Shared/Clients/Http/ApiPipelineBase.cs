using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace Larkway.Shared.Clients;

/// <summary>What the shared pipeline needs to know of a platform's request: its method and path template (for logs and metrics).</summary>
internal interface IApiRequest
{
    HttpMethod Method { get; }

    string PathTemplate { get; }
}

/// <summary>
/// The frame of a platform's HTTP pipeline: the app's name, clock, logger, telemetry and HTTP client; each call measured
/// (one span and one count per call, retries included); each attempt run through the resilience pipeline with the request
/// at hand for its retry decision, and a call that got no answer turned into the library's own exception. The platform
/// says how a request becomes HTTP (<see cref="AttemptAsync"/>), what is retried (in its <see cref="Resilience"/>), and
/// which exception a transport failure is (<see cref="MapTransportFailure"/>).
/// </summary>
internal abstract class ApiPipelineBase<TRequest, TReply, TTelemetry> : IDisposable
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

    /// <summary>Retries and the per-attempt timeout (<see cref="ApiHttp.BuildResilience"/>); none until the platform sets it.</summary>
    protected ResiliencePipeline<TReply> Resilience { get; init; } = ResiliencePipeline<TReply>.Empty;

    /// <summary>The request a retry decision is about.</summary>
    protected static TRequest RequestOf(ResilienceContext context) => context.Properties.GetValue(RequestKey, null!);

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

    /// <summary>One attempt: the request as HTTP, its answer read whole, one log line.</summary>
    protected abstract Task<TReply> AttemptAsync(TRequest request, string? token, CancellationToken cancellationToken);

    /// <summary>The library's exception for a call that got no answer; null for what passes through unchanged.</summary>
    protected abstract Exception? MapTransportFailure(Exception exception, TRequest request, CancellationToken cancellationToken);

    public void Dispose()
    {
        // A handler passed in is the caller's (never disposed); the client and its own handler are ours.
        Http.Dispose();
        Telemetry.Dispose();
        GC.SuppressFinalize(this);
    }
}
