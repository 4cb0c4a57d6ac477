using System.Text.Json.Nodes;
using Larkway.Feishu.Im;

namespace Larkway.Feishu.Tests.Im;

/// <summary>Each msg_type's content against the shapes in reference/feishu-api.md §4.3.</summary>
public class MessageContentTests
{
    [Theory]
    [MemberData(nameof(SimpleShapes))]
    public void Simple_content_shapes_match_the_reference(MessageContent content, string msgType, string json)
    {
        Assert.Equal(msgType, content.MessageType);
        AssertJson(json, content.ContentJson);
    }

    public static TheoryData<MessageContent, string, string> SimpleShapes() => new()
    {
        { MessageContent.Text("hello\nworld"), "text", """{"text":"hello\nworld"}""" },
        { MessageContent.Image("img_v3_1"), "image", """{"image_key":"img_v3_1"}""" },
        { MessageContent.File("file_v2_1"), "file", """{"file_key":"file_v2_1"}""" },
        { MessageContent.Audio("file_v2_a"), "audio", """{"file_key":"file_v2_a"}""" },
        { MessageContent.Media("file_v2_m", "img_v3_c"), "media", """{"file_key":"file_v2_m","image_key":"img_v3_c"}""" },
        { MessageContent.Media("file_v2_m"), "media", """{"file_key":"file_v2_m"}""" },
        { MessageContent.Sticker("file_v2_s"), "sticker", """{"file_key":"file_v2_s"}""" },
        { MessageContent.ShareChat("oc_1"), "share_chat", """{"chat_id":"oc_1"}""" },
        { MessageContent.ShareUser("ou_1"), "share_user", """{"user_id":"ou_1"}""" },
        { MessageContent.CardEntity("7355"), "interactive", """{"type":"card","data":{"card_id":"7355"}}""" },
    };

    [Fact]
    public void Text_builder_writes_mentions_and_escapes_names()
    {
        var content = TextContent.Builder().Text("Deploy done ").At("ou_abc", "Bob <ops> & co").Text(" ").AtAll().Line().Text("bye").Build();

        Assert.Equal("Deploy done <at user_id=\"ou_abc\">Bob &lt;ops&gt; &amp; co</at> <at user_id=\"all\"></at>\nbye", content.Text);
        AssertJson("""{"text":"Deploy done <at user_id=\"ou_abc\">Bob &lt;ops&gt; &amp; co</at> <at user_id=\"all\"></at>\nbye"}""", content.ContentJson);
    }

    [Fact]
    public void Text_builder_rejects_ids_that_would_break_the_tag()
    {
        Assert.Throws<ArgumentException>(() => TextContent.Builder().At("ou_\"x"));
        Assert.Throws<ArgumentException>(() => TextContent.Builder().At(""));
    }

    [Fact]
    public void Chinese_text_is_not_escaped_to_unicode_sequences()
    {
        Assert.Equal("""{"text":"你好"}""", MessageContent.Text("你好").ContentJson);
    }

