using System.Text;
using Larkway.Hub.Approvals;
using Larkway.Hub.Platform.Auth;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static Larkway.Hub.Tests.TestSupport.TestCallers;

namespace Larkway.Hub.Tests.Approvals;

/// <summary>
/// The approvals' application service without HTTP, where no Feishu call is needed: repeats and reused keys answered
/// from the store, an unknown app refused, and whose approvals a caller sees, lists and may withdraw.
/// </summary>
public sealed class ApprovalServiceTests : IAsyncLifetime
{
    private readonly TempDatabase _db = new();
    private HubServices _hub = null!;

    private ApprovalService Service => _hub.Provider.GetRequiredService<ApprovalService>();

    public Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().Build();
        _hub = new HubServices(_db, TimeProvider.System, settings: new Dictionary<string, string?> { ["Larkway:Webhooks:SenderEnabled"] = "false" }, services: s =>
        {
            s.AddNotificationsWithoutSending(configuration);
            s.AddHubWebhooks(configuration);
            s.AddHubApprovals(configuration, o =>
            {
                o.ReconcileEnabled = false;
                o.RemindersEnabled = false;
            });
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task A_repeat_is_answered_from_the_store_and_a_key_used_for_another_request_is_told_apart()
    {
        var stored = await StoreAsync("k1", """{"reason":"offsite"}""", Erp);

        var repeat = await Service.SubmitAsync(Request("k1", """{"reason":"offsite"}"""), Erp, CancellationToken.None);
        repeat.Outcome.ShouldBe(ApprovalRequestOutcome.Repeated);
        repeat.Duplicate.ShouldBeTrue();
        repeat.Approval.ShouldNotBeNull().Id.ShouldBe(stored.Id);

        var reused = await Service.SubmitAsync(Request("k1", """{"reason":"other"}"""), Erp, CancellationToken.None);
        reused.Outcome.ShouldBe(ApprovalRequestOutcome.KeyReused);
        reused.Approval.ShouldNotBeNull().Id.ShouldBe(stored.Id);
    }

    [Fact]
    public async Task An_unknown_app_is_a_problem_of_the_app_field_before_feishu_is_asked()
    {
        var result = await Service.SubmitAsync(Request("k1", "{}") with { App = "nope" }, Erp, CancellationToken.None);

        result.Outcome.ShouldBe(ApprovalRequestOutcome.Invalid);
        result.Approval.ShouldBeNull();
        result.Problems.ShouldHaveSingleItem().Field.ShouldBe("app");
    }

    [Fact]
    public async Task Another_callers_approval_is_missing_to_it_and_only_a_pending_one_can_be_withdrawn()
    {
        var stored = await StoreAsync("k1", "{}", Erp);

        (await Service.GetAsync(stored.Id, Crm, CancellationToken.None)).ShouldBeNull();
        (await Service.CancelAsync(stored.Id, Crm, CancellationToken.None)).Outcome.ShouldBe(ApprovalCancelOutcome.NotFound);

        var seen = (await Service.GetAsync(stored.Id, AdminKey, CancellationToken.None)).ShouldNotBeNull();
        seen.Approval.Id.ShouldBe(stored.Id);
        seen.History.ShouldNotBeNull();

        var cancel = await Service.CancelAsync(stored.Id, Erp, CancellationToken.None);
        (cancel.Outcome, cancel.Status).ShouldBe((ApprovalCancelOutcome.NotPending, ApprovalState.Submitting));
    }

    [Fact]
    public async Task A_key_lists_its_own_approvals_the_admin_key_all_and_a_full_page_names_the_next()
    {
        var first = await StoreAsync("k1", "{}", Erp);
        var second = await StoreAsync("k2", "{}", Crm);

        var own = await Service.ListAsync(Erp, null, null, null, 10, CancellationToken.None);
        own.Items.ShouldHaveSingleItem().Approval.Id.ShouldBe(first.Id);
        own.Next.ShouldBeNull();

        var all = await Service.ListAsync(AdminKey, null, null, null, 10, CancellationToken.None);
        all.Items.Select(a => a.Approval.Id).ShouldBe([first.Id, second.Id], ignoreOrder: true);

        var page = await Service.ListAsync(AdminKey, null, null, null, 1, CancellationToken.None);
        page.Next.ShouldBe(page.Items.ShouldHaveSingleItem().Approval.Id);
    }

    private async Task<ApprovalRow> StoreAsync(string key, string form, HubCaller caller) =>
        (await _hub.Provider.GetRequiredService<ApprovalStore>().CreateAsync(Request(key, form), caller.Id, new ApprovalApplicant("feishu", "ou_alice", null), "inline", CancellationToken.None)).Approval;

    private static ApprovalRequest Request(string key, string form)
    {
        var problems = new List<ApprovalProblem>();
        var json = $$"""{"approval_code":"CODE-1","applicant":{"open_id":"ou_alice"},"form":{{form}},"reference":"PO-1","idempotency_key":"{{key}}"}""";
        return ApprovalRequest.Parse(Encoding.UTF8.GetBytes(json), null, problems) ?? throw new InvalidOperationException(string.Join("; ", problems));
    }
}
