using Larkway.Hub.Platform.Leases;

namespace Larkway.Hub.Apps.Connections;

/// <summary>Where an app's long connection stands, for the whole deployment.</summary>
internal enum LongConnectionCondition
{
    /// <summary>This replica holds the lease and the connection is open.</summary>
    Connected,

    /// <summary>This replica holds the lease and is opening its connection (not yet long enough to call it down).</summary>
    Connecting,

    /// <summary>Another replica holds the lease and has said nothing of a failure.</summary>
    HeldElsewhere,

    /// <summary>No replica holds the lease live: nothing is connected.</summary>
    NoHolder,

    /// <summary>A replica holds the lease but has had no open connection since <see cref="LongConnectionState.DownSince"/>.</summary>
    CannotConnect,

    /// <summary>
    /// The holder leaves the connection down on purpose, for <see cref="LongConnectionState.Reason"/> (WeCom: another
    /// connection took the AI bot), since <see cref="LongConnectionState.DownSince"/>.
    /// </summary>
    StandingDown,
}

/// <summary>A long connection's condition and, when it is down, since when and (standing down) why.</summary>
internal readonly record struct LongConnectionState(LongConnectionCondition Condition, DateTimeOffset? DownSince = null, string? Reason = null)
{
    /// <summary>True when the connection is held and its holder has not said it is down.</summary>
    public bool IsUp => Condition is LongConnectionCondition.Connected or LongConnectionCondition.Connecting or LongConnectionCondition.HeldElsewhere;

    /// <summary>
    /// One line for an administrator, in the room's words: <paramref name="what"/> names the connection (<c>Stream</c>),
    /// and <paramref name="standingDown"/> says why a holder stands down (null: read as "no connection since").
    /// </summary>
    public string Describe(string what, Func<string, DateTimeOffset, string?>? standingDown = null) => Condition switch
    {
        LongConnectionCondition.Connected => $"{what} connected",
        LongConnectionCondition.Connecting => $"{what} connecting",
        LongConnectionCondition.HeldElsewhere => $"{what} held by another replica",
        LongConnectionCondition.NoHolder => $"{what}: no replica holds it",
        LongConnectionCondition.StandingDown when standingDown?.Invoke(Reason!, DownSince!.Value) is { } why => why,
        _ => $"{what}: no connection since {DownSince!.Value.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC",
    };
}

/// <summary>
/// Reads a long connection's <see cref="LongConnectionState"/> from its lease, its holder's word
/// (<see cref="ConnectionDownMarks"/>) and, when the holder is this replica, its own duty — the same way for every room.
/// </summary>
internal sealed class LongConnectionStateReader(LeaseStore leases, TimeProvider time)
{
    /// <param name="kind">Which connection.</param>
    /// <param name="key">The app's key for it (its lease is per key).</param>
    /// <param name="marks">Where its holder says it is down; null where nobody writes it.</param>
    /// <param name="duty">This replica's duty for it, when this replica runs one.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public async Task<LongConnectionState> OfAsync(LongConnectionKind kind, string key, ConnectionDownMarks? marks, LongConnectionDuty? duty, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kind);
        var lease = await leases.GetAsync(kind.LeaseNameOf(key), cancellationToken).ConfigureAwait(false);
        if (lease is null || lease.ExpiresAt <= time.GetUtcNow())
        {
            return new(LongConnectionCondition.NoHolder);
        }

        if (marks is not null && await marks.ReadAsync(key, cancellationToken).ConfigureAwait(false) is { } mark)
        {
            return mark.Reason is null
                ? new(LongConnectionCondition.CannotConnect, mark.Since)
                : new(LongConnectionCondition.StandingDown, mark.Since, mark.Reason);
        }

        return duty is { IsHolding: true }
            ? new(duty.IsConnected ? LongConnectionCondition.Connected : LongConnectionCondition.Connecting)
            : new(LongConnectionCondition.HeldElsewhere);
    }
}
