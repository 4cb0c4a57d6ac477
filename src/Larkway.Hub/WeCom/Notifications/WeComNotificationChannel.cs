using Larkway.Hub.Apps;
using Larkway.Hub.Notifications;
using Larkway.WeCom;

namespace Larkway.Hub.WeCom.Notifications;

/// <summary>
/// WeCom's notification channel: a notification of a WeCom app sent (or its card updated) through the app's
/// <c>message/send</c> (<see cref="WeComNotificationSender"/>), whether it renders checked when it is submitted, and WeCom's
/// refusals reported in its own terms — its errcode as the code, a rate refusal (45009, HTTP 429, the client's own gate)
/// deferred without using an attempt.
/// </summary>
internal sealed class WeComNotificationChannel(WeComNotificationSender sender) : INotificationChannel
{
    /// <summary>The code the status API reports when a notification cannot be shown on WeCom (negative: not a platform code).</summary>
    public const int RenderFailedCode = -105;

    /// <summary>The code reported for a WeCom failure without an errcode (the client's own: a timeout, the network), beside its text.</summary>
    public const int ErrorCode = -106;

    private const int RateLimitedCode = -107;

    public string Platform => HubAppPlatform.WeCom;

    public IReadOnlyList<string> RecipientTypes => WeComNotificationSender.RecipientTypes;

    public string? WhyUnrenderable(string messageType, string content)
    {
        if (messageType != "card")
        {
            return WeComNotificationSender.TemplateRefusal;
        }

        var rendered = WeComCardRenderer.Render(content, "check@0@1");
        return rendered.Rendering is null ? string.Join(" ", rendered.Problems.Select(p => p.Message)) : null;
    }

    public async Task<ChannelOutcome> SendAsync(ChannelSend send, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(send);
        if (send.App is not { } app || !app.Enabled || app.Error is not null)
        {
            throw new HubAppNotFoundException(send.App?.Error ?? $"The WeCom app '{send.AppName}' is disabled in the Hub.");
        }

        try
        {
            var sent = await sender.SendAsync(app, send.Notification, send.Delivery, cancellationToken).ConfigureAwait(false);
            return new ChannelOutcome.Sent(sent.MessageId, sent.ResponseCode);
        }
        catch (WeComRenderException ex)
        {
            return new ChannelOutcome.Refused(new DeliveryFailure(RenderFailedCode, ex.Message, null), Transient: false);
        }
        catch (WeComApiException ex) when (WeComErrorCodes.IsRateLimit(ex.Code, ex.HttpStatus))
        {
            return new ChannelOutcome.Throttled(new DeliveryFailure(ex.ErrCode ?? RateLimitedCode, ex.Code + ": " + ex.ErrorMessage, ex.RequestId), ex.RetryAfter);
        }
        catch (WeComApiException ex)
        {
            return new ChannelOutcome.Refused(new DeliveryFailure(ex.ErrCode ?? ErrorCode, ex.Code + ": " + ex.ErrorMessage, ex.RequestId), ex.IsTransient);
        }
    }
}
