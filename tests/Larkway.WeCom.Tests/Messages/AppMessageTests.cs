using System.Text.Json.Nodes;
using Larkway.WeCom.Media;
using Larkway.WeCom.Messages;
using Larkway.WeCom.Tests.TestSupport;

namespace Larkway.WeCom.Tests.Messages;

public sealed class AppMessageTests
{
    private static WeComClient Client(StubHandler stub, long? agentId = 1000002) =>
        new(new WeComAppOptions { CorpId = "wwcorp", CorpSecret = "secret", AgentId = agentId, ApiBaseUrl = new Uri("http://wecom.test"), Retry = new() { MaxRetries = 0 } }, handler: stub);

    private static async Task<JsonNode> SentBody(WeComAppMessage message, WeComRecipients? to = null, WeComSendOptions? options = null)
    {
        var stub = new StubHandler().Token().Reply("/cgi-bin/message/send", """{"errcode":0,"errmsg":"ok","msgid":"m"}""");
        using var client = Client(stub);
        await client.Messages.SendAsync(to ?? WeComRecipients.ToUsers("zhangsan"), message, options);
        return JsonNode.Parse(stub.To("/cgi-bin/message/send").Single().Body)!;
    }

    [Fact]
    public async Task A_text_to_users_departments_and_tags_joins_each_list_with_bars()
    {
        var body = await SentBody(WeComAppMessage.Text("你的快递已到"), new WeComRecipients { Users = ["a", "b"], Departments = ["1", "2"], Tags = ["7"] },
            new WeComSendOptions { Safe = 1, EnableIdTranslation = true, EnableDuplicateCheck = true, DuplicateCheckInterval = TimeSpan.FromSeconds(600) });

        JsonNode.DeepEquals(body, JsonNode.Parse("""
            {"touser":"a|b","toparty":"1|2","totag":"7","msgtype":"text","agentid":1000002,"text":{"content":"你的快递已到"},
             "safe":1,"enable_id_trans":1,"enable_duplicate_check":1,"duplicate_check_interval":600}
            """)).ShouldBeTrue(body.ToJsonString());
    }

    [Fact]
    public async Task Each_type_puts_its_payload_under_its_msgtype()
    {
        (await SentBody(WeComAppMessage.Markdown("**hi**")))["markdown"]!["content"]!.GetValue<string>().ShouldBe("**hi**");
        (await SentBody(WeComAppMessage.Image("MI")))["image"]!["media_id"]!.GetValue<string>().ShouldBe("MI");
        (await SentBody(WeComAppMessage.Voice("MV")))["voice"]!["media_id"]!.GetValue<string>().ShouldBe("MV");
        (await SentBody(WeComAppMessage.File("MF")))["file"]!["media_id"]!.GetValue<string>().ShouldBe("MF");
        var video = await SentBody(WeComAppMessage.Video("MVI", "Title", "Desc"));
        JsonNode.DeepEquals(video["video"], JsonNode.Parse("""{"media_id":"MVI","title":"Title","description":"Desc"}""")).ShouldBeTrue();
        var card = await SentBody(WeComAppMessage.TextCard("领奖通知", "<div class=\"gray\">2016年9月26日</div>", "https://example.com", "更多"));
        JsonNode.DeepEquals(card["textcard"], JsonNode.Parse("""{"title":"领奖通知","description":"<div class=\"gray\">2016年9月26日</div>","url":"https://example.com","btntxt":"更多"}""")).ShouldBeTrue();
        var news = await SentBody(WeComAppMessage.News(new WeComArticle("中秋节礼品领取", "今年中秋节公司有豪礼相送", "https://example.com", "https://example.com/p.png")));
        JsonNode.DeepEquals(news["news"], JsonNode.Parse("""{"articles":[{"title":"中秋节礼品领取","description":"今年中秋节公司有豪礼相送","url":"https://example.com","picurl":"https://example.com/p.png"}]}""")).ShouldBeTrue();
        var mpnews = await SentBody(WeComAppMessage.MpNews(new WeComMpNewsArticle("Title", "THUMB", "<p>content</p>", Digest: "d")));
        JsonNode.DeepEquals(mpnews["mpnews"], JsonNode.Parse("""{"articles":[{"title":"Title","thumb_media_id":"THUMB","content":"<p>content</p>","digest":"d"}]}""")).ShouldBeTrue();
        mpnews["msgtype"]!.GetValue<string>().ShouldBe("mpnews");
    }

