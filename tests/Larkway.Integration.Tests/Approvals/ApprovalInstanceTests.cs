using System.Text.Json;
using Larkway.Feishu;
using Larkway.Feishu.Approval;

namespace Larkway.Integration.Tests.Approvals;

/// <summary>Instances: typed forms of every widget type over the real wire, reads, uuids, listing and the instance actions.</summary>
public sealed class ApprovalInstanceTests(ApprovalFixture fx) : IClassFixture<ApprovalFixture>
{
    private static readonly DateTimeOffset Day = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task Typed_values_of_every_widget_type_are_accepted_and_stored()
    {
        var definition = await fx.CreateDefinitionAsync();
        var form = ApprovalForm.Of(
            new ApprovalFormValue.Input("title", "Team offsite"),
            new ApprovalFormValue.Textarea("w_textarea", "two\nlines"),
            new ApprovalFormValue.Number("w_number", 42),
            new ApprovalFormValue.Amount("amount", 1200.50m, "CNY"),
            new ApprovalFormValue.Formula("w_formula", 3.5m),
            new ApprovalFormValue.Date("w_date", Day),
            new ApprovalFormValue.DateInterval("w_interval", Day, Day.AddDays(2)),
            new ApprovalFormValue.Radio("w_radio", "b"),
            new ApprovalFormValue.Radio("method", "card"),
            new ApprovalFormValue.Checkbox("w_checkbox", ["x", "z"]),
            new ApprovalFormValue.Checkbox("w_checkbox2", ["q"]),
            new ApprovalFormValue.Contact("w_contact", [fx.Bob.UserId], [fx.CarolId]),
            new ApprovalFormValue.Department("w_department", [fx.DepartmentId]),
            new ApprovalFormValue.Telephone("w_phone", "+86", "13800000000"),
            new ApprovalFormValue.Attachment("w_attachment", ["file-code-1"]),
            new ApprovalFormValue.Image("w_image", ["img-code-1"]),
            new ApprovalFormValue.Image("w_image2", ["img-code-2"]),
            new ApprovalFormValue.Connect("w_connect", ["instance-code-1"]),
            new ApprovalFormValue.Document("w_document", "doxcnAbc123"),
            new ApprovalFormValue.FieldList("items",
            [
                [new ApprovalFormValue.Input("item", "Hotel"), new ApprovalFormValue.Amount("price", 900m, "CNY"), new ApprovalFormValue.Radio("w_kind", "service")],
                [new ApprovalFormValue.Input("item", "Train"), new ApprovalFormValue.Amount("price", 300.5m, "CNY")],
            ]));
        Assert.Empty(form.Validate(definition));

        var code = await fx.Client.Approval.Instances.CreateAsync(new ApprovalInstanceCreate { ApprovalCode = definition.ApprovalCode, OpenId = fx.AliceId, Form = form, Definition = definition });

        var instance = await fx.Client.Approval.Instances.GetAsync(code);
        using var stored = JsonDocument.Parse(instance.Form);
        var byId = stored.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("id").GetString()!, StringComparer.Ordinal);
        Assert.Equal(definition.Form.Select(w => w.Id).Order(StringComparer.Ordinal), byId.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Team offsite", byId["w_input"].GetProperty("value").GetString());
        Assert.Equal(1200.50m, byId["w_amount"].GetProperty("value").GetDecimal());
        Assert.Equal("card", byId["w_radio2"].GetProperty("value").GetString());
        Assert.Equal(2, byId["w_items"].GetProperty("value").GetArrayLength());
    }

