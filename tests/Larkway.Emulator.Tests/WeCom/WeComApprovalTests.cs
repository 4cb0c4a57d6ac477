using System.Net;
using System.Net.Http.Json;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.WeCom;

public sealed class WeComApprovalTests
{
    private const string TemplateId = "3TmApprovalPaymentLarkwayDevTemplate0001";

    private static object Payment(string creator, params object[] contents) => new
    {
        creator_userid = creator,
        template_id = TemplateId,
        use_template_approver = 0,
        approver = new[] { new { attr = 1, userid = new[] { "alice" } } },
        apply_data = new { contents },
    };

    private static readonly object Money = new { control = "Money", id = "Money-1", value = new { new_money = "12.50" } };
    private static readonly object Reason = new { control = "Text", id = "Text-1", value = new { text = "taxi" } };

    [Fact]
    public async Task Applyevent_checks_the_template_and_the_creator_with_301025()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.WeComTokenAsync();
        var url = $"/wecom/cgi-bin/oa/applyevent?access_token={token}";

        using var ok = await emulator.WeComPostAsync(url, Payment("bob", Money, Reason));
        using var noReason = await emulator.WeComPostAsync(url, Payment("bob", Money));
        using var wrongType = await emulator.WeComPostAsync(url, Payment("bob", new { control = "Text", id = "Money-1", value = new { text = "12" } }, Reason));
        using var badDate = await emulator.WeComPostAsync(url, Payment("bob", Money, Reason, new { control = "Date", id = "Date-1", value = new { date = new { type = "week", s_timestamp = "1" } } }));
        using var stranger = await emulator.WeComPostAsync(url, Payment("nobody", Money, Reason));
        using var unknownTemplate = await emulator.WeComPostAsync(url, new { creator_userid = "bob", template_id = "nope", use_template_approver = 1, apply_data = new { contents = new[] { Money, Reason } } });

        Assert.Equal(0, ok.ErrCode());
        Assert.Matches("^[0-9]{8}0001$", ok.Field("sp_no"));
        Assert.Equal([301025, 301025, 301025, 301025, 301025], new[] { noReason, wrongType, badDate, stranger, unknownTemplate }.Select(r => r.ErrCode()));
        Assert.Contains("has no require control Text-1", noReason.ErrMsg(), StringComparison.Ordinal);
        Assert.Contains("creator_userid", stranger.ErrMsg(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_template_flow_is_used_when_asked_and_only_its_approver_may_decide()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.WeComTokenAsync();
        using var applied = await emulator.WeComPostAsync($"/wecom/cgi-bin/oa/applyevent?access_token={token}",
            new { creator_userid = "bob", template_id = TemplateId, use_template_approver = 1, apply_data = new { contents = new[] { Money, Reason } } });
        var spNo = applied.Field("sp_no")!;

        using var stranger = await emulator.Http.PostAsJsonAsync($"/_emulator/wecom/approvals/{spNo}/decide", new { userid = "alice", action = "approve" });
        using var approver = await emulator.Http.PostAsJsonAsync($"/_emulator/wecom/approvals/{spNo}/decide", new { userid = "carol", action = "approve" });
        using var again = await emulator.Http.PostAsJsonAsync($"/_emulator/wecom/approvals/{spNo}/decide", new { userid = "carol", action = "reject" });
        using var detail = await emulator.WeComPostAsync($"/wecom/cgi-bin/oa/getapprovaldetail?access_token={token}", new { sp_no = spNo });
        using var noTimes = await emulator.WeComPostAsync($"/wecom/cgi-bin/oa/getapprovalinfo?access_token={token}", new { size = 10 });

        Assert.Equal(HttpStatusCode.BadRequest, stranger.StatusCode);
        approver.EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        var info = detail.Json.GetProperty("info");
        Assert.Equal(2, info.GetProperty("sp_status").GetInt32());
        Assert.Equal("carol", info.GetProperty("sp_record")[0].GetProperty("details")[0].GetProperty("approver").GetProperty("userid").GetString());
        Assert.Equal(301025, noTimes.ErrCode());
    }

    [Fact]
    public async Task Only_the_applicant_withdraws_an_application_in_review_and_it_reads_sp_status_4_after()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.WeComTokenAsync();
        using var applied = await emulator.WeComPostAsync($"/wecom/cgi-bin/oa/applyevent?access_token={token}",
            new { creator_userid = "bob", template_id = TemplateId, use_template_approver = 1, apply_data = new { contents = new[] { Money, Reason } } });
        var spNo = applied.Field("sp_no")!;

        using var approver = await emulator.Http.PostAsJsonAsync($"/_emulator/wecom/approvals/{spNo}/withdraw", new { userid = "carol" });
        using var applicant = await emulator.Http.PostAsJsonAsync($"/_emulator/wecom/approvals/{spNo}/withdraw", new { userid = "bob" });
        using var again = await emulator.Http.PostAsJsonAsync($"/_emulator/wecom/approvals/{spNo}/withdraw", new { userid = "bob" });
        using var decide = await emulator.Http.PostAsJsonAsync($"/_emulator/wecom/approvals/{spNo}/decide", new { userid = "carol", action = "approve" });
        using var detail = await emulator.WeComPostAsync($"/wecom/cgi-bin/oa/getapprovaldetail?access_token={token}", new { sp_no = spNo });

        Assert.Equal(HttpStatusCode.BadRequest, approver.StatusCode);
        Assert.Contains("only the applicant", await approver.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        applicant.EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, decide.StatusCode);
        Assert.Equal(4, detail.Json.GetProperty("info").GetProperty("sp_status").GetInt32());
    }

