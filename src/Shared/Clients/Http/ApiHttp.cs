using System.Diagnostics.CodeAnalysis;
using System.Net.Http.Headers;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Larkway.Shared.Clients;

/// <summary>A platform's retry settings, as its public options give them.</summary>
internal readonly record struct ApiRetrySettings(int MaxRetries, TimeSpan BaseDelay, TimeSpan MaxDelay, bool UseJitter, TimeSpan AttemptTimeout);

/// <summary>A call that got no answer: whether it timed out, and what to tell the caller.</summary>
internal readonly record struct TransportFailure(bool TimedOut, string Message);

/// <summary>
/// The parts of a platform client's HTTP pipeline that do not depend on the platform: the HTTP client, the resilience
/// pipeline's shape (exponential back-off with jitter, then a per-attempt timeout), and the description of a call that got
/// no answer. What to retry and which exception to throw stay with each library.
/// </summary>
internal static class ApiHttp
{
    /// <summary>
    /// An HTTP client over <paramref name="handler"/> (the caller's, never disposed) or over a pooled handler of our own.
    /// Timeouts are per attempt, in the resilience pipeline; HttpClient's own would cut retries short.
    /// </summary>
    public static HttpClient CreateClient(HttpMessageHandler? handler) =>
        new(handler ?? CreatePooledHandler(), disposeHandler: handler is null)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };

    private static readonly MediaTypeHeaderValue JsonUtf8 = MediaTypeHeaderValue.Parse("application/json; charset=utf-8");

    /// <summary>A request body of UTF-8 JSON bytes.</summary>
    public static ByteArrayContent JsonContent(byte[] json) => new(json) { Headers = { ContentType = JsonUtf8 } };

    /// <summary>
    /// An error answer's text for its exception: the platform's <paramref name="message"/>, after what was being done
    /// (<paramref name="context"/>, left out when the error is transient: a retry is what helps), and before what to do
    /// about it (<paramref name="hint"/>).
    /// </summary>
    public static string ErrorText(string message, string? context, bool transient, string? hint)
    {
        var text = context is not null && !transient ? $"{context}. {message}" : message;
        return hint is not null ? $"{text} — {hint}" : text;
    }

    /// <summary>The network handler of a long-lived client: pooled connections, renewed every few minutes to follow DNS changes.</summary>
    public static SocketsHttpHandler CreatePooledHandler() => new() { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };

    /// <summary>Retries with exponential back-off (when any are allowed), inside them a timeout per attempt (when set).</summary>
    public static ResiliencePipeline<TReply> BuildResilience<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] TReply>(
        ApiRetrySettings settings,
        TimeProvider timeProvider,
        Func<RetryPredicateArguments<TReply>, bool> shouldRetry,
        Action<OnRetryArguments<TReply>> onRetry,
        Func<RetryDelayGeneratorArguments<TReply>, TimeSpan?>? delay = null) =>
        BuildResilience(settings, timeProvider, args => new ValueTask<bool>(shouldRetry(args)), onRetry, delay);

    /// <summary>
    /// The same, for a platform whose retry decision may have to read the answer first (<paramref name="shouldRetry"/>
    /// completes synchronously when it need not).
    /// </summary>
    public static ResiliencePipeline<TReply> BuildResilience<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] TReply>(
        ApiRetrySettings settings,
        TimeProvider timeProvider,
        Func<RetryPredicateArguments<TReply>, ValueTask<bool>> shouldRetry,
        Action<OnRetryArguments<TReply>> onRetry,
        Func<RetryDelayGeneratorArguments<TReply>, TimeSpan?>? delay = null)
    {
        var builder = new ResiliencePipelineBuilder<TReply> { TimeProvider = timeProvider };
        if (settings.MaxRetries > 0)
        {
            var retry = new RetryStrategyOptions<TReply>
            {
                MaxRetryAttempts = settings.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = settings.UseJitter,
                Delay = settings.BaseDelay,
                MaxDelay = settings.MaxDelay,
                ShouldHandle = shouldRetry,
                OnRetry = args =>
                {
                    onRetry(args);
                    return default;
                },
            };
            if (delay is not null)
            {
                retry.DelayGenerator = args => new ValueTask<TimeSpan?>(delay(args));
            }

            builder.AddRetry(retry);
        }

        if (settings.AttemptTimeout > TimeSpan.Zero && settings.AttemptTimeout != Timeout.InfiniteTimeSpan)
        {
            builder.AddTimeout(settings.AttemptTimeout);
        }

        return builder.Build();
    }

    /// <summary>
    /// What went wrong when a call to <paramref name="where"/> (<paramref name="what"/>) got no answer; null for what passes
    /// through unchanged (the caller's own cancellation, and anything that is not a transport failure).
    /// </summary>
    public static TransportFailure? DescribeTransportFailure(Exception exception, string where, string what, CancellationToken cancellationToken) => exception switch
    {
        OperationCanceledException when cancellationToken.IsCancellationRequested => null,
        TimeoutRejectedException ex => new TransportFailure(true, $"No answer from {where} within {ex.Timeout.TotalSeconds:0.###} s ({what})."),
        OperationCanceledException => new TransportFailure(true, $"No answer from {where} ({what}): the request timed out."),
        HttpRequestException ex => new TransportFailure(false, $"Could not reach {where} ({what}): {ex.Message}"),
        _ => null,
    };
}
