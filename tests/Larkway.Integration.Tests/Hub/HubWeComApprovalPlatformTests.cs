using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Approvals;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform.Units;
using Larkway.Hub.WeCom;
using Larkway.Hub.WeCom.Approvals;
using Larkway.WeCom;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub;

/// <summary>One Emulator and one Hub (of stored apps) with a WeCom app whose callback URL the Emulator calls.</summary>
public sealed class HubWeComApprovalFixture : IAsyncLifetime
{
    public const string AppName = "wc-approvals";

    public EmulatorServer Emulator { get; private set; } = null!;

    internal HubSandbox Hub { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        Hub = await HubSandbox.StartAppsOnlyAsync(Emulator);
        Admin = new HttpClient { BaseAddress = Hub.Host.BaseUrl };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        await HubWeComTests.AddAppAsync(Admin, Emulator, AppName);
        using var saved = await Hub.Control.PostAsJsonAsync("/_emulator/wecom/callback", new { url = new Uri(Hub.Host.BaseUrl, $"/wecom/apps/{AppName}/callback").AbsoluteUri });
        saved.StatusCode.ShouldBe(HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync()
    {
        Admin?.Dispose();
        if (Hub is not null)
        {
            await Hub.DisposeAsync();
        }

        if (Emulator is not null)
        {
            await Emulator.DisposeAsync();
        }
    }
}

/// <summary>
/// WeCom's approvals piece as the approvals room gets it from the Hub's services (the WeCom unit's
/// <see cref="IApprovalPlatform"/>), against the Emulator's approval app over the real wire: the seeded payment template
/// read as fields and forms checked against it, applications made, read, decided by their approver in WeCom and found
/// again by their form, an unknown template, the withdrawal WeCom does not offer, and the <c>sys_approval_change</c>
/// callback as the Hub's inbox stored it.
/// </summary>
public sealed class HubWeComApprovalPlatformTests(HubWeComApprovalFixture fixture) : IClassFixture<HubWeComApprovalFixture>
{
    /// <summary>The Emulator's seeded payment template (付款申请: Money-1 付款金额 and Text-1 付款事由 required, Date-1 付款日期 a day).</summary>
    private const string Template = "3TmApprovalPaymentLarkwayDevTemplate0001";

    private const string App = HubWeComApprovalFixture.AppName;

    private IApprovalPlatform Piece => fixture.Hub.Host.Services.GetRequiredService<PlatformPieces<IApprovalPlatform>>().Find("wecom")
        ?? throw new InvalidOperationException("The WeCom unit supplies no approvals piece.");

    [Fact]
    public async Task The_template_is_read_as_fields_and_forms_of_the_wrong_shape_are_refused_naming_each_field()
    {
        var definition = (await Piece.ReadDefinitionAsync(App, Template, CancellationToken.None)).ShouldBeOfType<ApprovalFieldsDefinition>();

        definition.Code.ShouldBe(Template);
        definition.Name.ShouldBe("付款申请");
        definition.Fields.Select(f => (f.Id, f.Name, f.Kind, f.Required)).ShouldBe([
            ("Money-1", "付款金额", ApprovalFieldKind.Amount, true),
            ("Text-1", "付款事由", ApprovalFieldKind.Text, true),
            ("Date-1", "付款日期", ApprovalFieldKind.Date, false),
        ]);
        definition.CheckForm(Form(new { 付款金额 = 1280.5, 付款事由 = "服务器续费", 付款日期 = "2026-12-01" })).Problems.ShouldBeEmpty();

        var wrong = definition.CheckForm(Form(new Dictionary<string, object> { ["付款金额"] = "lots", ["Date-1"] = 20261201, ["Nope"] = "x" }));
        wrong.Problems.Select(p => p.Field).Order(StringComparer.Ordinal).ShouldBe(["form.Date-1", "form.Nope", "form.付款事由", "form.付款金额"]);
        wrong.Problems.Single(p => p.Field == "form.付款金额").Message.ShouldContain("amount");
    }

    [Fact]
    public async Task An_application_is_read_pending_for_its_approver_and_approved_when_the_approver_decides_in_WeCom()
    {
        var create = Create("bob", new { 付款金额 = 99.9, 付款事由 = "差旅", 付款日期 = "2026-12-01" }) with
        {
            Approvers = new Dictionary<string, IReadOnlyList<ApprovalPerson>> { ["1"] = [new ApprovalPerson("user_id", "alice")] },
        };
        var spNo = await Piece.CreateAsync(App, create, CancellationToken.None);

        var pending = await Piece.ReadAsync(App, spNo, CancellationToken.None);
        pending.Status.ShouldBe("PENDING");
        var task = pending.Tasks.ShouldHaveSingleItem();
        (task.Id, task.UserId, task.Status, task.NodeId).ShouldBe(("1:alice", "alice", "PENDING", "1"));
        var page = Piece.PageUrl(App, spNo).ShouldNotBeNull();
        page.ShouldBe(new Uri(fixture.Emulator.BaseUrl, "/wecom-approval/" + spNo).AbsoluteUri);

        using (var decided = await fixture.Hub.Control.PostAsJsonAsync($"/_emulator/wecom/approvals/{spNo}/decide", new { userid = "alice", action = "approve", speech = "同意" }))
        {
            var answer = await decided.Content.ReadAsStringAsync();
            decided.StatusCode.ShouldBe(HttpStatusCode.OK, answer);
            JsonDocument.Parse(answer).RootElement.GetProperty("delivered").GetBoolean().ShouldBeTrue(answer);
        }

        var approved = await Piece.ReadAsync(App, spNo, CancellationToken.None);
        (approved.Status, approved.Reverted).ShouldBe(("APPROVED", false));
        var done = approved.Tasks.ShouldHaveSingleItem();
        (done.Id, done.Status, done.Comment).ShouldBe(("1:alice", "APPROVED", "同意"));
        done.EndTime.ShouldNotBeNull();

        // The decision's callback, as the Hub's inbox stored it, names the application.
        var stored = await StoredChangesAsync(spNo);
        stored.ShouldNotBeEmpty();
        Piece.InstanceOf("wecom.event.text", stored[0]).ShouldBeNull();
    }

    [Fact]
    public async Task The_templates_own_flow_waits_for_its_approver()
    {
        var spNo = await Piece.CreateAsync(App, Create("bob", new { 付款金额 = 10, 付款事由 = "办公用品" }), CancellationToken.None);

        var pending = await Piece.ReadAsync(App, spNo, CancellationToken.None);

        pending.Status.ShouldBe("PENDING");
        pending.Tasks.Select(t => (t.Id, t.Status)).ShouldBe([("1:carol", "PENDING")]);
    }

    [Fact]
    public async Task A_lost_application_is_found_by_its_applicant_and_form_and_a_different_one_is_not()
    {
        var create = Create("dave", new { 付款金额 = 4321.5, 付款事由 = "lost answer", 付款日期 = "2026-12-02" });
        var spNo = await Piece.CreateAsync(App, create, CancellationToken.None);

        (await Piece.FindCreatedAsync(App, create, CancellationToken.None)).ShouldBe(spNo);
        (await Piece.FindCreatedAsync(App, create with { Taken = new HashSet<string> { spNo } }, CancellationToken.None)).ShouldBeNull();
        (await Piece.FindCreatedAsync(App, create with { Form = Form(new { 付款金额 = 4321.5, 付款事由 = "lost answer", 付款日期 = "2026-12-03" }) }, CancellationToken.None)).ShouldBeNull();
        (await Piece.FindCreatedAsync(App, create with { Applicant = "bob" }, CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task An_unknown_template_is_an_unknown_definition_and_a_withdrawal_says_to_withdraw_in_WeCom()
    {
        var unknown = await Should.ThrowAsync<WeComApprovalException>(() => Piece.ReadDefinitionAsync(App, "no-such-template", CancellationToken.None));
        var failure = Piece.Failure(unknown).ShouldNotBeNull();
        (failure.Kind, failure.Transient, failure.Failure.Platform, failure.Failure.Code).ShouldBe((ApprovalFailureKind.UnknownDefinition, false, "wecom", "301025"));
        failure.Failure.Message.ShouldContain("no-such-template");

        var withdraw = await Should.ThrowAsync<WeComApprovalException>(() => Piece.CancelAsync(App, new ApprovalCancel(Template, "202612010001", "bob"), CancellationToken.None));
        var refused = Piece.Failure(withdraw).ShouldNotBeNull();
        (refused.Kind, refused.Transient).ShouldBe((ApprovalFailureKind.NotCancellable, false));
        refused.Failure.Message.ShouldContain("withdraws 202612010001 in WeCom");

        // WeCom's throttling may pass later; a refusal of the form does not.
        Piece.Failure(new WeComApiException("45009", "api freq out of limit")).ShouldNotBeNull().Transient.ShouldBeTrue();
        Piece.Failure(new WeComApiException("301025", "get approval param error")).ShouldNotBeNull().Transient.ShouldBeFalse();
        Piece.Failure(new InvalidOperationException("a bug")).ShouldBeNull();
    }

    /// <summary>The stored sys_approval_change callbacks naming <paramref name="spNo"/>, each as the inbox's WeCom handler reads it.</summary>
    private async Task<IReadOnlyList<JsonElement>> StoredChangesAsync(string spNo)
    {
        var services = fixture.Hub.Host.Services;
        var inbox = services.GetRequiredService<InboxStore>();
        var handler = services.GetRequiredService<WeComInboxHandler>();
        var piece = Piece;
        var type = piece.EventTypes.ShouldHaveSingleItem();
        List<JsonElement> found = [];

        // The bound only stops a broken callback from hanging the run; the Emulator delivers the decision's before it answers.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (found.Count == 0)
        {
            found.Clear();
            foreach (var summary in (await inbox.ListAsync(type, null, 100, cancellationToken: timeout.Token)).Items)
            {
                var item = (await inbox.GetAsync(summary.Id, timeout.Token)).ShouldNotBeNull();
                var data = handler.Read(item).Event;
                if (piece.InstanceOf(item.EventType, data) == spNo)
                {
                    found.Add(data);
                }
            }

            if (found.Count == 0)
            {
                await Task.Delay(50, timeout.Token);
            }
        }

        return found;
    }

    private static ApprovalCreate Create(string applicant, object form) =>
        new("apv_" + Guid.NewGuid().ToString("N"), Template, applicant, Form(form), DateTimeOffset.UtcNow.AddSeconds(-1));

    private static JsonElement Form(object form) => JsonSerializer.SerializeToElement(form);
}
