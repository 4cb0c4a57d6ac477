namespace Larkway.Hub.Assistants.Configuration;

/// <summary>
/// A platform room's checks of the assistant settings only that platform uses (DingTalk's AI card template), run with
/// the shared checks on every create and update so that a bad value is refused before it is stored, whichever apps the
/// assistant answers on. Registered by the room; one per platform.
/// </summary>
internal interface IAssistantSettingsCheck
{
    /// <summary>Adds a problem for each of the platform's settings in <paramref name="assistant"/> that cannot be used, saying what to send instead.</summary>
    void Check(AssistantDefinition assistant, List<AssistantProblem> problems);
}
