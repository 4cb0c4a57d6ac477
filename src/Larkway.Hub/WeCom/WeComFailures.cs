using Larkway.Hub.Apps;
using Larkway.Hub.Platform.Http;
using Larkway.WeCom;

namespace Larkway.Hub.WeCom;

/// <summary>WeCom's failures in the shape every platform's failure has: its errcode as a number, its errmsg, its request id.</summary>
internal static class WeComFailures
{
    /// <summary>The failure <paramref name="exception"/> reports: WeCom's errcode (81013) as a number; the client's own code (<c>Larkway.Timeout</c>) as text.</summary>
    public static PlatformFailure From(WeComApiException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.ErrCode is { } errcode
            ? PlatformFailure.Numbered(HubAppPlatform.WeCom, errcode, exception.ErrorMessage, exception.RequestId)
            : PlatformFailure.Named(HubAppPlatform.WeCom, exception.Code, exception.ErrorMessage, exception.RequestId);
    }
}
