using System.Text.Json;
using Larkway.WeCom.Callbacks;
using Larkway.WeCom.CustomerService;
using Larkway.WeCom.Tests.TestSupport;

namespace Larkway.WeCom.Tests.CustomerService;

/// <summary>
/// The customer-service client on the wire: the documented request fields, every message and event type of
/// <c>sync_msg</c> read (an unknown one kept), paging, the documented limits refused before sending, and WeCom's codes
/// with what to do. Field names and limits from WeCom's 微信客服 pages (document/path/94670, 94677, 94669, 94661, 95159).
/// </summary>
public sealed class CustomerServiceClientTests
{
    private const string Account = "wkLarkwayTestAccount01";

    private static WeComClient Client(StubHandler stub) =>
        new(new WeComAppOptions { CorpId = "wwcorp", CorpSecret = "secret", AgentId = 1000002, ApiBaseUrl = new Uri("http://wecom.test"), Retry = new() { MaxRetries = 0 } }, handler: stub);

    [Fact]
    public async Task Sync_sends_cursor_token_limit_and_account_and_reads_every_message_and_event_type()
    {
        var stub = new StubHandler().Token().Reply("/cgi-bin/kf/sync_msg", SyncAnswer);
        using var client = Client(stub);

        var page = await client.CustomerService.SyncAsync(Account, cursor: "c-41", token: "tok-from-callback", limit: 500);

        using (var body = JsonDocument.Parse(stub.To("/cgi-bin/kf/sync_msg").Single().Body))
        {
            var root = body.RootElement;
            (root.GetProperty("cursor").GetString(), root.GetProperty("token").GetString(), root.GetProperty("limit").GetInt32(), root.GetProperty("open_kfid").GetString())
                .ShouldBe(("c-41", "tok-from-callback", 500, Account));
            root.TryGetProperty("voice_format", out _).ShouldBeFalse();
        }

        (page.NextCursor, page.HasMore).ShouldBe(("c-42", true));
        var m = page.Messages;
        m.Select(x => x.MsgType).ShouldBe(["text", "image", "location", "link", "business_card", "miniprogram", "msgmenu", "channels", "event", "event", "event", "event", "event"]);

        m[0].Text!.Content.ShouldBe("Where is my order?");
        (m[0].Origin, m[0].CustomerId, m[0].AccountId, m[0].SentAt).ShouldBe((WeComKfOrigin.Customer, "wmCustomer01", Account, DateTimeOffset.FromUnixTimeSeconds(1764500000)));
        m[1].Image!.MediaId.ShouldBe("media-img-1");
        (m[2].Location!.Latitude, m[2].Location!.Longitude, m[2].Location!.Name).ShouldBe((31.23, 121.47, "Office"));
        m[3].Link!.Url.ShouldBe("https://example.com/order/7");
        m[4].BusinessCard!.UserId.ShouldBe("alice");
        (m[5].MiniProgram!.AppId, m[5].MiniProgram!.PagePath).ShouldBe(("wx123", "pages/index.html"));
        (m[6].Origin, m[6].ServicerUserId).ShouldBe((WeComKfOrigin.Receptionist, "carol"));
        m[6].MsgMenu!.List.Select(i => i.Type).ShouldBe(["click", "view", "text"]);
        m[6].MsgMenu!.List[0].Click!.Id.ShouldBe("yes");
        m[7].Unmodelled.ShouldNotBeNull().ShouldContainKey("channels");

        var enter = m[8].Event!;
        (enter.EventType, enter.Scene, enter.SceneParam, enter.WelcomeCode, enter.ExternalUserId).ShouldBe((WeComKfEventTypes.EnterSession, "order", "o=7", "welcome-1", "wmCustomer01"));
        (m[8].Origin, m[8].CustomerId, m[8].AccountId).ShouldBe((WeComKfOrigin.System, "wmCustomer01", Account));
        var failed = m[9].Event!;
        (failed.FailMsgId, failed.FailType).ShouldBe(("sent-3", WeComKfFailTypes.OverMessageLimit));
        WeComKfFailTypes.Describe(failed.FailType).ShouldContain("5 messages");
        var session = m[10].Event!;
        (session.ChangeType, session.OldServicerUserId, session.NewServicerUserId, session.MsgCode).ShouldBe((2, "carol", "dave", null));
        m[11].Event!.RecallMsgId.ShouldBe("from_msg_9");
        m[12].Event!.EventType.ShouldBe("a_future_event");
        m[12].Event!.Unmodelled.ShouldNotBeNull().ShouldContainKey("future_field");
    }

