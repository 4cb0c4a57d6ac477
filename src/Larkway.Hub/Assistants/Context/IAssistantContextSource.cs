namespace Larkway.Hub.Assistants.Context;

/// <summary>
/// What a question brings beyond its words — the documents it links — read for the asker, never more than the asker may
/// open. A room that can read such things registers one; the assistant asks each before it asks the backend, on every
/// platform alike.
/// </summary>
internal interface IAssistantContextSource
{
    /// <summary>What this source reads for <paramref name="question"/>; <see cref="AssistantContext.None"/> when it has nothing.</summary>
    Task<AssistantContext> ReadAsync(AssistantContextQuestion question, CancellationToken cancellationToken);
}

/// <summary>A question as a context source sees it.</summary>
/// <param name="Assistant">The assistant's name.</param>
/// <param name="Platform">The platform it was asked on.</param>
/// <param name="App">The Hub app that received it.</param>
/// <param name="PersonId">The asker in the directory; null for a guest.</param>
/// <param name="Text">The question as written (not yet masked).</param>
/// <param name="BudgetChars">How much text the sources may add, all together.</param>
internal sealed record AssistantContextQuestion(string Assistant, string Platform, string App, string? PersonId, string Text, int BudgetChars);

/// <summary>
/// What was read (<see cref="Documents"/>, for the backend) and what the asker is told (<see cref="Notes"/>: why a link
/// was not read and how to make it readable).
/// </summary>
internal sealed record AssistantContext(IReadOnlyList<AssistantContextDocument> Documents, IReadOnlyList<string> Notes)
{
    /// <summary>Nothing read, nothing to say.</summary>
    public static AssistantContext None { get; } = new([], []);

    /// <summary>Whether the question linked something this source knows (read or not).</summary>
    public bool Any => Documents.Count > 0 || Notes.Count > 0;
}

/// <summary>One document read for the asker: its title and link, and its text (whole blocks within the budget; <see cref="Cut"/> when not all fit).</summary>
internal sealed record AssistantContextDocument(string Title, string Link, string Text, bool Cut);
