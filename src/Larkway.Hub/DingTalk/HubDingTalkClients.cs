using Larkway.DingTalk;
using Larkway.Hub.Apps;

namespace Larkway.Hub.DingTalk;

/// <summary>
/// One <see cref="DingTalkClient"/> per stored DingTalk app (<see cref="StoredAppClients{TClient}"/>), built by the library's
/// <see cref="DingTalkClientFactory"/> (named after the app, on the container's logger, clock and meters, with the settings
/// every DingTalk app shares), so its calls count under its name.
/// </summary>
internal sealed class HubDingTalkClients(HubAppRegistry apps, DingTalkClientFactory clients)
    : StoredAppClients<DingTalkClient>(apps, HubAppPlatform.DingTalk)
{
    protected override DingTalkClient Create(StoredApp app) => clients.CreateClient(app.Name, options => Apply(app, options));

    /// <summary>
    /// The client options of a stored DingTalk app: DingTalk's three hosts (new API, old API, sign-in), or — for any other base URL —
    /// that one host serving all their paths (the Emulator's <c>…/dingtalk</c>).
    /// </summary>
    public static DingTalkAppOptions OptionsOf(StoredApp app)
    {
        var options = new DingTalkAppOptions();
        Apply(app, options);
        return options;
    }

    /// <summary>Sets what a stored DingTalk app says onto client options: credentials, robot code, AgentId and hosts (<see cref="OptionsOf"/>).</summary>
    public static void Apply(StoredApp app, DingTalkAppOptions options)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        var official = app.BaseUrl == DingTalkBaseUrls.Api;
        options.AppKey = app.AppId;
        options.AppSecret = app.AppSecret;
        options.RobotCode = app.RobotCode;
        options.AgentId = app.AgentId;
        options.ApiBaseUrl = official ? DingTalkBaseUrls.Api : app.BaseUrl;
        options.OapiBaseUrl = official ? DingTalkBaseUrls.Oapi : app.BaseUrl;
        options.LoginBaseUrl = official ? DingTalkBaseUrls.Login : app.BaseUrl;
    }
}
