using Larkway.Hub.Apps;
using Larkway.Hub.Apps.Connections;

namespace Larkway.Hub.DingTalk;

/// <summary>
/// Reads a DingTalk app's Stream connection as every room's is read (<see cref="LongConnectionStateReader"/>: its lease,
/// its holder's word in <see cref="DingTalkStreamStatus"/>, and this replica's own duty). The console's Apps page reads it
/// as every enabled DingTalk app's line (<see cref="ILongConnectionStates"/>).
/// </summary>
internal sealed class DingTalkStreamStates(LongConnectionStateReader reader, DingTalkStreamStatus? status = null, DingTalkStreamSupervisor? supervisor = null)
    : ILongConnectionStates
{
    public async Task<LongConnectionLine?> LineAsync(HubAppInfo app, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!app.Enabled)
        {
            return null;
        }

        var state = await OfAsync(app.Name, app.AppId, cancellationToken).ConfigureAwait(false);
        return new("app-stream", Describe(state), state.IsUp);
    }

    public Task<LongConnectionState> OfAsync(string appName, string appKey, CancellationToken cancellationToken) =>
        reader.OfAsync(DingTalkStreamDuty.Connection, appKey, status, supervisor?.Duties.GetValueOrDefault(appName), cancellationToken);

    /// <summary>One line for an administrator: <c>Stream connected</c>.</summary>
    public static string Describe(LongConnectionState state) => state.Describe("Stream");
}
