using Larkway.Hub.Platform;
using Larkway.Hub.Apps;
using Larkway.Hub.Platform.Leases;

namespace Larkway.Hub.Apps.Connections;

/// <summary>
/// One kind of long connection a platform's room holds for its apps (DingTalk's Stream, WeCom's AI bot): what it is
/// called, which apps have one, and its lease. The room makes one; the duty, readiness and the alert rule
/// "a long connection is not held" go by it, so none of them names a platform.
/// </summary>
/// <param name="Platform">The platform's name as shown: <c>DingTalk</c>.</param>
/// <param name="Noun">The connection in words, after "its"/"no": <c>Stream connection</c>.</param>
/// <param name="KeyOf">The app's key for this connection (its lease is per key), or null when the app has none.</param>
/// <param name="LeasePrefix">The lease name before the key: <c>dingtalk-stream/</c>.</param>
/// <param name="Consequence">What goes wrong while it is down, and what to do: one or two sentences for the alert.</param>
internal sealed record LongConnectionKind(string Platform, string Noun, Func<StoredApp, string?> KeyOf, string LeasePrefix, string Consequence)
{
    /// <summary>The lease that guards the connection of <paramref name="key"/> among all replicas.</summary>
    public string LeaseNameOf(string key) => LeasePrefix + key;
}

/// <summary>
/// A room's long connection as the Hub's platform reads it: its <see cref="LongConnectionKind"/> and the holder's word
/// (<see cref="ConnectionDownMarks"/>). Registered by each room that holds long connections.
/// </summary>
internal sealed record LongConnectionSource(LongConnectionKind Kind, ConnectionDownMarks Marks)
{
    /// <summary>
    /// The apps that hold this connection, given the enabled stored apps: by default those apps (the kind's key picks
    /// the ones that have one). A connection of the deployment's own configuration rather than of a stored app (Feishu's,
    /// for the app in <c>FEISHU_APP_ID</c>) names its app here instead.
    /// </summary>
    public Func<IReadOnlyList<StoredApp>, IEnumerable<StoredApp>> HoldersAmong { get; init; } = enabled => enabled;
}
