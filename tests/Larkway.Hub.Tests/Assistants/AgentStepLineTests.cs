using Larkway.Channels.Backends;
using Larkway.Channels.Masking;
using Larkway.Channels.Rendering;
using Larkway.Hub.Assistants.Answering;

namespace Larkway.Hub.Tests.Assistants;

/// <summary>
/// The line an agent's step shows on the platform before the answer starts carries the backend's tool names, so it is
/// masked toward the platform as the answer is: a phone, a resident id and a bank card in it never reach a person.
/// </summary>
public sealed class AgentStepLineTests
{
    private static readonly PiiStreamMasker ToPlatform = new(
        new PiiMasker(new MaskingOptions { FingerprintKey = [.. Enumerable.Range(1, 32).Select(i => (byte)i)] }),
        MaskingDirection.ToPlatform,
        MarkdownLiteral.MaskedValue);

    [Fact]
    public void A_tool_line_naming_a_phone_an_id_and_a_card_shows_them_masked()
    {
        var line = AgentStepLine.Shown(new AssistantThought("crm_lookup;13812345678;440305199001060234;6212261000077890", "查客户", 1), ToPlatform);

        foreach (var value in new[] { "13812345678", "440305199001060234", "6212261000077890" })
        {
            line.ShouldNotContain(value);
        }

        line.ShouldBe("*Using crm_lookup;138&#42;&#42;&#42;&#42;5678;4403&#42;&#42;&#42;&#42;&#42;&#42;&#42;&#42;&#42;&#42;0234;&#42;&#42;&#42;&#42;7890…*");
    }

    [Fact]
    public void A_step_without_a_tool_shows_that_the_agent_is_thinking()
    {
        AgentStepLine.Shown(new AssistantThought(null, "客户电话 13812345678", 1), ToPlatform).ShouldBe("*Thinking…*");
    }
}
