using Larkway.Feishu;
using Larkway.Feishu.Approval;

namespace Larkway.Integration.Tests.Approvals;

/// <summary>Definitions: the client's create, get, subscribe and unsubscribe against the Emulator's approval engine.</summary>
public sealed class ApprovalDefinitionTests(ApprovalFixture fx) : IClassFixture<ApprovalFixture>
{
    [Fact]
    public async Task A_created_definition_reads_back_with_its_widgets_options_detail_table_and_nodes()
    {
        var definition = await fx.CreateDefinitionAsync();

        Assert.Equal("approval name", definition.ApprovalName);
        Assert.Equal("ACTIVE", definition.Status);
        Assert.Equal(ApprovalFixture.EveryWidget().Select(w => (w.Id, w.Type)), definition.Form.Select(w => (w.Id, w.Type)));
        var method = definition.FindWidget("method")!;
        Assert.Equal("w_radio2", method.Id);
        Assert.True(method.Required);
        Assert.Equal(["bank", "card"], method.Options.Select(o => o.Value));
        var items = definition.FindWidget("items")!;
        Assert.Equal(["w_item", "w_price", "w_kind"], items.Children.Select(c => c.Id));
        Assert.Equal(["item", "price", null], items.Children.Select(c => c.CustomId));
        Assert.Equal(["goods", "service"], items.Children[2].Options.Select(o => o.Value));

        Assert.Equal(["lead", "finance", "review"], definition.Nodes.Where(n => n.CustomNodeId is not null).Select(n => n.CustomNodeId));
        Assert.Equal(["OR", "AND", "SEQUENTIAL"], definition.Nodes.Where(n => n.CustomNodeId is not null).Select(n => n.NodeType));
        Assert.All(definition.Nodes, n => Assert.False(string.IsNullOrEmpty(n.NodeId)));
    }

    [Fact]
    public async Task A_self_select_node_reads_back_as_needing_approvers()
    {
        var definition = await fx.CreateDefinitionAsync(
            [ApprovalFixture.Widget("w_title", "input")],
            [ApprovalNodeCreate.Start, new ApprovalNodeCreate { Id = "pick", Name = "@i18n@node_pick", NodeType = "OR", Approvers = [new ApprovalNodeUser("Free")] }, ApprovalNodeCreate.End]);

        var node = Assert.Single(definition.Nodes, n => n.CustomNodeId == "pick");
        Assert.True(node.NeedApprover);
    }

    [Fact]
    public async Task Subscribing_twice_succeeds_and_unsubscribing_ends_the_subscription()
    {
        var definition = await fx.CreateDefinitionAsync();

        await fx.Client.Approval.Definitions.SubscribeAsync(definition.ApprovalCode);
        await fx.Client.Approval.Definitions.SubscribeAsync(definition.ApprovalCode);

        var second = fx.Recorder.To("POST", $"/open-apis/approval/v4/approvals/{definition.ApprovalCode}/subscribe");
        Assert.Equal([0, FeishuErrorCodes.ApprovalAlreadySubscribed], second.Select(c => c.Code ?? -1));
        Assert.Equal([fx.AppId], await fx.SubscribersAsync(definition.ApprovalCode));

        await fx.Client.Approval.Definitions.UnsubscribeAsync(definition.ApprovalCode);

        Assert.Empty(await fx.SubscribersAsync(definition.ApprovalCode));
    }

    [Fact]
    public async Task An_unknown_code_is_1390002()
    {
        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => fx.Client.Approval.Definitions.GetAsync("NO-SUCH-DEFINITION"));

        Assert.Equal(FeishuErrorCodes.ApprovalCodeNotFound, ex.Code);
        Assert.Equal(400, (int)ex.HttpStatus!);
    }
}
