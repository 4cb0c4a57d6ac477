using System.Text.Json;
using Larkway.Hub.Assistants.Configuration;
using Larkway.Hub.DingTalk.Assistant;
using Shouldly;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>The DingTalk AI card template setting: checked by DingTalk's room when given, stored under its snake_case name, absent by default.</summary>
public sealed class AssistantStreamingSettingsTests
{
    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void A_blank_or_too_long_template_id_is_refused_naming_the_field(string? template)
    {
        var id = template ?? new string('t', DingTalkAssistantSettingsCheck.MaxCardTemplateIdLength + 1);
        var problems = AssistantValidation.Check(AssistantReplyTargets.Assistant(id), ["app"], DingTalk);

        problems.Select(p => p.Field).ShouldBe(["streaming.dingtalk_card_template_id"]);
        problems[0].Message.ShouldContain("1–128 characters");
    }

    [Fact]
    public void Without_DingTalk_s_room_the_shared_checks_leave_the_template_id_alone()
    {
        AssistantValidation.Check(AssistantReplyTargets.Assistant(""), ["app"]).ShouldBeEmpty();
    }

    [Fact]
    public void A_template_id_is_optional_and_stored_under_its_name()
    {
        AssistantValidation.Check(AssistantReplyTargets.Assistant(), ["app"], DingTalk).ShouldBeEmpty();
        AssistantValidation.Check(AssistantReplyTargets.Assistant("b1c2d3e4-0000-4000-8000-123456789abc.schema"), ["app"], DingTalk).ShouldBeEmpty();

        var json = JsonSerializer.Serialize(new AssistantStreamingSettings { AiCardTemplateId = "tpl-1" }, AssistantJsonContext.Default.AssistantStreamingSettings);
        JsonDocument.Parse(json).RootElement.GetProperty("dingtalk_card_template_id").GetString().ShouldBe("tpl-1");
        JsonSerializer.Serialize(new AssistantStreamingSettings(), AssistantJsonContext.Default.AssistantStreamingSettings).ShouldNotContain("dingtalk");
        JsonSerializer.Deserialize("""{"dingtalk_card_template_id":"tpl-2"}""", AssistantJsonContext.Default.AssistantStreamingSettings)!.AiCardTemplateId.ShouldBe("tpl-2");
    }

    private static readonly IAssistantSettingsCheck[] DingTalk = [new DingTalkAssistantSettingsCheck()];
}
