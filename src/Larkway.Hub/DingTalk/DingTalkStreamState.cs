using Larkway.Hub.Apps;
using Larkway.Hub.Apps.Connections;
using Larkway.Hub.Platform.Leases;

namespace Larkway.Hub.DingTalk;

/// <summary>Where a DingTalk app's Stream connection stands, for the whole deployment.</summary>
internal enum DingTalkStreamCondition
{
    /// <summary>This replica holds the lease and a connection is open.</summary>
    Connected,

    /// <summary>This replica holds the lease and is opening its connection (not yet long enough to call it down).</summary>
    Connecting,

    /// <summary>Another replica holds the lease and has said nothing of a failure.</summary>
    HeldElsewhere,

    /// <summary>No replica holds the lease live: nothing is connected.</summary>
    NoHolder,

    /// <summary>A replica holds the lease but has had no open connection since <see cref="DingTalkStreamState.DownSince"/>.</summary>
    CannotConnect,
}

/// <summary>An app's Stream condition and, when it cannot connect, since when.</summary>
internal readonly record struct DingTalkStreamState(DingTalkStreamCondition Condition, DateTimeOffset? DownSince)
{
    /// <summary>One line for an administrator.</summary>
    public string Describe() => Condition switch
    {
        DingTalkStreamCondition.Connected => "Stream connected",
        DingTalkStreamCondition.Connecting => "Stream connecting",
        DingTalkStreamCondition.HeldElsewhere => "Stream held by another replica",
        DingTalkStreamCondition.NoHolder => "Stream: no replica holds it",
        _ => $"Stream: no connection since {DownSince!.Value.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC",
    };
}

/// <summary>
/// Reads an app's <see cref="DingTalkStreamState"/> from its lease, its holder's word (<see cref="DingTalkStreamStatus"/>)
/// and, when the holder is this replica, its own connections. The console's Apps page reads it as every enabled DingTalk
/// app's line (<see cref="ILongConnectionStates"/>).
/// </summary>
internal sealed class DingTalkStreamStates(LeaseStore leases, TimeProvider time, DingTalkStreamStatus? status = null, DingTalkStreamSupervisor? supervisor = null)
    : ILongConnectionStates
{
    public string Platform => HubAppPlatform.DingTalk;

    /// <summary>True when the app's Stream is held and its holder has not said it cannot connect.</summary>
    public static bool IsUp(DingTalkStreamCondition condition) => condition is DingTalkStreamCondition.Connected or DingTalkStreamCondition.Connecting or DingTalkStreamCondition.HeldElsewhere;

    public async Task<LongConnectionLine?> LineAsync(HubAppInfo app, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!app.Enabled)
        {
            return null;
        }

        var state = await OfAsync(app.Name, app.AppId, cancellationToken).ConfigureAwait(false);
        return new("app-stream", state.Describe(), IsUp(state.Condition));
    }

    public async Task<DingTalkStreamState> OfAsync(string appName, string appKey, CancellationToken cancellationToken)
    {
        var lease = await leases.GetAsync(DingTalkStreamDuty.LeaseNameOf(appKey), cancellationToken).ConfigureAwait(false);
        if (lease is null || lease.ExpiresAt <= time.GetUtcNow())
        {
            return new(DingTalkStreamCondition.NoHolder, null);
        }

        if (status is not null && await status.DownSinceAsync(appKey, cancellationToken).ConfigureAwait(false) is { } since)
        {
            return new(DingTalkStreamCondition.CannotConnect, since);
        }

        return supervisor?.Duties.GetValueOrDefault(appName) is { IsHolding: true } duty
            ? new(duty.IsConnected ? DingTalkStreamCondition.Connected : DingTalkStreamCondition.Connecting, null)
            : new(DingTalkStreamCondition.HeldElsewhere, null);
    }
}
