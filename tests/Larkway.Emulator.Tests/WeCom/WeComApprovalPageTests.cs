using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using Larkway.Emulator.Tests.DingTalk.Stream;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.WeCom;

/// <summary>
/// The WeCom approval app's pages over HTTP (WeCom gives approvers no API, so they decide there): what an approver sees,
/// deciding (the same move and the same encrypted sys_approval_change callback as the test control's decide), the
/// detail's process_list.node_list, refusals, and applications kept across a restart.
/// </summary>
public sealed class WeComApprovalPageTests : IDisposable
{
    private const string TemplateId = "3TmApprovalPaymentLarkwayDevTemplate0001";
    private readonly string _folder = Directory.CreateTempSubdirectory("larkway-emulator-wecom-approval-").FullName;

    [Fact]
    public async Task The_page_shows_form_applicant_and_nodes_and_a_decide_form_only_to_an_undecided_approver()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var spNo = await ApplyAsync(emulator);

        var asAlice = await emulator.Http.GetStringAsync($"/wecom-approval/{spNo}?as=alice");
        var asBob = await emulator.Http.GetStringAsync($"/wecom-approval/{spNo}?as=bob");
        var inbox = await emulator.Http.GetStringAsync("/wecom-approval?as=alice");
        var chat = await emulator.Http.GetStringAsync("/wecom-chat");

