using Larkway.Hub.Apps;
using Larkway.Hub.Apps.Connections;
using Larkway.Hub.Platform.Configuration;

namespace Larkway.Hub.Feishu.LongConnection;

/// <summary>
/// Reads Feishu's long connections as every room's connection is read (<see cref="LongConnectionStateReader"/>): the
/// console's Apps page shows it on the deployment's app (<c>default</c>) in long-connection mode and on each stored app
/// that chose it, and readiness reads the deployment's.
/// </summary>
internal sealed class FeishuLongConnectionStates(
    HubSettings settings, LongConnectionStateReader reader, FeishuLongConnectionStatus? status = null, FeishuLongConnectionDuty? duty = null,
    FeishuLongConnectionSupervisor? supervisor = null) : ILongConnectionStates
{
    public async Task<LongConnectionLine?> LineAsync(HubAppInfo app, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        LongConnectionState state;
        if (app.ReadOnly)
        {
            if (settings.Mode != HubMode.LongConnection || app.Name != HubAppService.DefaultAppName)
            {
                return null;
            }

            state = await OfAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (app.LongConnection && HubAppPlatform.IsFeishu(app.Platform))
        {
            state = await reader.OfAsync(FeishuLongConnectionDuty.Connection, app.AppId, status, supervisor?.Duties.GetValueOrDefault(app.Name), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            return null;
        }

        return new("app-long-connection", Describe(state), state.IsUp);
    }

    /// <summary>Where the deployment's long connection stands.</summary>
    public Task<LongConnectionState> OfAsync(CancellationToken cancellationToken) =>
        reader.OfAsync(FeishuLongConnectionDuty.Connection, settings.AppId ?? "", status, duty, cancellationToken);

    /// <summary>One line for an administrator: <c>Long connection connected</c>.</summary>
    public static string Describe(LongConnectionState state) => state.Describe("Long connection");
}
