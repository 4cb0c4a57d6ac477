using System.Net;
using System.Text.Json;
using Larkway.Feishu.Approval;
using Larkway.Feishu.Tests.Infrastructure;

namespace Larkway.Feishu.Tests.Approval;

public class ExternalApprovalsClientTests
{
    private static readonly IReadOnlyList<ApprovalI18nResource> Texts = [new("en-US", new Dictionary<string, string> { ["@i18n@t"] = "Purchase" }, true)];

    private static ExternalApprovalDefinition Definition => new()
    {
        ApprovalCode = "erp-purchase",
        ApprovalName = "@i18n@t",
        GroupCode = "erp",
        External = new ExternalApprovalSettings { BizName = "@i18n@t", CreateLinkPc = "https://erp/new", ActionCallbackUrl = "https://erp/cb", ActionCallbackToken = "cb-token" },
        Viewers = [new ApprovalViewerCreate("TENANT")],
        I18nResources = Texts,
    };

    private static ExternalApprovalInstance Instance => new()
    {
        ApprovalCode = "erp-purchase",
        InstanceId = "PO-1",
        Status = "PENDING",
        PcLink = "https://erp/po/1",
        Title = "@i18n@t",
        Form = [new ExternalApprovalField("@i18n@t", "@i18n@t")],
        OpenId = "ou_1",
        StartTime = ApprovalFixtures.Nine,
        UpdateTime = ApprovalFixtures.Nine.AddMinutes(1),
        Tasks = [new ExternalApprovalTask { TaskId = "PO-1-T1", OpenId = "ou_2", PcLink = "https://erp/po/1/t1", Status = "PENDING", CreateTime = ApprovalFixtures.Nine }],
        I18nResources = Texts,
    };

