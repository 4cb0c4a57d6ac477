using Larkway.Hub.Platform.Http;

namespace Larkway.Hub.Notifications;

/// <summary>
/// Settles a notification's recipients when it is accepted, so that its recipient list (and each recipient's status) is
/// fixed from then on: a platform's room supplies it through its unit (<c>AddHubPlatformUnit(...).Supply</c>) when its
/// recipients need looking up first (Feishu's departments become their people, its emails are looked up). Each
/// platform's runs in turn over the list the previous one left; a Hub whose platforms supply none sends to the
/// recipients as named.
/// </summary>
internal interface IRecipientExpander
{
    /// <summary>Settles the recipients for the app that sends (<c>""</c>: the default app).</summary>
    Task<ExpandResult> ExpandAsync(string appName, IReadOnlyList<NotificationRecipient> recipients, CancellationToken cancellationToken);
}

/// <summary>The settled recipients, or the problems (field, message).</summary>
/// <param name="Recipients">The settled recipients.</param>
/// <param name="Problems">What to fix (a 400).</param>
/// <param name="Unavailable">The platform could not be asked now (a 503: retry with the same idempotency key).</param>
internal sealed record ExpandResult(IReadOnlyList<NotificationRecipient> Recipients, IReadOnlyList<NotificationProblem> Problems, bool Unavailable = false)
{
    /// <summary>When <see cref="Unavailable"/>: the platform's failure (or the Hub's own code when it did not answer).</summary>
    public PlatformFailure? Failure { get; init; }
}
