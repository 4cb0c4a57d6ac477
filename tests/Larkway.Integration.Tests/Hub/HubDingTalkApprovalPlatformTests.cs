using System.Net.Http.Headers;
using System.Text.Json;
using Larkway.DingTalk;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Approvals;
using Larkway.Hub.DingTalk;
using Larkway.Hub.DingTalk.Approvals;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform.Units;
using Larkway.Integration.Tests.DingTalk;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// The approvals' piece on DingTalk, as a Hub resolves it from the DingTalk unit, against the Emulator's OA approvals over
/// the real wire: a template's form read and checked, an approval created, read, decided and withdrawn, a create whose
/// answer was lost found again, and the bpms events the Hub stores from the app's Stream connection traced to their
/// approval. One Emulator and one Hub for the class.
/// </summary>
public sealed class HubDingTalkApprovalPlatformTests : IAsyncLifetime
{
    private const string Payment = "PROC-LW-PAYMENT";
    private const string Purchase = "PROC-LW-PURCHASE";
    private const string App = HubDingTalkTests.AppName;
    private EmulatorServer _emulator = null!;
    private HubSandbox _hub = null!;
    private IApprovalPlatform _platform = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        _hub = await HubSandbox.StartAgainstAsync(_emulator, "webhook");
        using var admin = new HttpClient { BaseAddress = _hub.Api.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        await HubDingTalkTests.AddAppAsync(admin, _emulator);
        _platform = _hub.Host.Services.GetRequiredService<PlatformPieces<IApprovalPlatform>>().Find("dingtalk").ShouldNotBeNull();
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task A_templates_form_is_read_as_fields_and_checks_a_forms_values_naming_the_field_at_fault()
    {
        var definition = (ApprovalFieldsDefinition)await _platform.ReadDefinitionAsync(App, Purchase, default);

        definition.Name.ShouldBe("Purchase");
        definition.MaxFields.ShouldBe(150);
        definition.Fields.Select(f => (f.Id, f.Name, f.Kind, f.Required)).ShouldBe(
        [
            ("DDSelectField-category", "Category", ApprovalFieldKind.Option, true),
            ("TableField-items", "Items", ApprovalFieldKind.Table, true),
            ("DDMultiSelectField-sites", "Sites", ApprovalFieldKind.Options, false),
            ("DDDateRangeField-period", "Period start", ApprovalFieldKind.DateRange, false),
        ]);
        definition.Fields[0].Options.Select(o => o.Text).ShouldBe(["Hardware", "Software"]);
        definition.Fields[1].Columns.Select(c => (c.Name, c.Kind)).ShouldBe([("Item", ApprovalFieldKind.Text), ("Price", ApprovalFieldKind.Amount)]);

        definition.CheckForm(Json("""{"Category": "Hardware", "Items": [{"Item": "Laptop", "Price": 8999}]}""")).Problems.ShouldBeEmpty();
        var wrongRow = definition.CheckForm(Json("""{"Category": "Hardware", "Items": [{"Item": "Laptop", "Price": 8999}, {"Item": "Mouse", "Price": "cheap"}]}"""));
        wrongRow.Problems.ShouldHaveSingleItem().Field.ShouldBe("form.Items[1].Price");

        var tooMany = Json(JsonSerializer.Serialize(Enumerable.Range(0, 151).ToDictionary(i => $"c{i}", i => "x")));
        definition.CheckForm(tooMany).Problems.ShouldContain(p => p.Field == "form" && p.Message.Contains("150", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_template_is_an_unknown_definition()
    {
        var refused = await Should.ThrowAsync<DingTalkApiException>(() => _platform.ReadDefinitionAsync(App, "PROC-NOPE", default));

        var failure = _platform.Failure(refused).ShouldNotBeNull();
        failure.Kind.ShouldBe(ApprovalFailureKind.UnknownDefinition);
        failure.Transient.ShouldBeFalse();
        failure.Failure.Platform.ShouldBe("dingtalk");
    }

    [Fact]
    public async Task A_created_approval_reads_pending_with_its_approvers_task_and_approved_once_both_agree()
    {
        var id = await _platform.CreateAsync(App, PaymentCreate("1200.50", "Team offsite"), default);

        var pending = await _platform.ReadAsync(App, id, default);
        pending.Status.ShouldBe("PENDING");
        var first = pending.Tasks.ShouldHaveSingleItem();
        (first.UserId, first.Status).ShouldBe(("alice", "PENDING"));
        first.NodeId.ShouldNotBeNullOrEmpty();

        await _platform.DecideAsync(App, new ApprovalDecision(Payment, id, first.Id, "alice", Approve: true, "fine by me"), default);
        var second = (await _platform.ReadAsync(App, id, default)).Tasks.Where(t => t.Status == "PENDING").ShouldHaveSingleItem();
        second.UserId.ShouldBe("carol");
        await _platform.DecideAsync(App, new ApprovalDecision(Payment, id, second.Id, "carol", Approve: true, null), default);

        var approved = await _platform.ReadAsync(App, id, default);
        approved.Status.ShouldBe("APPROVED");
        var decided = approved.Tasks.Single(t => t.Id == first.Id);
        (decided.Status, decided.Comment).ShouldBe(("APPROVED", "fine by me"));
        decided.EndTime.ShouldNotBeNull();

        // Deciding a task that is done is the room's "decided elsewhere", not an error to retry.
        var again = await Should.ThrowAsync<DingTalkApprovalRefusedException>(() => _platform.DecideAsync(App, new ApprovalDecision(Payment, id, first.Id, "alice", Approve: false, null), default));
        _platform.Failure(again).ShouldNotBeNull().Kind.ShouldBe(ApprovalFailureKind.TaskNotPending);
    }

    [Fact]
    public async Task A_withdrawn_approval_reads_canceled_and_cannot_be_withdrawn_twice()
    {
        var id = await _platform.CreateAsync(App, PaymentCreate("88", "Books"), default);
        var task = (await _platform.ReadAsync(App, id, default)).Tasks.ShouldHaveSingleItem();

        await _platform.CancelAsync(App, new ApprovalCancel(Payment, id, "bob"), default);

        var canceled = await _platform.ReadAsync(App, id, default);
        canceled.Status.ShouldBe("CANCELED");
        canceled.Tasks.Single(t => t.Id == task.Id).Status.ShouldBe("DONE");
        var again = await Should.ThrowAsync<DingTalkApprovalRefusedException>(() => _platform.CancelAsync(App, new ApprovalCancel(Payment, id, "bob"), default));
        _platform.Failure(again).ShouldNotBeNull().Kind.ShouldBe(ApprovalFailureKind.NotCancellable);
    }

    [Fact]
    public async Task A_create_whose_answer_was_lost_is_found_by_its_applicant_and_form_and_a_different_form_is_not()
    {
        var create = PaymentCreate("4321.09", "Conference tickets");
        var id = await _platform.CreateAsync(App, create, default);

        (await _platform.FindCreatedAsync(App, create, default)).ShouldBe(id);
        (await _platform.FindCreatedAsync(App, create with { Taken = new HashSet<string> { id } }, default)).ShouldBeNull();
        (await _platform.FindCreatedAsync(App, PaymentCreate("4321.09", "Conference hotel"), default)).ShouldBeNull();
        (await _platform.FindCreatedAsync(App, create with { Applicant = "carol" }, default)).ShouldBeNull();
    }

    [Fact]
    public async Task A_purchase_with_a_table_a_multi_select_and_a_period_is_created_as_dingtalk_takes_them()
    {
        var create = new ApprovalCreate("apr_purchase", Purchase, "bob", Json("""
            {"Category": "Software", "Items": [{"Item": "IDE", "Price": 499}], "Sites": ["Beijing", "Hangzhou"], "DDDateRangeField-period": {"start": "2026-12-01", "end": "2026-12-31"}}
            """), DateTimeOffset.UtcNow);

        var id = await _platform.CreateAsync(App, create, default);

        using var client = new DingTalkClient(new DingTalkAppOptions
        {
            AppKey = EmulatorOptions.DefaultDingTalkAppKey,
            AppSecret = EmulatorOptions.DefaultDingTalkAppSecret,
            ApiBaseUrl = DingTalkBaseUrls.Emulator(_emulator.BaseUrl),
            OapiBaseUrl = DingTalkBaseUrls.Emulator(_emulator.BaseUrl),
        });
        var form = (await client.Workflow.GetAsync(id)).FormComponentValues!.ToDictionary(v => v.Name, v => v.Value);
        form["Category"].ShouldBe("Software");
        JsonSerializer.Deserialize<string[]>(form["Sites"]).ShouldBe(["Beijing", "Hangzhou"]);
        JsonSerializer.Deserialize<string[]>(form["Period start"]).ShouldBe(["2026-12-01", "2026-12-31"]);
        var row = Json(form["Items"]).EnumerateArray().ShouldHaveSingleItem().EnumerateArray().Select(c => (c.GetProperty("name").GetString(), c.GetProperty("value").GetString()));
        row.ShouldBe([("Item", "IDE"), ("Price", "499")]);
        (await _platform.FindCreatedAsync(App, create, default)).ShouldBe(id);
    }

    [Fact]
    public async Task A_bpms_event_the_hub_stored_from_the_apps_stream_names_its_approval()
    {
        using var stream = new DingTalkStreamControl(_emulator.BaseUrl, EmulatorOptions.DefaultDingTalkAppKey);
        await _hub.WaitForAsync(() => stream.OpenConnectionIdsAsync().GetAwaiter().GetResult().Count > 0, "the Hub's Stream connection", seconds: 60);
        var id = await _platform.CreateAsync(App, PaymentCreate("10", "Coffee"), default);
        var inbox = _hub.Host.Services.GetRequiredService<InboxStore>();
        _platform.EventTypes.ShouldBe(["dingtalk.event.bpms_instance_change", "dingtalk.event.bpms_task_change"], ignoreOrder: true);

        InboxEvent? stored = null;
        await _hub.WaitForAsync(() => (stored = StoredFor(inbox, id)) is not null, "the bpms_instance_change of the approval in the Hub's inbox", seconds: 60);

        _platform.InstanceOf(stored!.EventType, JsonDocument.Parse(stored.Body).RootElement).ShouldBe(id);
        _platform.InstanceOf(stored.EventType, DingTalkStoredEvent.Read(stored).Event).ShouldBe(id);
        _platform.InstanceOf("dingtalk.event.user_add_org", DingTalkStoredEvent.Read(stored).Event).ShouldBeNull();
    }

    private InboxEvent? StoredFor(InboxStore inbox, string id)
    {
        var page = inbox.ListAsync("dingtalk.event.bpms_instance_change", null, 50).GetAwaiter().GetResult();
        return page.Items.Select(i => inbox.GetAsync(i.Id).GetAwaiter().GetResult())
            .FirstOrDefault(e => e is not null && System.Text.Encoding.UTF8.GetString(e.Body).Contains(id, StringComparison.Ordinal));
    }

    private static ApprovalCreate PaymentCreate(string amount, string reason) =>
        new("apr_" + Guid.NewGuid().ToString("N")[..8], Payment, "bob", Json($$"""{"Amount": {{amount}}, "Reason": "{{reason}}", "Payment date": "2026-12-15"}"""), DateTimeOffset.UtcNow);

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
