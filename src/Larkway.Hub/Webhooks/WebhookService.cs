using Larkway.Hub.Platform.Queue;

namespace Larkway.Hub.Webhooks;

/// <summary>
/// The webhooks room's application logic, apart from HTTP: a new subscription checked and stored, the delivery log read,
/// a delivery replayed. The API (<c>WebhooksApi.cs</c>, admin key only) and the console's page share it; they read their
/// input, audit and answer.
/// </summary>
internal sealed class WebhookService(WebhookStore store, IWorkQueue<WebhookDeliveryRow> deliveries)
{
    /// <summary>Longest description.</summary>
    public const int MaxDescriptionLength = 500;

    /// <summary>Longest URL.</summary>
    public const int MaxUrlLength = 2048;

    /// <summary>Most type patterns per subscription.</summary>
    public const int MaxEventTypes = 50;

    /// <summary>
    /// Stores a subscription to <paramref name="url"/> for <paramref name="eventTypes"/> (trimmed, duplicates dropped),
    /// with a new signing secret; or, storing nothing, every problem with the request.
    /// </summary>
    public async Task<WebhookCreateResult> CreateAsync(string? url, IEnumerable<string?>? eventTypes, string? description, CancellationToken cancellationToken)
    {
        var (uri, types, text, problems) = ValidateCreate(url, eventTypes, description);
        if (problems.Count > 0 || uri is null)
        {
            return new WebhookCreateResult(null, types, problems);
        }

        var row = await store.CreateSubscriptionAsync(uri, types, text, cancellationToken).ConfigureAwait(false);
        return new WebhookCreateResult(row, types, []);
    }

    /// <summary>Every subscription.</summary>
    public Task<IReadOnlyList<WebhookSubscriptionRow>> ListAsync(CancellationToken cancellationToken) => store.ListSubscriptionsAsync(cancellationToken);

    /// <summary>Up to <paramref name="take"/> + 1 subscriptions in creation order after <paramref name="after"/>.</summary>
    public Task<IReadOnlyList<WebhookSubscriptionRow>> ListPageAsync(string? after, int take, CancellationToken cancellationToken) => store.ListSubscriptionsPageAsync(after, take, cancellationToken);

    /// <summary>A new signing secret for subscription <paramref name="id"/>, the previous one kept for the rotation window; null when none has the id.</summary>
    public Task<WebhookSecretRotation?> RotateSecretAsync(string id, CancellationToken cancellationToken) => store.RotateSecretAsync(id, cancellationToken);

    /// <summary>Deletes a subscription; false when none has the id.</summary>
    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) => store.DeleteSubscriptionAsync(id, cancellationToken);

    /// <summary>A subscription's latest deliveries (in <paramref name="status"/> when given), or null when no subscription has the id.</summary>
    public async Task<IReadOnlyList<WebhookDeliveryRow>?> ListDeliveriesAsync(string id, WorkState? status, long? after, int limit, CancellationToken cancellationToken) =>
        await store.SubscriptionExistsAsync(id, cancellationToken).ConfigureAwait(false)
            ? await store.ListDeliveriesAsync(id, status, after, limit, cancellationToken).ConfigureAwait(false)
            : null;

    /// <summary>Queues a delivery again: replayed, in progress right now (not replayed), or not found.</summary>
    public Task<ReplayResult> ReplayAsync(long id, CancellationToken cancellationToken) => deliveries.ReplayAsync(id, cancellationToken);

    /// <summary>Checks a new subscription; problems are empty when it is fine.</summary>
    private static (Uri? Uri, string[] EventTypes, string Description, List<string> Problems) ValidateCreate(string? url, IEnumerable<string?>? eventTypes, string? description)
    {
        var problems = new List<string>();
        url = url?.Trim();
        Uri? uri = null;
        if (string.IsNullOrEmpty(url) || url.Length > MaxUrlLength
            || !Uri.TryCreate(url, UriKind.Absolute, out uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || !string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Fragment))
        {
            problems.Add($"url: required, an absolute http or https URL without credentials or fragment, at most {MaxUrlLength} characters.");
        }

        var types = eventTypes?.Select(t => t?.Trim() ?? "").Distinct(StringComparer.Ordinal).ToArray() ?? [];
        if (types.Length is 0 or > MaxEventTypes || types.Any(t => !WebhookEventFilter.IsValidPattern(t)))
        {
            problems.Add($"event_types: required, 1–{MaxEventTypes} event types: exact names ('im.message.receive_v1', 'card.action.trigger'), families ('im.message.*'), or '*' for all.");
        }

        description = description?.Trim() ?? "";
        if (description.Length > MaxDescriptionLength)
        {
            problems.Add($"description: at most {MaxDescriptionLength} characters.");
        }

        return (uri, types, description, problems);
    }
}

/// <summary>The stored subscription (with its secret, shown once) and its event types; or, when nothing was stored, the problems.</summary>
internal sealed record WebhookCreateResult(WebhookSubscriptionRow? Subscription, string[] EventTypes, IReadOnlyList<string> Problems);
