using System.Net;
using System.Text.Json;
using Larkway.Feishu.Approval;
using Larkway.Feishu.Tests.Infrastructure;

namespace Larkway.Feishu.Tests.Approval;

public class ApprovalDefinitionsClientTests
{
    [Fact]
    public async Task Get_parses_the_stringified_form_into_widgets_and_the_nodes()
    {
        var stub = new StubHandler((_, _) => Responses.Ok(ApprovalFixtures.DefinitionResponse()));
        using var client = TestClients.Create(stub);

        var definition = await client.Approval.Definitions.GetAsync("APPROVAL-1", locale: "en-US");

        var call = Assert.Single(stub.ApiCalls);
        Assert.Equal(HttpMethod.Get, call.Method);
        Assert.Equal("/open-apis/approval/v4/approvals/APPROVAL-1", call.Path);
        Assert.Equal("?locale=en-US", call.Query);
        Assert.Equal("Bearer t-token-1", call.Authorization);

        Assert.Equal(("APPROVAL-1", "Expenses", "ACTIVE"), (definition.ApprovalCode, definition.ApprovalName, definition.Status));
        Assert.Equal(20, definition.Form.Count);
        var kind = definition.FindWidget("kind")!;
        Assert.Equal(("widget_kind", "radioV2", true), (kind.Id, kind.Type, kind.Required));
        Assert.Equal([new ApprovalWidgetOption("a", "Travel"), new ApprovalWidgetOption("b", "Training")], kind.Options);
        var items = definition.FindWidget("widget_items")!;
        Assert.Equal(["item_name", "price"], items.Children.Select(c => c.CustomId));
        Assert.Null(definition.FindWidget("widget_notes")!.CustomId);
        Assert.Equal(ApprovalFixtures.FormJson, definition.FormJson);

        var node = definition.Nodes[0];
        Assert.Equal(("n1", "mgr", "Manager", "AND", true), (node.NodeId, node.CustomNodeId, node.Name, node.NodeType, node.NeedApprover));
        Assert.Null(definition.Nodes[1].CustomNodeId);
        Assert.Equal(new ApprovalViewer("TENANT", null, null), Assert.Single(definition.Viewers));
        Assert.Equal(["ou_admin"], definition.AdminIds);
    }