    [Fact]
    public async Task A_page_with_nothing_may_still_have_more_and_no_cursor_back_keeps_the_one_sent()
    {
        var stub = new StubHandler().Token()
            .Reply("/cgi-bin/kf/sync_msg", """{"errcode":0,"errmsg":"ok","next_cursor":"c-2","has_more":1,"msg_list":[]}""")
            .Reply("/cgi-bin/kf/sync_msg", """{"errcode":0,"errmsg":"ok","has_more":0}""");
        using var client = Client(stub);

        var first = await client.CustomerService.SyncAsync(Account);
        var second = await client.CustomerService.SyncAsync(Account, first.NextCursor, silkVoice: true);

        (first.Messages.Count, first.HasMore, first.NextCursor).ShouldBe((0, true, "c-2"));
        (second.Messages.Count, second.HasMore, second.NextCursor).ShouldBe((0, false, "c-2"));
        var requests = stub.To("/cgi-bin/kf/sync_msg").Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        requests[0].TryGetProperty("cursor", out _).ShouldBeFalse();
        requests[0].GetProperty("limit").GetInt32().ShouldBe(1000);
        requests[1].GetProperty("voice_format").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task Send_puts_the_documented_fields_and_a_menu_and_returns_the_msgid()
    {
        var stub = new StubHandler().Token()
            .Reply("/cgi-bin/kf/send_msg", """{"errcode":0,"errmsg":"ok","msgid":"mine-1"}""")
            .Reply("/cgi-bin/kf/send_msg", """{"errcode":0,"errmsg":"ok","msgid":"server-2"}""")
            .Reply("/cgi-bin/kf/send_msg_on_event", """{"errcode":0,"errmsg":"ok","msgid":"server-3"}""");
        using var client = Client(stub);
        var menu = new WeComKfMenu("Was this helpful?", [WeComKfMenuItem.ClickItem("yes", "Yes"), WeComKfMenuItem.ViewItem(new Uri("https://example.com/help"), "Help"), WeComKfMenuItem.TextItem("Thanks")]);

        var text = await client.CustomerService.SendAsync(Account, "wmCustomer01", WeComKfContent.FromText("Your order ships today."), msgId: "mine-1");
        var menuId = await client.CustomerService.SendAsync(Account, "wmCustomer01", WeComKfContent.FromMenu(menu));
        var welcome = await client.CustomerService.SendOnEventAsync("welcome-1", WeComKfContent.FromText("Hello! How can we help?"));

        (text, menuId, welcome).ShouldBe(("mine-1", "server-2", "server-3"));
        var sent = stub.To("/cgi-bin/kf/send_msg").Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        (sent[0].GetProperty("touser").GetString(), sent[0].GetProperty("open_kfid").GetString(), sent[0].GetProperty("msgid").GetString(), sent[0].GetProperty("msgtype").GetString())
            .ShouldBe(("wmCustomer01", Account, "mine-1", "text"));
        sent[0].GetProperty("text").GetProperty("content").GetString().ShouldBe("Your order ships today.");
        sent[1].TryGetProperty("msgid", out _).ShouldBeFalse();
        var items = sent[1].GetProperty("msgmenu").GetProperty("list");
        (items[0].GetProperty("type").GetString(), items[0].GetProperty("click").GetProperty("id").GetString()).ShouldBe(("click", "yes"));
        items[1].GetProperty("view").GetProperty("url").GetString().ShouldBe("https://example.com/help");
        items[2].GetProperty("text").GetProperty("no_newline").GetInt32().ShouldBe(0);
        var onEvent = JsonDocument.Parse(stub.To("/cgi-bin/kf/send_msg_on_event").Single().Body).RootElement;
        (onEvent.GetProperty("code").GetString(), onEvent.TryGetProperty("touser", out _)).ShouldBe(("welcome-1", false));
    }

    [Fact]
    public async Task Rules_broken_before_sending_are_refused_locally_and_nothing_is_sent()
    {
        var stub = new StubHandler().Token();
        using var client = Client(stub);
        var cs = client.CustomerService;
        var tooManyClicks = new WeComKfMenu(null, [.. Enumerable.Range(0, 11).Select(i => WeComKfMenuItem.ClickItem($"k{i}", $"Option {i}"))]);

        var refusals = new[]
        {
            await Should.ThrowAsync<WeComApiException>(() => cs.SendAsync(Account, "wm1", WeComKfContent.FromText(new string('字', 683)))),
            await Should.ThrowAsync<WeComApiException>(() => cs.SendAsync(Account, "wm1", WeComKfContent.FromMenu(tooManyClicks))),
            await Should.ThrowAsync<WeComApiException>(() => cs.SendAsync(Account, "wm1", WeComKfContent.FromText("hi"), msgId: "has space")),
            await Should.ThrowAsync<WeComApiException>(() => cs.SendAsync(Account, "wm1", WeComKfContent.FromLocation(91, 0))),
            await Should.ThrowAsync<WeComApiException>(() => cs.SendOnEventAsync("code", WeComKfContent.FromImage("m"))),
            await Should.ThrowAsync<WeComApiException>(() => cs.TransferAsync(Account, "wm1", WeComKfServiceState.Receptionist)),
            await Should.ThrowAsync<WeComApiException>(() => cs.SyncAsync(Account, limit: 1001)),
            await Should.ThrowAsync<WeComApiException>(() => cs.GetContactLinkAsync(Account, "has space")),
            await Should.ThrowAsync<WeComApiException>(() => cs.AddAccountAsync("Seventeen chars!!", "media")),
            await Should.ThrowAsync<WeComApiException>(() => cs.GetCustomersAsync([])),
            await Should.ThrowAsync<WeComApiException>(() => cs.AddServicersAsync(Account, [], [])),
        };

        refusals.ShouldAllBe(e => e.Code == WeComErrorCodes.InvalidRequest);
        refusals[0].Message.ShouldContain("2048");
        refusals[1].Message.ShouldContain("at most 10");
        refusals[5].Message.ShouldContain("servicer_userid");
        stub.Requests.ShouldNotContain(r => r.Url.AbsolutePath.StartsWith("/cgi-bin/kf/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WeComs_refusals_keep_their_code_and_say_what_to_do()
    {
        var stub = new StubHandler().Token()
            .Reply("/cgi-bin/kf/send_msg", """{"errcode":95001,"errmsg":"send msg count limit, hint: [1764500000_1], from ip: 10.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e=95001"}""")
            .Reply("/cgi-bin/kf/service_state/trans", """{"errcode":95016,"errmsg":"invalid service state transition"}""");
        using var client = Client(stub);

        var limit = await Should.ThrowAsync<WeComApiException>(() => client.CustomerService.SendAsync(Account, "wm1", WeComKfContent.FromText("one more")));
        var move = await Should.ThrowAsync<WeComApiException>(() => client.CustomerService.TransferAsync(Account, "wm1", WeComKfServiceState.Assistant));

        (limit.Code, move.Code).ShouldBe((WeComErrorCodes.KfMessageLimit, WeComErrorCodes.KfTransitionRefused));
        limit.Message.ShouldContain("wait for their next message");
        move.Message.ShouldContain("service_state/get");
    }

    [Fact]
    public async Task Sessions_accounts_receptionists_and_customers_are_read_as_documented()
    {
        var fullPage = string.Join(",", Enumerable.Range(0, 100).Select(i => $$"""{"open_kfid":"wk{{i}}","name":"Account {{i}}","avatar":"https://a/{{i}}","manage_privilege":true}"""));
        var stub = new StubHandler().Token()
            .Reply("/cgi-bin/kf/service_state/get", """{"errcode":0,"errmsg":"ok","service_state":3,"servicer_userid":"carol"}""")
            .Reply("/cgi-bin/kf/service_state/trans", """{"errcode":0,"errmsg":"ok","msg_code":"code-end"}""")
            .Reply("/cgi-bin/kf/account/list", $$"""{"errcode":0,"errmsg":"ok","account_list":[{{fullPage}}]}""")
            .Reply("/cgi-bin/kf/account/list", """{"errcode":0,"errmsg":"ok","account_list":[{"open_kfid":"wk100","name":"Last","manage_privilege":false}]}""")
            .Reply("/cgi-bin/kf/servicer/list", """{"errcode":0,"errmsg":"ok","servicer_list":[{"userid":"carol","status":0},{"userid":"dave","status":1,"stop_type":1},{"department_id":3}]}""")
            .Reply("/cgi-bin/kf/servicer/add", """{"errcode":0,"errmsg":"ok","result_list":[{"userid":"carol","errcode":0,"errmsg":"success"},{"userid":"ghost","errcode":60030,"errmsg":"not in visible range"}]}""")
            .Reply("/cgi-bin/kf/customer/batchget", """{"errcode":0,"errmsg":"ok","customer_list":[{"external_userid":"wm1","nickname":"Lin","gender":2,"enter_session_context":{"scene":"order","scene_param":"o=7"}}],"invalid_external_userid":["wmOld"]}""")
            .Reply("/cgi-bin/kf/add_contact_way", """{"errcode":0,"errmsg":"ok","url":"https://work.weixin.qq.com/kf/kfc123?enc_scene=ENC1"}""");
        using var client = Client(stub);
        var cs = client.CustomerService;

        var session = await cs.GetSessionAsync(Account, "wm1");
        var code = await cs.TransferAsync(Account, "wm1", WeComKfServiceState.Ended);
        var accounts = new List<WeComKfAccount>();
        await foreach (var account in cs.ListAccountsAsync())
        {
            accounts.Add(account);
        }

        var servicers = await cs.ListServicersAsync(Account);
        var added = await cs.AddServicersAsync(Account, ["carol", "ghost"]);
        var customers = await cs.GetCustomersAsync(["wm1", "wmOld"], withEnterContext: true);
        var link = WeComCustomerServiceClient.WithSceneParam(await cs.GetContactLinkAsync(Account, "order"), "o=7&x");

        session.ShouldBe(new WeComKfSession(WeComKfServiceState.Receptionist, "carol"));
        code.ShouldBe("code-end");
        JsonDocument.Parse(stub.To("/cgi-bin/kf/service_state/trans").Single().Body).RootElement.TryGetProperty("servicer_userid", out _).ShouldBeFalse();
        accounts.Count.ShouldBe(101);
        stub.To("/cgi-bin/kf/account/list").Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("offset").GetInt32()).ShouldBe([0, 100]);
        servicers.Select(s => (s.UserId, s.DepartmentId, s.Receiving)).ShouldBe([("carol", (long?)null, true), ("dave", null, false), (null, 3, false)]);
        var listCall = stub.To("/cgi-bin/kf/servicer/list").Single();
        (listCall.Method, listCall.Url.Query.Contains("open_kfid=" + Account, StringComparison.Ordinal)).ShouldBe((HttpMethod.Get, true));
        added.Single(r => r.UserId == "ghost").ErrCode.ShouldBe(60030);
        (customers.Customers.Single().Nickname, customers.Customers.Single().EnterSessionContext!.SceneParam, customers.Invalid.Single()).ShouldBe(("Lin", "o=7", "wmOld"));
        link.AbsoluteUri.ShouldBe("https://work.weixin.qq.com/kf/kfc123?enc_scene=ENC1&scene_param=o%3D7%26x");
    }

    [Fact]
    public void The_kf_callback_is_read_with_its_token_and_account()
    {
        var parsed = WeComCallbackMessage.Parse(
            "<xml><ToUserName><![CDATA[wwcorp]]></ToUserName><CreateTime>1764500000</CreateTime><MsgType><![CDATA[event]]></MsgType>"
            + "<Event><![CDATA[kf_msg_or_event]]></Event><Token><![CDATA[ENCtoken123]]></Token><OpenKfId><![CDATA[" + Account + "]]></OpenKfId></xml>");

        var kf = parsed.ShouldBeOfType<WeComKfMessageOrEvent>();
        (kf.Token, kf.OpenKfId, kf.ToUserName).ShouldBe(("ENCtoken123", Account, "wwcorp"));
        kf.DeduplicationKey.ShouldContain("ENCtoken123");
    }

    /// <summary>A sync_msg answer with one of each type, in WeCom's documented shapes (values made up).</summary>
    private const string SyncAnswer = """
        {"errcode":0,"errmsg":"ok","next_cursor":"c-42","has_more":1,"msg_list":[
          {"msgid":"m1","open_kfid":"wkLarkwayTestAccount01","external_userid":"wmCustomer01","send_time":1764500000,"origin":3,"msgtype":"text","text":{"content":"Where is my order?"}},
          {"msgid":"m2","open_kfid":"wkLarkwayTestAccount01","external_userid":"wmCustomer01","send_time":1764500001,"origin":3,"msgtype":"image","image":{"media_id":"media-img-1"}},
          {"msgid":"m3","open_kfid":"wkLarkwayTestAccount01","external_userid":"wmCustomer01","send_time":1764500002,"origin":3,"msgtype":"location","location":{"latitude":31.23,"longitude":121.47,"name":"Office","address":"1 Road"}},
          {"msgid":"m4","open_kfid":"wkLarkwayTestAccount01","external_userid":"wmCustomer01","send_time":1764500003,"origin":3,"msgtype":"link","link":{"title":"Order","desc":"#7","url":"https://example.com/order/7","pic_url":"https://example.com/p.png"}},
          {"msgid":"m5","open_kfid":"wkLarkwayTestAccount01","external_userid":"wmCustomer01","send_time":1764500004,"origin":3,"msgtype":"business_card","business_card":{"userid":"alice"}},
          {"msgid":"m6","open_kfid":"wkLarkwayTestAccount01","external_userid":"wmCustomer01","send_time":1764500005,"origin":3,"msgtype":"miniprogram","miniprogram":{"title":"Shop","appid":"wx123","pagepath":"pages/index.html","thumb_media_id":"thumb-1"}},
          {"msgid":"m7","open_kfid":"wkLarkwayTestAccount01","external_userid":"wmCustomer01","send_time":1764500006,"origin":5,"servicer_userid":"carol","msgtype":"msgmenu","msgmenu":{"head_content":"Solved?","list":[{"type":"click","click":{"id":"yes","content":"Yes"}},{"type":"view","view":{"url":"https://example.com","content":"More"}},{"type":"text","text":{"content":"Bye","no_newline":0}}],"tail_content":"Thanks"}},
          {"msgid":"m8","open_kfid":"wkLarkwayTestAccount01","external_userid":"wmCustomer01","send_time":1764500007,"origin":3,"msgtype":"channels","channels":{"sub_type":1,"nickname":"Shop TV","title":"New in"}},
          {"msgid":"e1","send_time":1764500008,"origin":4,"msgtype":"event","event":{"event_type":"enter_session","open_kfid":"wkLarkwayTestAccount01","external_userid":"wmCustomer01","scene":"order","scene_param":"o=7","welcome_code":"welcome-1"}},
          {"msgid":"e2","send_time":1764500009,"origin":4,"msgtype":"event","event":{"event_type":"msg_send_fail","open_kfid":"wkLarkwayTestAccount01","external_userid":"wmCustomer01","fail_msgid":"sent-3","fail_type":6}},
          {"msgid":"e3","send_time":1764500010,"origin":4,"msgtype":"event","event":{"event_type":"session_status_change","open_kfid":"wkLarkwayTestAccount01","external_userid":"wmCustomer01","change_type":2,"old_servicer_userid":"carol","new_servicer_userid":"dave"}},
          {"msgid":"e4","send_time":1764500011,"origin":4,"msgtype":"event","event":{"event_type":"user_recall_msg","open_kfid":"wkLarkwayTestAccount01","external_userid":"wmCustomer01","recall_msgid":"from_msg_9"}},
          {"msgid":"e5","send_time":1764500012,"origin":4,"msgtype":"event","event":{"event_type":"a_future_event","open_kfid":"wkLarkwayTestAccount01","future_field":42}}
        ]}
        """;
}