    [Fact]
    public async Task Create_definition_posts_the_external_settings_and_returns_your_code()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"approval_code":"feishu-side-code"}"""));
        using var client = TestClients.Create(stub);

        var code = await client.Approval.External.CreateDefinitionAsync(Definition);

        Assert.Equal("erp-purchase", code);
        var call = Assert.Single(stub.ApiCalls);
        Assert.Equal(("/open-apis/approval/v4/external_approvals", "?user_id_type=open_id"), (call.Path, call.Query));
        using var body = JsonDocument.Parse(call.Body!);
        var external = body.RootElement.GetProperty("external");
        Assert.Equal(("https://erp/cb", "cb-token", true, true), (external.GetProperty("action_callback_url").GetString(), external.GetProperty("action_callback_token").GetString(), external.GetProperty("support_pc").GetBoolean(), external.GetProperty("support_mobile").GetBoolean()));
        Assert.Equal("erp-purchase", body.RootElement.GetProperty("approval_code").GetString());
        Assert.Equal("TENANT", body.RootElement.GetProperty("viewers")[0].GetProperty("viewer_type").GetString());
    }

    [Fact]
    public async Task Create_definition_refuses_a_definition_shown_nowhere()
    {
        var stub = new StubHandler((_, _) => Responses.Ok());
        using var client = TestClients.Create(stub);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => client.Approval.External.CreateDefinitionAsync(Definition with { External = new ExternalApprovalSettings { SupportPc = false, SupportMobile = false } }));

        Assert.StartsWith("External.SupportPc and External.SupportMobile are both false", ex.Message, StringComparison.Ordinal);
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task Get_definition_parses_it()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"approval_name":"@i18n@t","approval_code":"erp-purchase","group_code":"erp","external":{"biz_name":"@i18n@t","support_pc":true,"support_mobile":false},"viewers":[{"viewer_type":"TENANT"}],"i18n_resources":[{"locale":"en-US","texts":[{"key":"@i18n@t","value":"Purchase"}],"is_default":true}],"managers":["ou_m"]}"""));
        using var client = TestClients.Create(stub);

        var definition = await client.Approval.External.GetDefinitionAsync("erp-purchase");

        Assert.Equal("/open-apis/approval/v4/external_approvals/erp-purchase", Assert.Single(stub.ApiCalls).Path);
        Assert.Equal(("erp-purchase", "erp", true, false), (definition.ApprovalCode, definition.GroupCode, definition.External.SupportPc, definition.External.SupportMobile));
        Assert.Equal("Purchase", Assert.Single(definition.I18nResources).Texts["@i18n@t"]);
        Assert.Equal(["ou_m"], definition.Managers);
    }

    [Fact]
    public async Task Sync_instance_sends_times_as_epoch_strings_with_zero_for_open_ends()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"data":{}}"""));
        using var client = TestClients.Create(stub);

        await client.Approval.External.SyncInstanceAsync(Instance);

        var call = Assert.Single(stub.ApiCalls);
        Assert.Equal((HttpMethod.Post, "/open-apis/approval/v4/external_instances"), (call.Method, call.Path));
        using var body = JsonDocument.Parse(call.Body!);
        var root = body.RootElement;
        Assert.Equal(("1769821200000", "0", "1769821260000"), (root.GetProperty("start_time").GetString(), root.GetProperty("end_time").GetString(), root.GetProperty("update_time").GetString()));
        Assert.Equal("""{"pc_link":"https://erp/po/1"}""", root.GetProperty("links").GetRawText());
        var task = root.GetProperty("task_list")[0];
        Assert.Equal(("PO-1-T1", "1769821200000", "0"), (task.GetProperty("task_id").GetString(), task.GetProperty("create_time").GetString(), task.GetProperty("end_time").GetString()));
        Assert.False(root.TryGetProperty("cc_list", out _));
    }

    [Fact]
    public async Task Sync_instance_is_idempotent_so_a_server_error_is_retried()
    {
        var stub = new StubHandler((_, n) => n == 1 ? Responses.Error(1395001, "internal", HttpStatusCode.InternalServerError) : Responses.Ok());
        using var client = TestClients.Create(stub);

        await client.Approval.External.SyncInstanceAsync(Instance);

        Assert.Equal(2, stub.ApiCalls.Count);
    }

    public static TheoryData<ExternalApprovalInstance, string> BadInstances => new()
    {
        { Instance with { Status = "DONE" }, "Status 'DONE' is not one of" },
        { Instance with { PcLink = "" }, "PcLink is empty" },
        { Instance with { Tasks = [Instance.Tasks[0] with { Status = "WAITING" }] }, "Task 'PO-1-T1' has status 'WAITING'" },
        { Instance with { Tasks = [.. Enumerable.Repeat(Instance.Tasks[0], 301)] }, "301 tasks" },
    };

    [Theory]
    [MemberData(nameof(BadInstances))]
    public async Task Bad_instances_are_refused_before_sending(ExternalApprovalInstance instance, string message)
    {
        var stub = new StubHandler((_, _) => Responses.Ok());
        using var client = TestClients.Create(stub);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => client.Approval.External.SyncInstanceAsync(instance));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task Check_returns_the_instances_feishu_holds_differently()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"diff_instances":[{"instance_id":"PO-2","update_time":"1769821200000","tasks":[{"task_id":"PO-2-T1","update_time":"1769821200000"}]}]}"""));
        using var client = TestClients.Create(stub);

        var diff = await client.Approval.External.CheckInstancesAsync([new ExternalInstanceCheck("PO-2", ApprovalFixtures.Nine.AddMinutes(5), [new ExternalTaskCheck("PO-2-T1", ApprovalFixtures.Nine)])]);

        var call = Assert.Single(stub.ApiCalls);
        Assert.Equal("/open-apis/approval/v4/external_instances/check", call.Path);
        Assert.Equal("""{"instances":[{"instance_id":"PO-2","update_time":"1769821500000","tasks":[{"task_id":"PO-2-T1","update_time":"1769821200000"}]}]}""", call.Body);
        var one = Assert.Single(diff);
        Assert.Equal(("PO-2", ApprovalFixtures.Nine), (one.InstanceId, one.UpdateTime));
    }

    [Fact]
    public async Task List_tasks_is_a_get_with_the_filters_in_the_body()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"data":[{"instance_id":"PO-1","approval_id":"x","approval_code":"erp-purchase","status":"PENDING","update_time":"1769821200000","tasks":[{"id":"PO-1-T1","status":"PENDING","update_time":"1769821200000"}]}],"has_more":false}"""));
        using var client = TestClients.Create(stub);

        var list = await client.Approval.External.ListTasksAsync(instanceIds: ["PO-1"], pageSize: 100).ToListAsync();

        var call = Assert.Single(stub.ApiCalls);
        Assert.Equal((HttpMethod.Get, "/open-apis/approval/v4/external_tasks", "?page_size=100"), (call.Method, call.Path, call.Query));
        Assert.Equal("""{"instance_ids":["PO-1"]}""", call.Body);
        var item = Assert.Single(list);
        Assert.Equal(("PO-1", "erp-purchase", "PENDING"), (item.InstanceId, item.ApprovalCode, item.Status));
        Assert.Equal(new ExternalTaskState("PO-1-T1", "PENDING", ApprovalFixtures.Nine), Assert.Single(item.Tasks));
    }

    [Fact]
    public void List_tasks_needs_instance_ids_or_codes_with_a_status()
    {
        using var client = TestClients.Create(new StubHandler((_, _) => Responses.Ok()));

        Assert.Throws<ArgumentException>(() => client.Approval.External.ListTasksAsync(approvalCodes: ["erp-purchase"]));
        Assert.Throws<ArgumentException>(() => client.Approval.External.ListTasksAsync(instanceIds: [.. Enumerable.Range(0, 21).Select(i => $"PO-{i}")]));
        Assert.Throws<ArgumentException>(() => client.Approval.External.ListTasksAsync(approvalCodes: ["a"], status: "WAITING"));
    }
}

public class ExternalApprovalSettingsTests
{
    [Fact]
    public void ToString_never_shows_the_callback_secrets()
    {
        var text = new ExternalApprovalSettings { ActionCallbackToken = "cb-token-secret", ActionCallbackKey = "cb-key-secret", ActionCallbackUrl = "https://erp/cb" }.ToString();

        Assert.DoesNotContain("secret", text, StringComparison.Ordinal);
        Assert.Contains("ActionCallbackToken = ***", text, StringComparison.Ordinal);
        Assert.Contains("https://erp/cb", text, StringComparison.Ordinal);
    }
}
