using Larkway.Hub.Apps;
using Larkway.Hub.Apps.Connections;

namespace Larkway.Hub.WeCom.AiBot;

/// <summary>
/// Reads an AI bot's long connection as every room's is read (<see cref="LongConnectionStateReader"/>: its lease, its
/// holder's word in <see cref="WeComAiBotStatus"/> — "taken over" standing down — and this replica's own duty). The
/// console's Apps page reads it as the line of every enabled WeCom app with an AI bot (<see cref="ILongConnectionStates"/>).
/// </summary>
internal sealed class WeComAiBotStates(LongConnectionStateReader reader, WeComAiBotStatus? status = null, WeComAiBotSupervisor? supervisor = null)
    : ILongConnectionStates
{
    public async Task<LongConnectionLine?> LineAsync(HubAppInfo app, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app is not { Enabled: true, AiBotId: { } botId })
        {
            return null;
        }

        var state = await OfAsync(app.Name, botId, cancellationToken).ConfigureAwait(false);
        return new("app-aibot", Describe(state), state.IsUp, $"AI bot {botId}");
    }

    public Task<LongConnectionState> OfAsync(string appName, string botId, CancellationToken cancellationToken) =>
        reader.OfAsync(WeComAiBotDuty.Connection, botId, status, supervisor?.Duties.GetValueOrDefault(appName), cancellationToken);

    /// <summary>One line for an administrator: <c>AI bot connected</c>, or that another connection took it.</summary>
    public static string Describe(LongConnectionState state) => state.Describe("AI bot", (reason, since) => reason == WeComAiBotStatus.TakenOver
        ? $"AI bot taken over by another connection at {since.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC (save the app to take it back)"
        : null);
}
