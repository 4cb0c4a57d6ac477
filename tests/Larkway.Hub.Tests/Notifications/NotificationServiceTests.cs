using System.Text;
using System.Text.Json;
using Larkway.Hub.Notifications;
using Larkway.Hub.Notifications.Types;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static Larkway.Hub.Tests.TestSupport.TestCallers;

namespace Larkway.Hub.Tests.Notifications;

/// <summary>The notifications' application service without HTTP: each outcome the endpoints map, and whose notification a caller sees.</summary>
public sealed class NotificationServiceTests : IAsyncLifetime
{
    private readonly TempDatabase _db = new();
    private HubServices _hub = null!;

    private NotificationService Service => _hub.Provider.GetRequiredService<NotificationService>();

    public Task InitializeAsync()
    {
        _hub = new HubServices(_db, new ManualTimeProvider(), services: s => s.AddNotificationsWithoutSending(new ConfigurationBuilder().Build()));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task A_notification_is_queued_once_a_repeat_is_answered_from_the_store_and_a_reused_key_is_told_apart()
    {
        var queued = await Service.SubmitAsync(Request("po-1", "ou_1", "ou_2"), Erp, CancellationToken.None);
        queued.Outcome.ShouldBe(NotificationSubmitOutcome.Queued);
        queued.Recipients.ShouldBe(2);
        queued.Problems.ShouldBeEmpty();

        var repeat = await Service.SubmitAsync(Request("po-1", "ou_1", "ou_2"), Erp, CancellationToken.None);
        (repeat.Outcome, repeat.Id, repeat.Recipients).ShouldBe((NotificationSubmitOutcome.Repeated, queued.Id, 2));

        var reused = await Service.SubmitAsync(Request("po-1", "ou_3"), Erp, CancellationToken.None);
        (reused.Outcome, reused.Id).ShouldBe((NotificationSubmitOutcome.KeyReused, queued.Id));

        // Keys are per caller: another caller's same key is a new notification.
        (await Service.SubmitAsync(Request("po-1", "ou_1"), Crm, CancellationToken.None)).Outcome.ShouldBe(NotificationSubmitOutcome.Queued);
    }

    [Fact]
    public async Task An_unknown_app_is_a_problem_of_the_app_field_and_nothing_is_stored()
    {
        var result = await Service.SubmitAsync(Request("po-1", "ou_1") with { App = "nope" }, Erp, CancellationToken.None);

        result.Outcome.ShouldBe(NotificationSubmitOutcome.Invalid);
        result.Id.ShouldBeNull();
        result.Problems.ShouldHaveSingleItem().Field.ShouldBe("app");
        result.Problems[0].Message.ShouldContain("no app named 'nope'");
    }

    [Fact]
    public async Task A_switched_off_type_is_accepted_and_not_stored()
    {
        await _hub.Provider.GetRequiredService<NotificationTypeStore>().PutAsync(
            new NotificationTypeRow { Name = "po.created", Enabled = false, Template = """{"elements":[]}""" }, CancellationToken.None);

        var result = await Service.SubmitAsync(Request("po-1", "ou_1"), Erp, CancellationToken.None);

        (result.Outcome, result.Id, result.Recipients).ShouldBe((NotificationSubmitOutcome.Disabled, null, 0));
    }

    [Fact]
    public async Task Another_callers_notification_is_missing_to_it_and_visible_to_the_admin_key()
    {
        var id = (await Service.SubmitAsync(Request("po-1", "ou_1", "ou_2"), Erp, CancellationToken.None)).Id!;

        (await Service.GetAsync(id, Crm, CancellationToken.None)).ShouldBeNull();
        (await Service.FindAsync(id, Crm, CancellationToken.None)).ShouldBeNull();
        (await Service.RetryAsync(id, Crm, CancellationToken.None)).ShouldBeNull();

        var seen = (await Service.GetAsync(id, AdminKey, CancellationToken.None)).ShouldNotBeNull();
        seen.Notification.Id.ShouldBe(id);
        seen.Deliveries.Count.ShouldBe(2);
        seen.Actions.ShouldBeEmpty();
        (await Service.RetryAsync(id, Erp, CancellationToken.None)).ShouldBe(0);
        (await Service.GetAsync("ntf_missing", AdminKey, CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task Content_is_updated_as_a_new_version_and_data_for_a_type_the_hub_lacks_is_a_problem()
    {
        var id = (await Service.SubmitAsync(Request("po-1", "ou_1"), Erp, CancellationToken.None)).Id!;
        var found = (await Service.FindAsync(id, Erp, CancellationToken.None)).ShouldNotBeNull();

        using var change = JsonDocument.Parse("""{"feishu_template":{"template_id":"AAq2"}}""");
        var problems = new List<NotificationProblem>();
        var (kind, content) = NotificationRequest.ParseContentOnly(change.RootElement, problems);
        problems.ShouldBeEmpty();

        var updated = await Service.UpdateContentAsync(found, kind!, content, null, CancellationToken.None);
        updated.Outcome.ShouldBe(NotificationUpdateOutcome.Updated);
        updated.Version.ShouldBe(found.Notification.Version + 1);

        var fromType = await Service.UpdateContentAsync(found, NotificationRequest.FromType, null, """{"po":"PO-1"}""", CancellationToken.None);
        fromType.Outcome.ShouldBe(NotificationUpdateOutcome.Invalid);
        fromType.Problems.ShouldHaveSingleItem().Field.ShouldBe("type");
    }

    private static NotificationRequest Request(string key, params string[] openIds)
    {
        var recipients = string.Join(",", openIds.Select(id => $"{{\"open_id\":\"{id}\"}}"));
        var json = $$"""{"type":"po.created","idempotency_key":"{{key}}","feishu_template":{"template_id":"AAq1"},"recipients":[{{recipients}}]}""";
        var problems = new List<NotificationProblem>();
        return NotificationRequest.Parse(Encoding.UTF8.GetBytes(json), null, problems) ?? throw new InvalidOperationException(string.Join("; ", problems));
    }
}
