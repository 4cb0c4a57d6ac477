using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.WeCom.AiBot;

namespace Larkway.WeCom.Tests.AiBot;

public sealed class AiBotModelTests
{
    [Fact]
    public void A_frame_is_written_with_cmd_headers_and_body_and_read_back()
    {
        var bytes = AiBotFrameAccess.Write("aibot_respond_msg", "req-1", new JsonObject { ["msgtype"] = "stream" });

        var json = JsonNode.Parse(bytes)!;
        ((string?)json["cmd"]).ShouldBe("aibot_respond_msg");
        ((string?)json["headers"]!["req_id"]).ShouldBe("req-1");
        ((string?)json["body"]!["msgtype"]).ShouldBe("stream");
    }

    [Fact]
    public void An_answer_without_cmd_is_read_with_its_errcode_and_body()
    {
        var frame = AiBotFrameAccess.Parse("""{"headers":{"req_id":"aibot_upload_media_init_1_ab"},"errcode":0,"errmsg":"ok","body":{"upload_id":"u1"}}""");

        frame.ShouldNotBeNull();
        frame.IsAnswer.ShouldBeTrue();
        frame.ErrCode.ShouldBe(0);
        frame.Body!.Value.GetProperty("upload_id").GetString().ShouldBe("u1");
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"errcode\":0}")]
    public void Something_that_is_not_a_frame_is_skipped(string text) => AiBotFrameAccess.Parse(text).ShouldBeNull();

    [Fact]
    public void Request_ids_have_the_documented_shape_cmd_ms_8hex()
    {
        var id = AiBotFrameAccess.NewReqId("ping");

        id.ShouldMatch("^ping_[0-9]{13}_[0-9a-f]{8}$");
    }

    [Fact]
    public void A_text_message_with_a_quote_is_typed()
    {
        var message = WeComAiBotMessage.Parse("""
            {"msgid":"m1","aibotid":"bot","chatid":"wrkSFfCgAAxxx","chattype":"group","from":{"userid":"zhangsan"},
             "response_url":"https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=abc","msgtype":"text",
             "text":{"content":"@bot hello"},"quote":{"msgtype":"text","text":{"content":"earlier"}}}
            """);

        message.MsgId.ShouldBe("m1");
        message.IsGroup.ShouldBeTrue();
        message.ConversationId.ShouldBe("wrkSFfCgAAxxx");
        message.From!.UserId.ShouldBe("zhangsan");
        message.PlainText.ShouldBe("@bot hello");
        message.Quote!.Text!.Content.ShouldBe("earlier");
        message.ResponseUrl.ShouldStartWith("https://qyapi.weixin.qq.com/cgi-bin/aibot/response");
    }

    [Fact]
    public void Image_mixed_voice_and_file_messages_are_typed()
    {
        var image = WeComAiBotMessage.Parse("""{"msgid":"i","chattype":"single","from":{"userid":"u"},"msgtype":"image","image":{"url":"https://x/i","aeskey":"k1"}}""");
        var mixed = WeComAiBotMessage.Parse("""{"msgid":"m","chattype":"single","from":{"userid":"u"},"msgtype":"mixed","mixed":{"msg_item":[{"msgtype":"text","text":{"content":"a"}},{"msgtype":"image","image":{"url":"https://x/j"}},{"msgtype":"text","text":{"content":"b"}}]}}""");
        var voice = WeComAiBotMessage.Parse("""{"msgid":"v","chattype":"single","from":{"userid":"u"},"msgtype":"voice","voice":{"content":"transcribed"}}""");
        var file = WeComAiBotMessage.Parse("""{"msgid":"f","chattype":"single","from":{"userid":"u"},"msgtype":"file","file":{"url":"https://x/f","aeskey":"k2"}}""");

        image.Image!.AesKey.ShouldBe("k1");
        image.ConversationId.ShouldBe("u");
        mixed.Mixed!.MsgItem.Count.ShouldBe(3);
        mixed.Mixed.MsgItem[1].Image!.Url.ShouldBe("https://x/j");
        mixed.PlainText.ShouldBe("a\nb");
        voice.PlainText.ShouldBe("transcribed");
        file.File!.Url.ShouldBe("https://x/f");
        file.PlainText.ShouldBe("");
    }

    [Fact]
    public void Events_are_typed_and_a_card_click_is_read_nested_or_flat()
    {
        var nested = WeComAiBotEvent.Parse("""{"msgid":"e1","aibotid":"b","from":{"userid":"u","corpid":"c"},"msgtype":"event","event":{"eventtype":"template_card_event","template_card_event":{"card_type":"button_interaction","event_key":"approve","task_id":"t1"}}}""");
        var flat = WeComAiBotEvent.Parse("""{"msgid":"e2","msgtype":"event","event":{"eventtype":"template_card_event","event_key":"reject","task_id":"t2"}}""");
        var feedback = WeComAiBotEvent.Parse("""{"msgid":"e3","msgtype":"event","event":{"eventtype":"feedback_event","feedback_event":{"id":"fb1","type":2,"content":"wrong"}}}""");
        var unknown = WeComAiBotEvent.Parse("""{"msgid":"e4","msgtype":"event","event":{"eventtype":"something_new","detail":{"x":1}}}""");

        nested.EventType.ShouldBe(WeComAiBotEventTypes.TemplateCardEvent);
        nested.Event!.CardEventKey.ShouldBe("approve");
        nested.Event.CardTaskId.ShouldBe("t1");
        nested.From!.CorpId.ShouldBe("c");
        flat.Event!.CardEventKey.ShouldBe("reject");
        flat.Event.CardTaskId.ShouldBe("t2");
        feedback.Event!.FeedbackEvent!.Type.ShouldBe(2);
        unknown.EventType.ShouldBe("something_new");
        unknown.Event!.Raw!["detail"].GetProperty("x").GetInt32().ShouldBe(1);
    }

    [Fact]
    public void A_body_that_is_not_a_message_says_so_without_echoing_it()
    {
        var ex = Should.Throw<WeComApiException>(() => WeComAiBotMessage.Parse("""{"msgid":42,"text":"secret words"}"""));

        ex.Code.ShouldBe(WeComErrorCodes.MalformedResponse);
        ex.Message.ShouldNotContain("secret words");
    }

    [Fact]
    public void A_stream_frame_has_the_documented_shape()
    {
        var reply = WeComAiBotReply.Stream("s1", "**hi**", finish: true, feedbackId: "fb");

        JsonNode.DeepEquals(reply.BodyForTests(), JsonNode.Parse("""{"msgtype":"stream","stream":{"id":"s1","finish":true,"content":"**hi**","feedback":{"id":"fb"}}}""")).ShouldBeTrue();
    }

    [Fact]
    public void Content_is_held_to_20480_bytes_of_utf8_not_characters()
    {
        var atLimit = new string('汉', 6826) + "aa"; // 3 bytes each: 20478 + 2 = 20480
        Encoding.UTF8.GetByteCount(atLimit).ShouldBe(20480);

        WeComAiBotReply.Stream("s", atLimit, finish: false).ShouldNotBeNull();
        WeComAiBotReply.Markdown(atLimit).ShouldNotBeNull();
        var ex = Should.Throw<WeComApiException>(() => WeComAiBotReply.Stream("s", atLimit + "a", finish: false));
        ex.Code.ShouldBe(WeComErrorCodes.InvalidRequest);
        ex.Message.ShouldContain("20481 bytes");
        Should.Throw<WeComApiException>(() => WeComAiBotReply.Markdown(atLimit + "a"));
    }

    [Fact]
    public void Bad_reply_input_is_refused_with_what_to_fix()
    {
        Should.Throw<WeComApiException>(() => WeComAiBotReply.Stream("", "x", false)).Message.ShouldContain("stream id");
        Should.Throw<WeComApiException>(() => WeComAiBotReply.Stream("s", "x", false, new string('a', 257))).Message.ShouldContain("256");
        Should.Throw<WeComApiException>(() => WeComAiBotReply.TemplateCard(new JsonObject())).Message.ShouldContain("card_type");
        Should.Throw<WeComApiException>(() => WeComAiBotReply.UpdateTemplateCard(new JsonObject { ["card_type"] = "text_notice" })).Message.ShouldContain("task_id");
        Should.Throw<WeComApiException>(() => WeComAiBotReply.Media("gif", "m")).Message.ShouldContain("file, image, voice, video");
        Should.Throw<WeComApiException>(() => WeComAiBotReply.Markdown("")).Message.ShouldContain("content");
    }

    [Fact]
    public void A_card_update_carries_the_response_type_and_the_userids()
    {
        var update = WeComAiBotReply.UpdateTemplateCard(new JsonObject { ["card_type"] = "button_interaction", ["task_id"] = "t1" }, ["u1", "u2"]);

        var body = update.BodyForTests();
        ((string?)body["response_type"]).ShouldBe("update_template_card");
        ((string?)body["template_card"]!["task_id"]).ShouldBe("t1");
        body["userids"]!.AsArray().Select(n => (string?)n).ShouldBe(["u1", "u2"]);
    }

    [Fact]
    public void Options_without_credentials_or_with_a_bad_url_are_refused_with_what_to_fix()
    {
        var missing = Should.Throw<WeComApiException>(() => new WeComAiBotClient(new WeComAiBotOptions(), (_, _) => ValueTask.CompletedTask));
        missing.Message.ShouldContain("BotId and Secret");
        Should.Throw<ArgumentException>(() => new WeComAiBotClient(new WeComAiBotOptions { BotId = "b", Secret = "s", WebSocketUrl = new Uri("https://x/") }, (_, _) => ValueTask.CompletedTask))
            .Message.ShouldContain("ws://");
        Should.Throw<ArgumentException>(() => new WeComAiBotClient(new WeComAiBotOptions { BotId = "b", Secret = "s", MaxMissedPongs = 0 }, (_, _) => ValueTask.CompletedTask));
    }
}

/// <summary>The internals the tests read.</summary>
internal static class AiBotFrameAccess
{
    public static byte[] Write(string cmd, string reqId, JsonObject? body) => AiBotFrame.Write(cmd, reqId, body);

    public static AiBotFrame? Parse(string text) => AiBotFrame.TryParse(Encoding.UTF8.GetBytes(text));

    public static string NewReqId(string cmd) => AiBotFrame.NewReqId(cmd, TimeProvider.System);

    public static JsonObject BodyForTests(this WeComAiBotReply reply) => reply.Body;
}
