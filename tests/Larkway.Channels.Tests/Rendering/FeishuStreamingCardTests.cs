using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Channels.Rendering;
using Larkway.Feishu.Cards;

namespace Larkway.Channels.Tests.Rendering;

public class FeishuStreamingCardTests
{
    [Fact]
    public void The_streaming_card_turns_streaming_on_with_a_summary_and_a_stable_element_id()
    {
        var card = FeishuStreamingCard.Streaming("How do I file expenses?", "…", new FeishuStreamingCardOptions { Title = "Assistant" });

        card["schema"]!.GetValue<string>().ShouldBe("2.0");
        card["config"]!["streaming_mode"]!.GetValue<bool>().ShouldBeTrue();
        card["config"]!["update_multi"]!.GetValue<bool>().ShouldBeTrue();
        card["config"]!["summary"]!["content"]!.GetValue<string>().ShouldBe("How do I file expenses?");
        card["config"]!["streaming_config"]!["print_frequency_ms"]!["default"]!.GetValue<int>().ShouldBe(70);
        card["config"]!["streaming_config"]!["print_strategy"]!.GetValue<string>().ShouldBe("fast");
        var answer = card["body"]!["elements"]![0]!;
        answer["tag"]!.GetValue<string>().ShouldBe("markdown");
        answer["element_id"]!.GetValue<string>().ShouldBe(FeishuStreamingCard.DefaultElementId);
        CardValidator.Validate(card).IsValid.ShouldBeTrue(CardValidator.Validate(card).ToString());
    }

    [Fact]
    public void The_final_card_turns_streaming_off_and_carries_the_three_feedback_buttons_naming_the_answer()
    {
        var card = FeishuStreamingCard.Final("The answer is **42**.", "ans_7");

        card["config"]!["streaming_mode"]!.GetValue<bool>().ShouldBeFalse();
        card["config"]!["summary"]!["content"]!.GetValue<string>().ShouldBe("The answer is **42**.");
        card["body"]!["elements"]![0]!["element_id"]!.GetValue<string>().ShouldBe(FeishuStreamingCard.DefaultElementId);
        var buttons = FeishuReplyRendererTests.Buttons(card);
        buttons.Count.ShouldBe(3);
        var read = buttons.Select(b =>
        {
            using var value = JsonDocument.Parse(b["behaviors"]![0]!["value"]!.ToJsonString());
            FeishuStreamingCard.TryReadFeedback(value.RootElement, out var feedback, out var answerId).ShouldBeTrue();
            answerId.ShouldBe("ans_7");
            return feedback;
        }).ToList();
        read.ShouldBe([AnswerFeedback.Helpful, AnswerFeedback.NotHelpful, AnswerFeedback.Regenerate]);
        CardValidator.Validate(card).IsValid.ShouldBeTrue(CardValidator.Validate(card).ToString());
    }

    [Fact]
    public void A_continued_card_has_no_feedback_buttons()
    {
        FeishuReplyRendererTests.Buttons(FeishuStreamingCard.Final("part one", "ans_7", withFeedback: false)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("{\"action\":\"leave:approve\"}")]
    [InlineData("{\"action\":\"assistant.feedback\",\"feedback\":\"meh\",\"answer_id\":\"a\"}")]
    [InlineData("{\"action\":\"assistant.feedback\",\"feedback\":\"helpful\"}")]
    [InlineData("\"helpful\"")]
    public void Other_callback_values_are_not_feedback(string json)
    {
        using var value = JsonDocument.Parse(json);
        FeishuStreamingCard.TryReadFeedback(value.RootElement, out _, out _).ShouldBeFalse();
    }

    [Fact]
    public void An_answer_that_outgrows_one_card_is_cut_into_parts_whose_final_cards_each_fit()
    {
        var answer = string.Concat(Enumerable.Range(0, 3000).Select(i => i % 40 == 0 ? "\n```sql\nselect 1;\n```\n" : $"第{i}句，包含\"引号\"和 emoji 😀。"));

        FeishuStreamingCard.FitsOneCard(answer, "ans_1").ShouldBeFalse();
        var parts = FeishuStreamingCard.SplitAnswer(answer, "ans_1");

        parts.Count.ShouldBeGreaterThan(1);
        string.Concat(parts.Select(p => p.Body)).ShouldBe(answer);
        for (var i = 0; i < parts.Count; i++)
        {
            var card = FeishuStreamingCard.Final(parts[i].Text, "ans_1", withFeedback: i == parts.Count - 1);
            FeishuStreamingCard.Measure(card).Fits.ShouldBeTrue($"part {i}: {FeishuStreamingCard.Measure(card)}");
            TextSplitterTests.FencesBalanced(parts[i].Text).ShouldBeTrue();
        }
    }

    [Fact]
    public void A_short_answer_fits_one_card()
    {
        FeishuStreamingCard.FitsOneCard("short", "ans_1").ShouldBeTrue();
        FeishuStreamingCard.SplitAnswer("short", "ans_1").Count.ShouldBe(1);
    }

    [Fact]
    public void A_card_over_200_elements_does_not_fit_even_when_small()
    {
        var card = new JsonObject
        {
            ["schema"] = "2.0",
            ["body"] = new JsonObject { ["elements"] = new JsonArray([.. Enumerable.Range(0, 201).Select(_ => (JsonNode)new JsonObject { ["tag"] = "hr" })]) },
        };

        var size = FeishuStreamingCard.Measure(card);

        size.Elements.ShouldBe(201);
        size.Bytes.ShouldBeLessThan(CardLimits.MaxCardBytes);
        size.Fits.ShouldBeFalse();
    }

    [Theory]
    [InlineData("")]
    [InlineData("1answer")]
    [InlineData("answer_element_id_too_long")]
    [InlineData("ans wer")]
    public void A_malformed_element_id_is_refused(string elementId)
    {
        Should.Throw<ArgumentException>(() => FeishuStreamingCard.Streaming("s", "…", new FeishuStreamingCardOptions { ElementId = elementId })).Message.ShouldContain("element_id");
    }
}
