using Larkway.Hub.Apps;
using Larkway.Hub.Notifications;
using Larkway.WeCom;

namespace Larkway.Hub.WeCom.Notifications;

/// <summary>
/// WeCom's notification channel: a notification of a WeCom app sent (or its card updated) through the app's
/// <c>message/send</c> (<see cref="WeComNotificationSender"/>), whether it renders checked when it is submitted, and WeCom's
/// refusals reported in its own terms (<see cref="WeComFailures"/>) — its errcode as the code, a rate refusal (45009, HTTP 429, the client's own gate)
/// deferred without using an attempt.
/// </summary>
internal sealed class WeComNotificationChannel(WeComNotificationSender sender)
    : CardNotificationChannel(HubAppPlatform.WeCom, "WeCom", RenderFailedCode)
{
    /// <summary>The code the status API reports when a notification cannot be shown on WeCom (negative: not a platform code).</summary>
    public const int RenderFailedCode = -105;

    public override IReadOnlyList<string> RecipientTypes => WeComNotificationSender.RecipientTypes;

    protected override string? WhyCardUnrenderable(string content)
    {
        var rendered = WeComCardRenderer.Render(content, "check@0@1");
        return rendered.Rendering is null ? string.Join(" ", rendered.Problems.Select(p => p.Message)) : null;
    }

    protected override async Task<ChannelOutcome.Sent> SendCardAsync(StoredApp app, NotificationRow notification, NotificationDeliveryRow delivery, CancellationToken cancellationToken)
    {
        var sent = await sender.SendAsync(app, notification, delivery, cancellationToken).ConfigureAwait(false);
        return new(sent.MessageId, sent.ResponseCode);
    }

    protected override PlatformRefusal? Refusal(Exception exception) => RefusalOf(exception);

    /// <summary>WeCom's refusal in <paramref name="exception"/>, read in its own terms; null when it is not WeCom's.</summary>
    internal static PlatformRefusal? RefusalOf(Exception exception) => exception is WeComApiException ex
        ? new(WeComFailures.From(ex), WeComErrorCodes.IsRateLimit(ex.Code, ex.HttpStatus), ex.IsTransient, ex.RetryAfter)
        : null;
}