    [Fact]
    public async Task A_form_from_loose_json_creates_an_instance()
    {
        var definition = await fx.CreateDefinitionAsync();
        using var loose = JsonDocument.Parse($$$"""
            {
              "title": "Laptop",
              "amount": {"value": "2499.99", "currency": "USD"},
              "method": "bank",
              "w_number": "7",
              "w_date": "2026-03-02T09:00:00+08:00",
              "w_interval": {"start": "2026-03-02T09:00:00+08:00", "end": "2026-03-04T18:00:00+08:00"},
              "w_checkbox": "y",
              "w_contact": ["{{{fx.CarolId}}}"],
              "w_phone": "+86 13800000000",
              "w_textarea": null,
              "items": [{"item": "Dock", "price": {"value": 150, "currency": "USD"}}]
            }
            """);

        var form = ApprovalForm.FromJson(loose.RootElement, definition);
        var code = await fx.Client.Approval.Instances.CreateAsync(new ApprovalInstanceCreate { ApprovalCode = definition.ApprovalCode, OpenId = fx.AliceId, Form = form, Definition = definition });

        var instance = await fx.Client.Approval.Instances.GetAsync(code);
        using var stored = JsonDocument.Parse(instance.Form);
        var byId = stored.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("id").GetString()!, StringComparer.Ordinal);
        Assert.Equal(2499.99m, byId["w_amount"].GetProperty("value").GetDecimal());
        Assert.Equal("USD", byId["w_amount"].GetProperty("currency").GetString());
        Assert.Equal(["y"], byId["w_checkbox"].GetProperty("value").EnumerateArray().Select(v => v.GetString()));
        Assert.False(byId.ContainsKey("w_textarea"));
    }

    [Fact]
    public async Task A_new_instance_reads_with_its_tasks_timeline_and_an_open_end()
    {
        var definition = await fx.CreateDefinitionAsync();
        var code = await fx.StartAsync(definition, uuid: "offsite-" + Guid.NewGuid().ToString("N"));

        var instance = await fx.Client.Approval.Instances.GetAsync(code);

        Assert.Equal(code, instance.InstanceCode);
        Assert.Equal(definition.ApprovalCode, instance.ApprovalCode);
        Assert.Equal(ApprovalStatus.Pending, instance.Status);
        Assert.Equal(fx.AliceId, instance.OpenId);
        Assert.Null(instance.EndTime); // "0" on the wire while open
        Assert.NotEqual(default, instance.StartTime);
        var lead = definition.Nodes.Single(n => n.CustomNodeId == "lead");
        Assert.Equal([(fx.BobId, "PENDING"), (fx.CarolId, "PENDING")], instance.Tasks.Select(t => (t.OpenId, t.Status)).Order());
        Assert.All(instance.Tasks, t => Assert.Equal("lead", t.CustomNodeId));
        Assert.All(instance.Tasks, t => Assert.Equal(lead.NodeId, t.NodeId));
        Assert.All(instance.Tasks, t => Assert.Null(t.EndTime));
        var start = Assert.Single(instance.Timeline);
        Assert.Equal("START", start.Type);
        Assert.Equal(fx.AliceId, start.OpenId);
        Assert.False(instance.Reverted);

        var byUuid = await fx.Client.Approval.Instances.GetAsync(instance.Uuid!);
        Assert.Equal(code, byUuid.InstanceCode);
    }

    [Fact]
    public async Task A_repeated_create_with_the_same_uuid_returns_the_first_instance()
    {
        var definition = await fx.CreateDefinitionAsync();
        var uuid = "po-" + Guid.NewGuid().ToString("N");

        var first = await fx.StartAsync(definition, uuid);
        fx.Recorder.Clear();
        var second = await fx.StartAsync(definition, uuid);

        Assert.Equal(first, second);
        var creates = fx.Recorder.To("POST", "/open-apis/approval/v4/instances");
        Assert.Equal(FeishuErrorCodes.ApprovalDuplicateUuid, Assert.Single(creates).Code);
        Assert.Single(fx.Recorder.To("GET", $"/open-apis/approval/v4/instances/{uuid}"));
    }

    [Fact]
    public async Task Listing_codes_pages_through_every_instance_of_the_window()
    {
        var definition = await fx.CreateDefinitionAsync();
        var from = DateTimeOffset.UtcNow.AddMinutes(-5);
        string[] codes = [await fx.StartAsync(definition), await fx.StartAsync(definition), await fx.StartAsync(definition)];
        var to = DateTimeOffset.UtcNow.AddMinutes(5);

        var pages = new List<FeishuPage<string>>();
        await foreach (var page in fx.Client.Approval.Instances.ListCodesAsync(definition.ApprovalCode, from, to).AsPages(pageSize: 2))
        {
            pages.Add(page);
        }

        Assert.Equal([2, 1], pages.Select(p => p.Items.Count));
        Assert.Equal(codes.Order(StringComparer.Ordinal), pages.SelectMany(p => p.Items).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_submitter_cancels_a_pending_instance()
    {
        var definition = await fx.CreateDefinitionAsync();
        var code = await fx.StartAsync(definition);

        await fx.Client.Approval.Instances.CancelAsync(definition.ApprovalCode, code, fx.AliceId);

        var instance = await fx.Client.Approval.Instances.GetAsync(code);
        Assert.Equal(ApprovalStatus.Canceled, instance.Status);
        Assert.NotNull(instance.EndTime);
        Assert.Contains(instance.Timeline, t => t.Type == "CANCEL");
        Assert.DoesNotContain(instance.Tasks, t => t.Status == ApprovalStatus.Pending);
    }

    [Fact]
    public async Task Cc_adds_a_timeline_entry_and_the_users_cc_list()
    {
        var definition = await fx.CreateDefinitionAsync();
        var code = await fx.StartAsync(definition);

        await fx.Client.Approval.Instances.CcAsync(new ApprovalInstanceCc { ApprovalCode = definition.ApprovalCode, InstanceCode = code, UserId = fx.AliceId, CcUserIds = [fx.DaveId], Comment = "FYI" });

        var instance = await fx.Client.Approval.Instances.GetAsync(code);
        var cc = Assert.Single(instance.Timeline, t => t.Type == "CC");
        Assert.Equal([fx.DaveId], cc.CcUsers.Select(u => u.OpenId));
        var asUserIds = await fx.Client.Approval.Instances.GetAsync(code, Larkway.Feishu.Im.UserIdType.UserId);
        Assert.Equal([fx.Dave.UserId], asUserIds.Timeline.Single(t => t.Type == "CC").CcUsers.Select(u => u.UserId));
        var copied = await fx.Client.Approval.Tasks.QueryAsync(fx.DaveId, ApprovalTaskTopic.CcUnread).ToListAsync();
        Assert.Contains(copied, t => t.ProcessId == code || t.ProcessCode == code);
    }

    [Fact]
    public async Task Search_finds_the_instances_of_a_definition_started_by_a_user()
    {
        var definition = await fx.CreateDefinitionAsync();
        var mine = await fx.StartAsync(definition);
        var theirs = await fx.StartAsync(definition, submitter: fx.DaveId);

        var hits = await fx.Client.Approval.Instances.SearchAsync(new ApprovalSearch { ApprovalCode = definition.ApprovalCode, UserId = fx.AliceId }).ToListAsync();

        var hit = Assert.Single(hits);
        Assert.Equal(mine, hit.InstanceCode);
        Assert.Equal(ApprovalStatus.Pending, hit.Status);
        Assert.NotEqual(theirs, hit.InstanceCode);
    }

    [Fact]
    public async Task Preview_lists_the_process_with_its_approvers()
    {
        var definition = await fx.CreateDefinitionAsync();

        var nodes = await fx.Client.Approval.Instances.PreviewAsync(new ApprovalInstancePreview { ApprovalCode = definition.ApprovalCode, UserId = fx.AliceId, Form = ApprovalFixture.MinimalForm() });

        var approvalNodes = nodes.Where(n => n.CustomNodeId is "lead" or "finance" or "review").ToList();
        Assert.Equal(["lead", "finance", "review"], approvalNodes.Select(n => n.CustomNodeId));
        Assert.Equal(new[] { fx.BobId, fx.CarolId }.Order(StringComparer.Ordinal), approvalNodes[0].UserIds.Order(StringComparer.Ordinal));
        Assert.Equal([fx.AliceId], approvalNodes[1].CcUserIds);
    }

    [Fact]
    public async Task Add_sign_before_puts_the_signer_first_then_gives_the_task_back()
    {
        var definition = await fx.CreateDefinitionAsync();
        var code = await fx.StartAsync(definition);
        var task = await fx.PendingTaskAsync(code, fx.BobId);

        await fx.Client.Approval.Instances.AddSignAsync(new ApprovalAddSign
        {
            ApprovalCode = definition.ApprovalCode, InstanceCode = code, UserId = fx.BobId, TaskId = task.Id, AddSignUserIds = [fx.DaveId], AddSignType = 1, ApprovalMethod = 1, Comment = "Dave first",
        });

        var signed = await fx.Client.Approval.Instances.GetAsync(code);
        Assert.Contains(signed.Tasks, t => t.OpenId == fx.DaveId && t.Status == ApprovalStatus.Pending);
        Assert.Contains(signed.Timeline, t => t.Type.StartsWith("ADD_APPROVER", StringComparison.Ordinal));
        await fx.ApproveAsync(definition, code, fx.DaveId);
        Assert.Equal(fx.BobId, (await fx.PendingTaskAsync(code, fx.BobId)).OpenId);
    }

    [Fact]
    public async Task Rollback_returns_the_instance_to_an_earlier_node()
    {
        var definition = await fx.CreateDefinitionAsync();
        var code = await fx.StartAsync(definition);
        await fx.ApproveAsync(definition, code, fx.BobId);
        var carolsFinanceTask = await fx.PendingTaskAsync(code, fx.CarolId);

        await fx.Client.Approval.Instances.RollbackAsync(new ApprovalRollback { UserId = fx.CarolId, TaskId = carolsFinanceTask.Id, NodeKeys = ["lead"], Reason = "wrong cost centre" });

        var instance = await fx.Client.Approval.Instances.GetAsync(code);
        Assert.Contains(instance.Timeline, t => t.Type == "ROLLBACK_SELECTED");
        var pending = instance.Tasks.Where(t => t.Status == ApprovalStatus.Pending).ToList();
        Assert.NotEmpty(pending);
        Assert.All(pending, t => Assert.Equal("lead", t.CustomNodeId));
        Assert.Equal(ApprovalStatus.Pending, instance.Status);
    }
}
