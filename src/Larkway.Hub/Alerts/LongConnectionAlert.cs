using Larkway.Hub.Apps.Connections;

namespace Larkway.Hub.Alerts;

/// <summary>
/// The alert of a room's long connection: the rule "a long connection is not held" (<see cref="AlertRule.ConnectionNotHeld"/>)
/// for <paramref name="Kind"/>, under its own stored name, configuration key (<c>Larkway:Alerts:Rules:…</c>) and title.
/// The room registers it beside its <see cref="LongConnectionSource"/>, so the alerts know its rule without naming the room.
/// </summary>
/// <param name="Name">The name stored and shown: <c>dingtalk_stream_down</c>.</param>
/// <param name="ConfigName">The key under <c>Larkway:Alerts:Rules</c>: the name in PascalCase, without its underscores.</param>
/// <param name="Title">The rule in a few words: <c>DingTalk Stream down</c>.</param>
/// <param name="Kind">The long connection the rule watches.</param>
internal sealed record LongConnectionAlert(string Name, string ConfigName, string Title, LongConnectionKind Kind);

/// <summary>
/// Every alert rule of this Hub: the fixed ones, one "a long connection is not held" per <see cref="LongConnectionAlert"/>
/// and one "callbacks refused" per <see cref="RefusedCallbacksAlert"/> the rooms registered.
/// </summary>
internal sealed class AlertRules
{
    public AlertRules(IEnumerable<LongConnectionAlert> connections, IEnumerable<RefusedCallbacksAlert>? refusals = null, IEnumerable<IRoomAlert>? rooms = null)
    {
        ArgumentNullException.ThrowIfNull(connections);
        Refusals = [.. (refusals ?? []).DistinctBy(r => r.ConfigName)];
        All =
        [
            .. AlertRule.Leading,
            .. connections.DistinctBy(c => c.ConfigName).Select(AlertRule.ConnectionNotHeld),
            .. Refusals.Select(AlertRule.CallbacksRefused),
            .. (rooms ?? []).DistinctBy(r => r.ConfigName).Select(AlertRule.OfRoom),
        ];
    }

    /// <summary>The rooms' "callbacks refused" alerts (one per key): whose refusals the evaluator reads.</summary>
    public IReadOnlyList<RefusedCallbacksAlert> Refusals { get; }

    /// <summary>The rules, in the order the console lists them.</summary>
    public IReadOnlyList<AlertRule> All { get; }

    /// <summary>The rule a configuration key or stored name means (<c>ApiErrorRate</c>, <c>api_error_rate</c>, any case), or null.</summary>
    public AlertRule? Find(string? key)
    {
        var plain = key?.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        return All.FirstOrDefault(r => string.Equals(r.ConfigName, plain, StringComparison.OrdinalIgnoreCase));
    }
}
