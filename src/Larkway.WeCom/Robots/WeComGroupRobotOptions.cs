namespace Larkway.WeCom.Robots;

/// <summary>A group robot (消息推送, formerly 群机器人): its webhook.</summary>
public sealed class WeComGroupRobotOptions
{
    /// <summary>
    /// The robot's webhook, <c>https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…</c>. The key in it is the robot's
    /// credential: it is never logged. File uploads go to <c>/cgi-bin/webhook/upload_media</c> on the same host.
    /// </summary>
    public Uri? Webhook { get; set; }

    /// <summary>A name for logs and metrics (the <c>wecom.app</c> tag), since the webhook cannot be shown.</summary>
    public string Name { get; set; } = "group-robot";

    /// <summary>Messages a robot may send per minute; WeCom's documented limit is 20.</summary>
    public int MessagesPerMinute { get; set; } = 20;

    /// <summary>How long a send may wait for the rate to allow it before it fails with <see cref="WeComErrorCodes.RateLimited"/>.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The time limit of each attempt.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Retries. A robot message is not safe to send twice, so it is retried only when WeCom said it did not carry it out
    /// (45009, -1), never after a timeout or a 5xx, which may have delivered it.
    /// </summary>
    public WeComRetryOptions Retry { get; set; } = new();

    internal string Key => System.Web.HttpUtility.ParseQueryString(Webhook!.Query)["key"] ?? "";

    internal void ThrowIfInvalid()
    {
        if (Webhook is null || !Webhook.IsAbsoluteUri || (Webhook.Scheme != Uri.UriSchemeHttps && Webhook.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException("WeComGroupRobotOptions.Webhook must be the robot's full webhook URL (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…).", nameof(Webhook));
        }

        if (string.IsNullOrEmpty(Key))
        {
            throw new ArgumentException("WeComGroupRobotOptions.Webhook has no key: copy the whole webhook from the robot's settings in the group.", nameof(Webhook));
        }

        if (MessagesPerMinute <= 0 || MaxWait < TimeSpan.Zero)
        {
            throw new ArgumentException("WeComGroupRobotOptions: MessagesPerMinute must be positive and MaxWait cannot be negative.");
        }

        Retry.ThrowIfInvalid();
    }
}
