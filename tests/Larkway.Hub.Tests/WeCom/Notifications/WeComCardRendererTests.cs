using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Hub.Notifications;
using Larkway.Hub.Notifications.Cards;
using Larkway.Hub.Notifications.Types;
using Larkway.Hub.WeCom.Notifications;

namespace Larkway.Hub.Tests.WeCom.Notifications;

/// <summary>
/// Feishu cards as WeCom app messages: a template card where one can carry the card, fitted to WeCom's documented
/// template card limits; markdown where it cannot, within markdown's 2048 bytes; every shortfall reported.
/// </summary>
public sealed class WeComCardRendererTests
{
    private const string TaskId = "ntf_0123456789abcdef@42@1";

    private static WeComRendering Rendered(string card)
    {
        var result = WeComCardRenderer.Render(card, TaskId);
        result.Problems.ShouldBeEmpty();
        return result.Rendering!;
    }

    private static string V1(string elements, string title = "PO 4711") =>
        "{\"header\":{\"title\":{\"tag\":\"plain_text\",\"content\":" + JsonSerializer.Serialize(title) + "}},\"elements\":" + elements + "}";

    private static string Buttons(int count) =>
        "[{\"tag\":\"action\",\"actions\":[" + string.Join(',', Enumerable.Range(1, count).Select(i => $$"""{"tag":"button","text":{"tag":"plain_text","content":"B{{i}}"},"value":{"action":"a{{i}}"} }""")) + "]}]";

    private static string Pack(string name)
    {
        using var stream = typeof(CardTemplate).Assembly.GetManifestResourceStream("Larkway.Hub.procurement-pack.json")!;
        var type = JsonNode.Parse(stream)!["types"]!.AsArray().Single(t => t!["name"]!.GetValue<string>() == name)!;
        using var data = JsonDocument.Parse(type["sample_data"]!.ToJsonString());
        return CardTemplate.Render(type["template"]!, data.RootElement).ToJsonString();
    }

    [Fact]
    public void A_requisition_with_decision_buttons_is_a_button_interaction_card_whose_keys_name_the_actions()
    {
        var rendering = Rendered(Pack("requisition.submitted"));

        rendering.Kind.ShouldBe(WeComMessageKind.TemplateCard);
        var card = rendering.Card!;
        card.CardType.ShouldBe("button_interaction");
        card.TaskId.ShouldBe(TaskId);
        card.MainTitle!.Title.ShouldBe("Requisition PR-2026-0042 needs your approval", "44 Latin letters are 22 字 of WeCom's 36");
        rendering.Fallbacks.ShouldBeEmpty();
        card.SubTitleText.ShouldBe("Laptops for the new hires\nRequested by Alice Chen · ¥ 48,000.00");
        card.ButtonList!.Select(b => b.Text).ShouldBe(["Approve", "Reject", "Open in ERP"]);
        card.ButtonList![0].Key.ShouldBe("0:approve");
        card.ButtonList[1].Key.ShouldBe("1:reject");
        card.ButtonList[2].Type.ShouldBe(1);
        card.ButtonList[2].Url.ShouldBe("https://erp.example.com/pr/42");
        card.ButtonList[2].Key.ShouldBeNull();
        rendering.ToAppMessage().MsgType.ShouldBe("template_card");
    }

