namespace Larkway.Hub.Notifications;

/// <summary>Limits of the notifications API, checked before anything is stored.</summary>
public static class NotificationLimits
{
    /// <summary>Longest idempotency key.</summary>
    public const int MaxIdempotencyKeyLength = 200;

    /// <summary>Longest notification type name.</summary>
    public const int MaxTypeLength = 128;

    /// <summary>Longest recipient value (an email address is at most 254).</summary>
    public const int MaxRecipientLength = 256;

    /// <summary>Most recipients per notification.</summary>
    public const int MaxRecipients = 200;

    /// <summary>Largest rendered message content: Feishu refuses cards over 30 KB.</summary>
    public const int MaxContentBytes = 30 * 1024;
}