        Assert.Contains("付款申请", asAlice, StringComparison.Ordinal);
        Assert.Contains("<td>付款金额</td><td>12.50</td>", asAlice, StringComparison.Ordinal);
        Assert.Contains("<td>付款事由</td><td>&lt;i&gt;taxi&lt;/i&gt;</td>", asAlice, StringComparison.Ordinal);
        Assert.Contains("<td>付款日期</td><td>2026-12-01</td>", asAlice, StringComparison.Ordinal);
        Assert.Contains("submitted by Bob Li", asAlice, StringComparison.Ordinal);
        Assert.Contains("Node 2 &#183; 会签 (all approve)", asAlice, StringComparison.Ordinal);
        Assert.Contains("value=\"approve\"", asAlice, StringComparison.Ordinal);
        Assert.DoesNotContain("value=\"approve\"", asBob, StringComparison.Ordinal);
        Assert.Contains("Waiting for Alice Chen", asBob, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", asAlice, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"href=\"/wecom-approval/{spNo}?as=alice\"", inbox, StringComparison.Ordinal);
        Assert.Contains("href=\"/wecom-approval?as=alice\"", chat, StringComparison.Ordinal);
        Assert.Contains("1 waiting", chat, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deciding_on_the_page_sends_sys_approval_change_and_the_detail_shows_each_node_in_process_list()
    {
        await using var emulator = await TestEmulator.StartAsync(WeComCallbackTests.Fast);
        await using var server = await WeComCallbackTests.StartServerAsync(emulator);
        await WeComCallbackTests.SetCallbackAsync(emulator, server);
        var token = await emulator.WeComTokenAsync();
        var spNo = await ApplyAsync(emulator);

        using var approved = await DecideAsync(emulator, spNo, new() { ["as"] = "alice", ["action"] = "approve", ["speech"] = "ok" });
        await StreamTestHelpers.WaitUntilAsync(() => Changes(server, spNo).Any(x => x.Event == 2), "the approval's callback");
        using var middle = await emulator.WeComPostAsync($"/wecom/cgi-bin/oa/getapprovaldetail?access_token={token}", new { sp_no = spNo });
        using var carol = await DecideAsync(emulator, spNo, new() { ["as"] = "carol", ["action"] = "approve" });
        using var dave = await DecideAsync(emulator, spNo, new() { ["as"] = "dave", ["action"] = "reject", ["speech"] = "no receipt" });
        await StreamTestHelpers.WaitUntilAsync(() => Changes(server, spNo).Any(x => x.Event == 3), "the rejection's callback");
        using var done = await emulator.WeComPostAsync($"/wecom/cgi-bin/oa/getapprovaldetail?access_token={token}", new { sp_no = spNo });

        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        Assert.Equal($"/wecom-approval/{spNo}?as=alice", approved.Headers.Location?.ToString());
        var nodes = middle.Json.GetProperty("info").GetProperty("process_list").GetProperty("node_list");
        Assert.Equal((1, 2, 1), (nodes[0].GetProperty("node_type").GetInt32(), nodes[0].GetProperty("sp_status").GetInt32(), nodes[0].GetProperty("apv_rel").GetInt32()));
        var alice = Assert.Single(nodes[0].GetProperty("sub_node_list").EnumerateArray());
        Assert.Equal(("alice", "ok", 2), (alice.GetProperty("userid").GetString(), alice.GetProperty("speech").GetString(), alice.GetProperty("sp_yj").GetInt32()));
        Assert.True(alice.GetProperty("sptime").GetInt64() > 0);
        Assert.Equal((1, 2), (nodes[1].GetProperty("sp_status").GetInt32(), nodes[1].GetProperty("apv_rel").GetInt32()));
        Assert.Equal([1, 1], nodes[1].GetProperty("sub_node_list").EnumerateArray().Select(s => s.GetProperty("sp_yj").GetInt32()));

        Assert.Equal(HttpStatusCode.Redirect, carol.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, dave.StatusCode);
        var info = done.Json.GetProperty("info");
        Assert.Equal(3, info.GetProperty("sp_status").GetInt32());
        var last = info.GetProperty("process_list").GetProperty("node_list")[1];
        Assert.Equal(3, last.GetProperty("sp_status").GetInt32());
        Assert.Equal([("carol", 2, ""), ("dave", 3, "no receipt")], last.GetProperty("sub_node_list").EnumerateArray()
            .Select(s => (s.GetProperty("userid").GetString(), s.GetProperty("sp_yj").GetInt32(), s.GetProperty("speech").GetString())));

        // The submission (1), alice's approval (2), carol's (2), dave's rejection (3); the last one carries the rejected state.
        var changes = Changes(server, spNo);
        Assert.Equal([1, 2, 2, 3], changes.Select(c => c.Event).Order());
        Assert.Equal("3", changes.Single(c => c.Event == 3).Xml.Element("ApprovalInfo")!.Element("SpStatus")!.Value);
    }

    [Fact]
    public async Task A_stranger_gets_a_403_page_a_decided_application_a_409_and_bad_posts_a_clear_refusal()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var spNo = await ApplyAsync(emulator, singleNode: true);

        using var stranger = await DecideAsync(emulator, spNo, new() { ["as"] = "bob", ["action"] = "approve" });
        using var approved = await DecideAsync(emulator, spNo, new() { ["as"] = "alice", ["action"] = "approve" });
        using var twice = await DecideAsync(emulator, spNo, new() { ["as"] = "alice", ["action"] = "reject" });
        using var badAction = await DecideAsync(emulator, spNo, new() { ["as"] = "alice", ["action"] = "maybe" });
        using var nobody = await DecideAsync(emulator, spNo, new() { ["as"] = "nobody", ["action"] = "approve" });
        using var unknown = await DecideAsync(emulator, "202601010099", new() { ["as"] = "alice", ["action"] = "approve" });
        using var crossSite = await DecideAsync(emulator, spNo, new() { ["as"] = "alice", ["action"] = "approve" }, origin: "http://evil.example");
        using var unknownPage = await emulator.Http.GetAsync("/wecom-approval/202601010099");

        Assert.Equal(HttpStatusCode.Forbidden, stranger.StatusCode);
        Assert.Contains("is not an approver of the current node", await stranger.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Contains("cannot be decided again", await twice.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badAction.StatusCode);
        Assert.Contains("action (approve or reject)", await badAction.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, nobody.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownPage.StatusCode);
        var token = await emulator.WeComTokenAsync();
        using var detail = await emulator.WeComPostAsync($"/wecom/cgi-bin/oa/getapprovaldetail?access_token={token}", new { sp_no = spNo });
        Assert.Equal(2, detail.Json.GetProperty("info").GetProperty("sp_status").GetInt32());
    }

    [Fact]
    public async Task Applications_survive_a_restart_keep_their_numbering_and_are_decided_after_it()
    {
        var clock = new ManualClock();
        var stateFile = Path.Combine(_folder, "emulator-state.json");
        string spNo;
        await using (var first = await TestEmulator.StartAsync(o => o.StateFile = stateFile, clock))
        {
            spNo = await ApplyAsync(first);
            using var approved = await DecideAsync(first, spNo, new() { ["as"] = "alice", ["action"] = "approve", ["speech"] = "before the restart" });
            Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        }

        await using var second = await TestEmulator.StartAsync(o => o.StateFile = stateFile, clock);
        var token = await second.WeComTokenAsync();
        using var kept = await second.WeComPostAsync($"/wecom/cgi-bin/oa/getapprovaldetail?access_token={token}", new { sp_no = spNo });
        var next = await ApplyAsync(second);
        using var carol = await DecideAsync(second, spNo, new() { ["as"] = "carol", ["action"] = "approve" });
        using var dave = await DecideAsync(second, spNo, new() { ["as"] = "dave", ["action"] = "approve" });
        using var done = await second.WeComPostAsync($"/wecom/cgi-bin/oa/getapprovaldetail?access_token={token}", new { sp_no = spNo });

        var info = kept.Json.GetProperty("info");
        Assert.Equal(1, info.GetProperty("sp_status").GetInt32());
        Assert.Equal("before the restart", info.GetProperty("process_list").GetProperty("node_list")[0].GetProperty("sub_node_list")[0].GetProperty("speech").GetString());
        Assert.Equal("12.50", info.GetProperty("apply_data").GetProperty("contents")[0].GetProperty("value").GetProperty("new_money").GetString());
        Assert.Equal(spNo[..8] + "0002", next);
        Assert.Equal(HttpStatusCode.Redirect, carol.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, dave.StatusCode);
        Assert.Equal(2, done.Json.GetProperty("info").GetProperty("sp_status").GetInt32());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Bob's payment: alice alone (或签), then carol and dave together (会签) — or alice alone.</summary>
    private static async Task<string> ApplyAsync(TestEmulator emulator, bool singleNode = false)
    {
        var token = await emulator.WeComTokenAsync();
        object[] approvers = singleNode
            ? [new { attr = 1, userid = new[] { "alice" } }]
            : [new { attr = 1, userid = new[] { "alice" } }, new { attr = 2, userid = new[] { "carol", "dave" } }];
        using var applied = await emulator.WeComPostAsync($"/wecom/cgi-bin/oa/applyevent?access_token={token}", new
        {
            creator_userid = "bob",
            template_id = TemplateId,
            use_template_approver = 0,
            approver = approvers,
            apply_data = new
            {
                contents = new object[]
                {
                    new { control = "Money", id = "Money-1", value = new { new_money = "12.50" } },
                    new { control = "Text", id = "Text-1", value = new { text = "<i>taxi</i>" } },
                    new { control = "Date", id = "Date-1", value = new { date = new { type = "day", s_timestamp = "1796083200" } } },
                },
            },
        });
        Assert.True(applied.ErrCode() == 0, applied.Text);
        return applied.Field("sp_no")!;
    }

    /// <summary>The sys_approval_change callbacks the app received for the application, with their StatuChangeEvent.</summary>
    private static List<(int Event, XElement Xml)> Changes(WeComAppServer server, string spNo) =>
        [.. server.Received.Select(XElement.Parse)
            .Where(x => x.Element("Event")?.Value == "sys_approval_change" && x.Element("ApprovalInfo")?.Element("SpNo")?.Value == spNo)
            .Select(x => (int.Parse(x.Element("ApprovalInfo")!.Element("StatuChangeEvent")!.Value, System.Globalization.CultureInfo.InvariantCulture), x))];

    private static Task<HttpResponseMessage> DecideAsync(TestEmulator emulator, string spNo, Dictionary<string, string> fields, string? origin = null) =>
        emulator.PostFormAsync($"/wecom-approval/{spNo}/decide", fields, origin);
}