    [Fact]
    public void A_card_with_only_a_link_is_a_text_notice_that_opens_it_and_one_without_anything_to_open_is_markdown()
    {
        var order = Rendered(Pack("purchase_order.created"));
        order.Card!.CardType.ShouldBe("text_notice");
        order.Card.CardAction!.Url.ShouldBe("https://erp.example.com/po/4711");
        order.Card.JumpList.ShouldBeNull();

        var decided = Rendered(Pack("approval.decided"));
        decided.Kind.ShouldBe(WeComMessageKind.Markdown);
        decided.Markdown.ShouldBe("#### PR-2026-0042: approved\n\n**Laptops for the new hires** was approved by Bob Li.  \n> OK within budget.");
        decided.ToAppMessage().MsgType.ShouldBe("markdown");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    public void Up_to_six_buttons_stay_on_the_card(int count)
    {
        var card = Rendered(V1(Buttons(count))).Card!;

        card.ButtonList!.Count.ShouldBe(count);
        card.ButtonList.Select(b => b.Key).ShouldBe(Enumerable.Range(1, count).Select(i => $"{i - 1}:a{i}"));
        card.ButtonList.Select(b => b.Key).Distinct().Count().ShouldBe(count, "WeCom refuses repeated keys");
    }

    [Fact]
    public void Seven_buttons_are_markdown_naming_each_button_that_cannot_call_back()
    {
        var rendering = Rendered(V1(Buttons(7)));

        rendering.Kind.ShouldBe(WeComMessageKind.Markdown);
        rendering.Markdown!.ShouldContain("B7 — not available on WeCom");
        rendering.Fallbacks.Count(f => f.Kind == CardFallbackKind.ButtonNotOffered).ShouldBe(7);
        rendering.Fallbacks.ShouldContain(f => f.Kind == CardFallbackKind.PlainTextForButtons && f.Detail.Contains("at most 6", StringComparison.Ordinal));
    }

    [Fact]
    public void An_input_is_something_a_template_card_cannot_take_so_the_card_is_markdown_with_a_placeholder()
    {
        var rendering = Rendered(V1("""[{"tag":"input","name":"comment"},{"tag":"action","actions":[{"tag":"button","text":{"tag":"plain_text","content":"Send"},"value":{"action":"send"}},{"tag":"button","text":{"tag":"plain_text","content":"Docs"},"url":"https://docs.example.com"}]}]"""));

        rendering.Kind.ShouldBe(WeComMessageKind.Markdown);
        rendering.Markdown.ShouldBe("#### PO 4711\n\n[An input box — not available on WeCom]\n\nSend — not available on WeCom\n[Docs](https://docs.example.com)");
        rendering.Fallbacks.ShouldContain(f => f.Kind == CardFallbackKind.PlainTextForInteraction && f.Path == "$.elements[0]");
    }

    [Fact]
    public void Long_text_and_button_labels_are_cut_to_WeComs_recommended_lengths_with_a_marked_cut_and_a_link_to_the_rest()
    {
        var longText = string.Concat(Enumerable.Repeat("采购申请的详细说明。", 40));
        var card = "{\"header\":{\"title\":{\"tag\":\"plain_text\",\"content\":\"PO\"}},\"card_link\":{\"url\":\"https://erp.example.com/po/1\"},\"elements\":["
            + "{\"tag\":\"markdown\",\"content\":" + JsonSerializer.Serialize(longText) + "},"
            + """{"tag":"action","actions":[{"tag":"button","text":{"tag":"plain_text","content":"Approve this purchase now"},"value":{"action":"approve"}}]}]}""";

        var rendering = Rendered(card);

        var template = rendering.Card!;
        WeComMessageLimits.Width(template.SubTitleText!).ShouldBeLessThanOrEqualTo(WeComMessageLimits.SubTitleChars);
        template.SubTitleText!.Length.ShouldBe(WeComMessageLimits.SubTitleChars, "160 Chinese characters, the last the cut's mark");
        template.SubTitleText.ShouldEndWith("…");
        template.ButtonList![0].Text.ShouldBe("Approve this purch…");
        WeComMessageLimits.Width(template.ButtonList[0].Text).ShouldBeLessThanOrEqualTo(WeComMessageLimits.ButtonTextChars);
        template.JumpList!.ShouldHaveSingleItem().Url.ShouldBe("https://erp.example.com/po/1");
        template.CardAction!.Url.ShouldBe("https://erp.example.com/po/1");
        rendering.Fallbacks.Select(f => f.Kind).ShouldBe([CardFallbackKind.TextShortened, CardFallbackKind.ButtonTitleShortened], ignoreOrder: true);
    }

    [Fact]
    public void Markdown_longer_than_2048_bytes_is_cut_between_characters_keeping_its_buttons()
    {
        var longText = string.Concat(Enumerable.Repeat("供应商说明第一段很长的内容。", 120));
        var rendering = Rendered(V1("[{\"tag\":\"markdown\",\"content\":" + JsonSerializer.Serialize(longText) + "},{\"tag\":\"input\",\"name\":\"x\"}]"));

        rendering.Kind.ShouldBe(WeComMessageKind.Markdown);
        Encoding.UTF8.GetByteCount(rendering.Markdown!).ShouldBeLessThanOrEqualTo(WeComMessageLimits.MarkdownBytes);
        rendering.Markdown!.ShouldContain("…");
        rendering.Markdown!.ShouldNotContain("\uFFFD");
        rendering.Fallbacks.ShouldContain(f => f.Kind == CardFallbackKind.TextShortened && f.Path == "markdown.content");
    }

    [Fact]
    public void A_key_holds_the_buttons_place_and_action_within_1024_bytes_and_reads_back()
    {
        var button = new CardButton(3, "Go", JsonDocument.Parse("{\"action\":\"" + new string('審', 600) + "\"}").RootElement, null);

        var key = WeComCardRenderer.KeyOf(button);

        Encoding.UTF8.GetByteCount(key).ShouldBeLessThanOrEqualTo(WeComMessageLimits.ButtonKeyBytes);
        WeComCardRenderer.ReadKey(key)!.Value.Index.ShouldBe(3);
        WeComCardRenderer.ReadKey("0:approve").ShouldBe((0, "approve"));
        WeComCardRenderer.ReadKey("approve").ShouldBeNull();
        WeComCardRenderer.ReadKey("x:approve").ShouldBeNull();
        WeComCardRenderer.ReadKey(null).ShouldBeNull();
    }

    [Fact]
    public void The_task_id_names_the_delivery_and_a_forged_one_names_nothing()
    {
        var taskId = WeComNotificationSender.TaskIdOf(new NotificationRow { Id = "ntf_abc", Version = 2 }, new NotificationDeliveryRow { Id = 17 });

        taskId.ShouldBe("ntf_abc@17@2");
        WeComNotificationSender.ReadTaskId(taskId).ShouldBe(("ntf_abc", 17L));
        WeComNotificationSender.ReadTaskId("ntf_abc@x@2").ShouldBeNull();
        WeComNotificationSender.ReadTaskId("somebody-elses-card").ShouldBeNull();
        WeComNotificationSender.ReadTaskId(null).ShouldBeNull();
    }

    [Fact]
    public void What_is_not_a_card_or_not_a_valid_task_id_is_a_problem_naming_WeCom()
    {
        WeComCardRenderer.Render("{\"type\":\"template\",\"data\":{}}", TaskId).Problems.ShouldHaveSingleItem().Message.ShouldContain("cannot be rendered for WeCom");
        WeComCardRenderer.Render("{", TaskId).Problems.ShouldHaveSingleItem().Field.ShouldBe("card");
        WeComCardRenderer.Render(V1(Buttons(1)), "has spaces").Problems.ShouldHaveSingleItem().Field.ShouldBe("task_id");
    }

    [Fact]
    public void A_Latin_letter_is_half_a_Chinese_character_wide()
    {
        WeComMessageLimits.Width("Approve").ShouldBe(3.5);
        WeComMessageLimits.Width("批准").ShouldBe(2);
        WeComMessageLimits.Shorten("批准采购申请并通知供应商", 10).ShouldBe("批准采购申请并通知…");
        WeComMessageLimits.Shorten("Approve", 10).ShouldBe("Approve");
    }

    [Theory]
    [InlineData("approved", "Approved with a note", "Approved")]
    [InlineData(null, "Payment approval requested.", "Payment approval r…")]
    [InlineData("已批准并转交财务部门处理", "", "已批准并转交财务部…")]
    [InlineData(null, "", "Done")]
    public void The_disabled_button_reads_the_decision(string? decision, string message, string expected) =>
        WeComCardClicks.ReplaceName(decision, message).ShouldBe(expected);
}
