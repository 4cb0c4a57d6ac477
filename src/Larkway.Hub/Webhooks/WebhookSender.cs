using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Larkway.Hub.Hosting;
using Larkway.Hub.Inbox;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Webhooks;

/// <summary>
/// Drains the webhook outbox: claims due deliveries under a lease and POSTs each one's stored envelope, signed, to its
/// subscription's URL. 2xx → Delivered; 408, 429, 5xx, timeouts and network errors → Retrying with back-off (a
/// <c>Retry-After</c> longer than the back-off is honoured) until <see cref="WebhookOptions.MaxAttempts"/>; any other
/// answer (4xx, 3xx — redirects are not followed) → DeadLetter. Status code, attempts, error and response time are recorded.
/// </summary>
internal sealed partial class WebhookSender(
    WebhookStore store,
    WebhookSignal signal,
    IHttpClientFactory httpClients,
    TimeProvider time,
    IOptions<WebhookOptions> options,
    ILogger<WebhookSender> logger) : OutboxWorker<ClaimedWebhookDelivery>(signal, time)
{
    /// <summary>The named <see cref="HttpClient"/> the sender uses (no redirects, no client-level timeout).</summary>
    public const string HttpClientName = "Larkway.Webhooks";

    private const int MaxErrorBodyChars = 200;
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(1);

    private readonly WebhookOptions _options = options.Value;

    /// <summary>This sender's lease owner name.</summary>
    public string Owner { get; } = InboxOwner.Create("webhooks");

    protected override int BatchSize => _options.BatchSize;

    protected override int Concurrency => _options.Concurrency;

    protected override TimeSpan PollInterval => _options.PollInterval;

    protected override Task<IReadOnlyList<ClaimedWebhookDelivery>> ClaimAsync(int batchSize, CancellationToken cancellationToken) =>
        store.ClaimAsync(Owner, batchSize, _options.LeaseDuration, cancellationToken);

    protected override Task HandleAsync(ClaimedWebhookDelivery item, CancellationToken stoppingToken) => SendOneAsync(item, stoppingToken);

    protected override void OnRoundFailed(Exception exception) => LogLoopFailed(logger, exception);

    private async Task SendOneAsync(ClaimedWebhookDelivery claimed, CancellationToken stoppingToken)
    {
        var delivery = claimed.Delivery;
        var started = Time.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            using var request = CreateRequest(claimed, Time.GetUtcNow());
            using var response = await httpClients.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                await store.MarkDeliveredAsync(delivery.Id, Owner, status, Elapsed(started), CancellationToken.None).ConfigureAwait(false);
                LogDelivered(logger, delivery.Id, claimed.Subscription.Id, status, delivery.Attempts);
                return;
            }

            var error = $"HTTP {status} {response.ReasonPhrase}: {await ReadStartAsync(response, timeout.Token).ConfigureAwait(false)}".TrimEnd(' ', ':');
            var elapsed = Elapsed(started);
            var retryAt = IsTransient(response.StatusCode) ? RetryAt(delivery.Attempts, RetryAfter(response.Headers.RetryAfter)) : null;
            await RecordFailureAsync(claimed, status, elapsed, error, retryAt).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the lease expires and a sender tries again; receivers dedupe on the delivery id.
        }
        catch (OperationCanceledException)
        {
            await RecordFailureAsync(claimed, null, Elapsed(started), $"Timed out after {_options.RequestTimeout.TotalSeconds:0.###} s.", RetryAt(delivery.Attempts, null))
                .ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            await RecordFailureAsync(claimed, null, Elapsed(started), $"{ex.GetType().Name}: {ex.Message}", RetryAt(delivery.Attempts, null)).ConfigureAwait(false);
        }
    }

    /// <summary>The signed POST of the stored envelope.</summary>
    internal static HttpRequestMessage CreateRequest(ClaimedWebhookDelivery claimed, DateTimeOffset now)
    {
        var timestamp = now.ToUnixTimeSeconds();
        var payload = claimed.Delivery.Payload;
        var request = new HttpRequestMessage(HttpMethod.Post, claimed.Subscription.Url) { Content = new ByteArrayContent(payload) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(WebhookSignature.DeliveryHeader, claimed.Delivery.Id.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(WebhookSignature.SignatureHeader, WebhookSignature.Compute(claimed.Subscription.Secret, timestamp, payload));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Larkway-Hub", "1.0"));
        return request;
    }

    /// <summary>408, 429 and 5xx may pass; every other non-2xx answer would be the same next Time.</summary>
    internal static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private DateTimeOffset? RetryAt(int attempts, TimeSpan? retryAfter)
    {
        if (attempts >= _options.MaxAttempts)
        {
            return null;
        }

        var delays = _options.EffectiveRetryDelays;
        var delay = delays[Math.Clamp(attempts - 1, 0, delays.Count - 1)];
        if (retryAfter is { } after && after > delay)
        {
            delay = after < MaxRetryAfter ? after : MaxRetryAfter;
        }

        return Time.GetUtcNow() + delay;
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - Time.GetUtcNow(),
        _ => null,
    };

    private async Task RecordFailureAsync(ClaimedWebhookDelivery claimed, int? status, int elapsed, string error, DateTimeOffset? retryAt)
    {
        var delivery = claimed.Delivery;
        if (retryAt is null && delivery.Attempts >= _options.MaxAttempts && (status is null || IsTransient((HttpStatusCode)status.Value)))
        {
            error = $"{error} (gave up after {delivery.Attempts} attempts)";
        }

        try
        {
            await store.MarkFailedAsync(delivery.Id, Owner, status, elapsed, error, retryAt, CancellationToken.None).ConfigureAwait(false);
            if (retryAt is null)
            {
                LogDeadLettered(logger, delivery.Id, claimed.Subscription.Id, status ?? 0, delivery.Attempts);
            }
            else
            {
                LogRetrying(logger, delivery.Id, claimed.Subscription.Id, status ?? 0, retryAt.Value);
            }
        }
        catch (Exception ex)
        {
            // The lease expires and the delivery is tried again.
            LogRecordFailed(logger, delivery.Id, ex.GetType().Name);
        }
    }

    private static async Task<string> ReadStartAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                using var reader = new StreamReader(stream);
                var buffer = new char[MaxErrorBodyChars];
                var read = await reader.ReadBlockAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
                return new string(buffer, 0, read).ReplaceLineEndings(" ").Trim();
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return "";
        }
    }

    private int Elapsed(long started) => (int)Math.Min(int.MaxValue, Time.GetElapsedTime(started).TotalMilliseconds);

    [LoggerMessage(EventId = 4200, Level = LogLevel.Debug, Message = "Webhook delivery {DeliveryId} to {SubscriptionId}: HTTP {Status} (attempt {Attempt}).")]
    private static partial void LogDelivered(ILogger logger, long deliveryId, string subscriptionId, int status, int attempt);

    [LoggerMessage(EventId = 4201, Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} to {SubscriptionId} failed (HTTP {Status}, 0 = no answer); retrying at {RetryAt:o}.")]
    private static partial void LogRetrying(ILogger logger, long deliveryId, string subscriptionId, int status, DateTimeOffset retryAt);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} to {SubscriptionId} dead-lettered (HTTP {Status}, 0 = no answer) after {Attempts} attempts.")]
    private static partial void LogDeadLettered(ILogger logger, long deliveryId, string subscriptionId, int status, int attempts);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Error, Message = "Webhook sender loop failed; retrying after the poll interval.")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4204, Level = LogLevel.Error, Message = "Webhook delivery {DeliveryId}: recording its outcome failed ({ExceptionType}); it is retried after its lease expires.")]
    private static partial void LogRecordFailed(ILogger logger, long deliveryId, string exceptionType);
}

/// <summary>Runs the <see cref="WebhookSender"/> unless <see cref="WebhookOptions.SenderEnabled"/> is false.</summary>
internal sealed class WebhookSenderHost(WebhookSender sender, IOptions<WebhookOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        options.Value.SenderEnabled ? sender.StartAsync(cancellationToken) : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) =>
        options.Value.SenderEnabled ? sender.StopAsync(cancellationToken) : Task.CompletedTask;
}

/// <summary>At start, encrypts signing secrets that older versions stored in plain text (they keep working meanwhile).</summary>
internal sealed class WebhookSecretProtection(WebhookStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.ProtectLegacySecretsAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
