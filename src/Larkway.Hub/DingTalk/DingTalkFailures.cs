using Larkway.DingTalk;
using Larkway.Hub.Apps;
using Larkway.Hub.Platform.Http;

namespace Larkway.Hub.DingTalk;

/// <summary>DingTalk's failures in the shape every platform's failure has: its code as it gave it, its message, its request id.</summary>
internal static class DingTalkFailures
{
    /// <summary>
    /// The failure <paramref name="exception"/> reports: the old API's numeric <c>errcode</c> as a number, the new API's
    /// string code (<c>Forbidden.AccessDenied</c>) and the client's own (<c>Larkway.Timeout</c>) as text.
    /// </summary>
    public static PlatformFailure From(DingTalkApiException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.ErrCode is { } errcode
            ? PlatformFailure.Numbered(HubAppPlatform.DingTalk, errcode, exception.ErrorMessage, exception.RequestId)
            : PlatformFailure.Named(HubAppPlatform.DingTalk, exception.Code, exception.ErrorMessage, exception.RequestId);
    }
}
