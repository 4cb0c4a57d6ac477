namespace Larkway.Hub.Apps.Connections;

/// <summary>What the console shows of one app's long connection: a line, and whether it reads as trouble.</summary>
/// <param name="CssClass">The line's class on the Apps page (<c>app-stream</c>): the page's tests and styles find it by it.</param>
/// <param name="Text">Where the connection stands, in a few words: <c>Stream connected</c>.</param>
/// <param name="IsUp">False while no replica holds it or its holder cannot connect (shown as an error).</param>
/// <param name="Title">A hover text naming the connection, when the app has more than one thing it could be (the AI bot's id).</param>
internal sealed record LongConnectionLine(string CssClass, string Text, bool IsUp, string? Title = null);

/// <summary>
/// A room's long connections as the console's Apps page reads them, keyed by platform and app: the room knows which of
/// its apps hold one and how to tell where it stands (its lease, its holder's word, this replica's own connection).
/// Registered by each room that holds long connections.
/// </summary>
internal interface ILongConnectionStates
{
    /// <summary>The line of <paramref name="app"/>'s long connection, or null when the app holds none (disabled, or not set up for one).</summary>
    Task<LongConnectionLine?> LineAsync(HubAppInfo app, CancellationToken cancellationToken);
}
