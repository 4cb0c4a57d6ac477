using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using Larkway.Channels.Adapters;
using Larkway.Channels.Messages;
using Larkway.Channels.Rendering;
using Larkway.WeCom.AiBot;
using Larkway.WeCom.Messages;

namespace Larkway.Channels.Tests.Rendering;

public class WeComReplyRendererTests
{
    private static readonly ChannelConversation Direct = new("zhangsan", ConversationKind.Direct);
    private static readonly ChannelConversation Group = new("wrkGroup", ConversationKind.Group);

    [Fact]
    public void App_markdown_over_2048_bytes_is_split_into_messages_within_it()
    {
        var body = string.Join("\n\n", Enumerable.Range(1, 80).Select(i => $"第{i}段：报销需要发票和审批单。"));

        var rendered = WeComChannelAdapter.RenderAppMessage(ChannelReply.ForMarkdown(body), Direct);

        rendered.Messages.Count.ShouldBeGreaterThan(1);
        var contents = rendered.Messages.Select(m => m.ShouldBeOfType<WeComMarkdownAppMessage>().Content).ToList();
        contents.ShouldAllBe(c => Encoding.UTF8.GetByteCount(c) <= WeComReplyRenderer.AppMessageMaxBytes);
        string.Concat(contents).ShouldBe(body);
        rendered.Fallbacks.ShouldHaveSingleItem().Kind.ShouldBe(RenderFallbackKind.Split);
    }

    [Fact]
    public void App_text_is_a_text_message()
    {
        WeComChannelAdapter.RenderAppMessage(ChannelReply.ForText("hi"), Direct).Messages.ShouldHaveSingleItem().ShouldBe(WeComAppMessage.Text("hi"));
    }

    [Fact]
    public void A_card_with_a_short_plain_body_in_a_direct_chat_is_one_button_interaction_card()
    {
        var reply = ChannelReply.ForCard("Leave request", "Approve 3 days for Bob?",
            new ReplyButton("Approve", "leave:approve:42", ReplyButtonStyle.Primary), new ReplyButton("Open", null, Url: "https://hr.example.com/42"));

        var rendered = WeComChannelAdapter.RenderAppMessage(reply, Direct, "task_42");

        rendered.IsExact.ShouldBeTrue();
        var card = rendered.Messages.ShouldHaveSingleItem().ShouldBeOfType<WeComTemplateCardAppMessage>().Card;
        card.CardType.ShouldBe("button_interaction");
        card.TaskId.ShouldBe("task_42");
        card.MainTitle!.Title.ShouldBe("Leave request");
        card.SubTitleText.ShouldBe("Approve 3 days for Bob?");
        card.ButtonList!.ShouldBe([new WeComCardButton("Approve", Key: "leave:approve:42"), new WeComCardButton("Open", Type: 1, Url: "https://hr.example.com/42")]);
    }

    [Fact]
    public void A_card_with_a_markdown_body_sends_the_body_as_markdown_then_the_card()
    {
        var rendered = WeComChannelAdapter.RenderAppMessage(ChannelReply.ForCard("Summary", "**Bold** answer\n- one\n- two", new ReplyButton("More", "more")), Direct);

        rendered.Messages.Count.ShouldBe(2);
        rendered.Messages[0].ShouldBeOfType<WeComMarkdownAppMessage>().Content.ShouldBe("**Bold** answer\n- one\n- two");
        var card = rendered.Messages[1].ShouldBeOfType<WeComTemplateCardAppMessage>().Card;
        card.SubTitleText.ShouldBeNull();
        card.TaskId!.ShouldStartWith("lw_");
    }

    [Fact]
    public void A_card_in_an_app_group_chat_falls_back_to_markdown_with_its_links_and_reports_both_losses()
    {
        var reply = ChannelReply.ForCard("Deploy", "Ship it?", new ReplyButton("Yes", "deploy:yes"), new ReplyButton("Runbook", null, Url: "https://wiki.example.com/rb"));

        var rendered = WeComChannelAdapter.RenderAppMessage(reply, Group);

        var markdown = rendered.Messages.ShouldHaveSingleItem().ShouldBeOfType<WeComMarkdownAppMessage>().Content;
        markdown.ShouldBe("**Deploy**\nShip it?\n\n[Runbook](https://wiki.example.com/rb)");
        rendered.Fallbacks.Select(f => f.Kind).ShouldBe([RenderFallbackKind.CardAsText, RenderFallbackKind.ButtonsDropped]);
    }

    [Fact]
    public void A_card_without_buttons_is_markdown_with_its_title_on_both_shapes()
    {
        var reply = ChannelReply.ForCard("Note", "Just so you know.");

        WeComChannelAdapter.RenderAppMessage(reply, Direct).Messages.ShouldHaveSingleItem().ShouldBe(WeComAppMessage.Markdown("**Note**\nJust so you know."));
        var aiBot = WeComChannelAdapter.RenderAiBot(reply, Group).Messages.ShouldHaveSingleItem();
        aiBot.MsgType.ShouldBe("markdown");
    }

