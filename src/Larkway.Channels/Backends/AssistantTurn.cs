namespace Larkway.Channels.Backends;

/// <summary>Who said a turn of the conversation.</summary>
public enum AssistantTurnRole
{
    /// <summary>The person asking.</summary>
    User,

    /// <summary>The assistant.</summary>
    Assistant,
}

/// <summary>
/// One earlier turn of the conversation, for stateless backends (OpenAI-compatible), oldest first. Dify keeps its own
/// history under the conversation id and ignores these.
/// </summary>
/// <param name="Role">Who said it.</param>
/// <param name="Text">What was said.</param>
public sealed record AssistantTurn(AssistantTurnRole Role, string Text);
