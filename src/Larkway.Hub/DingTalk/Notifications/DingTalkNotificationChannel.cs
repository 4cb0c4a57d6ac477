using Larkway.DingTalk;
using Larkway.Hub.Apps;
using Larkway.Hub.Notifications;

namespace Larkway.Hub.DingTalk.Notifications;

/// <summary>
/// DingTalk's notification channel: a notification of a DingTalk app sent by its robot
/// (<see cref="DingTalkNotificationSender"/>), whether it renders checked when it is submitted, and DingTalk's refusals
/// reported in its own terms — its numeric errcode as the code (its string code beside the message), its request id as
/// the log id, a rate refusal deferred without using an attempt.
/// </summary>
internal sealed class DingTalkNotificationChannel(DingTalkNotificationSender sender) : INotificationChannel
{
    /// <summary>The code the status API reports when a notification cannot be shown on DingTalk (negative: not a platform code).</summary>
    public const int RenderFailedCode = -102;

    /// <summary>The code reported for a DingTalk refusal whose code is a string (the new API's), beside its text.</summary>
    public const int ErrorCode = -103;

    private const int RateLimitedCode = -104;

    /// <summary>A stand-in for the per-recipient link each button gets when sent: the check at submit needs only its shape.</summary>
    private const string SampleLink = "https://hub.invalid/dingtalk/actions/check";

    public string Platform => HubAppPlatform.DingTalk;

    public IReadOnlyList<string> RecipientTypes => DingTalkNotificationSender.RecipientTypes;

    public string? WhyUnrenderable(string messageType, string content)
    {
        if (messageType != "card")
        {
            return DingTalkNotificationSender.TemplateRefusal;
        }

        var rendered = DingTalkCardRenderer.Render(content, button => button is { Url: { } url, Value: null } ? url : SampleLink);
        return rendered.Rendering is null ? string.Join(" ", rendered.Problems.Select(p => p.Message)) : null;
    }

    public async Task<ChannelOutcome> SendAsync(ChannelSend send, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(send);
        if (send.App is not { } app || !app.Enabled || app.Error is not null)
        {
            throw new HubAppNotFoundException(send.App?.Error ?? $"The DingTalk app '{send.AppName}' is disabled in the Hub.");
        }

        try
        {
            return new ChannelOutcome.Sent(await sender.SendAsync(app, send.Notification, send.Delivery, cancellationToken).ConfigureAwait(false));
        }
        catch (DingTalkRenderException ex)
        {
            return new ChannelOutcome.Refused(new DeliveryFailure(RenderFailedCode, ex.Message, null), Transient: false);
        }
        catch (DingTalkApiException ex) when (DingTalkErrorCodes.IsRateLimit(ex.Code, ex.HttpStatus))
        {
            return new ChannelOutcome.Throttled(new DeliveryFailure(ex.ErrCode ?? RateLimitedCode, ex.Code + ": " + ex.ErrorMessage, ex.RequestId), ex.RetryAfter);
        }
        catch (DingTalkApiException ex)
        {
            return new ChannelOutcome.Refused(new DeliveryFailure(ex.ErrCode ?? ErrorCode, ex.Code + ": " + ex.ErrorMessage, ex.RequestId), ex.IsTransient);
        }
    }
}