    [Fact]
    public void More_than_six_buttons_keep_the_first_six_and_report_the_rest()
    {
        var buttons = Enumerable.Range(1, 8).Select(i => new ReplyButton($"B{i}", $"b{i}")).ToArray();

        var rendered = WeComChannelAdapter.RenderAppMessage(ChannelReply.ForCard("Pick", "Pick one", buttons), Direct);

        rendered.Messages.ShouldHaveSingleItem().ShouldBeOfType<WeComTemplateCardAppMessage>().Card.ButtonList!.Count.ShouldBe(WeComReplyRenderer.MaxCardButtons);
        rendered.Fallbacks.ShouldHaveSingleItem().Kind.ShouldBe(RenderFallbackKind.ButtonsDropped);
    }

    [Fact]
    public void A_title_over_128_bytes_is_shortened_within_them_and_reported()
    {
        var rendered = WeComChannelAdapter.RenderAppMessage(ChannelReply.ForCard(new string('标', 60), "x", new ReplyButton("OK", "ok")), Direct);

        Encoding.UTF8.GetByteCount(rendered.Messages[0].ShouldBeOfType<WeComTemplateCardAppMessage>().Card.MainTitle!.Title!).ShouldBeLessThanOrEqualTo(WeComReplyRenderer.MaxCardTitleBytes);
        rendered.Fallbacks.ShouldHaveSingleItem().Kind.ShouldBe(RenderFallbackKind.Truncated);
    }

    [Fact]
    public void A_malformed_task_id_or_an_oversized_button_key_is_refused()
    {
        var card = ChannelReply.ForCard("t", "b", new ReplyButton("OK", "ok"));
        Should.Throw<ChannelRenderException>(() => WeComChannelAdapter.RenderAppMessage(card, Direct, "bad id!")).Message.ShouldContain("task_id");
        var big = ChannelReply.ForCard("t", "b", new ReplyButton("OK", new string('k', 1025)));
        Should.Throw<ChannelRenderException>(() => WeComChannelAdapter.RenderAiBot(big, Direct)).Message.ShouldContain("1024");
    }

    [Fact]
    public void The_ai_bot_takes_a_template_card_in_a_group_with_callback_keys()
    {
        var reply = ChannelReply.ForCard("Was this helpful?", "Tell us", new ReplyButton("Yes", "fb:yes"), new ReplyButton("No", "fb:no"));

        var rendered = WeComChannelAdapter.RenderAiBot(reply, Group, "t_1");

        rendered.IsExact.ShouldBeTrue();
        var message = rendered.Messages.ShouldHaveSingleItem();
        message.MsgType.ShouldBe("template_card");
        var card = Body(message)["template_card"]!;
        card["card_type"]!.GetValue<string>().ShouldBe("button_interaction");
        card["task_id"]!.GetValue<string>().ShouldBe("t_1");
        card["main_title"]!["title"]!.GetValue<string>().ShouldBe("Was this helpful?");
        card["sub_title_text"]!.GetValue<string>().ShouldBe("Tell us");
        card["button_list"]!.AsArray().Select(b => b!["key"]!.GetValue<string>()).ShouldBe(["fb:yes", "fb:no"]);
    }

    [Fact]
    public void The_ai_bot_sends_long_markdown_in_parts_within_20480_bytes()
    {
        var body = string.Concat(Enumerable.Repeat("这是很长的回答。\n", 3000));

        var rendered = WeComChannelAdapter.RenderAiBot(ChannelReply.ForMarkdown(body), Group);

        rendered.Messages.Count.ShouldBeGreaterThan(1);
        var contents = rendered.Messages.Select(m => Body(m)["markdown"]!["content"]!.GetValue<string>()).ToList();
        contents.ShouldAllBe(c => Encoding.UTF8.GetByteCount(c) <= WeComReplyRenderer.AiBotMarkdownMaxBytes);
        string.Concat(contents).ShouldBe(body);
    }

    [Fact]
    public void The_ai_bot_sends_text_as_markdown_and_media_by_media_id()
    {
        Body(WeComChannelAdapter.RenderAiBot(ChannelReply.ForText("plain"), Direct).Messages.ShouldHaveSingleItem())["markdown"]!["content"]!.GetValue<string>().ShouldBe("plain");
        var media = WeComChannelAdapter.RenderAiBot(ChannelReply.ForMedia(AttachmentKind.Audio, "mid_1"), Direct).Messages.ShouldHaveSingleItem();
        media.MsgType.ShouldBe("voice");
        Body(media)["voice"]!["media_id"]!.GetValue<string>().ShouldBe("mid_1");
    }

    [Fact]
    public void App_media_goes_by_media_id()
    {
        WeComChannelAdapter.RenderAppMessage(ChannelReply.ForMedia(AttachmentKind.File, "mid_2"), Direct).Messages.ShouldHaveSingleItem().ShouldBe(WeComAppMessage.File("mid_2"));
    }

    /// <summary>The reply's wire body (internal to Larkway.WeCom; read here to check what would be sent).</summary>
    private static JsonObject Body(WeComAiBotReply reply) =>
        (JsonObject)typeof(WeComAiBotReply).GetProperty("Body", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(reply)!;
}
