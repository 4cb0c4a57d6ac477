using Larkway.WeCom.Callbacks;

namespace Larkway.WeCom.Tests.Callbacks;

public sealed class CallbackMessageTests
{
    // Round trips at fixed old timestamps: the freshness window is tested in CallbackWindowTests.
    private static readonly WeComCallbackOptions NoWindow = new() { TimestampWindow = null };

    private const string Head = "<xml><ToUserName><![CDATA[wwcorp]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName><CreateTime>1348831860</CreateTime>";

    [Fact]
    public void Messages_parse_to_their_types()
    {
        var text = WeComCallbackMessage.Parse(Head + "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[this is a test]]></Content><MsgId>1234567890123456</MsgId><AgentID>1</AgentID></xml>")
            .ShouldBeOfType<WeComTextMessage>();
        text.Content.ShouldBe("this is a test");
        text.MsgId.ShouldBe("1234567890123456");
        text.AgentId.ShouldBe(1);
        text.FromUserName.ShouldBe("zhangsan");
        text.CreateTime.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(1348831860));
        text.DeduplicationKey.ShouldBe("1234567890123456");

        WeComCallbackMessage.Parse(Head + "<MsgType>image</MsgType><PicUrl>http://p</PicUrl><MediaId>M</MediaId><MsgId>1</MsgId></xml>")
            .ShouldBeOfType<WeComImageMessage>().MediaId.ShouldBe("M");
        WeComCallbackMessage.Parse(Head + "<MsgType>voice</MsgType><MediaId>V</MediaId><Format>amr</Format><MsgId>1</MsgId></xml>")
            .ShouldBeOfType<WeComVoiceMessage>().Format.ShouldBe("amr");
        WeComCallbackMessage.Parse(Head + "<MsgType>video</MsgType><MediaId>V</MediaId><ThumbMediaId>T</ThumbMediaId><MsgId>1</MsgId></xml>")
            .ShouldBeOfType<WeComVideoMessage>().ThumbMediaId.ShouldBe("T");
        var location = WeComCallbackMessage.Parse(Head + "<MsgType>location</MsgType><Location_X>23.134</Location_X><Location_Y>113.358</Location_Y><Scale>20</Scale><Label><![CDATA[Guangzhou]]></Label><MsgId>1</MsgId></xml>")
            .ShouldBeOfType<WeComLocationMessage>();
        (location.Latitude, location.Longitude, location.Scale, location.Label).ShouldBe((23.134, 113.358, 20L, "Guangzhou"));
        WeComCallbackMessage.Parse(Head + "<MsgType>link</MsgType><Title>T</Title><Description>D</Description><Url>http://u</Url><PicUrl>http://p</PicUrl><MsgId>1</MsgId></xml>")
            .ShouldBeOfType<WeComLinkMessage>().Url.ShouldBe("http://u");
    }

    [Fact]
    public void Events_parse_to_their_types_and_deduplicate_by_sender_time_and_event()
    {
        var enter = WeComCallbackMessage.Parse(Head + "<MsgType>event</MsgType><Event>enter_agent</Event><EventKey></EventKey><AgentID>1</AgentID></xml>").ShouldBeOfType<WeComEnterAgentEvent>();
        enter.DeduplicationKey.ShouldBe("zhangsan:1348831860:enter_agent");
        WeComCallbackMessage.Parse(Head + "<MsgType>event</MsgType><Event>click</Event><EventKey>#sendmsg#_0_0</EventKey></xml>")
            .ShouldBeOfType<WeComMenuEvent>().EventKey.ShouldBe("#sendmsg#_0_0");
        WeComCallbackMessage.Parse(Head + "<MsgType>event</MsgType><Event>LOCATION</Event><Latitude>23.1</Latitude><Longitude>113.3</Longitude><Precision>119.3</Precision></xml>")
            .ShouldBeOfType<WeComLocationEvent>().Precision.ShouldBe(119.3);
        WeComCallbackMessage.Parse(Head + "<MsgType>event</MsgType><Event>subscribe</Event></xml>").ShouldBeOfType<WeComSubscribeEvent>();
        WeComCallbackMessage.Parse(Head + "<MsgType>event</MsgType><ChangeType>update_user</ChangeType><Event>change_contact</Event><UserID>zhangsan</UserID><NewUserID>zhangsan2</NewUserID></xml>")
            .ShouldBeOfType<WeComChangeContactEvent>().NewUserId.ShouldBe("zhangsan2");
        var unknown = WeComCallbackMessage.Parse(Head + "<MsgType>event</MsgType><Event>open_approval_change</Event></xml>").ShouldBeOfType<WeComUnknownEvent>();
        unknown.Event.ShouldBe("open_approval_change");
        unknown.Raw.ShouldContain("open_approval_change");
        WeComCallbackMessage.Parse(Head + "<MsgType>miniprogram</MsgType><MsgId>9</MsgId></xml>").ShouldBeOfType<WeComUnknownMessage>().MsgId.ShouldBe("9");
    }

    [Fact]
    public void A_change_contact_callback_carries_the_fields_WeCom_sent_and_two_changes_in_one_second_keep_two_keys()
    {
        // WeCom's documented create_user example (成员变更通知), trimmed.
        const string Sys = "<xml><ToUserName><![CDATA[wwcorp]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1403610513</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_contact]]></Event>";
        var created = WeComCallbackMessage.Parse(Sys + """
            <ChangeType>create_user</ChangeType><UserID><![CDATA[zhangsan]]></UserID><Name><![CDATA[张三]]></Name><Department><![CDATA[1,2,3]]></Department>
            <MainDepartment>1</MainDepartment><IsLeaderInDept><![CDATA[1,0,0]]></IsLeaderInDept><DirectLeader><![CDATA[lisi,wangwu]]></DirectLeader>
            <Position><![CDATA[产品经理]]></Position><Mobile>13800000000</Mobile><Gender>1</Gender><Email><![CDATA[zhangsan@gzdev.com]]></Email>
            <BizMail><![CDATA[zhangsan@corp.example.com]]></BizMail><Status>1</Status><Avatar><![CDATA[http://wx.qlogo.cn/a/0]]></Avatar><Alias><![CDATA[zs]]></Alias>
            <Telephone><![CDATA[020-123456]]></Telephone></xml>
            """).ShouldBeOfType<WeComChangeContactEvent>();
        (created.ChangeType, created.UserId, created.Name, created.MainDepartment, created.Position, created.Mobile, created.Gender, created.Email, created.BizMail, created.Status)
            .ShouldBe(("create_user", "zhangsan", "张三", 1L, "产品经理", "13800000000", 1, "zhangsan@gzdev.com", "zhangsan@corp.example.com", 1));
        created.Departments.ShouldBe(new long[] { 1, 2, 3 });
        created.IsLeaderInDept.ShouldBe(new[] { 1, 0, 0 });
        created.DirectLeader.ShouldBe(new[] { "lisi", "wangwu" });
        (created.Avatar, created.Alias, created.Telephone).ShouldBe(("http://wx.qlogo.cn/a/0", "zs", "020-123456"));

        // An update carries UserID and what changed: the rest is absent (null), not empty.
        var updated = WeComCallbackMessage.Parse(Sys + "<ChangeType>update_user</ChangeType><UserID><![CDATA[zhangsan]]></UserID><Mobile>13900000000</Mobile></xml>")
            .ShouldBeOfType<WeComChangeContactEvent>();
        updated.Mobile.ShouldBe("13900000000");
        updated.Name.ShouldBeNull();
        updated.Departments.ShouldBeNull();
        updated.Status.ShouldBeNull();

        var party = WeComCallbackMessage.Parse(Sys + "<ChangeType>create_party</ChangeType><Id>2</Id><Name><![CDATA[研发部]]></Name><ParentId><![CDATA[1]]></ParentId><Order>1</Order></xml>")
            .ShouldBeOfType<WeComChangeContactEvent>();
        (party.DepartmentId, party.Name, party.ParentId, party.Order).ShouldBe((2L, "研发部", 1L, 1L));

        // Every change comes from "sys": two in one second are two keys; the same callback again is one.
        created.DeduplicationKey.ShouldNotBe(updated.DeduplicationKey);
        WeComCallbackMessage.Parse(created.Raw).DeduplicationKey.ShouldBe(created.DeduplicationKey);
        created.DeduplicationKey.ShouldStartWith("sys:1403610513:change_contact:create_user:zhangsan:");
    }

    [Fact]
    public void A_template_card_event_carries_its_task_button_response_code_and_choices()
    {
        var xml = Head + """
            <MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event><EventKey><![CDATA[approve]]></EventKey>
            <TaskId><![CDATA[po-42]]></TaskId><CardType><![CDATA[vote_interaction]]></CardType><ResponseCode><![CDATA[rc-7]]></ResponseCode><AgentID>1</AgentID>
            <SelectedItems><SelectedItem><QuestionKey><![CDATA[q1]]></QuestionKey><OptionIds><OptionId><![CDATA[a]]></OptionId><OptionId><![CDATA[b]]></OptionId></OptionIds></SelectedItem></SelectedItems></xml>
            """;

        var card = WeComCallbackMessage.Parse(xml).ShouldBeOfType<WeComTemplateCardEvent>();

        card.EventKey.ShouldBe("approve");
        card.TaskId.ShouldBe("po-42");
        card.CardType.ShouldBe("vote_interaction");
        card.ResponseCode.ShouldBe("rc-7");
        card.SelectedItems.Single().QuestionKey.ShouldBe("q1");
        card.SelectedItems.Single().OptionIds.ShouldBe(["a", "b"]);
    }

    [Fact]
    public void Xml_with_a_dtd_or_without_msgtype_is_refused()
    {
        Should.Throw<WeComCallbackException>(() => WeComCallbackMessage.Parse("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><xml><MsgType>&e;</MsgType></xml>"))
            .Error.ShouldBe(WeComCallbackError.ParseBody);
        Should.Throw<WeComCallbackException>(() => WeComCallbackMessage.Parse("<xml><Content>x</Content></xml>")).Message.ShouldContain("MsgType");
    }

    [Fact]
    public void A_passive_text_reply_round_trips_through_the_crypto_and_the_parser()
    {
        var crypto = new WeComCallbackCrypto("QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "wwcorp", NoWindow);
        var reply = WeComPassiveReply.Text("zhangsan", "wwcorp", DateTimeOffset.FromUnixTimeSeconds(1348831860), "got it ]]> done");

        var envelope = crypto.EncryptXmlReply(reply, "1348831860", "nonce1");
        var doc = System.Xml.Linq.XDocument.Parse(envelope).Root!;
        var back = WeComCallbackMessage.Parse(crypto.DecryptXml(doc.Element("MsgSignature")!.Value, "1348831860", "nonce1", envelope));

        back.ShouldBeOfType<WeComTextMessage>().Content.ShouldBe("got it ]]> done");
        back.ToUserName.ShouldBe("zhangsan");
    }

    [Fact]
    public void The_ai_bot_json_variant_uses_an_empty_receive_id_and_the_json_envelope()
    {
        var crypto = new WeComCallbackCrypto("QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", receiveId: "", NoWindow);
        const string Plain = """{"msgtype":"stream","stream":{"id":"s1","finish":false,"content":"你好"}}""";

        var json = crypto.EncryptJsonReply(Plain, "1718000000", "n1");
        var reply = System.Text.Json.JsonDocument.Parse(json).RootElement;

        reply.EnumerateObject().Select(p => p.Name).ShouldBe(["encrypt", "msgsignature", "timestamp", "nonce"]);
        reply.GetProperty("timestamp").GetInt64().ShouldBe(1718000000);
        var body = $$"""{"encrypt":"{{reply.GetProperty("encrypt").GetString()}}"}""";
        crypto.DecryptJson(reply.GetProperty("msgsignature").GetString(), "1718000000", "n1", body).ShouldBe(Plain);

        // A corp's crypto refuses a bot's message: the ReceiveId differs.
        var corp = new WeComCallbackCrypto("QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "wwcorp", NoWindow);
        Should.Throw<WeComCallbackException>(() => corp.DecryptJson(reply.GetProperty("msgsignature").GetString(), "1718000000", "n1", body)).Error.ShouldBe(WeComCallbackError.ValidateReceiveId);
        Should.Throw<WeComCallbackException>(() => crypto.DecryptJson("sig", "1", "n", "{\"nope\":1}")).Error.ShouldBe(WeComCallbackError.ParseBody);
    }

    [Fact]
    public void Missing_parameters_and_a_tampered_ciphertext_fail_typed()
    {
        var crypto = new WeComCallbackCrypto("QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "wwcorp", NoWindow);
        var sealedMessage = crypto.Encrypt("<xml/>", "1", "n");

        Should.Throw<WeComCallbackException>(() => crypto.VerifyUrl(null, "1", "n", sealedMessage.Encrypt)).Error.ShouldBe(WeComCallbackError.MissingParameter);
        Should.Throw<WeComCallbackException>(() => crypto.Decrypt(sealedMessage.MsgSignature, "2", "n", sealedMessage.Encrypt)).Error.ShouldBe(WeComCallbackError.ValidateSignature);
        crypto.IsValidSignature(sealedMessage.MsgSignature.ToUpperInvariant(), "1", "n", sealedMessage.Encrypt).ShouldBeTrue();
        Should.Throw<WeComCallbackException>(() => crypto.DecryptUnsigned("not base64!")).Error.ShouldBe(WeComCallbackError.DecodeBase64);
        Should.Throw<WeComCallbackException>(() => crypto.DecryptUnsigned(Convert.ToBase64String(new byte[16]))).Error.ShouldBe(WeComCallbackError.DecodeBase64);
    }
}
