using System.Diagnostics.Metrics;
using Larkway.DingTalk;
using Larkway.Hub.Apps;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.DingTalk;

/// <summary>
/// One <see cref="DingTalkClient"/> per stored DingTalk app (<see cref="StoredAppClients{TClient}"/>), named after the app, on the
/// container's meters, so its calls count under its name.
/// </summary>
internal sealed class HubDingTalkClients(HubAppRegistry apps, ILoggerFactory loggerFactory, TimeProvider time, IMeterFactory? meterFactory = null)
    : StoredAppClients<DingTalkClient>(apps, HubAppPlatform.DingTalk)
{
    protected override DingTalkClient Create(StoredApp app) => new(app.Name, OptionsOf(app), loggerFactory, time, meterFactory);

    /// <summary>
    /// The client options of a stored DingTalk app: DingTalk's two hosts, or — for any other base URL — that one host
    /// serving both APIs' paths (the Emulator's <c>…/dingtalk</c>).
    /// </summary>
    public static DingTalkAppOptions OptionsOf(StoredApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var official = app.BaseUrl == DingTalkBaseUrls.Api;
        return new DingTalkAppOptions
        {
            AppKey = app.AppId,
            AppSecret = app.AppSecret,
            RobotCode = app.RobotCode,
            AgentId = app.AgentId,
            ApiBaseUrl = official ? DingTalkBaseUrls.Api : app.BaseUrl,
            OapiBaseUrl = official ? DingTalkBaseUrls.Oapi : app.BaseUrl,
        };
    }
}
