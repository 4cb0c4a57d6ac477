using System.Net;
using System.Text.Json;
using Larkway.Feishu.Approval;
using Larkway.Feishu.Im;
using Larkway.Feishu.Tests.Infrastructure;
using V = Larkway.Feishu.Approval.ApprovalFormValue;

namespace Larkway.Feishu.Tests.Approval;

public class ApprovalInstancesClientTests
{
    private const string Instance = """
        {"approval_name":"Expenses","approval_code":"APPROVAL-1","instance_code":"INST-1","start_time":"1769821200000","end_time":"0",
         "user_id":"u1","open_id":"ou_1","serial_number":"202601310001","department_id":"od-1","status":"PENDING","uuid":"req-1",
         "form":"[{\"id\":\"widget_reason\",\"type\":\"input\",\"value\":\"Offsite\"}]","reverted":false,
         "task_list":[{"id":"T1","user_id":"u2","open_id":"ou_2","status":"PENDING","node_id":"n1","node_name":"Manager","custom_node_id":"mgr","type":"AND","start_time":"1769821201000","end_time":"0"},
                      {"id":"T0","status":"APPROVED","type":"AUTO_PASS","start_time":"1769821200500","end_time":"1769821200600"}],
         "comment_list":[{"id":"C1","user_id":"u2","open_id":"ou_2","comment":"ok","create_time":"1769821300000"}],
         "timeline":[{"type":"START","create_time":"1769821200000","user_id":"u1","open_id":"ou_1","ext":"{}","node_key":""},
                     {"type":"TRANSFER","create_time":"1769821250000","user_id_list":["u3"],"open_id_list":["ou_3"],"task_id":"T1","comment":"over to you","node_key":"APPROVAL_1"},
                     {"type":"CC","create_time":"1769821260000","user_id":"u1","open_id":"ou_1","cc_user_list":[{"user_id":"u4","open_id":"ou_4","cc_id":"CC1"}]}]}
        """;

    private static ApprovalInstanceCreate Request(ApprovalForm? form = null, ApprovalDefinition? definition = null, string? uuid = null) => new()
    {
        ApprovalCode = "APPROVAL-1",
        OpenId = "ou_1",
        Form = form ?? ApprovalForm.Of(ApprovalFixtures.Required()),
        Definition = definition,
        Uuid = uuid,
    };

