using Larkway.Channels.Backends;
using Larkway.Channels.Masking;

namespace Larkway.Hub.Assistants.Answering;

/// <summary>
/// The line a reply shows while an agent works, before its answer starts (<c>*Using crm_lookup…*</c>,
/// <c>*Thinking…*</c>). The tool's name is the backend's text, written to the platform as it comes like the answer, so it
/// is masked toward the platform like the answer: a backend may name a tool after what it looked up.
/// </summary>
internal static class AgentStepLine
{
    /// <summary>What the platform shows for <paramref name="thought"/>: whole, since a step arrives whole, and masked.</summary>
    public static string Shown(AssistantThought thought, PiiStreamMasker toPlatform)
    {
        ArgumentNullException.ThrowIfNull(thought);
        ArgumentNullException.ThrowIfNull(toPlatform);
        return toPlatform.Complete($"*{(thought.Tool is { Length: > 0 } tool ? $"Using {tool}…" : "Thinking…")}*");
    }
}
