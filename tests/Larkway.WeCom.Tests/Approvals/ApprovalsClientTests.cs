using System.Text.Json;
using Larkway.WeCom.Approvals;
using Larkway.WeCom.Callbacks;
using Larkway.WeCom.Tests.TestSupport;

namespace Larkway.WeCom.Tests.Approvals;

public sealed class ApprovalsClientTests
{
    private static WeComClient Client(StubHandler stub) =>
        new(new WeComAppOptions { CorpId = "wwcorp", CorpSecret = "secret", AgentId = 1000002, ApiBaseUrl = new Uri("http://wecom.test"), Retry = new() { MaxRetries = 0 } }, handler: stub);

    [Fact]
    public async Task Applyevent_sends_the_documented_fields_and_returns_the_sp_no()
    {
        var stub = new StubHandler().Token().Reply("/cgi-bin/oa/applyevent", """{"errcode":0,"errmsg":"ok","sp_no":"202611300001"}""");
        using var client = Client(stub);

        var spNo = await client.Approvals.ApplyAsync(new WeComApplyEvent
        {
            CreatorUserId = "bob",
            TemplateId = "T1",
            Approver = [WeComApproverNode.AllOf("alice", "carol")],
            Notifyer = ["dave"],
            NotifyType = 1,
            ApplyData = new([WeComApplyContent.Money("Money-1", 12.5m), WeComApplyContent.Date("Date-1", DateTimeOffset.FromUnixTimeSeconds(1569859200))]),
        });

        spNo.ShouldBe("202611300001");
        using var body = JsonDocument.Parse(stub.To("/cgi-bin/oa/applyevent").Single().Body);
        var root = body.RootElement;
        root.GetProperty("creator_userid").GetString().ShouldBe("bob");
        root.GetProperty("use_template_approver").GetInt32().ShouldBe(0);
        root.GetProperty("approver")[0].GetProperty("attr").GetInt32().ShouldBe(2);
        root.GetProperty("notifyer")[0].GetString().ShouldBe("dave");
        var contents = root.GetProperty("apply_data").GetProperty("contents");
        contents[0].GetProperty("value").GetProperty("new_money").GetString().ShouldBe("12.5");
        contents[1].GetProperty("value").GetProperty("date").GetProperty("s_timestamp").GetString().ShouldBe("1569859200");
        root.TryGetProperty("summary_list", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task Rules_broken_before_sending_are_refused_locally()
    {
        var stub = new StubHandler().Token();
        using var client = Client(stub);

        var noApprover = await Should.ThrowAsync<WeComApiException>(() => client.Approvals.ApplyAsync(new WeComApplyEvent
        {
            CreatorUserId = "bob", TemplateId = "T1", ApplyData = new([]),
        }));
        var badSize = await Should.ThrowAsync<WeComApiException>(() => client.Approvals.ListNumbersPageAsync(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(1), size: 101));

        noApprover.Code.ShouldBe(WeComErrorCodes.InvalidRequest);
        badSize.Code.ShouldBe(WeComErrorCodes.InvalidRequest);
        stub.Requests.ShouldNotContain(r => r.Url.AbsolutePath.StartsWith("/cgi-bin/oa/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Getapprovaldetail_reads_state_applicant_nodes_and_decisions()
    {
        var stub = new StubHandler().Token().Reply("/cgi-bin/oa/getapprovaldetail",
            """
            {"errcode":0,"errmsg":"ok","info":{"sp_no":"201909270002","sp_name":"报销","sp_status":3,"template_id":"T1","apply_time":1569584428,
             "applyer":{"userid":"WuJunJie","partyid":"2"},
             "sp_record":[{"sp_status":3,"approverattr":1,"details":[{"approver":{"userid":"WangXiaoMing"},"speech":"no","sp_status":3,"sptime":1569584500,"media_id":[]}]}],
             "notifyer":[{"userid":"LiuXiaoGang"}],
             "apply_data":{"contents":[{"control":"Text","id":"Text-1","title":[{"text":"事由","lang":"zh_CN"}],"value":{"text":"出差","tips":[],"members":[]}}]},
             "comments":[],
             "process_list":{"node_list":[{"node_type":1,"sp_status":3,"apv_rel":1,"sub_node_list":[{"userid":"WangXiaoMing","speech":"no","sp_yj":3,"sptime":1569584500,"media_ids":[]}]}]}}}
            """);
        using var client = Client(stub);

        var detail = await client.Approvals.GetAsync("201909270002");
        var node = detail.ProcessList!.NodeList.Single();
        (node.NodeType, node.SpStatus, node.ApvRel).ShouldBe((1, 3, 1));
        var approver = node.SubNodeList.Single();
        (approver.UserId, approver.Speech, approver.SpYj, approver.SpTime).ShouldBe(("WangXiaoMing", "no", 3, 1569584500L));

        detail.SpStatus.ShouldBe(WeComApprovalStatus.Rejected);
        detail.Applyer!.UserId.ShouldBe("WuJunJie");
        detail.SpRecord.Single().Details.Single().Approver!.UserId.ShouldBe("WangXiaoMing");
        detail.SpRecord.Single().Details.Single().SpTime.ShouldBe(1569584500);
        detail.Notifyer!.Single().UserId.ShouldBe("LiuXiaoGang");
        var text = detail.ApplyData!.Contents.Single();
        text.Value.Text.ShouldBe("出差");
        text.Title!.Single().Text.ShouldBe("事由");
        text.Value.Extra!.ShouldContainKey("members");
    }

    [Fact]
    public void Sys_approval_change_reads_the_application_its_nodes_and_what_changed()
    {
        // The fields of WeCom's documented example (审批申请状态变化回调通知).
        const string xml = """
            <xml><ToUserName><![CDATA[wwcorp]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1571732272</CreateTime>
            <MsgType><![CDATA[event]]></MsgType><Event><![CDATA[sys_approval_change]]></Event><AgentID>3010040</AgentID>
            <ApprovalInfo><SpNo>201910220003</SpNo><SpName><![CDATA[示例模板]]></SpName><SpStatus>2</SpStatus>
            <TemplateId><![CDATA[T1]]></TemplateId><ApplyTime>1571728713</ApplyTime>
            <Applyer><UserId><![CDATA[WuJunJie]]></UserId><Party><![CDATA[1]]></Party></Applyer>
            <SpRecord><SpStatus>2</SpStatus><ApproverAttr>1</ApproverAttr>
              <Details><Approver><UserId><![CDATA[WangXiaoMing]]></UserId></Approver><Speech><![CDATA[ok]]></Speech><SpStatus>2</SpStatus><SpTime>1571732272</SpTime></Details>
            </SpRecord>
            <SpRecord><SpStatus>2</SpStatus><ApproverAttr>2</ApproverAttr>
              <Details><Approver><UserId><![CDATA[a]]></UserId></Approver><Speech><![CDATA[]]></Speech><SpStatus>2</SpStatus><SpTime>1</SpTime></Details>
              <Details><Approver><UserId><![CDATA[b]]></UserId></Approver><Speech><![CDATA[]]></Speech><SpStatus>2</SpStatus><SpTime>2</SpTime></Details>
            </SpRecord>
            <Notifyer><UserId><![CDATA[LiuXiaoGang]]></UserId></Notifyer>
            <StatuChangeEvent>2</StatuChangeEvent></ApprovalInfo></xml>
            """;

        var change = WeComCallbackMessage.Parse(xml).ShouldBeOfType<WeComApprovalChangeEvent>();

        change.SpNo.ShouldBe("201910220003");
        change.SpName.ShouldBe("示例模板");
        change.Status.ShouldBe(WeComApprovalStatus.Approved);
        change.ApplyTime.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(1571728713));
        change.ApplyerUserId.ShouldBe("WuJunJie");
        change.ApplyerParty.ShouldBe("1");
        change.SpRecords.Count.ShouldBe(2);
        change.SpRecords[0].Details.Single().ShouldBe(new WeComApprovalChangeDecision("WangXiaoMing", "ok", 2, 1571732272));
        change.SpRecords[1].Details.Select(d => d.ApproverUserId).ShouldBe(["a", "b"]);
        change.Notifyer.ShouldBe(["LiuXiaoGang"]);
        change.StatusChangeEvent.ShouldBe(2);
        change.AgentId.ShouldBe(3010040);
    }
}
