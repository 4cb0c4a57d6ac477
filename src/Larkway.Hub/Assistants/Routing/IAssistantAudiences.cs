namespace Larkway.Hub.Assistants.Routing;

/// <summary>
/// Who else an app's assistant answers besides the people writing to its bot — a room's customer service — in a line
/// each, for <c>/help</c>. Rooms register theirs; the assistant names no room.
/// </summary>
internal interface IAssistantAudiences
{
    /// <summary>Lines for <paramref name="app"/>, each a sentence; none when it answers nobody else.</summary>
    Task<IReadOnlyList<string>> DescribeAsync(string app, CancellationToken cancellationToken);
}
