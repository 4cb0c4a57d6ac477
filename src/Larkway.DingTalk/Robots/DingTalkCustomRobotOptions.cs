namespace Larkway.DingTalk.Robots;

/// <summary>A custom group robot (自定义机器人): its webhook and the security settings it was created with.</summary>
public sealed class DingTalkCustomRobotOptions
{
    /// <summary>
    /// The robot's webhook, <c>https://oapi.dingtalk.com/robot/send?access_token=…</c>. The access token in it is the
    /// robot's credential: it is never logged.
    /// </summary>
    public Uri? Webhook { get; set; }

    /// <summary>The signing secret (<c>SEC…</c>) when the robot's security setting is 加签; every send is then signed.</summary>
    public string? Secret { get; set; }

    /// <summary>The robot's custom keywords (自定义关键词), if it has them: a message containing none is refused before it is sent.</summary>
    public IList<string> Keywords { get; } = [];

    /// <summary>A name for logs and metrics (the <c>dingtalk.app_key</c> tag), since the webhook cannot be shown.</summary>
    public string Name { get; set; } = "custom-robot";

    /// <summary>Messages a robot may send per minute; DingTalk's documented limit is 20, and it blocks a robot for 10 minutes beyond it.</summary>
    public int MessagesPerMinute { get; set; } = 20;

    /// <summary>How long a send may wait for the rate to allow it before it fails with <see cref="DingTalkErrorCodes.RateLimited"/>.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The time limit of each attempt.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Retries. A robot message is not safe to send twice, so it is retried only when DingTalk refused it for its rate
    /// (never after a timeout or a 5xx, which may have delivered it).
    /// </summary>
    public DingTalkRetryOptions Retry { get; set; } = new();

    internal void ThrowIfInvalid()
    {
        if (Webhook is null || !Webhook.IsAbsoluteUri || (Webhook.Scheme != Uri.UriSchemeHttps && Webhook.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException("DingTalkCustomRobotOptions.Webhook must be the robot's full webhook URL (https://oapi.dingtalk.com/robot/send?access_token=…).", nameof(Webhook));
        }

        if (!Webhook.Query.Contains("access_token=", StringComparison.Ordinal))
        {
            throw new ArgumentException("DingTalkCustomRobotOptions.Webhook has no access_token: copy the whole webhook from the robot's settings.", nameof(Webhook));
        }

        if (Secret is { } secret && string.IsNullOrWhiteSpace(secret))
        {
            throw new ArgumentException("DingTalkCustomRobotOptions.Secret is blank: leave it null when the robot does not sign, or paste its SEC… secret.", nameof(Secret));
        }

        if (MessagesPerMinute <= 0 || MaxWait < TimeSpan.Zero)
        {
            throw new ArgumentException("DingTalkCustomRobotOptions: MessagesPerMinute must be positive and MaxWait cannot be negative.");
        }

        Retry.ThrowIfInvalid();
    }
}
