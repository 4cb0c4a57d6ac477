using Larkway.DingTalk;
using Larkway.DingTalk.Robots;
using Larkway.DingTalk.Stream;
using Larkway.Hub.Platform;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.DingTalk;

/// <summary>
/// Whether a robot message's session webhook may carry the Hub's reply. The message names the URL itself, so the Hub posts
/// there only while it lives and only when it is on the app's own DingTalk host (the stored app's base URL: DingTalk's
/// <c>https://oapi.dingtalk.com</c>, or the Emulator's); any other webhook is left unused and the reply goes through the
/// app robot's API, so a forged message cannot make the Hub post to an address of its choosing.
/// </summary>
internal static partial class DingTalkSessionWebhook
{
    /// <summary>How long before its stated expiry a webhook is no longer trusted to take a reply.</summary>
    private const long ExpiryMarginMs = 5_000;

    public static bool CanReply(DingTalkClient client, DingTalkRobotInboundMessage? inbound, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (inbound is null || string.IsNullOrEmpty(inbound.SessionWebhook)
            || (inbound.SessionWebhookExpiredTime != 0 && time.GetUtcNow().ToUnixTimeMilliseconds() >= inbound.SessionWebhookExpiredTime - ExpiryMarginMs))
        {
            return false;
        }

        if (client.Robot.IsOwnSessionWebhook(inbound.SessionWebhook))
        {
            return true;
        }

        LogForeign(logger, client.AppKey, HostOf(inbound.SessionWebhook));
        return false;
    }

    /// <summary>
    /// A rendered app-robot message as the session webhook takes it: markdown and text; null for what only the app robot
    /// sends (an action card, a picture).
    /// </summary>
    public static DingTalkRobotMessage? AsWebhookMessage(DingTalkAppRobotMessage message) => message.Key switch
    {
        "sampleMarkdown" => DingTalkRobotMessage.Markdown(message.Parameters["title"], message.Parameters["text"]),
        "sampleText" => DingTalkRobotMessage.Text(message.Parameters["content"]),
        _ => null,
    };

    /// <summary>The webhook's host and port, never its query (the session's credential).</summary>
    private static string HostOf(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Authority.Length > 0 ? $"{uri.Scheme}://{uri.Authority}" : "(not an absolute URL)";

    [LoggerMessage(EventId = LogEvents.DingTalkSessionWebhookForeign, Level = LogLevel.Warning,
        Message = "DingTalk app {AppKey}: a robot message named a session webhook on {Host}, which is not the app's DingTalk host; the reply goes through the app robot instead.")]
    private static partial void LogForeign(ILogger logger, string appKey, string host);
}
