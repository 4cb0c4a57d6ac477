using Larkway.Hub.Apps;
using Larkway.Hub.Assistants.Routing;
using Larkway.Hub.DingTalk;
using Larkway.Hub.Feishu;
using Larkway.Hub.WeCom;

namespace Larkway.Hub.Tests.Assistants;

/// <summary>
/// The assistant's commands as <c>/help</c> lists them are the same text on every platform, so they name none: a person
/// asking on DingTalk or WeCom may use no other platform. <c>/link</c> says where its code really goes — to the accounts
/// the person linked before, on whichever platforms they are.
/// </summary>
public sealed class AssistantHelpTests
{
    private static readonly HubPlatformInfo[] Platforms = [new FeishuHubPlatform(), new DingTalkHubPlatform(), new WeComHubPlatform()];

    [Fact]
    public void No_command_line_names_a_platform()
    {
        foreach (var (name, usage, description) in AssistantInbound.HelpLines)
        {
            foreach (var platform in Platforms)
            {
                $"/{name} {usage} {description}".ShouldNotContain(platform.DisplayName, Case.Insensitive, $"/{name} in /help names {platform.DisplayName}");
                foreach (var alias in platform.Aliases.Keys)
                {
                    $"/{name} {usage} {description}".ShouldNotContain(alias, Case.Insensitive, $"/{name} in /help names {alias}");
                }
            }
        }
    }

    [Fact]
    public void Link_says_the_code_goes_to_the_accounts_already_linked()
    {
        var link = AssistantInbound.HelpLines.Single(l => l.Name == "link");

        link.Description.ShouldContain("sends a code to the accounts you already linked");
        AssistantInbound.Commands.ShouldBe(AssistantInbound.HelpLines.Select(l => l.Name));
    }
}
