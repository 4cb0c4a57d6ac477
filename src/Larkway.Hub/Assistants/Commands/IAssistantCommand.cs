namespace Larkway.Hub.Assistants.Commands;

/// <summary>
/// A command a room adds to every assistant (the Feishu Docs room's <c>/doc</c>): listed by <c>/help</c>, run after the
/// gate like the assistant's own commands and limited by <c>policy.commands</c> the same way. The assistant names no room.
/// </summary>
internal interface IAssistantCommand
{
    /// <summary>The name without the slash: lower-case letters, digits, '-' and '_'; never one of the assistant's own.</summary>
    string Name { get; }

    /// <summary>What may follow the name, as <c>/help</c> shows it (null: nothing).</summary>
    string? Usage { get; }

    /// <summary>One sentence for <c>/help</c>.</summary>
    string Description { get; }

    /// <summary>Runs the command for <paramref name="request"/>; the text is the reply to the person who sent it.</summary>
    Task<string> RunAsync(AssistantCommandRequest request, CancellationToken cancellationToken);
}

/// <summary>A command as a room sees it.</summary>
/// <param name="Assistant">The assistant's name.</param>
/// <param name="AssistantDisplayName">The name people see.</param>
/// <param name="Platform">The platform it was sent on.</param>
/// <param name="App">The Hub app that received it.</param>
/// <param name="PersonId">The sender in the directory; null for a guest.</param>
/// <param name="Argument">What followed the name, trimmed.</param>
/// <param name="Exchanges">The sender's current conversation with the assistant, oldest first: the answered turns only.</param>
internal sealed record AssistantCommandRequest(
    string Assistant, string AssistantDisplayName, string Platform, string App, string? PersonId, string Argument, IReadOnlyList<AssistantExchange> Exchanges);

/// <summary>
/// One answered turn: the question as the backend got it (personal data masked), the answer as the person was shown it.
/// </summary>
internal sealed record AssistantExchange(string Question, string Answer, DateTimeOffset At);
