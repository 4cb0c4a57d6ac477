using Larkway.Feishu;
using Larkway.Hub.Apps;
using Larkway.Hub.Platform.Http;

namespace Larkway.Hub.Feishu;

/// <summary>Feishu's failures in the shape every platform's failure has: its code, its message, its log id as the request id.</summary>
internal static class FeishuFailures
{
    /// <summary>The failure <paramref name="exception"/> reports.</summary>
    public static PlatformFailure From(FeishuApiException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return PlatformFailure.Numbered(HubAppPlatform.Feishu, exception.Code, exception.ErrorMessage, exception.RequestId);
    }
}
