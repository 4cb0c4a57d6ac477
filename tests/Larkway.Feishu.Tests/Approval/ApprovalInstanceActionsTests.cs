using System.Text.Json;
using Larkway.Feishu.Approval;
using Larkway.Feishu.Im;
using Larkway.Feishu.Tests.Infrastructure;

namespace Larkway.Feishu.Tests.Approval;

public class ApprovalInstanceActionsTests
{
    private const string SearchPage = """
        {"count":3,"has_more":true,"page_token":"p2","instance_list":[{
          "approval":{"code":"APPROVAL-1","name":"Expenses","is_external":false},
          "group":{"external_id":"g1","name":"Finance"},
          "instance":{"code":"INST-1","external_id":"","user_id":"ou_1","start_time":"1769821200000","end_time":"0","status":"PENDING","title":"Offsite","serial_id":"S1","link":{"pc_link":"https://pc","mobile_link":"https://m"}}}]}
        """;

    [Fact]
    public async Task Cc_posts_the_recipients()
    {
        var stub = new StubHandler((_, _) => Responses.Ok());
        using var client = TestClients.Create(stub);

        await client.Approval.Instances.CcAsync(new ApprovalInstanceCc { ApprovalCode = "A", InstanceCode = "I", UserId = "ou_1", CcUserIds = ["ou_2", "ou_3"], Comment = "fyi" });

        var call = Assert.Single(stub.ApiCalls);
        Assert.Equal(("/open-apis/approval/v4/instances/cc", "?user_id_type=open_id"), (call.Path, call.Query));
        Assert.Equal("""{"approval_code":"A","instance_code":"I","user_id":"ou_1","cc_user_ids":["ou_2","ou_3"],"comment":"fyi"}""", call.Body);
    }

    [Fact]
    public async Task Cc_without_recipients_is_refused_before_sending()
    {
        var stub = new StubHandler((_, _) => Responses.Ok());
        using var client = TestClients.Create(stub);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => client.Approval.Instances.CcAsync(new ApprovalInstanceCc { ApprovalCode = "A", InstanceCode = "I", UserId = "ou_1", CcUserIds = [] }));

        Assert.StartsWith("CcUserIds is empty", ex.Message, StringComparison.Ordinal);
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task Search_posts_the_filters_pages_through_the_query_and_parses_hits()
    {
        var stub = new StubHandler((_, n) => n == 1 ? Responses.Ok(SearchPage) : Responses.Ok("""{"count":3,"has_more":false,"instance_list":[]}"""));
        using var client = TestClients.Create(stub);
        var from = ApprovalFixtures.Nine;

        var pages = await client.Approval.Instances.SearchAsync(new ApprovalSearch
        {
            ApprovalCode = "APPROVAL-1",
            InstanceStatus = "PENDING",
            InstanceStartFrom = from,
            InstanceStartTo = from.AddDays(30),
        }, pageSize: 50).AsPages().ToListAsync();

        Assert.Equal(2, pages.Count);
        Assert.Equal(3, pages[0].Total);
        Assert.Equal(["?page_size=50&user_id_type=open_id", "?page_size=50&page_token=p2&user_id_type=open_id"], stub.ApiCalls.Select(c => c.Query));
        Assert.All(stub.ApiCalls, c => Assert.Equal((HttpMethod.Post, "/open-apis/approval/v4/instances/query"), (c.Method, c.Path)));
        Assert.Equal(
            """{"approval_code":"APPROVAL-1","instance_status":"PENDING","instance_start_time_from":"1769821200000","instance_start_time_to":"1772413200000"}""",
            stub.ApiCalls[0].Body);
        var hit = Assert.Single(pages[0].Items);
        Assert.Equal(("APPROVAL-1", "Expenses", "g1", "INST-1", "PENDING", "Offsite", "https://pc"), (hit.ApprovalCode, hit.ApprovalName, hit.GroupExternalId, hit.InstanceCode, hit.Status, hit.Title, hit.PcLink));
        Assert.Null(hit.InstanceExternalId);
        Assert.Null(hit.EndTime);
        Assert.Equal(ApprovalFixtures.Nine, hit.StartTime);
        Assert.Null(hit.Task);
    }

    public static TheoryData<ApprovalSearch, string> BadSearches => new()
    {
        { new ApprovalSearch { InstanceTitle = "x" }, "Give at least one of UserId, ApprovalCode" },
        { new ApprovalSearch { ApprovalCode = "A", InstanceStartFrom = ApprovalFixtures.Nine }, "InstanceStartFrom and InstanceStartTo go together" },
        { new ApprovalSearch { ApprovalCode = "A", InstanceStartFrom = ApprovalFixtures.Nine, InstanceStartTo = ApprovalFixtures.Nine.AddDays(31) }, "at most 30 days at a time" },
        { new ApprovalSearch { ApprovalCode = "A", TaskStartFrom = ApprovalFixtures.Nine, TaskStartTo = ApprovalFixtures.Nine.AddDays(-1) }, "is before the start" },
    };

