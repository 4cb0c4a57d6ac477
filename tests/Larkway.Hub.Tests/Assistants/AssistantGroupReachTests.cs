using Larkway.Hub.Assistants.Configuration;
using Larkway.Hub.Assistants.Routing;
using Larkway.Hub.Bots;

namespace Larkway.Hub.Tests.Assistants;

/// <summary>What the inbox's triage is told about group messages without the bot's mention, per app.</summary>
public sealed class AssistantGroupReachTests
{
    [Fact]
    public void Each_app_gets_the_most_any_enabled_assistant_naming_it_takes()
    {
        var reach = AssistantGroupReach.Reach(
        [
            Info("a-mention", ["default", "ops"], new AssistantGroupPolicy()),
            Info("b-at-all", ["ops"], new AssistantGroupPolicy { AnswerAtAll = true }),
            Info("c-all", ["default"], new AssistantGroupPolicy { Mode = "all" }),
            Info("d-all-off", ["quiet"], new AssistantGroupPolicy { Mode = "all" }, enabled: false),
            Info("e-disabled-at-all", ["refusing"], new AssistantGroupPolicy { Mode = "disabled", AnswerAtAll = true }),
        ]);

        reach["default"].ShouldBe(UnmentionedGroupMessages.All);
        reach["ops"].ShouldBe(UnmentionedGroupMessages.MentioningAll);
        reach.ContainsKey("quiet").ShouldBeFalse("a disabled assistant answers nothing");
        reach["refusing"].ShouldBe(UnmentionedGroupMessages.MentioningAll, "its gate answers an @all with a refusal");
    }

    private static AssistantInfo Info(string name, string[] apps, AssistantGroupPolicy groups, bool enabled = true) => new(
        name, name, "dify", "https://dify.example/v1", true, null, null, apps, new AssistantPolicy { Groups = groups },
        new AssistantSessionSettings(), new AssistantMaskingSettings(), new AssistantStreamingSettings(), enabled, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
}