    [Fact]
    public async Task An_approver_who_left_is_replaced_by_the_approval_admin_and_a_joint_node_then_waits_only_for_those_left()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.WeComTokenAsync();
        var url = $"/wecom/cgi-bin/oa/applyevent?access_token={token}";

        // 会签 (attr 2) between Alice and Carol; Carol leaves while it waits: her place is handed on (4 已转审) to Dave, the admin.
        using var joint = await emulator.WeComPostAsync(url, new
        {
            creator_userid = "bob", template_id = TemplateId, use_template_approver = 0,
            approver = new[] { new { attr = 2, userid = new[] { "alice", "carol" } } },
            apply_data = new { contents = new[] { Money, Reason } },
        });
        var spNo = joint.Field("sp_no")!;
        (await emulator.Http.DeleteAsync("/_emulator/wecom/users/carol")).EnsureSuccessStatusCode();
        (await emulator.Http.PostAsJsonAsync($"/_emulator/wecom/approvals/{spNo}/decide", new { userid = "alice", action = "approve" })).EnsureSuccessStatusCode();
        using var waiting = await emulator.WeComPostAsync($"/wecom/cgi-bin/oa/getapprovaldetail?access_token={token}", new { sp_no = spNo });
        (await emulator.Http.PostAsJsonAsync($"/_emulator/wecom/approvals/{spNo}/decide", new { userid = "dave", action = "approve" })).EnsureSuccessStatusCode();
        using var done = await emulator.WeComPostAsync($"/wecom/cgi-bin/oa/getapprovaldetail?access_token={token}", new { sp_no = spNo });

        var details = waiting.Json.GetProperty("info").GetProperty("sp_record")[0].GetProperty("details").EnumerateArray()
            .Select(d => (d.GetProperty("approver").GetProperty("userid").GetString(), d.GetProperty("sp_status").GetInt32())).ToList();
        Assert.Equal([("alice", 2), ("carol", 4), ("dave", 1)], details);
        Assert.Equal(1, waiting.Json.GetProperty("info").GetProperty("sp_status").GetInt32());
        Assert.Equal(2, done.Json.GetProperty("info").GetProperty("sp_status").GetInt32());

        // The template's own approver (Carol) has left: a new application goes to the admin at once.
        using var later = await emulator.WeComPostAsync(url, new { creator_userid = "bob", template_id = TemplateId, use_template_approver = 1, apply_data = new { contents = new[] { Money, Reason } } });
        using var detail = await emulator.WeComPostAsync($"/wecom/cgi-bin/oa/getapprovaldetail?access_token={token}", new { sp_no = later.Field("sp_no") });
        Assert.Equal("dave", detail.Json.GetProperty("info").GetProperty("sp_record")[0].GetProperty("details")[0].GetProperty("approver").GetProperty("userid").GetString());
    }
}
