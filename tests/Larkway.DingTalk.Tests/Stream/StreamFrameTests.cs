using System.Text;
using System.Text.Json;
using Larkway.DingTalk.Stream;
using Larkway.DingTalk.Tests.TestSupport;

namespace Larkway.DingTalk.Tests.Stream;

public sealed class StreamFrameTests
{
    [Fact]
    public void A_callback_frame_is_read_with_its_headers_and_its_data_string()
    {
        var frame = StreamFrame.TryParse(Encoding.UTF8.GetBytes("""
            {"specVersion":"1.0","type":"CALLBACK","headers":{"appId":"a1","connectionId":"k1","contentType":"application/json","messageId":"m-1","time":"1718000000000","topic":"/v1.0/im/bot/messages/get"},"data":"{\"msgId\":\"msg01\"}"}
            """))!;

        frame.Type.ShouldBe("CALLBACK");
        frame.Topic.ShouldBe(DingTalkStreamTopics.RobotMessages);
        frame.MessageId.ShouldBe("m-1");
        frame.Headers["time"].ShouldBe("1718000000000");
        frame.Data.ShouldBe("""{"msgId":"msg01"}""");
    }

    /// <summary>
    /// An EVENT's own headers, named as DingTalk's official Java Stream SDK names them (its <c>EventHeaders</c> class:
    /// eventId, eventBornTime, eventCorpId, eventUnifiedAppId, eventType), read typed.
    /// </summary>
    [Fact]
    public void An_event_frame_tells_its_type_id_time_corp_and_unified_app()
    {
        var frame = StreamFrame.TryParse(Encoding.UTF8.GetBytes("""
            {"specVersion":"1.0","type":"EVENT","headers":{"appId":"a1","connectionId":"k1","contentType":"application/json","messageId":"m-2","time":"1718000000100","topic":"user_add_org","eventId":"e-7","eventType":"user_add_org","eventBornTime":"1718000000000","eventCorpId":"dingcorp01","eventUnifiedAppId":"5f3c1a2b-0d4e-4f60-8a71-0000e0a10001"},"data":"{\"userId\":[\"erin\"]}"}
            """))!;

        var message = new DingTalkStreamMessage(frame.Type, frame.Headers, frame.Data, "k1");

        message.EventType.ShouldBe("user_add_org");
        message.EventId.ShouldBe("e-7");
        message.EventBornTime.ShouldBe(DateTimeOffset.FromUnixTimeMilliseconds(1718000000000));
        message.EventCorpId.ShouldBe("dingcorp01");
        message.EventUnifiedAppId.ShouldBe("5f3c1a2b-0d4e-4f60-8a71-0000e0a10001");
    }

    [Fact]
    public void A_callback_frame_has_no_event_headers_and_a_bad_born_time_reads_as_none()
    {
        var callback = new DingTalkStreamMessage("CALLBACK", new Dictionary<string, string> { ["topic"] = DingTalkStreamTopics.RobotMessages }, "{}", "k1");
        callback.EventCorpId.ShouldBeNull();
        callback.EventUnifiedAppId.ShouldBeNull();
        callback.EventBornTime.ShouldBeNull();

        new DingTalkStreamMessage("EVENT", new Dictionary<string, string> { ["eventBornTime"] = "yesterday" }, "{}", "k1").EventBornTime.ShouldBeNull();
        new DingTalkStreamMessage("EVENT", new Dictionary<string, string> { ["eventBornTime"] = "-5" }, "{}", "k1").EventBornTime.ShouldBeNull();
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"headers":{}}""")]
    public void Anything_that_is_not_a_frame_is_skipped(string text) => StreamFrame.TryParse(Encoding.UTF8.GetBytes(text)).ShouldBeNull();

    [Fact]
    public void An_ack_echoes_the_message_id_and_carries_its_data_as_a_string()
    {
        var ack = JsonDocument.Parse(StreamFrame.Ack("m-9", DingTalkStreamAck.Success)).RootElement;

        ack.GetProperty("code").GetInt32().ShouldBe(200);
        ack.GetProperty("headers").GetProperty("messageId").GetString().ShouldBe("m-9");
        ack.GetProperty("headers").GetProperty("contentType").GetString().ShouldBe("application/json");
        JsonDocument.Parse(ack.GetProperty("data").GetString()!).RootElement.GetProperty("status").GetString().ShouldBe("SUCCESS");
    }

    [Fact]
    public void A_ping_is_answered_with_its_headers_and_opaque_data()
    {
        var ping = StreamFrame.TryParse(Encoding.UTF8.GetBytes("""{"type":"SYSTEM","headers":{"topic":"ping","messageId":"p-1"},"data":"{\"opaque\":\"xyz\"}"}"""))!;

        var reply = JsonDocument.Parse(ping.PingReply()).RootElement;

        reply.GetProperty("code").GetInt32().ShouldBe(200);
        reply.GetProperty("headers").GetProperty("messageId").GetString().ShouldBe("p-1");
        reply.GetProperty("headers").GetProperty("topic").GetString().ShouldBe("ping");
        reply.GetProperty("data").GetString().ShouldBe("""{"opaque":"xyz"}""");
    }

    [Fact]
    public void Callback_acks_wrap_their_response()
    {
        JsonDocument.Parse(DingTalkStreamAck.Handled.Data).RootElement.GetProperty("response").ValueKind.ShouldBe(JsonValueKind.Null);
        JsonDocument.Parse(DingTalkStreamAck.Respond("""{"cardData":{"x":"1"}}""").Data).RootElement.GetProperty("response").GetProperty("cardData").GetProperty("x").GetString().ShouldBe("1");
        JsonDocument.Parse(DingTalkStreamAck.Later("busy").Data).RootElement.GetProperty("status").GetString().ShouldBe("LATER");
        Should.Throw<JsonException>(() => DingTalkStreamAck.Respond("{not json"));
    }

    [Fact]
    public void The_documented_robot_message_body_reads_into_the_model()
    {
        var body = DingTalkVectors.OutgoingRobot.GetProperty("body_example_doc_copy").GetRawText();

        var message = DingTalkRobotInboundMessage.Parse(body);

        message.MessageId.ShouldBe("msg0xxxxx");
        message.IsGroup.ShouldBeTrue();
        message.SenderStaffId.ShouldBe("user123");
        message.PlainText.ShouldBe("你好");
        message.IsInAtList.ShouldBeTrue();
        message.SessionWebhook.ShouldStartWith("https://oapi.dingtalk.com/robot/sendBySession");
        message.SessionWebhookExpiredTime.ShouldBe(1613635652738);
    }
}
