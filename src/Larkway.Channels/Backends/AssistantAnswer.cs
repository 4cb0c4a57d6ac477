namespace Larkway.Channels.Backends;

/// <summary>A whole answer (<see cref="IAssistantBackend.CompleteAsync"/>).</summary>
/// <param name="Text">The answer.</param>
/// <param name="End">How it ended: conversation, message and task ids, usage.</param>
/// <param name="Thoughts">The agent's steps, in order (empty for plain chat apps).</param>
/// <param name="ConversationRestarted">True when the conversation asked for was gone and a new one was started.</param>
public sealed record AssistantAnswer(string Text, AssistantAnswerEnd End, IReadOnlyList<AssistantThought> Thoughts, bool ConversationRestarted);