    [Fact]
    public void Post_builder_writes_locales_paragraphs_and_every_node()
    {
        var post = PostContent.Builder()
            .Locale(PostContent.ZhCn, "标题", p => p
                .Paragraph(PostNode.Text("bold ", PostTextStyle.Bold | PostTextStyle.Italic), PostNode.Link("docs", "https://example.com"), PostNode.At("ou_1", "Bob"), PostNode.AtAll(), PostNode.Emotion("SMILE"))
                .Paragraph(PostNode.Image("img_v3_1"))
                .Paragraph(PostNode.Media("file_v2_1", "img_v3_2"))
                .Paragraph(PostNode.Divider())
                .Paragraph(PostNode.CodeBlock("print(1)", "python"))
                .Paragraph(PostNode.Markdown("**md**")))
            .Locale(PostContent.EnUs, "Title", p => p.Paragraph(PostNode.Text("hi")))
            .Locale(PostContent.JaJp, null, p => p.Paragraph(PostNode.Text("こんにちは")))
            .Build();

        Assert.Equal("post", post.MessageType);
        AssertJson("""
            {"zh_cn":{"title":"标题","content":[
                [{"tag":"text","text":"bold ","style":["bold","italic"]},{"tag":"a","text":"docs","href":"https://example.com"},
                 {"tag":"at","user_id":"ou_1","user_name":"Bob"},{"tag":"at","user_id":"all"},{"tag":"emotion","emoji_type":"SMILE"}],
                [{"tag":"img","image_key":"img_v3_1"}],
                [{"tag":"media","file_key":"file_v2_1","image_key":"img_v3_2"}],
                [{"tag":"hr"}],
                [{"tag":"code_block","language":"python","text":"print(1)"}],
                [{"tag":"md","text":"**md**"}]]},
             "en_us":{"title":"Title","content":[[{"tag":"text","text":"hi"}]]},
             "ja_jp":{"content":[[{"tag":"text","text":"こんにちは"}]]}}
            """, post.ContentJson);
    }

    [Fact]
    public void Post_images_must_be_alone_in_their_paragraph()
    {
        var ex = Assert.Throws<ArgumentException>(() => PostContent.Builder().Locale(PostContent.ZhCn, "t", p => p.Paragraph(PostNode.Text("a"), PostNode.Image("img_1"))));

        Assert.Contains("alone in its paragraph", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Post_from_json_is_checked_and_kept()
    {
        var json = JsonNode.Parse("""{"zh_cn":{"title":"t","content":[[{"tag":"text","text":"x"}]]}}""")!;

        AssertJson("""{"zh_cn":{"title":"t","content":[[{"tag":"text","text":"x"}]]}}""", MessageContent.Post(json).ContentJson);
        Assert.Throws<ArgumentException>(() => MessageContent.Post(JsonNode.Parse("""{"zh_cn":{"title":"t"}}""")!));
        Assert.Throws<ArgumentException>(() => MessageContent.Post(new JsonArray()));
    }

    [Fact]
    public void Card_from_json_node_or_text_is_sent_as_given_and_copied()
    {
        var card = new JsonObject { ["config"] = new JsonObject { ["update_multi"] = true }, ["elements"] = new JsonArray(new JsonObject { ["tag"] = "markdown", ["content"] = "**hi**" }) };

        var content = MessageContent.Card(card);
        card["elements"] = new JsonArray();

        Assert.Equal("interactive", content.MessageType);
        AssertJson("""{"config":{"update_multi":true},"elements":[{"tag":"markdown","content":"**hi**"}]}""", content.ContentJson);
        AssertJson("""{"schema":"2.0","body":{"elements":[]}}""", MessageContent.Card("""{"schema":"2.0","body":{"elements":[]}}""").ContentJson);
        Assert.Throws<ArgumentException>(() => MessageContent.Card("{not json"));
        Assert.Throws<ArgumentException>(() => MessageContent.Card("[]"));
    }

    [Fact]
    public void Template_card_has_the_documented_shape()
    {
        var content = MessageContent.Template("AAq1", "1.0.2", new JsonObject { ["name"] = "Alice", ["count"] = 3 });

        Assert.Equal("interactive", content.MessageType);
        AssertJson("""{"type":"template","data":{"template_id":"AAq1","template_version_name":"1.0.2","template_variable":{"name":"Alice","count":3}}}""", content.ContentJson);
        AssertJson("""{"type":"template","data":{"template_id":"AAq1"}}""", MessageContent.Template("AAq1").ContentJson);
    }

    [Fact]
    public void Empty_keys_and_text_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => MessageContent.Text(""));
        Assert.Throws<ArgumentException>(() => MessageContent.Image(" "));
        Assert.Throws<ArgumentException>(() => MessageContent.Template(""));
    }

    private static void AssertJson(string expected, string actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"Expected {expected}\nActual   {actual}");
}
