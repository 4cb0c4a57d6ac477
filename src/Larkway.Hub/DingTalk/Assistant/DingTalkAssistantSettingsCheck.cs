using Larkway.Hub.Apps;
using Larkway.Hub.Assistants.Configuration;

namespace Larkway.Hub.DingTalk.Assistant;

/// <summary>DingTalk's assistant setting: the AI card template answers stream into (<c>streaming.dingtalk_card_template_id</c>).</summary>
internal sealed class DingTalkAssistantSettingsCheck : IAssistantSettingsCheck
{
    /// <summary>The longest template id accepted (DingTalk's are a GUID and <c>.schema</c>, well within it).</summary>
    public const int MaxCardTemplateIdLength = 128;

    public void Check(AssistantDefinition assistant, List<AssistantProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(assistant);
        ArgumentNullException.ThrowIfNull(problems);
        if (assistant.Streaming.AiCardTemplateId is { } template && (string.IsNullOrWhiteSpace(template) || template.Length > MaxCardTemplateIdLength))
        {
            problems.Add(new("streaming.dingtalk_card_template_id",
                $"must be a DingTalk card template id of 1–{MaxCardTemplateIdLength} characters (from DingTalk's card platform, e.g. xxxx-xxxx.schema), or left out for markdown answers."));
        }
    }
}
