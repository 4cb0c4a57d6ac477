using System.Diagnostics.Metrics;
using Larkway.Hub.Apps;
using Larkway.WeCom;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.WeCom;

/// <summary>
/// One <see cref="WeComClient"/> per stored WeCom app (<see cref="StoredAppClients{TClient}"/>), named after the app, on the
/// container's meters, so its calls count under its name.
/// </summary>
internal sealed class HubWeComClients(HubAppRegistry apps, ILoggerFactory loggerFactory, TimeProvider time, IMeterFactory? meterFactory = null)
    : StoredAppClients<WeComClient>(apps, HubAppPlatform.WeCom)
{
    protected override WeComClient Create(StoredApp app) => new(app.Name, OptionsOf(app), loggerFactory, time, meterFactory);

    /// <summary>The client options of a stored WeCom app: its corp id, Secret and AgentId, on its base URL (WeCom's or the Emulator's).</summary>
    public static WeComAppOptions OptionsOf(StoredApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return new WeComAppOptions
        {
            CorpId = app.AppId,
            CorpSecret = app.AppSecret,
            AgentId = app.AgentId,
            ApiBaseUrl = app.BaseUrl,
        };
    }
}
