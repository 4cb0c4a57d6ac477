namespace Larkway.Hub.Notifications;

/// <summary>A recipient the platform does not know: failed for good (retrying would not find them).</summary>
internal sealed class RecipientNotFoundException(string message) : Exception(message)
{
    /// <summary>The code the status API reports for it when the platform gave none (negative: not a platform's code).</summary>
    public const int Code = -100;

    /// <summary>The platform's own refusal that said so (WeCom's 81013, say), when one did: its code is the one shown.</summary>
    public Platform.Http.PlatformFailure? Failure { get; init; }
}
