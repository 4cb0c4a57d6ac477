using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Queue;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Webhooks;

/// <summary>The webhook outbox: one <see cref="WebhookDeliveryRow"/> per (subscription, event).</summary>
internal static class WebhookQueue
{
    /// <summary>The queue's name.</summary>
    public const string Name = "webhooks";
}

/// <summary>
/// Sends one claimed delivery: POSTs its stored envelope, signed, to its subscription's URL. 2xx → done; 408, 429, 5xx,
/// timeouts and network errors → retried with back-off (a <c>Retry-After</c> longer than the back-off is honoured) until
/// <see cref="WebhookOptions.MaxAttempts"/>; any other answer (4xx, 3xx — redirects are not followed) → dead letter.
/// Status code, error and response time are recorded with the outcome.
/// </summary>
internal sealed partial class WebhookSender(
    WebhookStore store,
    IHttpClientFactory httpClients,
    TimeProvider time,
    IOptions<WebhookOptions> options,
    ILogger<WebhookSender> logger) : IWorkHandler<WebhookDeliveryRow>
{
    /// <summary>The named <see cref="HttpClient"/> the sender uses (no redirects, no client-level timeout).</summary>
    public const string HttpClientName = "Larkway.Webhooks";

    private const int MaxErrorBodyChars = 200;
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(1);

    private readonly WebhookOptions _options = options.Value;

    public async Task<WorkOutcome<WebhookDeliveryRow>> HandleAsync(WebhookDeliveryRow delivery, CancellationToken cancellationToken)
    {
        if (await store.GetSubscriptionAsync(delivery.SubscriptionId, cancellationToken).ConfigureAwait(false) is not { } subscription)
        {
            // Deleted since it was queued (its deliveries go with it); nothing is left to send to.
            return WorkOutcome<WebhookDeliveryRow>.DeadLetter("The webhook subscription was deleted.");
        }

        var started = time.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            using var request = CreateRequest(delivery, subscription, time.GetUtcNow());
            using var response = await httpClients.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                var elapsed = Elapsed(started);
                DateTimeOffset? at = time.GetUtcNow();
                LogDelivered(logger, delivery.Id, subscription.Id, status, delivery.Attempts);
                return WorkOutcome<WebhookDeliveryRow>.Done(s =>
                {
                    s.SetProperty(d => d.StatusCode, status);
                    s.SetProperty(d => d.ResponseTimeMs, elapsed);
                    s.SetProperty(d => d.DeliveredAt, at);
                });
            }

            var error = $"HTTP {status} {response.ReasonPhrase}: {await ReadStartAsync(response, timeout.Token).ConfigureAwait(false)}".TrimEnd(' ', ':');
            var retryAt = IsTransient(response.StatusCode) ? RetryAt(delivery.Attempts, RetryAfter(response.Headers.RetryAfter)) : null;
            return Failed(delivery, subscription, status, Elapsed(started), error, retryAt, transient: IsTransient(response.StatusCode));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed(delivery, subscription, null, Elapsed(started), $"Timed out after {_options.RequestTimeout.TotalSeconds:0.###} s.", RetryAt(delivery.Attempts, null), transient: true);
        }
        catch (HttpRequestException ex)
        {
            return Failed(delivery, subscription, null, Elapsed(started), $"{ex.GetType().Name}: {ex.Message}", RetryAt(delivery.Attempts, null), transient: true);
        }
    }

    /// <summary>
    /// The signed POST of the stored envelope (the subscription's secrets in plain text). Standard Webhooks headers: the
    /// delivery id as <c>webhook-id</c> (the same on every attempt, equal to <c>X-Larkway-Delivery</c>), the attempt's time,
    /// and a <c>v1,</c> signature per valid secret, the current first. The older <c>X-Larkway-Signature</c> is keyed with the
    /// previous secret while it is valid, then with the current one: a receiver of that form keeps its secret through the
    /// rotation window and switches when it ends.
    /// </summary>
    internal static HttpRequestMessage CreateRequest(WebhookDeliveryRow delivery, WebhookSubscriptionRow subscription, DateTimeOffset now)
    {
        var timestamp = now.ToUnixTimeSeconds();
        var payload = delivery.Payload;
        var id = delivery.Id.ToString(CultureInfo.InvariantCulture);
        var previous = subscription.PreviousSecret is { } kept && subscription.PreviousSecretExpiresAt > now ? kept : null;
        string[] secrets = previous is null ? [subscription.Secret] : [subscription.Secret, previous];
        var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url) { Content = new ByteArrayContent(payload) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation(WebhookSignature.StandardIdHeader, id);
        request.Headers.TryAddWithoutValidation(WebhookSignature.StandardTimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(WebhookSignature.StandardSignatureHeader, WebhookSignature.StandardSignatures(secrets, id, timestamp, payload));
        request.Headers.TryAddWithoutValidation(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(WebhookSignature.DeliveryHeader, id);
        request.Headers.TryAddWithoutValidation(WebhookSignature.SignatureHeader, WebhookSignature.Compute(previous ?? subscription.Secret, timestamp, payload));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Larkway-Hub", "1.0"));
        return request;
    }

    /// <summary>408, 429 and 5xx may pass; every other non-2xx answer would be the same next Time.</summary>
    internal static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private DateTimeOffset? RetryAt(int attempts, TimeSpan? retryAfter) =>
        _options.Retry.NextAttempt(time.GetUtcNow(), attempts, retryAfter is { } after && after > MaxRetryAfter ? MaxRetryAfter : retryAfter);

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow(),
        _ => null,
    };

    private WorkOutcome<WebhookDeliveryRow> Failed(
        WebhookDeliveryRow delivery, WebhookSubscriptionRow subscription, int? status, int elapsed, string error, DateTimeOffset? retryAt, bool transient)
    {
        if (retryAt is null && transient)
        {
            error = $"{error} (gave up after {delivery.Attempts} attempts)";
        }

        if (retryAt is null)
        {
            LogDeadLettered(logger, delivery.Id, subscription.Id, status ?? 0, delivery.Attempts);
        }
        else
        {
            LogRetrying(logger, delivery.Id, subscription.Id, status ?? 0, retryAt.Value);
        }

        return WorkOutcome<WebhookDeliveryRow>.Failed(retryAt, error, s =>
        {
            s.SetProperty(d => d.StatusCode, status);
            s.SetProperty(d => d.ResponseTimeMs, elapsed);
        });
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

    private int Elapsed(long started) => (int)Math.Min(int.MaxValue, time.GetElapsedTime(started).TotalMilliseconds);

    [LoggerMessage(EventId = LogEvents.WebhookSenderDelivered, Level = LogLevel.Debug, Message = "Webhook delivery {DeliveryId} to {SubscriptionId}: HTTP {Status} (attempt {Attempt}).")]
    private static partial void LogDelivered(ILogger logger, long deliveryId, string subscriptionId, int status, int attempt);

    [LoggerMessage(EventId = LogEvents.WebhookSenderRetrying, Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} to {SubscriptionId} failed (HTTP {Status}, 0 = no answer); retrying at {RetryAt:o}.")]
    private static partial void LogRetrying(ILogger logger, long deliveryId, string subscriptionId, int status, DateTimeOffset retryAt);

    [LoggerMessage(EventId = LogEvents.WebhookSenderDeadLettered, Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} to {SubscriptionId} dead-lettered (HTTP {Status}, 0 = no answer) after {Attempts} attempts.")]
    private static partial void LogDeadLettered(ILogger logger, long deliveryId, string subscriptionId, int status, int attempts);
}

/// <summary>At start, encrypts signing secrets that older versions stored in plain text (they keep working meanwhile).</summary>
internal sealed class WebhookSecretProtection(WebhookStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.ProtectLegacySecretsAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
