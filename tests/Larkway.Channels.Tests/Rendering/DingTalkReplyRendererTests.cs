using System.Text;
using Larkway.Channels.Adapters;
using Larkway.Channels.Messages;
using Larkway.Channels.Rendering;
using Larkway.DingTalk.Robots;

namespace Larkway.Channels.Tests.Rendering;

public class DingTalkReplyRendererTests
{
    private static readonly ChannelConversation Group = new("cidGroup==", ConversationKind.Group);

    [Fact]
    public void Text_is_sample_text()
    {
        var message = DingTalkChannelAdapter.Render(ChannelReply.ForText("hi"), Group).Messages.ShouldHaveSingleItem();

        message.Key.ShouldBe("sampleText");
        message.Parameters["content"].ShouldBe("hi");
    }

    [Fact]
    public void Markdown_is_sample_markdown_titled_by_its_first_line()
    {
        var message = DingTalkChannelAdapter.Render(ChannelReply.ForMarkdown("## Leave policy\n\n15 days a year."), Group).Messages.ShouldHaveSingleItem();

        message.Key.ShouldBe("sampleMarkdown");
        message.Parameters["title"].ShouldBe("Leave policy");
        message.Parameters["text"].ShouldBe("## Leave policy\n\n15 days a year.");
    }

    [Fact]
    public void Long_chinese_markdown_is_split_so_every_msg_param_stays_within_15000_bytes_as_serialized()
    {
        var body = string.Concat(Enumerable.Repeat("钉钉的消息参数以转义后的 JSON 计算长度。\n", 2000));

        var rendered = DingTalkChannelAdapter.Render(ChannelReply.ForMarkdown(body, "长回答"), Group);

        rendered.Messages.Count.ShouldBeGreaterThan(1);
        rendered.Messages.ShouldAllBe(m => Encoding.UTF8.GetByteCount(m.Param) <= DingTalkAppRobotMessage.MaxParamBytes);
        string.Concat(rendered.Messages.Select(m => m.Parameters["text"])).ShouldBe(body);
        rendered.Fallbacks.ShouldHaveSingleItem().Kind.ShouldBe(RenderFallbackKind.Split);
    }

    [Fact]
    public void A_card_with_one_link_is_a_single_button_action_card()
    {
        var message = DingTalkChannelAdapter.Render(ChannelReply.ForCard("Runbook", "Read this first.", new ReplyButton("Open", null, Url: "https://wiki.example.com/rb")), Group)
            .Messages.ShouldHaveSingleItem();

        message.Key.ShouldBe("sampleActionCard");
        message.Parameters["singleTitle"].ShouldBe("Open");
        message.Parameters["singleURL"].ShouldBe("https://wiki.example.com/rb");
        message.Parameters["text"].ShouldBe("### Runbook\n\nRead this first.");
    }

    [Fact]
    public void Callback_buttons_cannot_go_on_an_action_card_and_are_reported()
    {
        var reply = ChannelReply.ForCard("Helpful?", "The answer.", new ReplyButton("Yes", "fb:yes"), new ReplyButton("Docs", null, Url: "https://docs.example.com"),
            new ReplyButton("Site", null, Url: "https://example.com"));

        var rendered = DingTalkChannelAdapter.Render(reply, Group);

        var message = rendered.Messages.ShouldHaveSingleItem();
        message.Key.ShouldBe("sampleActionCard2");
        message.Parameters["actionTitle1"].ShouldBe("Docs");
        rendered.Fallbacks.ShouldHaveSingleItem().Kind.ShouldBe(RenderFallbackKind.ButtonsDropped);
    }

    [Fact]
    public void Only_callback_buttons_leave_plain_markdown()
    {
        var rendered = DingTalkChannelAdapter.Render(ChannelReply.ForCard(null, "Answer", new ReplyButton("Yes", "fb:yes")), Group);

        rendered.Messages.ShouldHaveSingleItem().Key.ShouldBe("sampleMarkdown");
        rendered.Fallbacks.ShouldHaveSingleItem().Kind.ShouldBe(RenderFallbackKind.ButtonsDropped);
    }

    [Fact]
    public void More_than_five_links_keep_five()
    {
        var links = Enumerable.Range(1, 7).Select(i => new ReplyButton($"L{i}", null, Url: $"https://example.com/{i}")).ToArray();

        var rendered = DingTalkChannelAdapter.Render(ChannelReply.ForCard("Links", "Pick", links), Group);

        rendered.Messages.ShouldHaveSingleItem().Key.ShouldBe("sampleActionCard5");
        rendered.Fallbacks.ShouldHaveSingleItem().Kind.ShouldBe(RenderFallbackKind.ButtonsDropped);
    }

    [Fact]
    public void A_long_card_is_markdown_parts_ending_in_the_action_card_each_within_the_limit()
    {
        var body = string.Join("\n\n", Enumerable.Range(1, 100).Select(i => $"第{i}段内容。"));

        var rendered = DingTalkReplyRenderer.Render(ChannelReply.ForCard("T", body, new ReplyButton("Go", null, Url: "https://example.com")), Group, maxParamBytes: 1500);

        rendered.Messages.Count.ShouldBeGreaterThan(2);
        rendered.Messages.SkipLast(1).ShouldAllBe(m => m.Key == "sampleMarkdown");
        rendered.Messages[^1].Key.ShouldBe("sampleActionCard");
        rendered.Messages.ShouldAllBe(m => Encoding.UTF8.GetByteCount(m.Param) <= 1500);
    }

    [Fact]
    public void An_image_url_is_a_picture_and_other_media_a_reported_text_line()
    {
        DingTalkChannelAdapter.Render(ChannelReply.ForMedia(AttachmentKind.Image, "https://img.example.com/a.png"), Group).Messages.ShouldHaveSingleItem().Key.ShouldBe("sampleImageMsg");
        var file = DingTalkChannelAdapter.Render(ChannelReply.ForMedia(AttachmentKind.File, "@lAD123", "report.pdf"), Group);
        file.Messages.ShouldHaveSingleItem().Parameters["content"].ShouldBe("[file: report.pdf]");
        file.Fallbacks.ShouldHaveSingleItem().Kind.ShouldBe(RenderFallbackKind.MediaAsText);
    }
}