    [Fact]
    public async Task Interaction_cards_go_with_their_task_id_and_buttons_and_return_the_response_code()
    {
        var stub = new StubHandler().Token().Reply("/cgi-bin/message/send", """{"errcode":0,"errmsg":"ok","invaliduser":"ghost|Gone","unlicenseduser":"u3","msgid":"m-9","response_code":"rc-1"}""");
        using var client = Client(stub);
        var card = WeComTemplateCard.ButtonInteraction("po-42", new WeComCardTitle("Purchase order 42", "¥1,200"),
            new WeComCardButton("Approve", "approve", Style: 1), new WeComCardButton("Reject", "reject", Style: 2)) with
        {
            HorizontalContentList = [new WeComCardHorizontalContent("Requester", "Alice")],
        };

        var result = await client.Messages.SendAsync(WeComRecipients.ToUsers("zhangsan"), WeComAppMessage.TemplateCard(card));

        result.ResponseCode.ShouldBe("rc-1");
        result.MsgId.ShouldBe("m-9");
        result.InvalidUsers.ShouldBe(["ghost", "Gone"]);
        result.UnlicensedUsers.ShouldBe(["u3"]);
        result.AllDelivered.ShouldBeFalse();
        var sent = JsonNode.Parse(stub.To("/cgi-bin/message/send").Single().Body)!["template_card"]!;
        JsonNode.DeepEquals(sent, JsonNode.Parse("""
            {"card_type":"button_interaction","task_id":"po-42","main_title":{"title":"Purchase order 42","desc":"¥1,200"},
             "horizontal_content_list":[{"keyname":"Requester","value":"Alice"}],
             "button_list":[{"text":"Approve","key":"approve","style":1},{"text":"Reject","key":"reject","style":2}]}
            """)).ShouldBeTrue(sent.ToJsonString());
    }

    [Fact]
    public async Task Vote_and_multiple_interaction_cards_have_their_shapes()
    {
        var vote = WeComTemplateCard.VoteInteraction("vote-1", new("Lunch?"),
            new WeComCardCheckbox("q1", [new("a", "Noodles", true), new("b", "Rice")], Mode: 1), new WeComCardSubmitButton("Submit", "submit"));
        var body = (await SentBody(WeComAppMessage.TemplateCard(vote)))["template_card"]!;
        JsonNode.DeepEquals(body["checkbox"], JsonNode.Parse("""{"question_key":"q1","option_list":[{"id":"a","text":"Noodles","is_checked":true},{"id":"b","text":"Rice"}],"mode":1}""")).ShouldBeTrue();
        JsonNode.DeepEquals(body["submit_button"], JsonNode.Parse("""{"text":"Submit","key":"submit"}""")).ShouldBeTrue();

        var multiple = WeComTemplateCard.MultipleInteraction("multi-1", new("Choose"),
            [new WeComCardSelect("s1", [new("x", "X"), new("y", "Y")], "Size", "x")], new WeComCardSubmitButton("OK", "ok"));
        var multi = (await SentBody(WeComAppMessage.TemplateCard(multiple)))["template_card"]!;
        JsonNode.DeepEquals(multi["select_list"], JsonNode.Parse("""[{"question_key":"s1","option_list":[{"id":"x","text":"X"},{"id":"y","text":"Y"}],"title":"Size","selected_id":"x"}]""")).ShouldBeTrue();

        var news = WeComTemplateCard.NewsNotice(new("News"), new WeComCardImage("https://example.com/i.png", 2.25), WeComCardAction.OpenUrl("https://example.com"));
        var newsBody = (await SentBody(WeComAppMessage.TemplateCard(news)))["template_card"]!;
        newsBody["card_type"]!.GetValue<string>().ShouldBe("news_notice");
        JsonNode.DeepEquals(newsBody["card_image"], JsonNode.Parse("""{"url":"https://example.com/i.png","aspect_ratio":2.25}""")).ShouldBeTrue();
    }

