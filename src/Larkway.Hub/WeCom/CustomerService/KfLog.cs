using Larkway.Hub.Platform;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.WeCom.CustomerService;

/// <summary>Log lines of the customer-service room written from outside it.</summary>
internal static partial class KfLog
{
    [LoggerMessage(EventId = LogEvents.WeComKfUnknownAccount, Level = LogLevel.Warning,
        Message = "WeCom customer service: a callback names account '{OpenKfId}', which the Hub does not serve on app {App}; nothing is pulled. "
            + "Add it with PUT on the app's customer-service accounts (/api/v1/wecom/apps/…/customer-service/accounts/…) to have its customers answered.")]
    public static partial void UnknownAccount(ILogger logger, string openKfId, string app);
}