    [Fact]
    public async Task Create_posts_the_form_stringified_with_the_definitions_ids_and_returns_the_code()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"instance_code":"INST-1"}"""));
        using var client = TestClients.Create(stub);

        var code = await client.Approval.Instances.CreateAsync(Request(definition: ApprovalFixtures.Definition(), uuid: "req-1") with
        {
            DepartmentId = "od-1",
            Title = "@i18n@title",
            ForbidRevoke = true,
            NodeApprovers = new Dictionary<string, IReadOnlyList<string>> { ["mgr"] = ["ou_2", "ou_3"] },
            NodeCcUserIds = new Dictionary<string, IReadOnlyList<string>> { ["cc"] = ["u9"] },
        });

        Assert.Equal("INST-1", code);
        var call = Assert.Single(stub.ApiCalls);
        Assert.Equal((HttpMethod.Post, "/open-apis/approval/v4/instances", ""), (call.Method, call.Path, call.Query));
        Assert.StartsWith("application/json", call.ContentType, StringComparison.Ordinal);
        using var body = JsonDocument.Parse(call.Body!);
        var root = body.RootElement;
        Assert.Equal(
            ["approval_code", "open_id", "department_id", "form", "node_approver_open_id_list", "node_cc_user_id_list", "uuid", "forbid_revoke", "title"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(
            """[{"id":"widget_reason","type":"input","value":"Offsite"},{"id":"widget_qty","type":"number","value":3},{"id":"widget_amount","type":"amount","value":1200.50,"currency":"CNY"},{"id":"widget_kind","type":"radioV2","value":"a"}]""",
            root.GetProperty("form").GetString());
        Assert.Equal("""[{"key":"mgr","value":["ou_2","ou_3"]}]""", root.GetProperty("node_approver_open_id_list").GetRawText());
        Assert.Equal("""[{"key":"cc","value":["u9"]}]""", root.GetProperty("node_cc_user_id_list").GetRawText());
        Assert.Equal("req-1", root.GetProperty("uuid").GetString());
    }

    [Fact]
    public async Task Create_without_a_definition_sends_the_form_as_given()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"instance_code":"INST-2"}"""));
        using var client = TestClients.Create(stub);

        await client.Approval.Instances.CreateAsync(Request(ApprovalForm.Of(new V.Input("anything", "x"))) with { OpenId = null, UserId = "u1" });

        using var body = JsonDocument.Parse(Assert.Single(stub.ApiCalls).Body!);
        Assert.Equal("u1", body.RootElement.GetProperty("user_id").GetString());
        Assert.False(body.RootElement.TryGetProperty("open_id", out _));
        Assert.Equal("""[{"id":"anything","type":"input","value":"x"}]""", body.RootElement.GetProperty("form").GetString());
    }

    [Fact]
    public async Task Create_with_a_definition_and_an_invalid_form_throws_before_any_http_call()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"instance_code":"INST-1"}"""));
        using var client = TestClients.Create(stub);
        var form = ApprovalForm.Of(new V.Amount("amount", 5m, ""), new V.Radio("kind", "zzz"));

        var ex = await Assert.ThrowsAsync<ApprovalFormException>(() => client.Approval.Instances.CreateAsync(Request(form, ApprovalFixtures.Definition())));

        Assert.Equal(["amount", "kind", "reason", "qty"], ex.Errors.Select(e => e.WidgetId));
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task A_duplicate_uuid_means_an_earlier_create_went_through_so_its_instance_code_is_returned()
    {
        var stub = new StubHandler((r, _) => r.Method == HttpMethod.Post
            ? Responses.Error(60012, "uuid duplicate")
            : Responses.Ok(Instance));
        using var client = TestClients.Create(stub);

        var code = await client.Approval.Instances.CreateAsync(Request(uuid: "req-1"));

        Assert.Equal("INST-1", code);
        Assert.Equal(2, stub.ApiCalls.Count);
        Assert.Equal((HttpMethod.Get, "/open-apis/approval/v4/instances/req-1"), (stub.ApiCalls[1].Method, stub.ApiCalls[1].Path));
    }

    [Fact]
    public async Task A_duplicate_uuid_answer_without_a_uuid_is_not_swallowed()
    {
        var stub = new StubHandler((_, _) => Responses.Error(60012, "uuid duplicate"));
        using var client = TestClients.Create(stub);

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Approval.Instances.CreateAsync(Request()));

        Assert.Equal(FeishuErrorCodes.ApprovalDuplicateUuid, ex.Code);
        Assert.Single(stub.ApiCalls);
    }

    [Fact]
    public async Task A_server_error_is_retried_only_when_a_uuid_makes_the_create_idempotent()
    {
        var withUuid = new StubHandler((_, n) => n == 1 ? Responses.Error(1395001, "internal", HttpStatusCode.InternalServerError) : Responses.Ok("""{"instance_code":"INST-1"}"""));
        var withoutUuid = new StubHandler((_, n) => n == 1 ? Responses.Error(1395001, "internal", HttpStatusCode.InternalServerError) : Responses.Ok("""{"instance_code":"INST-1"}"""));
        using var a = TestClients.Create(withUuid);
        using var b = TestClients.Create(withoutUuid);

        Assert.Equal("INST-1", await a.Approval.Instances.CreateAsync(Request(uuid: "req-1")));
        await Assert.ThrowsAsync<FeishuApiException>(() => b.Approval.Instances.CreateAsync(Request()));

        Assert.Equal(2, withUuid.ApiCalls.Count);
        Assert.Single(withoutUuid.ApiCalls);
    }

    public static TheoryData<ApprovalInstanceCreate, string> BadRequests => new()
    {
        { Request() with { ApprovalCode = " " }, "ApprovalCode is empty" },
        { Request() with { OpenId = null }, "Give the submitter: OpenId or UserId." },
        { Request(uuid: new string('u', 65)), "Uuid has 65 characters; give 1–64" },
        { Request(uuid: ""), "Uuid has 0 characters; give 1–64" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_requests_are_refused_before_anything_is_sent(ApprovalInstanceCreate request, string message)
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"instance_code":"INST-1"}"""));
        using var client = TestClients.Create(stub);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => client.Approval.Instances.CreateAsync(request));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task Get_parses_the_instance_with_tasks_comments_and_timeline()
    {
        var stub = new StubHandler((_, _) => Responses.Ok(Instance));
        using var client = TestClients.Create(stub);

        var instance = await client.Approval.Instances.GetAsync("INST-1", UserIdType.UserId);

        var call = Assert.Single(stub.ApiCalls);
        Assert.Equal(("/open-apis/approval/v4/instances/INST-1", "?user_id_type=user_id"), (call.Path, call.Query));
        Assert.Equal(("INST-1", "APPROVAL-1", "Expenses", ApprovalStatus.Pending, "req-1"), (instance.InstanceCode, instance.ApprovalCode, instance.ApprovalName, instance.Status, instance.Uuid));
        Assert.Equal(("u1", "ou_1", "od-1", "202601310001"), (instance.UserId, instance.OpenId, instance.DepartmentId, instance.SerialNumber));
        Assert.Equal(ApprovalFixtures.Nine, instance.StartTime);
        Assert.Null(instance.EndTime);
        Assert.Equal("""[{"id":"widget_reason","type":"input","value":"Offsite"}]""", instance.Form);
        Assert.False(instance.Reverted);

        Assert.Equal(2, instance.Tasks.Count);
        var pending = instance.Tasks[0];
        Assert.Equal(("T1", "u2", "ou_2", "PENDING", "n1", "Manager", "mgr", "AND"), (pending.Id, pending.UserId, pending.OpenId, pending.Status, pending.NodeId, pending.NodeName, pending.CustomNodeId, pending.Type));
        Assert.Equal(ApprovalFixtures.Nine.AddSeconds(1), pending.StartTime);
        Assert.Null(pending.EndTime);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1769821200600), instance.Tasks[1].EndTime);
        Assert.Null(instance.Tasks[1].UserId);

        var comment = Assert.Single(instance.Comments);
        Assert.Equal(("C1", "ok", DateTimeOffset.FromUnixTimeMilliseconds(1769821300000)), (comment.Id, comment.Comment, comment.CreateTime));

        Assert.Equal(["START", "TRANSFER", "CC"], instance.Timeline.Select(t => t.Type));
        var transfer = instance.Timeline[1];
        Assert.Equal(["u3"], transfer.UserIds);
        Assert.Equal(["ou_3"], transfer.OpenIds);
        Assert.Empty(transfer.CcUsers);

        // CC entries name the copied users in cc_user_list (found against the Emulator: they were dropped).
        Assert.Equal([new ApprovalCcUser("u4", "ou_4", "CC1")], instance.Timeline[2].CcUsers);
        Assert.Equal(("T1", "over to you", "APPROVAL_1"), (transfer.TaskId, transfer.Comment, transfer.NodeKey));
        Assert.Null(instance.Timeline[0].NodeKey);
    }

    [Fact]
    public async Task An_unknown_instance_is_a_FeishuApiException()
    {
        var stub = new StubHandler((_, _) => Responses.Error(1390003, "instance code not found"));
        using var client = TestClients.Create(stub);

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Approval.Instances.GetAsync("NOPE"));

        Assert.Equal(FeishuErrorCodes.ApprovalInstanceNotFound, ex.Code);
    }

    [Fact]
    public async Task List_codes_walks_the_pages_with_the_window_in_epoch_milliseconds()
    {
        var stub = new StubHandler((r, n) => n == 1
            ? Responses.Ok("""{"instance_code_list":["I1","I2"],"has_more":true,"page_token":"p2"}""")
            : Responses.Ok("""{"instance_code_list":["I3"],"has_more":false}"""));
        using var client = TestClients.Create(stub);
        var from = ApprovalFixtures.Nine;

        var codes = await client.Approval.Instances.ListCodesAsync("APPROVAL-1", from, from.AddHours(10), pageSize: 2).ToListAsync();

        Assert.Equal(["I1", "I2", "I3"], codes);
        Assert.Equal(
            ["?approval_code=APPROVAL-1&start_time=1769821200000&end_time=1769857200000&page_size=2",
             "?approval_code=APPROVAL-1&start_time=1769821200000&end_time=1769857200000&page_size=2&page_token=p2"],
            stub.ApiCalls.Select(c => c.Query));
        Assert.All(stub.ApiCalls, c => Assert.Equal("/open-apis/approval/v4/instances", c.Path));
    }

    [Fact]
    public void List_codes_refuses_a_window_that_ends_before_it_starts_and_a_bad_page_size()
    {
        using var client = TestClients.Create(new StubHandler((_, _) => Responses.Ok()));

        Assert.Throws<ArgumentException>(() => client.Approval.Instances.ListCodesAsync("A", ApprovalFixtures.Nine, ApprovalFixtures.Nine.AddSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => client.Approval.Instances.ListCodesAsync("A", ApprovalFixtures.Nine, ApprovalFixtures.Nine, pageSize: 101));
    }

    [Fact]
    public async Task Cancel_posts_the_three_ids_with_the_user_id_type()
    {
        var stub = new StubHandler((_, _) => Responses.Ok());
        using var client = TestClients.Create(stub);

        await client.Approval.Instances.CancelAsync("APPROVAL-1", "INST-1", "u1", UserIdType.UserId);

        var call = Assert.Single(stub.ApiCalls);
        Assert.Equal(("/open-apis/approval/v4/instances/cancel", "?user_id_type=user_id"), (call.Path, call.Query));
        Assert.Equal("""{"approval_code":"APPROVAL-1","instance_code":"INST-1","user_id":"u1"}""", call.Body);
    }
}
