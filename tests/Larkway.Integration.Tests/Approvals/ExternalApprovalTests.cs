using Larkway.Feishu.Approval;

namespace Larkway.Integration.Tests.Approvals;

/// <summary>Third-party approvals: definition create/get, instance sync (REPLACE and UPDATE by update_time), check, task list.</summary>
public sealed class ExternalApprovalTests(ApprovalFixture fx) : IClassFixture<ApprovalFixture>
{
    private static readonly DateTimeOffset Submitted = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly IReadOnlyList<ApprovalI18nResource> Texts =
        [new("en-US", new Dictionary<string, string> { ["@i18n@purchase"] = "Purchase", ["@i18n@po_title"] = "PO 4711" }, IsDefault: true)];

    [Fact]
    public async Task A_definition_reads_back_with_its_settings()
    {
        var code = await CreateDefinitionAsync("erp-purchase-def");

        var definition = await fx.Client.Approval.External.GetDefinitionAsync(code);

        Assert.Equal(code, definition.ApprovalCode);
        Assert.Equal("https://erp.example/po/new", definition.External.CreateLinkPc);
        Assert.True(definition.External.SupportPc);
        Assert.Equal("https://erp.example/feishu/approval", definition.External.ActionCallbackUrl);
    }

    [Fact]
    public async Task Sync_replaces_update_applies_only_newer_times_and_check_reports_the_differences()
    {
        var code = await CreateDefinitionAsync("erp-purchase-sync");
        var pending = Instance(code, "PO-4711", "PENDING", Submitted.AddMinutes(1));
        await fx.Client.Approval.External.SyncInstanceAsync(pending);

        // UPDATE with an older update_time is ignored; with a newer one it applies (instance and task alike).
        await fx.Client.Approval.External.SyncInstanceAsync(Instance(code, "PO-4711", "APPROVED", Submitted, update: true));
        Assert.Equal("PENDING", (await TasksAsync("PO-4711")).Status);
        await fx.Client.Approval.External.SyncInstanceAsync(Instance(code, "PO-4711", "APPROVED", Submitted.AddMinutes(2), update: true));
        var approved = await TasksAsync("PO-4711");
        Assert.Equal("APPROVED", approved.Status);
        Assert.Equal(Submitted.AddMinutes(2), approved.UpdateTime);
        Assert.Equal([("PO-4711-1", "APPROVED")], approved.Tasks.Select(t => (t.Id, t.Status)));

        var differences = await fx.Client.Approval.External.CheckInstancesAsync(
        [
            new ExternalInstanceCheck("PO-4711", Submitted.AddMinutes(1), [new ExternalTaskCheck("PO-4711-1", Submitted.AddMinutes(1))]),
        ]);

        var difference = Assert.Single(differences);
        Assert.Equal("PO-4711", difference.InstanceId);
        Assert.Equal(Submitted.AddMinutes(2), difference.UpdateTime);
        var upToDate = await fx.Client.Approval.External.CheckInstancesAsync([new ExternalInstanceCheck("PO-4711", Submitted.AddMinutes(2), [new ExternalTaskCheck("PO-4711-1", Submitted.AddMinutes(2))])]);
        Assert.Empty(upToDate);
    }

    [Fact]
    public async Task The_task_list_filters_by_definition_and_status()
    {
        var code = await CreateDefinitionAsync("erp-purchase-list");
        await fx.Client.Approval.External.SyncInstanceAsync(Instance(code, "PO-1", "PENDING", Submitted));
        await fx.Client.Approval.External.SyncInstanceAsync(Instance(code, "PO-2", "PENDING", Submitted));
        await fx.Client.Approval.External.SyncInstanceAsync(Instance(code, "PO-3", "APPROVED", Submitted));

        var pending = await fx.Client.Approval.External.ListTasksAsync(approvalCodes: [code], status: "PENDING").ToListAsync();

        Assert.Equal(["PO-1", "PO-2"], pending.Select(i => i.InstanceId).Order(StringComparer.Ordinal));
        Assert.All(pending, i => Assert.Equal(code, i.ApprovalCode));
    }

    private async Task<ExternalInstanceTasks> TasksAsync(string instanceId) =>
        Assert.Single(await fx.Client.Approval.External.ListTasksAsync(instanceIds: [instanceId]).ToListAsync());

    private Task<string> CreateDefinitionAsync(string code) =>
        fx.Client.Approval.External.CreateDefinitionAsync(new ExternalApprovalDefinition
        {
            ApprovalCode = code,
            ApprovalName = "@i18n@purchase",
            External = new ExternalApprovalSettings { CreateLinkPc = "https://erp.example/po/new", ActionCallbackUrl = "https://erp.example/feishu/approval", ActionCallbackToken = "callback-token", ActionCallbackKey = "callback-key-0123456789abcdef" },
            Viewers = [new ApprovalViewerCreate("TENANT")],
            I18nResources = Texts,
        });

    private ExternalApprovalInstance Instance(string code, string id, string status, DateTimeOffset updated, bool update = false)
    {
        var taskStatus = status == "PENDING" ? "PENDING" : "APPROVED";
        return new ExternalApprovalInstance
        {
            ApprovalCode = code,
            InstanceId = id,
            Status = status,
            Title = "@i18n@po_title",
            PcLink = $"https://erp.example/po/{id}",
            OpenId = fx.AliceId,
            StartTime = Submitted,
            EndTime = status == "PENDING" ? null : updated,
            UpdateTime = updated,
            UpdateMode = update ? "UPDATE" : "REPLACE",
            Tasks =
            [
                new ExternalApprovalTask
                {
                    TaskId = id + "-1", OpenId = fx.BobId, PcLink = $"https://erp.example/po/{id}", Status = taskStatus, CreateTime = Submitted,
                    EndTime = taskStatus == "PENDING" ? null : updated, UpdateTime = updated,
                },
            ],
            I18nResources = Texts,
        };
    }
}
