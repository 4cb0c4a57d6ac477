using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.Seed;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Approval;

public sealed class DefinitionTests
{
    [Fact]
    public async Task A_created_definition_reads_back_with_resolved_names_nodes_and_form()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var bob = emulator.User("bob@example.com");
        var code = await ApprovalApi.CreateDefinitionAsync(emulator, token, ApprovalApi.Node("manager", "OR", bob.OpenId), ApprovalApi.Node("picked", "SEQUENTIAL", "Free"));

        Assert.Matches("^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$", code);
        using var get = await emulator.GetAsync($"/open-apis/approval/v4/approvals/{code}", token);
        Assert.Equal(0, get.Code);
        Assert.Equal("Text of name", get.Data.GetProperty("approval_name").GetString());
        Assert.Equal("ACTIVE", get.Data.GetProperty("status").GetString());
        var form = JsonDocument.Parse(get.Data.GetProperty("form").GetString()!).RootElement;
        Assert.Equal(5, form.GetArrayLength());
        var nodes = get.Data.GetProperty("node_list").EnumerateArray().ToList();
        Assert.Equal(["manager", "picked"], nodes.Select(n => n.GetProperty("custom_node_id").GetString()));
        Assert.Equal(["OR", "SEQUENTIAL"], nodes.Select(n => n.GetProperty("node_type").GetString()));
        Assert.True(nodes[1].GetProperty("need_approver").GetBoolean());
        Assert.NotEqual(nodes[0].GetProperty("node_id").GetString(), nodes[1].GetProperty("node_id").GetString());
    }

    public static TheoryData<string, string> BrokenDefinitions => new()
    {
        { "no_start", "node_list must start with" },
        { "bad_node_type", "node_type 'PARALLEL'" },
        { "radio_without_options", "needs at least one option" },
        { "missing_i18n", "'@i18n@missing' has no text" },
        { "no_viewers", "'viewers' is required" },
        { "no_approver", "has no approver" },
        { "unsupported_widget", "cannot be filled through the API" },
        { "duplicate_widget", "is used twice" },
    };

    [Theory]
    [MemberData(nameof(BrokenDefinitions))]
    public async Task Invalid_definitions_are_refused_with_1390001_naming_the_problem(string breakage, string expected)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var bob = emulator.User("bob@example.com").OpenId;
        var body = JsonNode.Parse(JsonSerializer.Serialize(ApprovalApi.DefinitionBody(ApprovalApi.Node("manager", "OR", bob))))!.AsObject();
        var widgets = JsonNode.Parse(body["form"]!["form_content"]!.GetValue<string>())!.AsArray();
        switch (breakage)
        {
            case "no_start":
                body["node_list"]!.AsArray().RemoveAt(0);
                break;
            case "bad_node_type":
                body["node_list"]![1]!["node_type"] = "PARALLEL";
                break;
            case "radio_without_options":
                widgets[2]!.AsObject().Remove("option");
                break;
            case "missing_i18n":
                body["approval_name"] = "@i18n@missing";
                break;
            case "no_viewers":
                body.Remove("viewers");
                break;
            case "no_approver":
                body["node_list"]![1]!["approver"] = new JsonArray();
                break;
            case "unsupported_widget":
                widgets[0]!["type"] = "address";
                break;
            default:
                widgets[1]!["id"] = "amount";
                break;
        }

        body["form"]!["form_content"] = widgets.ToJsonString();
        using var reply = await emulator.SendAsync(HttpMethod.Post, "/open-apis/approval/v4/approvals", body.ToJsonString(), token);

        Assert.Equal(400, reply.Status);
        Assert.Equal(1390001, reply.Code);
        Assert.Contains(expected, reply.Msg, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Overwriting_a_definition_leaves_running_instances_on_their_own_process()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var (alice, bob, carol) = (emulator.User("alice@example.com").OpenId, emulator.User("bob@example.com").OpenId, emulator.User("carol@example.com").OpenId);
        var code = await ApprovalApi.CreateDefinitionAsync(emulator, token, ApprovalApi.Node("first", "OR", bob), ApprovalApi.Node("second", "OR", carol));
        var running = await ApprovalApi.CreateInstanceAsync(emulator, token, code, alice);

        var body = JsonNode.Parse(JsonSerializer.Serialize(ApprovalApi.DefinitionBody(ApprovalApi.Node("only", "OR", carol))))!.AsObject();
        body["approval_code"] = code;
        using var overwrite = await emulator.SendAsync(HttpMethod.Post, "/open-apis/approval/v4/approvals", body.ToJsonString(), token);
        Assert.Equal(code, overwrite.Data.GetProperty("approval_code").GetString());
        using var get = await emulator.GetAsync($"/open-apis/approval/v4/approvals/{code}", token);
        Assert.Equal(["only"], get.Data.GetProperty("node_list").EnumerateArray().Select(n => n.GetProperty("custom_node_id").GetString()));

        await ApprovalApi.ApproveAsync(emulator, token, code, running, bob);
        var instance = await ApprovalApi.GetInstanceAsync(emulator, token, running);
        Assert.Equal("PENDING", ApprovalApi.Status(instance));
        Assert.Equal("second", instance.GetProperty("task_list")[1].GetProperty("custom_node_id").GetString());
        await ApprovalApi.ApproveAsync(emulator, token, code, running, carol);
        Assert.Equal("APPROVED", ApprovalApi.Status(await ApprovalApi.GetInstanceAsync(emulator, token, running)));
    }

    [Fact]
    public async Task An_unknown_approver_is_1390004_and_an_unknown_code_is_1390002()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using var unknownUser = await emulator.PostJsonAsync("/open-apis/approval/v4/approvals", ApprovalApi.DefinitionBody(ApprovalApi.Node("manager", "OR", "ou_nobody")), token);
        using var unknownCode = await emulator.GetAsync("/open-apis/approval/v4/approvals/00000000-0000-0000-0000-000000000000", token);

        Assert.Equal(1390004, unknownUser.Code);
        Assert.Contains("ou_nobody", unknownUser.Msg, StringComparison.Ordinal);
        Assert.Equal(1390002, unknownCode.Code);
    }

    [Fact]
    public async Task Approval_endpoints_need_a_tenant_token()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var reply = await emulator.GetAsync($"/open-apis/approval/v4/approvals/{DefaultApprovals.PaymentCode}", null);

        Assert.Equal(99991661, reply.Code);
    }

    [Fact]
    public async Task Subscribing_twice_is_1390007_and_unsubscribe_allows_it_again()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var path = $"/open-apis/approval/v4/approvals/{DefaultApprovals.PaymentCode}";

        using var first = await emulator.PostJsonAsync(path + "/subscribe", new { }, token);
        using var second = await emulator.PostJsonAsync(path + "/subscribe", new { }, token);
        using var unsubscribe = await emulator.PostJsonAsync(path + "/unsubscribe", new { }, token);
        using var again = await emulator.PostJsonAsync(path + "/subscribe", new { }, token);

        Assert.Equal(0, first.Code);
        Assert.Equal(1390007, second.Code);
        Assert.Equal(0, unsubscribe.Code);
        Assert.Equal(0, again.Code);
    }

    [Fact]
    public async Task The_default_seed_has_the_sample_definitions()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using var payment = await emulator.GetAsync($"/open-apis/approval/v4/approvals/{DefaultApprovals.PaymentCode}", token);
        using var general = await emulator.GetAsync($"/open-apis/approval/v4/approvals/{DefaultApprovals.GeneralRequestCode}", token);

        Assert.Equal("Payment", payment.Data.GetProperty("approval_name").GetString());
        Assert.Equal("General request", general.Data.GetProperty("approval_name").GetString());
        using var dump = await emulator.GetAsync("/_emulator/state", null);
        Assert.Contains(dump.Data.GetProperty("approvals").GetProperty("definitions").EnumerateArray(), d => d.GetProperty("code").GetString() == DefaultApprovals.PaymentCode);
    }
}
