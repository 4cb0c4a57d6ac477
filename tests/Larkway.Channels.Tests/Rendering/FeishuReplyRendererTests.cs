using System.Text;
using System.Text.Json.Nodes;
using Larkway.Channels.Adapters;
using Larkway.Channels.Messages;
using Larkway.Channels.Rendering;
using Larkway.Feishu.Cards;
using FeishuContent = Larkway.Feishu.Im.MessageContent;

namespace Larkway.Channels.Tests.Rendering;

public class FeishuReplyRendererTests
{
    private static readonly ChannelConversation Group = new("oc_group1", ConversationKind.Group);

    [Fact]
    public void Text_is_one_text_message()
    {
        var rendered = FeishuChannelAdapter.Render(ChannelReply.ForText("hello"), Group);

        rendered.IsExact.ShouldBeTrue();
        var message = rendered.Messages.ShouldHaveSingleItem();
        message.MessageType.ShouldBe("text");
        JsonNode.Parse(message.ContentJson)!["text"]!.GetValue<string>().ShouldBe("hello");
    }

    [Fact]
    public void Markdown_is_a_json_2_card_with_a_markdown_component_and_a_summary()
    {
        var rendered = FeishuChannelAdapter.Render(ChannelReply.ForMarkdown("## Answer\n\n**Yes**, you can."), Group);

        var card = Card(rendered.Messages.ShouldHaveSingleItem());
        card["schema"]!.GetValue<string>().ShouldBe("2.0");
        card["config"]!["summary"]!["content"]!.GetValue<string>().ShouldBe("Answer");
        var markdown = card["body"]!["elements"]![0]!;
        markdown["tag"]!.GetValue<string>().ShouldBe("markdown");
        markdown["content"]!.GetValue<string>().ShouldBe("## Answer\n\n**Yes**, you can.");
        CardValidator.Validate(card).IsValid.ShouldBeTrue();
    }

    [Fact]
    public void Markdown_as_a_post_is_an_md_node_under_the_locale()
    {
        var rendered = FeishuChannelAdapter.Render(ChannelReply.ForMarkdown("**bold**", "Title"), Group, new FeishuRenderOptions { MarkdownAs = FeishuMarkdownShape.Post });

        var message = rendered.Messages.ShouldHaveSingleItem();
        message.MessageType.ShouldBe("post");
        var post = JsonNode.Parse(message.ContentJson)!["zh_cn"]!;
        post["title"]!.GetValue<string>().ShouldBe("Title");
        post["content"]![0]![0]!["tag"]!.GetValue<string>().ShouldBe("md");
        post["content"]![0]![0]!["text"]!.GetValue<string>().ShouldBe("**bold**");
    }

    [Fact]
    public void A_card_has_its_header_body_and_buttons_with_callback_values_and_links()
    {
        var reply = ChannelReply.ForCard("Leave request", "Approve **3 days**?",
            new ReplyButton("Approve", "leave:approve:42", ReplyButtonStyle.Primary),
            new ReplyButton("Reject", "leave:reject:42", ReplyButtonStyle.Danger),
            new ReplyButton("Open", null, Url: "https://hr.example.com/42"));

        var rendered = FeishuChannelAdapter.Render(reply, new ChannelConversation("oc_p2p", ConversationKind.Direct));

        rendered.IsExact.ShouldBeTrue();
        var card = Card(rendered.Messages.ShouldHaveSingleItem());
        card["header"]!["title"]!["content"]!.GetValue<string>().ShouldBe("Leave request");
        var buttons = Buttons(card);
        buttons.Count.ShouldBe(3);
        buttons[0]["type"]!.GetValue<string>().ShouldBe("primary");
        buttons[0]["behaviors"]![0]!["type"]!.GetValue<string>().ShouldBe("callback");
        buttons[0]["behaviors"]![0]!["value"]![ReplyButton.CallbackValueKey]!.GetValue<string>().ShouldBe("leave:approve:42");
        buttons[1]["type"]!.GetValue<string>().ShouldBe("danger");
        buttons[2]["behaviors"]![0]!["type"]!.GetValue<string>().ShouldBe("open_url");
        buttons[2]["behaviors"]![0]!["default_url"]!.GetValue<string>().ShouldBe("https://hr.example.com/42");
        CardValidator.Validate(card).IsValid.ShouldBeTrue(CardValidator.Validate(card).ToString());
    }

