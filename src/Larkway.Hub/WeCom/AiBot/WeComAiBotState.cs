using Larkway.Hub.Apps;
using Larkway.Hub.Apps.Connections;
using Larkway.Hub.Platform.Leases;

namespace Larkway.Hub.WeCom.AiBot;

/// <summary>Where a WeCom AI bot's long connection stands, for the whole deployment.</summary>
internal enum WeComAiBotCondition
{
    /// <summary>This replica holds the lease and the connection is open.</summary>
    Connected,

    /// <summary>This replica holds the lease and is opening its connection (not yet long enough to call it down).</summary>
    Connecting,

    /// <summary>Another replica holds the lease and has said nothing of a failure.</summary>
    HeldElsewhere,

    /// <summary>No replica holds the lease live: nothing is connected.</summary>
    NoHolder,

    /// <summary>A replica holds the lease but has had no open connection since <see cref="WeComAiBotState.DownSince"/>.</summary>
    CannotConnect,

    /// <summary>
    /// Another connection (outside this deployment) subscribed for the bot and WeCom closed the holder's; the holder keeps
    /// the lease and does not take the bot back until the app is saved again.
    /// </summary>
    TakenOver,
}

/// <summary>An AI bot's condition and, when it is not connected, since when.</summary>
internal readonly record struct WeComAiBotState(WeComAiBotCondition Condition, DateTimeOffset? DownSince)
{
    /// <summary>True when the bot's connection is held and its holder has not said it is down.</summary>
    public bool IsUp => Condition is WeComAiBotCondition.Connected or WeComAiBotCondition.Connecting or WeComAiBotCondition.HeldElsewhere;

    /// <summary>One line for an administrator.</summary>
    public string Describe() => Condition switch
    {
        WeComAiBotCondition.Connected => "AI bot connected",
        WeComAiBotCondition.Connecting => "AI bot connecting",
        WeComAiBotCondition.HeldElsewhere => "AI bot held by another replica",
        WeComAiBotCondition.NoHolder => "AI bot: no replica holds it",
        WeComAiBotCondition.TakenOver => $"AI bot taken over by another connection at {DownSince!.Value.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC (save the app to take it back)",
        _ => $"AI bot: no connection since {DownSince!.Value.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC",
    };
}

/// <summary>
/// Reads an AI bot's <see cref="WeComAiBotState"/> from its lease, its holder's word (<see cref="WeComAiBotStatus"/>)
/// and, when the holder is this replica, its own connection. The console's Apps page reads it as the line of every enabled
/// WeCom app with an AI bot (<see cref="ILongConnectionStates"/>).
/// </summary>
internal sealed class WeComAiBotStates(LeaseStore leases, TimeProvider time, WeComAiBotStatus? status = null, WeComAiBotSupervisor? supervisor = null)
    : ILongConnectionStates
{
    public string Platform => HubAppPlatform.WeCom;

    public async Task<LongConnectionLine?> LineAsync(HubAppInfo app, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app is not { Enabled: true, AiBotId: { } botId })
        {
            return null;
        }

        var state = await OfAsync(app.Name, botId, cancellationToken).ConfigureAwait(false);
        return new("app-aibot", state.Describe(), state.IsUp, $"AI bot {botId}");
    }

    public async Task<WeComAiBotState> OfAsync(string appName, string botId, CancellationToken cancellationToken)
    {
        var lease = await leases.GetAsync(WeComAiBotDuty.LeaseNameOf(botId), cancellationToken).ConfigureAwait(false);
        if (lease is null || lease.ExpiresAt <= time.GetUtcNow())
        {
            return new(WeComAiBotCondition.NoHolder, null);
        }

        if (status is not null && await status.ReadAsync(botId, cancellationToken).ConfigureAwait(false) is { } mark)
        {
            return new(mark.Reason == WeComAiBotStatus.TakenOver ? WeComAiBotCondition.TakenOver : WeComAiBotCondition.CannotConnect, mark.Since);
        }

        return supervisor?.Duties.GetValueOrDefault(appName) is { IsHolding: true } duty
            ? new(duty.IsConnected ? WeComAiBotCondition.Connected : WeComAiBotCondition.Connecting, null)
            : new(WeComAiBotCondition.HeldElsewhere, null);
    }
}