    [Fact]
    public async Task Get_escapes_the_code_in_the_path_and_refuses_an_empty_one()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"approval_name":"x","status":"ACTIVE","form":"[]","node_list":[]}"""));
        using var client = TestClients.Create(stub);

        var definition = await client.Approval.Definitions.GetAsync("A/B C");
        await Assert.ThrowsAsync<ArgumentException>(() => client.Approval.Definitions.GetAsync(" "));

        Assert.Equal("/open-apis/approval/v4/approvals/A%2FB%20C", Assert.Single(stub.ApiCalls).Uri.AbsolutePath);
        Assert.Empty(definition.Form);
    }

    [Fact]
    public async Task An_unknown_code_is_a_FeishuApiException_with_the_approval_code()
    {
        var stub = new StubHandler((_, _) => Responses.Error(1390002, "approval code not found"));
        using var client = TestClients.Create(stub);

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Approval.Definitions.GetAsync("NOPE"));

        Assert.Equal(FeishuErrorCodes.ApprovalCodeNotFound, ex.Code);
        Assert.Equal(HttpStatusCode.BadRequest, ex.HttpStatus);
        Assert.False(ex.IsTransient);
    }

    [Fact]
    public async Task Subscribe_posts_and_treats_already_subscribed_as_success()
    {
        var stub = new StubHandler((_, n) => n == 1 ? Responses.Ok() : Responses.Error(1390007, "subscription exist"));
        using var client = TestClients.Create(stub);

        await client.Approval.Definitions.SubscribeAsync("APPROVAL-1");
        await client.Approval.Definitions.SubscribeAsync("APPROVAL-1");

        Assert.All(stub.ApiCalls, c => Assert.Equal((HttpMethod.Post, "/open-apis/approval/v4/approvals/APPROVAL-1/subscribe"), (c.Method, c.Path)));
        Assert.Equal(2, stub.ApiCalls.Count);
    }

    [Fact]
    public async Task Subscribe_still_fails_on_other_codes()
    {
        var stub = new StubHandler((_, _) => Responses.Error(1390002, "approval code not found"));
        using var client = TestClients.Create(stub);

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Approval.Definitions.SubscribeAsync("NOPE"));

        Assert.Equal(FeishuErrorCodes.ApprovalCodeNotFound, ex.Code);
    }

    [Fact]
    public async Task Unsubscribe_posts_to_unsubscribe()
    {
        var stub = new StubHandler((_, _) => Responses.Ok());
        using var client = TestClients.Create(stub);

        await client.Approval.Definitions.UnsubscribeAsync("APPROVAL-1");

        Assert.Equal("/open-apis/approval/v4/approvals/APPROVAL-1/unsubscribe", Assert.Single(stub.ApiCalls).Path);
    }

    [Fact]
    public async Task Create_sends_the_documented_body_with_the_form_stringified()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"approval_code":"NEW-1","approval_id":"7000"}"""));
        using var client = TestClients.Create(stub);

        var created = await client.Approval.Definitions.CreateAsync(new ApprovalDefinitionCreate
        {
            ApprovalName = "@i18n@approval_name",
            Viewers = [new ApprovalViewerCreate("TENANT")],
            Form = [new ApprovalWidgetDefinition { Id = "w1", Name = "@i18n@w1", Type = "radioV2", Required = true, Options = [new("a", "@i18n@a")] }],
            Nodes = [ApprovalNodeCreate.Start, new ApprovalNodeCreate { Id = "mgr", Name = "@i18n@mgr", NodeType = "AND", Approvers = [new ApprovalNodeUser("Supervisor", Level: "1")] }, ApprovalNodeCreate.End],
            Config = new ApprovalDefinitionConfig(CanUpdateForm: true),
            I18nResources = [new ApprovalI18nResource("en-US", new Dictionary<string, string> { ["@i18n@approval_name"] = "Expenses" }, true)],
        });

        Assert.Equal(new ApprovalDefinitionCreated("NEW-1", "7000"), created);
        var call = Assert.Single(stub.ApiCalls);
        Assert.Equal(("/open-apis/approval/v4/approvals", "?user_id_type=open_id"), (call.Path, call.Query));
        using var body = JsonDocument.Parse(call.Body!);
        var root = body.RootElement;
        Assert.Equal("@i18n@approval_name", root.GetProperty("approval_name").GetString());
        Assert.False(root.TryGetProperty("approval_code", out _));
        Assert.Equal("TENANT", root.GetProperty("viewers")[0].GetProperty("viewer_type").GetString());
        Assert.Equal("""[{"id":"w1","name":"@i18n@w1","type":"radioV2","required":true,"option":[{"value":"a","text":"@i18n@a"}]}]""", root.GetProperty("form").GetProperty("form_content").GetString());
        Assert.Equal(["START", "mgr", "END"], root.GetProperty("node_list").EnumerateArray().Select(n => n.GetProperty("id").GetString()));
        Assert.Equal("""{"type":"Supervisor","level":"1"}""", root.GetProperty("node_list")[1].GetProperty("approver")[0].GetRawText());
        Assert.True(root.GetProperty("config").GetProperty("can_update_form").GetBoolean());
        Assert.Equal("""[{"locale":"en-US","texts":[{"key":"@i18n@approval_name","value":"Expenses"}],"is_default":true}]""", root.GetProperty("i18n_resources").GetRawText());
    }

    [Fact]
    public async Task Create_refuses_a_process_without_start_and_end_before_sending()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"approval_code":"NEW-1"}"""));
        using var client = TestClients.Create(stub);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => client.Approval.Definitions.CreateAsync(new ApprovalDefinitionCreate
        {
            ApprovalName = "@i18n@approval_name",
            Viewers = [],
            Nodes = [new ApprovalNodeCreate { Id = "mgr" }],
            I18nResources = [new ApprovalI18nResource("en-US", new Dictionary<string, string>(), true)],
        }));

        Assert.Contains("ApprovalNodeCreate.Start", ex.Message, StringComparison.Ordinal);
        Assert.Empty(stub.Requests);
    }
}
