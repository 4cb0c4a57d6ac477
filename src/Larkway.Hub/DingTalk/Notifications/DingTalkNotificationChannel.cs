using Larkway.DingTalk;
using Larkway.Hub.Apps;
using Larkway.Hub.Notifications;

namespace Larkway.Hub.DingTalk.Notifications;

/// <summary>
/// DingTalk's notification channel: a notification of a DingTalk app sent by its robot
/// (<see cref="DingTalkNotificationSender"/>), whether it renders checked when it is submitted, and DingTalk's refusals
/// reported in its own terms (<see cref="DingTalkFailures"/>) — its code as it gave it, a string code as a string, its
/// request id — a rate refusal deferred without using an attempt.
/// </summary>
internal sealed class DingTalkNotificationChannel(DingTalkNotificationSender sender)
    : CardNotificationChannel(HubAppPlatform.DingTalk, "DingTalk", RenderFailedCode)
{
    /// <summary>The code the status API reports when a notification cannot be shown on DingTalk (negative: not a platform code).</summary>
    public const int RenderFailedCode = -102;

    /// <summary>A stand-in for the per-recipient link each button gets when sent: the check at submit needs only its shape.</summary>
    private const string SampleLink = "https://hub.invalid/dingtalk/actions/check";

    public override IReadOnlyList<string> RecipientTypes => DingTalkNotificationSender.RecipientTypes;

    protected override string? WhyCardUnrenderable(string content)
    {
        var rendered = DingTalkCardRenderer.Render(content, button => button is { Url: { } url, Value: null } ? url : SampleLink);
        return rendered.Rendering is null ? string.Join(" ", rendered.Problems.Select(p => p.Message)) : null;
    }

    protected override async Task<ChannelOutcome.Sent> SendCardAsync(StoredApp app, NotificationRow notification, NotificationDeliveryRow delivery, CancellationToken cancellationToken) =>
        new(await sender.SendAsync(app, notification, delivery, cancellationToken).ConfigureAwait(false));

    protected override PlatformRefusal? Refusal(Exception exception) => RefusalOf(exception);

    /// <summary>DingTalk's refusal in <paramref name="exception"/>, read in its own terms; null when it is not DingTalk's.</summary>
    internal static PlatformRefusal? RefusalOf(Exception exception) => exception is DingTalkApiException ex
        ? new(DingTalkFailures.From(ex), DingTalkErrorCodes.IsRateLimit(ex.Code, ex.HttpStatus), ex.IsTransient, ex.RetryAfter)
        : null;
}
