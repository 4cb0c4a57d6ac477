using Larkway.Hub.Platform.Units;
using Larkway.Hub.Apps;
using Larkway.Hub.Platform.Http;

namespace Larkway.Hub.Notifications;

/// <summary>
/// One platform's notification channel, the seam through which the outbox sends without knowing any platform: the
/// recipient kinds the platform's apps send to, whether a notification can be shown there (asked when it is submitted,
/// so a request that cannot render is refused at once instead of accepted and dead-lettered), and one delivery's send —
/// paced within the platform's limits, its failure classified in the platform's own terms. Each platform's room
/// supplies one through its unit (<c>AddHubPlatformUnit(...).Supply</c>); <see cref="NotificationChannels"/> finds them by platform.
/// A channel does not say its platform: the unit it came with does (<see cref="PlatformPieces{T}"/>), so the name is kept once.
/// </summary>
internal interface INotificationChannel
{
    /// <summary>The recipient types this platform's apps send to (a request's recipients must be of the app's platform).</summary>
    IReadOnlyList<string> RecipientTypes { get; }

    /// <summary>Why a notification of <paramref name="messageType"/> with <paramref name="content"/> cannot be shown on this platform; null when it can.</summary>
    string? WhyUnrenderable(string messageType, string content);

    /// <summary>Sends one delivery (or updates the message it sent before) with the app <paramref name="send"/> names.</summary>
    /// <exception cref="HubAppNotFoundException">The app is disabled, deleted or unusable (retried: enabling it resumes the delivery).</exception>
    /// <exception cref="RecipientNotFoundException">The platform does not know the recipient.</exception>
    Task<ChannelOutcome> SendAsync(ChannelSend send, CancellationToken cancellationToken);
}

/// <summary>One delivery to send: the app that sends it (its stored form, when it is a stored app), the notification and the delivery.</summary>
internal sealed record ChannelSend(string AppName, StoredApp? App, NotificationRow Notification, NotificationDeliveryRow Delivery);

/// <summary>How one channel send ended.</summary>
internal abstract record ChannelOutcome
{
    private ChannelOutcome()
    {
    }

    /// <summary>Sent (or updated): the platform's message id, and what updates the message in place later, when the platform gives one.</summary>
    public sealed record Sent(string MessageId, string? ResponseCode = null) : ChannelOutcome;

    /// <summary>Not sent: the next send slot the platform's limits allow is <paramref name="Slot"/> (no attempt used).</summary>
    public sealed record Paced(DateTimeOffset Slot) : ChannelOutcome;

    /// <summary>Refused for the platform's rate: tried again after <paramref name="RetryAfter"/> (or the outbox's own delay), no attempt used.</summary>
    public sealed record Throttled(PlatformFailure Failure, TimeSpan? RetryAfter) : ChannelOutcome;

    /// <summary>Refused: retried with back-off when <paramref name="Transient"/>, else failed for good; the failure in the platform's own terms.</summary>
    public sealed record Refused(PlatformFailure Failure, bool Transient) : ChannelOutcome;
}

/// <summary>The registered channels, by platform and by recipient type.</summary>
internal sealed class NotificationChannels(PlatformPieces<INotificationChannel> channels)
{
    /// <summary>
    /// The recipient kinds a request may name: every channel's, in the order the rooms registered them, then a directory
    /// person (any app sends to one). A platform's room adds its kinds with its channel; nothing here lists them.
    /// </summary>
    public IReadOnlyList<string> RecipientTypes { get; } =
        [.. channels.Each.SelectMany(c => c.RecipientTypes).Append(NotificationRequest.PersonRecipient).Distinct(StringComparer.Ordinal)];

    /// <summary>The platforms with a channel, as stored apps name them (<see cref="StoredApp.Platform"/>), in the order their units were registered.</summary>
    public IEnumerable<string> Platforms => channels.Platforms.Select(p => p.Name);

    /// <summary>The channel of <paramref name="platform"/>.</summary>
    /// <exception cref="InvalidOperationException">The Hub has no channel for it (its room is not registered).</exception>
    public INotificationChannel For(string platform) =>
        channels.Find(platform) ??
        throw new InvalidOperationException($"No notification channel is registered for the platform '{platform}'.");

    /// <summary>The channel of <paramref name="platform"/>, or null when its room is not in this Hub.</summary>
    public INotificationChannel? Find(string platform) => channels.Find(platform);

    /// <summary>The platform whose channel sends to <paramref name="recipientType"/>, or null.</summary>
    public string? PlatformOfRecipient(string recipientType) =>
        channels.All.Where(c => c.Piece.RecipientTypes.Contains(recipientType, StringComparer.Ordinal)).Select(c => c.Platform.Name).FirstOrDefault();
}
