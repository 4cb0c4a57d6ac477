using Larkway.Hub.Apps;
using Larkway.WeCom;

namespace Larkway.Hub.WeCom;

/// <summary>
/// One <see cref="WeComClient"/> per stored WeCom app (<see cref="StoredAppClients{TClient}"/>), built by the library's
/// <see cref="WeComClientFactory"/> (named after the app, on the container's logger, clock and meters, with the settings
/// every WeCom app shares), so its calls count under its name.
/// </summary>
internal sealed class HubWeComClients(HubAppRegistry apps, WeComClientFactory clients)
    : StoredAppClients<WeComClient>(apps, HubAppPlatform.WeCom)
{
    protected override WeComClient Create(StoredApp app) => clients.CreateClient(app.Name, options => Apply(app, options));

    /// <summary>The client options of a stored WeCom app: its corp id, Secret and AgentId, on its base URL (WeCom's or the Emulator's).</summary>
    public static WeComAppOptions OptionsOf(StoredApp app)
    {
        var options = new WeComAppOptions();
        Apply(app, options);
        return options;
    }

    /// <summary>Sets what a stored WeCom app says onto client options: corp id, Secret, AgentId and base URLs (<see cref="OptionsOf"/>).</summary>
    public static void Apply(StoredApp app, WeComAppOptions options)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        options.CorpId = app.AppId;
        options.CorpSecret = app.AppSecret;
        options.AgentId = app.AgentId;
        options.ApiBaseUrl = app.BaseUrl;

        // WeCom's sign-in pages live on hosts of their own; any other base URL (the Emulator's …/wecom/) serves them too.
        var official = app.BaseUrl == WeComBaseUrls.Api;
        options.LoginBaseUrl = official ? WeComBaseUrls.Login : app.BaseUrl;
        options.OAuthBaseUrl = official ? WeComBaseUrls.OAuth : app.BaseUrl;
    }
}
