namespace Larkway.DingTalk.Http;

/// <summary>What to do about the refusals a team meets first, added to the exception's message.</summary>
internal static class DingTalkErrorHints
{
    public static string? For(string code, string message) => code switch
    {
        DingTalkErrorCodes.RobotSecurityRefused when message.Contains("keyword", StringComparison.OrdinalIgnoreCase) =>
            "the robot's security settings require one of its custom keywords in the message text (set Keywords on the robot options to check before sending)",
        DingTalkErrorCodes.RobotSecurityRefused when message.Contains("sign", StringComparison.OrdinalIgnoreCase) =>
            "the robot's signing secret (SEC…, robot security settings → 加签) does not match the one configured",
        DingTalkErrorCodes.RobotSecurityRefused when message.Contains("timestamp", StringComparison.OrdinalIgnoreCase) =>
            "the signature's timestamp is more than an hour from DingTalk's clock: check this server's clock",
        DingTalkErrorCodes.RobotSecurityRefused when message.Contains("whitelist", StringComparison.OrdinalIgnoreCase) =>
            "add this server's public address to the robot's IP address (segment) setting",
        DingTalkErrorCodes.RobotTokenNotFound or "300001" =>
            "the webhook's access_token is unknown: copy the robot's webhook again (it changes when the robot is removed and re-added)",
        DingTalkErrorCodes.RobotSendTooFast =>
            "a custom robot may send 20 messages a minute; DingTalk now blocks it for 10 minutes",
        "authFailed" or "invalidClientIdOrSecret" or "40089" =>
            "DingTalk refused the app's credentials: check AppKey and AppSecret against the app's credentials page in the developer console",
        DingTalkErrorCodes.InvalidAuthentication or DingTalkErrorCodes.InvalidAccessToken or DingTalkErrorCodes.AccessTokenExpired =>
            "the access token was refused even after a fresh one was fetched: check that the app is enabled and its AppKey belongs to this organisation",
        _ when code.StartsWith("Forbidden.AccessDenied.AccessTokenPermissionDenied", StringComparison.Ordinal) =>
            "the app lacks the permission this API needs: grant it under the app's permission management in the developer console",
        _ => null,
    };
}
