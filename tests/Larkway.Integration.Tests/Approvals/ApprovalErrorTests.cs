using Larkway.Feishu;
using Larkway.Feishu.Approval;

namespace Larkway.Integration.Tests.Approvals;

/// <summary>
/// The Emulator's approval errors arrive as <see cref="FeishuApiException"/> with the approval codes, and what the
/// client's own validation refuses never reaches the Emulator.
/// </summary>
public sealed class ApprovalErrorTests(ApprovalFixture fx) : IClassFixture<ApprovalFixture>
{
    [Fact]
    public async Task A_value_the_definition_does_not_offer_is_1390001_naming_the_widget()
    {
        var definition = await fx.CreateDefinitionAsync();
        var form = ApprovalForm.Of(
            new ApprovalFormValue.Input("w_input", "x"),
            new ApprovalFormValue.Amount("w_amount", 1m, "CNY"),
            new ApprovalFormValue.Radio("w_radio2", "cash"));

        // No Definition given: the client cannot check options, so the Emulator decides.
        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => fx.Client.Approval.Instances.CreateAsync(
            new ApprovalInstanceCreate { ApprovalCode = definition.ApprovalCode, OpenId = fx.AliceId, Form = form }));

        Assert.Equal(FeishuErrorCodes.ApprovalInvalidParameter, ex.Code);
        Assert.Equal(400, (int)ex.HttpStatus!);
        Assert.Contains("w_radio2", ex.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("cash", ex.ErrorMessage, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(ex.RequestId));
    }

    [Fact]
    public async Task An_instance_of_an_unknown_definition_is_1390002()
    {
        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => fx.Client.Approval.Instances.CreateAsync(
            new ApprovalInstanceCreate { ApprovalCode = "NO-SUCH-DEFINITION", OpenId = fx.AliceId, Form = ApprovalFixture.MinimalForm() }));

        Assert.Equal(FeishuErrorCodes.ApprovalCodeNotFound, ex.Code);
    }

    [Fact]
    public async Task Cancelling_someone_elses_instance_is_1390009()
    {
        var definition = await fx.CreateDefinitionAsync();
        var code = await fx.StartAsync(definition);

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => fx.Client.Approval.Instances.CancelAsync(definition.ApprovalCode, code, fx.BobId));

        Assert.Equal(FeishuErrorCodes.ApprovalNoPermission, ex.Code);
    }

    [Fact]
    public async Task An_unknown_task_is_1390010()
    {
        var definition = await fx.CreateDefinitionAsync();
        var code = await fx.StartAsync(definition);

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => fx.Client.Approval.Tasks.RejectAsync(
            new ApprovalTaskDecision { ApprovalCode = definition.ApprovalCode, InstanceCode = code, TaskId = "9999999999", UserId = fx.BobId }));

        Assert.Equal(FeishuErrorCodes.ApprovalTaskNotFound, ex.Code);
    }

    [Fact]
    public async Task Forms_the_definition_refuses_are_stopped_by_the_client_with_every_problem_named()
    {
        var definition = await fx.CreateDefinitionAsync();
        var before = await fx.ApprovalCallsAsync();
        var form = ApprovalForm.Of(
            new ApprovalFormValue.Amount("amount", 12m, "yuan"),
            new ApprovalFormValue.Radio("method", "cash"),
            new ApprovalFormValue.Checkbox("w_checkbox", ["x", "x"]),
            new ApprovalFormValue.Telephone("w_phone", "86", "138-0000"),
            new ApprovalFormValue.DateInterval("w_interval", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(-1)),
            new ApprovalFormValue.Input("no_such_widget", "?"),
            new ApprovalFormValue.FieldList("items", [[new ApprovalFormValue.Input("item", "Hotel")]]));

        var ex = await Assert.ThrowsAsync<ApprovalFormException>(() => fx.Client.Approval.Instances.CreateAsync(
            new ApprovalInstanceCreate { ApprovalCode = definition.ApprovalCode, OpenId = fx.AliceId, Form = form, Definition = definition }));

        var widgets = ex.Errors.Select(e => e.WidgetId).ToList();
        Assert.Contains("title", widgets); // required, missing
        Assert.Contains("amount", widgets);
        Assert.Contains("method", widgets);
        Assert.Contains("w_checkbox", widgets);
        Assert.Contains("w_phone", widgets);
        Assert.Contains("w_interval", widgets);
        Assert.Contains("no_such_widget", widgets);
        Assert.Contains(widgets, w => w.StartsWith("items[", StringComparison.Ordinal) && w.EndsWith("price", StringComparison.Ordinal));
        Assert.Equal(before, await fx.ApprovalCallsAsync());
    }

    [Fact]
    public async Task Bad_arguments_are_refused_before_anything_is_sent()
    {
        var definition = await fx.CreateDefinitionAsync();
        var before = await fx.ApprovalCallsAsync();
        var approval = fx.Client.Approval;

        await Assert.ThrowsAsync<ArgumentException>(() => approval.Instances.CreateAsync(new ApprovalInstanceCreate { ApprovalCode = definition.ApprovalCode, OpenId = fx.AliceId, Form = ApprovalFixture.MinimalForm(), Uuid = new string('u', 65) }));
        await Assert.ThrowsAsync<ArgumentException>(() => approval.Instances.CreateAsync(new ApprovalInstanceCreate { ApprovalCode = definition.ApprovalCode, Form = ApprovalFixture.MinimalForm() }));
        await Assert.ThrowsAsync<ArgumentException>(() => approval.Definitions.CreateAsync(new ApprovalDefinitionCreate
        {
            ApprovalName = "@i18n@approval_name", Viewers = [new ApprovalViewerCreate("TENANT")], Nodes = [ApprovalNodeCreate.Start, ApprovalFixture.Node("lead", "OR", fx.BobId)],
            I18nResources = [new ApprovalI18nResource("en-US", new Dictionary<string, string> { ["@i18n@approval_name"] = "x" }, IsDefault: true)],
        }));
        Assert.Throws<ArgumentException>(() => approval.Instances.ListCodesAsync(definition.ApprovalCode, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(-1)));
        Assert.Throws<ArgumentException>(() => approval.Tasks.QueryAsync(fx.BobId, "99"));
        await Assert.ThrowsAsync<ArgumentException>(() => approval.Instances.AddSignAsync(new ApprovalAddSign { ApprovalCode = definition.ApprovalCode, InstanceCode = "i", UserId = fx.BobId, TaskId = "t", AddSignUserIds = [fx.DaveId], AddSignType = 2 }));
        Assert.Throws<ArgumentException>(() => approval.External.ListTasksAsync(approvalCodes: ["erp"]));
        await Assert.ThrowsAsync<ArgumentException>(() => approval.Comments.CreateAsync("instance", fx.BobId, new ApprovalCommentCreate { Text = " " }));
        await Assert.ThrowsAsync<ArgumentException>(() => approval.Tasks.ApproveAsync(new ApprovalTaskDecision { ApprovalCode = definition.ApprovalCode, InstanceCode = "i", TaskId = "", UserId = fx.BobId }));

        Assert.Equal(before, await fx.ApprovalCallsAsync());
    }
}