    [Fact]
    public void A_long_card_is_split_into_cards_within_the_limit_with_the_header_first_and_the_buttons_last()
    {
        var body = string.Join("\n\n", Enumerable.Range(1, 200).Select(i => $"Paragraph {i}: 这是一段很长的回答，包含中文和 emoji 😀。\n```python\nprint({i})\n```"));
        var options = new FeishuRenderOptions { MaxCardBytes = 4096 };

        var rendered = FeishuChannelAdapter.Render(ChannelReply.ForCard("Report", body, new ReplyButton("OK", "ok")), Group, options);

        rendered.Messages.Count.ShouldBeGreaterThan(3);
        rendered.Fallbacks.ShouldHaveSingleItem().Kind.ShouldBe(RenderFallbackKind.Split);
        rendered.Fallbacks[0].Parts.ShouldBe(rendered.Messages.Count);
        for (var i = 0; i < rendered.Messages.Count; i++)
        {
            var message = rendered.Messages[i];
            Encoding.UTF8.GetByteCount(message.ContentJson).ShouldBeLessThanOrEqualTo(4096);
            var card = Card(message);
            (card["header"] is not null).ShouldBe(i == 0);
            Buttons(card).Count.ShouldBe(i == rendered.Messages.Count - 1 ? 1 : 0);
            TextSplitterTests.FencesBalanced(card["body"]!["elements"]![0]!["content"]!.GetValue<string>()).ShouldBeTrue();
            CardValidator.Validate(card).IsValid.ShouldBeTrue();
        }
    }

    [Fact]
    public void A_long_answer_stays_within_feishus_own_30_kb_per_card()
    {
        var body = string.Concat(Enumerable.Repeat("很长的答案，\"引号\"和换行\n", 4000));

        var rendered = FeishuChannelAdapter.Render(ChannelReply.ForMarkdown(body), Group);

        rendered.Messages.Count.ShouldBeGreaterThan(1);
        rendered.Messages.ShouldAllBe(m => Encoding.UTF8.GetByteCount(m.ContentJson) <= FeishuContent.MaxPostOrCardBytes);
        string.Concat(rendered.Messages.Select(m => Card(m)["body"]!["elements"]![0]!["content"]!.GetValue<string>())).ShouldBe(body);
    }

    [Fact]
    public void Long_text_is_split_within_the_text_limit()
    {
        var rendered = FeishuChannelAdapter.Render(ChannelReply.ForText(new string('a', 5000)), Group, new FeishuRenderOptions { MaxTextBytes = 1024 });

        rendered.Messages.Count.ShouldBe(5);
        rendered.Messages.ShouldAllBe(m => Encoding.UTF8.GetByteCount(m.ContentJson) <= 1024);
        rendered.Fallbacks.ShouldHaveSingleItem().Kind.ShouldBe(RenderFallbackKind.Split);
    }

    [Fact]
    public void A_button_text_over_100_characters_is_shortened_and_reported()
    {
        var rendered = FeishuChannelAdapter.Render(ChannelReply.ForCard(null, "body", new ReplyButton(new string('b', 150), "v")), Group);

        Buttons(Card(rendered.Messages[0]))[0]["text"]!["content"]!.GetValue<string>().Length.ShouldBe(CardLimits.MaxButtonTextLength);
        rendered.Fallbacks.ShouldHaveSingleItem().Kind.ShouldBe(RenderFallbackKind.Truncated);
    }

    [Theory]
    [InlineData(AttachmentKind.Image, "image")]
    [InlineData(AttachmentKind.File, "file")]
    [InlineData(AttachmentKind.Audio, "audio")]
    [InlineData(AttachmentKind.Video, "media")]
    public void Media_goes_by_key_and_its_caption_as_text(AttachmentKind kind, string type)
    {
        var rendered = FeishuChannelAdapter.Render(ChannelReply.ForMedia(kind, "key_1") with { Caption = "here it is" }, Group);

        rendered.Messages.Select(m => m.MessageType).ShouldBe([type, "text"]);
    }

    [Fact]
    public void A_blank_reply_is_refused()
    {
        Should.Throw<ChannelRenderException>(() => FeishuChannelAdapter.Render(ChannelReply.ForMarkdown("  "), Group)).Message.ShouldContain("blank");
    }

    internal static JsonObject Card(FeishuContent message)
    {
        message.MessageType.ShouldBe("interactive");
        return JsonNode.Parse(message.ContentJson)!.AsObject();
    }

    internal static List<JsonNode> Buttons(JsonNode node) => node switch
    {
        JsonObject obj when obj["tag"]?.GetValue<string>() == "button" => [obj],
        JsonObject obj => obj.SelectMany(p => p.Value is null ? [] : Buttons(p.Value)).ToList(),
        JsonArray array => array.SelectMany(n => n is null ? [] : Buttons(n)).ToList(),
        _ => [],
    };
}
