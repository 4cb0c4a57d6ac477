using Larkway.Hub.Apps;
using Larkway.Hub.Platform.Http;

namespace Larkway.Hub.Notifications;

/// <summary>A notification a channel's platform cannot show at all (a card-builder template, or a card its renderer refuses).</summary>
internal sealed class NotificationRenderException(string message) : Exception(message);

/// <summary>
/// What the channels that render a Feishu card for another platform share, so each says only its platform's part: cards
/// only (a Feishu card-builder template is refused, at submit and at send), the app checked usable before a send, a card
/// the platform cannot show refused for good under the channel's code, and the platform's own refusal
/// (<see cref="Refusal"/>) deferred when it is about the rate, retried when transient, failed otherwise — under the
/// platform's own code as it gave it (the room reads it).
/// </summary>
internal abstract class CardNotificationChannel(string platform, string platformName, int renderFailedCode) : INotificationChannel
{
    public abstract IReadOnlyList<string> RecipientTypes { get; }

    /// <summary>Why a Feishu card-builder template is refused: the platform shows only cards the Hub renders for it.</summary>
    public string TemplateRefusal => $"A Feishu card-builder template cannot be shown on {platformName}: send the card itself, or use a notification type.";

    public string? WhyUnrenderable(string messageType, string content) => messageType != "card" ? TemplateRefusal : WhyCardUnrenderable(content);

    public async Task<ChannelOutcome> SendAsync(ChannelSend send, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(send);
        if (send.App is not { } app || !app.Enabled || app.Error is not null)
        {
            throw new HubAppNotFoundException(send.App?.Error ?? $"The {platformName} app '{send.AppName}' is disabled in the Hub.");
        }

        try
        {
            return send.Notification.MessageType != "card"
                ? throw new NotificationRenderException(TemplateRefusal)
                : await SendCardAsync(app, send.Notification, send.Delivery, cancellationToken).ConfigureAwait(false);
        }
        catch (NotificationRenderException ex)
        {
            return new ChannelOutcome.Refused(PlatformFailure.Numbered(platform, renderFailedCode, ex.Message), Transient: false);
        }
        catch (Exception ex) when (Refusal(ex) is { } refusal)
        {
            return refusal.RateLimited ? new ChannelOutcome.Throttled(refusal.Failure, refusal.RetryAfter) : new ChannelOutcome.Refused(refusal.Failure, refusal.Transient);
        }
    }

    /// <summary>Why the card <paramref name="content"/> cannot be shown on the platform; null when it can.</summary>
    protected abstract string? WhyCardUnrenderable(string content);

    /// <summary>Sends (or updates) the card of one delivery.</summary>
    /// <exception cref="NotificationRenderException">The card cannot be shown on the platform.</exception>
    /// <exception cref="RecipientNotFoundException">The platform does not know the recipient.</exception>
    protected abstract Task<ChannelOutcome.Sent> SendCardAsync(StoredApp app, NotificationRow notification, NotificationDeliveryRow delivery, CancellationToken cancellationToken);

    /// <summary>The platform's refusal in <paramref name="exception"/>, or null when it is not the platform's (it propagates).</summary>
    protected abstract PlatformRefusal? Refusal(Exception exception);
}

/// <summary>
/// A platform's refusal of a send: the failure as the platform's room reads it (its code as it is, its message, its request
/// id), whether it is about the rate (then <paramref name="RetryAfter"/>) or transient.
/// </summary>
internal sealed record PlatformRefusal(PlatformFailure Failure, bool RateLimited, bool Transient, TimeSpan? RetryAfter);