    [Theory]
    [MemberData(nameof(BadSearches))]
    public void Bad_searches_are_refused_before_sending(ApprovalSearch search, string message)
    {
        using var client = TestClients.Create(new StubHandler((_, _) => Responses.Ok()));

        var ex = Assert.Throws<ArgumentException>(() => client.Approval.Instances.SearchAsync(search));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preview_sends_the_form_and_returns_the_nodes()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"preview_nodes":[{"user_id_list":["ou_2"],"end_cc_id_list":["ou_9"],"node_id":"n1","node_name":"Manager","node_type":"AND","custom_node_id":"mgr","is_empty_logic":false,"is_approver_type_free":true}]}"""));
        using var client = TestClients.Create(stub);

        var nodes = await client.Approval.Instances.PreviewAsync(new ApprovalInstancePreview
        {
            ApprovalCode = "A",
            UserId = "ou_1",
            Form = ApprovalForm.Of(new ApprovalFormValue.Number("w1", 5)),
        });

        var call = Assert.Single(stub.ApiCalls);
        Assert.Equal("/open-apis/approval/v4/instances/preview", call.Path);
        Assert.Equal("""{"approval_code":"A","user_id":"ou_1","form":"[{\"id\":\"w1\",\"type\":\"number\",\"value\":5}]"}""", call.Body);
        var node = Assert.Single(nodes);
        Assert.Equal(("n1", "Manager", "mgr", true), (node.NodeId, node.NodeName, node.CustomNodeId, node.IsApproverTypeFree));
        Assert.Equal(["ou_2"], node.UserIds);
        Assert.Equal(["ou_9"], node.CcUserIds);
    }

    [Fact]
    public async Task Preview_needs_a_form_or_an_instance()
    {
        var stub = new StubHandler((_, _) => Responses.Ok());
        using var client = TestClients.Create(stub);

        await Assert.ThrowsAsync<ArgumentException>(() => client.Approval.Instances.PreviewAsync(new ApprovalInstancePreview { ApprovalCode = "A", UserId = "ou_1" }));

        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task Add_sign_posts_the_documented_body()
    {
        var stub = new StubHandler((_, _) => Responses.Ok());
        using var client = TestClients.Create(stub);

        await client.Approval.Instances.AddSignAsync(new ApprovalAddSign
        {
            ApprovalCode = "A", InstanceCode = "I", UserId = "ou_2", TaskId = "T1", AddSignUserIds = ["ou_5"], AddSignType = 1, ApprovalMethod = 2, Comment = "needs legal",
            UserIdType = UserIdType.UserId,
        });

        var call = Assert.Single(stub.ApiCalls);
        Assert.Equal(("/open-apis/approval/v4/instances/add_sign", "?user_id_type=user_id"), (call.Path, call.Query));
        Assert.Equal("""{"user_id":"ou_2","approval_code":"A","instance_code":"I","task_id":"T1","comment":"needs legal","add_sign_user_ids":["ou_5"],"add_sign_type":1,"approval_method":2}""", call.Body);
    }

    [Theory]
    [InlineData(0, null, "AddSignType is 0")]
    [InlineData(3, 1, "only for AddSignType 1 or 2")]
    [InlineData(1, 3, "ApprovalMethod is 1 (OR) or 2 (AND)")]
    [InlineData(1, null, "AddSignType 1 needs ApprovalMethod")] // found against the Emulator: Feishu answers 1390001
    [InlineData(2, null, "AddSignType 2 needs ApprovalMethod")]
    public async Task Add_sign_refuses_undocumented_types(int type, int? method, string message)
    {
        var stub = new StubHandler((_, _) => Responses.Ok());
        using var client = TestClients.Create(stub);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => client.Approval.Instances.AddSignAsync(new ApprovalAddSign
        {
            ApprovalCode = "A", InstanceCode = "I", UserId = "ou_2", TaskId = "T1", AddSignUserIds = ["ou_5"], AddSignType = type, ApprovalMethod = method,
        }));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task Rollback_posts_the_node_keys()
    {
        var stub = new StubHandler((_, _) => Responses.Ok());
        using var client = TestClients.Create(stub);

        await client.Approval.Instances.RollbackAsync(new ApprovalRollback { UserId = "ou_2", TaskId = "T1", NodeKeys = ["APPROVAL_1"], Reason = "missing receipt" });

        var call = Assert.Single(stub.ApiCalls);
        Assert.Equal("/open-apis/approval/v4/instances/specified_rollback", call.Path);
        using var body = JsonDocument.Parse(call.Body!);
        Assert.Equal("""["APPROVAL_1"]""", body.RootElement.GetProperty("task_def_key_list").GetRawText());
        Assert.Equal("missing receipt", body.RootElement.GetProperty("reason").GetString());
    }
}