    public static TheoryData<string, Func<WeComAppMessage>, string> Broken => new()
    {
        { "text over 2048 bytes", () => WeComAppMessage.Text(new string('中', 683)), "text.content is 2049 bytes" },
        { "empty text", () => WeComAppMessage.Text(""), "text.content is required" },
        { "markdown over 2048 bytes", () => WeComAppMessage.Markdown(new string('a', 2049)), "markdown.content is 2049 bytes" },
        { "textcard button text", () => WeComAppMessage.TextCard("t", "d", "https://x", "12345"), "btntxt is at most 4 characters" },
        { "textcard title", () => WeComAppMessage.TextCard(new string('t', 129), "d", "https://x"), "textcard.title is 129 bytes" },
        { "nine news articles", () => WeComAppMessage.News([.. Enumerable.Repeat(new WeComArticle("t", Url: "https://x"), 9)]), "1 to 8" },
        { "card without task id", () => WeComAppMessage.TemplateCard(WeComTemplateCard.ButtonInteraction("", new("t"), new WeComCardButton("b", "k"))), "task_id" },
        { "seven buttons", () => WeComAppMessage.TemplateCard(WeComTemplateCard.ButtonInteraction("t1", new("t"), [.. Enumerable.Repeat(new WeComCardButton("b", "k"), 7)])), "button_list holds 1 to 6" },
        { "four selects", () => WeComAppMessage.TemplateCard(WeComTemplateCard.MultipleInteraction("t1", new("t"), [.. Enumerable.Repeat(new WeComCardSelect("q", [new("a", "A")]), 4)], new("ok", "ok"))), "select_list holds 1 to 3" },
        { "unknown card type", () => WeComAppMessage.TemplateCard(new WeComTemplateCard { CardType = "poster" }), "card_type must be one of" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public async Task A_message_breaking_a_documented_limit_is_refused_before_anything_is_sent(string what, Func<WeComAppMessage> make, string expected)
    {
        var stub = new StubHandler().Token();
        using var client = Client(stub);

        var failure = await Should.ThrowAsync<WeComApiException>(() => client.Messages.SendAsync(WeComRecipients.ToUsers("a"), make()), what);

        failure.Code.ShouldBe(WeComErrorCodes.InvalidRequest);
        failure.Message.ShouldContain(expected);
        stub.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Recipient_limits_are_checked_before_sending()
    {
        var stub = new StubHandler().Token();
        using var client = Client(stub);
        var text = WeComAppMessage.Text("hi");

        (await Should.ThrowAsync<WeComApiException>(() => client.Messages.SendAsync(WeComRecipients.ToUsers([.. Enumerable.Range(0, 1001).Select(i => $"u{i}")]), text)))
            .Message.ShouldContain("touser holds at most 1000 entries, not 1001");
        (await Should.ThrowAsync<WeComApiException>(() => client.Messages.SendAsync(WeComRecipients.ToDepartments([.. Enumerable.Range(0, 101).Select(i => $"{i}")]), text)))
            .Message.ShouldContain("toparty holds at most 100");
        (await Should.ThrowAsync<WeComApiException>(() => client.Messages.SendAsync(new WeComRecipients(), text))).Message.ShouldContain("at least one recipient");
        (await Should.ThrowAsync<WeComApiException>(() => client.Messages.SendAsync(WeComRecipients.ToUsers("a|b"), text))).Message.ShouldContain("'|'");
        stub.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_send_without_an_agent_id_says_where_to_find_it()
    {
        var stub = new StubHandler().Token();
        using var client = Client(stub, agentId: null);

        var failure = await Should.ThrowAsync<WeComApiException>(() => client.Messages.SendAsync(WeComRecipients.All, WeComAppMessage.Text("hi")));

        failure.Message.ShouldContain("AgentId");
    }

    [Fact]
    public async Task A_card_update_and_a_recall_have_their_documented_bodies()
    {
        var stub = new StubHandler().Token()
            .Reply("/cgi-bin/message/update_template_card", """{"errcode":0,"errmsg":"ok","invaliduser":["x"]}""")
            .Reply("/cgi-bin/message/update_template_card", """{"errcode":0,"errmsg":"ok","invaliduser":[]}""")
            .Reply("/cgi-bin/message/recall", """{"errcode":0,"errmsg":"ok"}""");
        using var client = Client(stub);

        (await client.Messages.UpdateTemplateCardButtonAsync("rc-1", "Approved", WeComRecipients.ToUsers("zhangsan"))).ShouldBe(["x"]);
        (await client.Messages.UpdateTemplateCardAsync("rc-2", WeComTemplateCard.TextNotice(new("Done"), WeComCardAction.OpenUrl("https://x")))).ShouldBeEmpty();
        await client.Messages.RecallAsync("m-9");

        var updates = stub.To("/cgi-bin/message/update_template_card");
        JsonNode.DeepEquals(JsonNode.Parse(updates[0].Body), JsonNode.Parse("""{"userids":["zhangsan"],"agentid":1000002,"response_code":"rc-1","button":{"replace_name":"Approved"}}""")).ShouldBeTrue(updates[0].Body);
        JsonNode.Parse(updates[1].Body)!["atall"]!.GetValue<int>().ShouldBe(1);
        JsonNode.Parse(updates[1].Body)!["template_card"]!["card_type"]!.GetValue<string>().ShouldBe("text_notice");
        stub.To("/cgi-bin/message/recall").Single().Body.ShouldBe("""{"msgid":"m-9"}""");
    }

    [Fact]
    public async Task Media_uploads_as_multipart_and_downloads_the_bytes_or_fails_typed()
    {
        var stub = new StubHandler().Token()
            .Reply("/cgi-bin/media/upload", """{"errcode":0,"errmsg":"","type":"file","media_id":"MID","created_at":"1380000000"}""")
            .Reply("/cgi-bin/media/get", () => new HttpResponseMessage(System.Net.HttpStatusCode.OK)
            {
                Content = new ByteArrayContent([1, 2, 3, 4, 5, 6])
                {
                    Headers = { ContentType = new("application/octet-stream"), ContentDisposition = new("attachment") { FileName = "\"a.bin\"" } },
                },
            })
            .Reply("/cgi-bin/media/get", """{"errcode":40007,"errmsg":"invalid media_id"}""");
        using var client = Client(stub);

        var uploaded = await client.Media.UploadAsync(WeComMediaType.File, "a.bin", new byte[] { 1, 2, 3, 4, 5, 6 });
        var downloaded = await client.Media.DownloadAsync(uploaded.MediaId);
        var missing = await Should.ThrowAsync<WeComApiException>(() => client.Media.DownloadAsync("gone"));

        uploaded.ShouldBe(new WeComUploadedMedia("MID", "file", DateTimeOffset.FromUnixTimeSeconds(1380000000)));
        stub.To("/cgi-bin/media/upload").Single().Url.Query.ShouldBe("?type=file&access_token=tok-1");
        downloaded.Content.ShouldBe(new byte[] { 1, 2, 3, 4, 5, 6 });
        downloaded.FileName.ShouldBe("a.bin");
        missing.Code.ShouldBe(WeComErrorCodes.InvalidMediaId);
    }

    [Fact]
    public async Task An_image_over_10_mb_is_refused_before_upload()
    {
        var stub = new StubHandler().Token();
        using var client = Client(stub);

        var failure = await Should.ThrowAsync<WeComApiException>(() => client.Media.UploadAsync(WeComMediaType.Image, "big.png", new byte[(10 * 1024 * 1024) + 1]));

        failure.Message.ShouldContain("at most 10 MB");
        stub.Requests.ShouldBeEmpty();
    }
}
