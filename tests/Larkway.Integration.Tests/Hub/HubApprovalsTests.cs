using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Seed;
using Larkway.Feishu;
using Larkway.Hub.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// The approval bridge end to end against the Emulator's approval engine: requests checked before Feishu sees them,
/// instances created once, outcomes from events (or reconciliation when events are lost) called back signed and in order.
/// </summary>
public sealed class HubApprovalsTests
{
    private const string CreateInstance = "POST /open-apis/approval/v4/instances";
    private const string GetInstance = "GET /open-apis/approval/v4/instances/{instance_id}";

    private static readonly Dictionary<string, string?> Fast = new()
    {
        ["Larkway:Webhooks:PollInterval"] = "00:00:00.050",
        ["Larkway:Webhooks:RetryDelays:0"] = "00:00:00.100",
        ["Larkway:Approvals:PollInterval"] = "00:00:00.050",
        ["Larkway:Approvals:RetryDelays:0"] = "00:00:00.100",
        ["Larkway:Approvals:LeaseDuration"] = "00:00:10",
    };

    [Fact]
    public async Task Bad_bodies_and_bad_form_values_are_400s_naming_every_field_and_nothing_is_created_in_Feishu()
    {
        await using var hub = await HubSandbox.StartAsync(Fast);
        using var client = Client(hub);
        (await hub.Control.DeleteAsync("/_emulator/calls")).EnsureSuccessStatusCode();

        var shape = await ProblemAsync(client, new { applicant = new { email = "not-an-address" }, form = "x", idempotency_key = "k1" });
        shape.ShouldBe(["applicant.email", "definition", "form"], ignoreOrder: true);

        // Against the definition: a value of the wrong shape; then an option the radio does not have and a required widget left out;
        // then all of those in one request, every one reported in one 400.
        (await ProblemAsync(client, Payment("k2", "alice@example.com", new { amount = "lots", reason = "x", method = "bank" }))).ShouldBe(["form.amount"]);
        (await ProblemAsync(client, Payment("k2", "alice@example.com", new { amount = "lots", method = "cash" })))
            .ShouldBe(["form.amount", "form.method", "form.reason"], ignoreOrder: true);
        (await ProblemAsync(client, Payment("k2", "alice@example.com", new { amount = new { value = 5, currency = "CNY" }, method = "cash" })))
            .ShouldBe(["form.method", "form.reason"], ignoreOrder: true);

        (await ProblemAsync(client, Payment("k3", "nobody@example.com", ValidForm()))).ShouldBe(["applicant.email"]);

        // An unknown applicant and a bad form: one 400 listing both, not one round each.
        (await ProblemAsync(client, Payment("k3", "nobody@example.com", new { amount = "lots", reason = "x", method = "bank" })))
            .ShouldBe(["applicant.email", "form.amount"], ignoreOrder: true);
        (await ProblemAsync(client, new { approval_code = "NO-SUCH-CODE", applicant = new { email = "alice@example.com" }, form = new { }, idempotency_key = "k4" }))
            .ShouldBe(["definition"]);

        (await CallsAsync(hub, CreateInstance)).ShouldBe(0);
        using var list = await client.GetAsync("/api/v1/approvals");
        (await list.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Created_then_approved_by_both_nodes_calls_back_every_transition_signed_in_order_and_a_retry_is_the_original()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAsync(Fast);
        using var client = Client(hub);
        var secret = await SubscribeAsync(hub, receiver.Url("/approvals"), "larkway.approval.*");

        var (id, created) = await CreateAsync(client, Payment("po-1", "alice@example.com", ValidForm()));
        created.GetProperty("status").GetString().ShouldBe("pending");
        created.GetProperty("reference").GetString().ShouldBe("PO-1");
        var instance = created.GetProperty("instance_code").GetString()!;

        // Same key, same body: the original, nothing new in Feishu. Same key, another body: 409.
        using (var again = await client.PostAsJsonAsync("/api/v1/approvals", Payment("po-1", "alice@example.com", ValidForm())))
        {
            again.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString().ShouldBe(id);
        }

        using (var reused = await client.PostAsJsonAsync("/api/v1/approvals", Payment("po-1", "alice@example.com", ValidForm(amount: 99))))
        {
            reused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        }

        (await CallsAsync(hub, CreateInstance)).ShouldBe(1);

        await ActAsync(hub, instance, await PendingTaskOfAsync(client, id, hub, "bob@example.com"), "bob@example.com", approve: true, comment: "Within budget");
        await ActAsync(hub, instance, await PendingTaskOfAsync(client, id, hub, "carol@example.com"), "carol@example.com", approve: true);
        await ActAsync(hub, instance, await PendingTaskOfAsync(client, id, hub, "dave@example.com"), "dave@example.com", approve: true);

        var approved = await WaitForAsync(client, id, a => a.GetProperty("status").GetString() == "approved");
        var history = approved.GetProperty("history").EnumerateArray().ToList();
        history.Select(h => h.GetProperty("sequence").GetInt32()).ShouldBe(Enumerable.Range(1, history.Count));
        history[0].GetProperty("type").GetString().ShouldBe("larkway.approval.submitted");
        history[^1].GetProperty("type").GetString().ShouldBe("larkway.approval.approved");
        history.Count(h => h.GetProperty("type").GetString() == "larkway.approval.task_approved").ShouldBe(3);
        var bobs = history.Single(h => h.GetProperty("type").GetString() == "larkway.approval.task_approved"
            && h.GetProperty("operator_open_id").GetString() == OpenId(hub, "bob@example.com"));
        bobs.GetProperty("comment").GetString().ShouldBe("Within budget");
        bobs.GetProperty("source").GetString().ShouldBeOneOf("event", "api");

        // Every transition reaches the business system once, signed, with its number.
        await HubSandbox.WaitUntilAsync(() => receiver.At("/approvals").Select(Sequence).Distinct().Count() == history.Count, "every callback");
        var callbacks = receiver.At("/approvals");
        foreach (var callback in callbacks)
        {
            WebhookSignature.Verify(secret, callback.Header("X-Larkway-Timestamp"), callback.Header("X-Larkway-Signature"), callback.Body, DateTimeOffset.UtcNow).ShouldBeTrue();
        }

        callbacks.Count.ShouldBe(history.Count);
        using var last = JsonDocument.Parse(callbacks.OrderBy(Sequence).Last().Body);
        last.RootElement.GetProperty("type").GetString().ShouldBe("larkway.approval.approved");
        last.RootElement.GetProperty("id").GetString().ShouldBe($"{id}.{history.Count}");
        var approval = last.RootElement.GetProperty("approval");
        (approval.GetProperty("id").GetString(), approval.GetProperty("reference").GetString(), approval.GetProperty("instance_code").GetString(), approval.GetProperty("status").GetString())
            .ShouldBe((id, "PO-1", instance, "approved"));
    }

    [Fact]
    public async Task A_rejection_is_final_and_duplicate_or_late_events_change_nothing_and_call_back_nothing()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAsync(Fast);
        using var client = Client(hub);
        await SubscribeAsync(hub, receiver.Url("/approvals"), "larkway.approval.*");

        // The first task event is lost for now; it comes back after everything else.
        await DropAsync(hub, "approval_task", 1);
        var (id, created) = await CreateAsync(client, Payment("po-2", "alice@example.com", ValidForm()));
        var instance = created.GetProperty("instance_code").GetString()!;
        await ActAsync(hub, instance, await PendingTaskOfAsync(client, id, hub, "bob@example.com"), "bob@example.com", approve: false, comment: "Not this quarter");

        var rejected = await WaitForAsync(client, id, a => a.GetProperty("status").GetString() == "rejected");
        var history = rejected.GetProperty("history").GetRawText();
        await HubSandbox.WaitUntilAsync(() => receiver.At("/approvals").Count == rejected.GetProperty("history").GetArrayLength(), "the callbacks");
        var decision = rejected.GetProperty("history").EnumerateArray().Last();
        decision.GetProperty("type").GetString().ShouldBe("larkway.approval.rejected");
        decision.GetProperty("comment").GetString().ShouldBe("Not this quarter");

        // Redeliver every approval event, newest first: the dropped one is new to the Hub (handled), the rest duplicates.
        var events = await ApprovalEventIdsAsync(hub);
        events.Count.ShouldBeGreaterThan(1);
        var handledBefore = await HandledApprovalEventsAsync(hub);
        foreach (var eventId in Enumerable.Reverse(events))
        {
            (await hub.Control.PostAsJsonAsync($"/_emulator/events/{eventId}/redeliver", new { })).EnsureSuccessStatusCode();
        }

        await HubSandbox.WaitUntilAsync(() => HandledApprovalEventsAsync(hub).GetAwaiter().GetResult() > handledBefore, "the late event handled");
        var after = await GetAsync(client, id);
        after.GetProperty("status").GetString().ShouldBe("rejected");
        after.GetProperty("history").GetRawText().ShouldBe(history);
        receiver.At("/approvals").Count.ShouldBe(rejected.GetProperty("history").GetArrayLength());
    }

    [Fact]
    public async Task Lost_events_delay_the_outcome_until_reconciliation_reads_the_instance()
    {
        var settings = new Dictionary<string, string?>(Fast)
        {
            ["Larkway:Approvals:SyncAge"] = "00:00:00.300",
            ["Larkway:Approvals:MaxSyncAge"] = "00:00:01",
            ["Larkway:Approvals:ReconcileInterval"] = "00:00:00.100",
            ["Larkway:Leases:RetryInterval"] = "00:00:00.100",
        };
        await using var hub = await HubSandbox.StartAsync(settings);
        using var client = Client(hub);
        await DropAsync(hub, "approval_instance", 100);
        await DropAsync(hub, "approval_task", 100);

        var (id, created) = await CreateAsync(client, Payment("po-3", "alice@example.com", ValidForm()));
        var instance = created.GetProperty("instance_code").GetString()!;
        foreach (var approver in new[] { "bob@example.com", "carol@example.com", "dave@example.com" })
        {
            await ActAsync(hub, instance, await PendingTaskOfAsync(client, id, hub, approver), approver, approve: true);
        }

        var approved = await WaitForAsync(client, id, a => a.GetProperty("status").GetString() == "approved");
        var decision = approved.GetProperty("history").EnumerateArray().Last();
        decision.GetProperty("type").GetString().ShouldBe("larkway.approval.approved");
        decision.GetProperty("source").GetString().ShouldBe("reconcile");
        (await HandledApprovalEventsAsync(hub)).ShouldBe(0);
    }

    [Fact]
    public async Task A_revert_whose_event_is_lost_is_found_by_reconciliation_within_the_revert_window_and_called_back_once()
    {
        var settings = new Dictionary<string, string?>(Fast)
        {
            ["Larkway:Approvals:SyncAge"] = "00:00:00.300",
            ["Larkway:Approvals:MaxSyncAge"] = "00:00:01",
            ["Larkway:Approvals:MaxRevertSyncAge"] = "00:00:01",
            ["Larkway:Approvals:ReconcileInterval"] = "00:00:00.100",
            ["Larkway:Leases:RetryInterval"] = "00:00:00.100",
        };
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAsync(settings);
        using var client = Client(hub);
        await SubscribeAsync(hub, receiver.Url("/approvals"), "larkway.approval.*");

        var (id, created) = await CreateAsync(client, Payment("po-revert", "alice@example.com", ValidForm()));
        var instance = created.GetProperty("instance_code").GetString()!;
        foreach (var approver in new[] { "bob@example.com", "carol@example.com", "dave@example.com" })
        {
            await ActAsync(hub, instance, await PendingTaskOfAsync(client, id, hub, approver), approver, approve: true);
        }

        await WaitForAsync(client, id, a => a.GetProperty("status").GetString() == "approved");

        // Every event raised so far handled first: a late one would read the instance again and find the revert itself.
        await HubSandbox.WaitUntilAsync(
            () => HandledApprovalEventsAsync(hub).GetAwaiter().GetResult() >= ApprovalEventIdsAsync(hub).GetAwaiter().GetResult().Count, "the approval events handled");

        // The applicant reverts it in Feishu's UI; its REVERTED event is lost.
        await DropAsync(hub, "approval_instance", 1);
        using (var revert = await hub.Control.PostAsJsonAsync($"/_emulator/approvals/instances/{instance}/revert", new { }))
        {
            (await revert.Content.ReadAsStringAsync()).ShouldContain("\"code\":0");
        }

        var reverted = await WaitForAsync(client, id, a => a.GetProperty("status").GetString() == "reverted");
        var history = reverted.GetProperty("history").EnumerateArray().ToList();
        var last = history[^1];
        (last.GetProperty("type").GetString(), last.GetProperty("source").GetString()).ShouldBe(("larkway.approval.reverted", "reconcile"));
        await HubSandbox.WaitUntilAsync(() => receiver.At("/approvals").Select(Sequence).Distinct().Count() == history.Count, "every callback");

        // Later reads (still inside the window) find nothing new: the revert is called back exactly once.
        var readsBefore = await CallsAsync(hub, GetInstance);
        await HubSandbox.WaitUntilAsync(() => CallsAsync(hub, GetInstance).GetAwaiter().GetResult() >= readsBefore + 2, "two more reconciliation reads");
        (await GetAsync(client, id)).GetProperty("history").GetArrayLength().ShouldBe(history.Count);
        receiver.At("/approvals").Count(c => TypeOf(c) == "larkway.approval.reverted").ShouldBe(1);
    }

    [Fact]
    public async Task A_Feishu_outage_during_create_answers_202_and_the_submitter_retries_with_the_same_uuid_into_one_instance()
    {
        await using var hub = await HubSandbox.StartAsync(Fast);
        using var client = Client(hub);

        // Carried out, then answered 500: more than the client's own retries, so the Hub's outbox takes over.
        using (var fault = await hub.Control.PostAsJsonAsync("/_emulator/faults", new { endpoint = CreateInstance, kind = "server_error_after", count = 6 }))
        {
            fault.EnsureSuccessStatusCode();
        }

        using var response = await client.PostAsJsonAsync("/api/v1/approvals", Payment("po-4", "alice@example.com", ValidForm()));
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, text);
        var accepted = JsonDocument.Parse(text).RootElement;
        accepted.GetProperty("status").GetString().ShouldBe("submitting");
        accepted.GetProperty("error").GetProperty("code").GetInt32().ShouldNotBe(0);
        var id = accepted.GetProperty("id").GetString()!;

        var pending = await WaitForAsync(client, id, a => a.GetProperty("status").GetString() == "pending");
        pending.GetProperty("attempts").GetInt32().ShouldBeGreaterThan(1);
        var feishu = hub.Host.App.Services.GetRequiredService<FeishuClient>();
        var codes = new List<string>();
        await foreach (var code in feishu.Approval.Instances.ListCodesAsync(DefaultApprovals.PaymentCode, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1)))
        {
            codes.Add(code);
        }

        codes.ShouldBe([pending.GetProperty("instance_code").GetString()!]);
    }

    [Fact]
    public async Task A_pending_approval_is_withdrawn_for_its_applicant_and_another_key_cannot_see_it()
    {
        await using var hub = await HubSandbox.StartAsync(Fast);
        using var client = Client(hub);
        var (id, _) = await CreateAsync(client, Payment("po-5", "alice@example.com", ValidForm()));

        using var other = Client(hub, await CreateKeyAsync(hub, "other"));
        (await other.GetAsync($"/api/v1/approvals/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.PostAsync($"/api/v1/approvals/{id}/cancel", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        using var cancel = await client.PostAsync($"/api/v1/approvals/{id}/cancel", null);
        var text = await cancel.Content.ReadAsStringAsync();
        cancel.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        JsonDocument.Parse(text).RootElement.GetProperty("status").GetString().ShouldBe("canceled");
        (await client.PostAsync($"/api/v1/approvals/{id}/cancel", null)).StatusCode.ShouldBe(HttpStatusCode.Conflict);

        var page = await client.GetFromJsonAsync<JsonElement>("/api/v1/approvals?reference=PO-5&status=canceled");
        page.GetProperty("items").EnumerateArray().Single().GetProperty("id").GetString().ShouldBe(id);
    }

    [Fact]
    public async Task A_create_Feishu_refuses_is_a_422_stored_as_failed_and_called_back_and_instances_the_Hub_did_not_create_are_ignored()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAsync(Fast);
        using var client = Client(hub);
        await SubscribeAsync(hub, receiver.Url("/approvals"), "larkway.approval.failed");

        var refused = new
        {
            approval_code = DefaultApprovals.PaymentCode,
            applicant = new { open_id = "ou_nobody_here" },
            form = ValidForm(),
            idempotency_key = "po-6",
        };
        using (var response = await client.PostAsJsonAsync("/api/v1/approvals", refused))
        {
            var text = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, text);
            var problem = JsonDocument.Parse(text).RootElement;
            problem.GetProperty("feishu_code").GetInt32().ShouldNotBe(0);
            var id = problem.GetProperty("approval_id").GetString()!;
            (await GetAsync(client, id)).GetProperty("status").GetString().ShouldBe("failed");
        }

        using (var again = await client.PostAsJsonAsync("/api/v1/approvals", refused))
        {
            again.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
            JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement.GetProperty("duplicate").GetBoolean().ShouldBeTrue();
        }

        await HubSandbox.WaitUntilAsync(() => receiver.At("/approvals").Count == 1, "the failed callback");

        // An instance created elsewhere, and decided: its events are handled and ignored.
        var (ours, _) = await CreateAsync(client, Payment("po-7", "alice@example.com", ValidForm()));
        var feishu = hub.Host.App.Services.GetRequiredService<FeishuClient>();
        var definition = await feishu.Approval.Definitions.GetAsync(DefaultApprovals.PaymentCode);
        using var form = JsonDocument.Parse(JsonSerializer.Serialize(ValidForm()));
        var foreign = await feishu.Approval.Instances.CreateAsync(new Larkway.Feishu.Approval.ApprovalInstanceCreate
        {
            ApprovalCode = DefaultApprovals.PaymentCode,
            OpenId = OpenId(hub, "alice@example.com"),
            Form = Larkway.Feishu.Approval.ApprovalForm.FromJson(form.RootElement, definition),
        });
        var handledBefore = await HandledApprovalEventsAsync(hub);
        var bobsTask = (await feishu.Approval.Instances.GetAsync(foreign)).Tasks.First(t => t.Status == "PENDING").Id;
        await ActAsync(hub, foreign, bobsTask, "bob@example.com", approve: false);
        await HubSandbox.WaitUntilAsync(() => HandledApprovalEventsAsync(hub).GetAwaiter().GetResult() > handledBefore, "the foreign instance's events handled");

        var page = await client.GetFromJsonAsync<JsonElement>("/api/v1/approvals");
        page.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("id").GetString()).ShouldNotContain((string?)null);
        page.GetProperty("items").GetArrayLength().ShouldBe(2);
        (await GetAsync(client, ours)).GetProperty("status").GetString().ShouldBe("pending");
        receiver.At("/approvals").Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_self_select_node_takes_the_approvers_the_request_names_by_email_or_id_and_each_wrong_one_is_a_400_at_its_place()
    {
        await using var hub = await HubSandbox.StartAsync(Fast);
        using var client = Client(hub);
        (await hub.Control.DeleteAsync("/_emulator/calls")).EnsureSuccessStatusCode();
        var carol = OpenId(hub, "carol@example.com");

        // Left out; given to a node whose approvers the definition fixes; an unknown email and a node that does not exist.
        (await ProblemAsync(client, General("g1", approvers: null))).ShouldBe(["approvers.approvers"]);
        (await ProblemAsync(client, WithApprovers(Payment("g2", "alice@example.com", ValidForm()), new Dictionary<string, object[]> { ["manager"] = ["bob@example.com"] })))
            .ShouldBe(["approvers.manager"]);
        (await ProblemAsync(client, General("g3", new Dictionary<string, object[]> { ["approvers"] = ["bob@example.com", "nobody@example.com"], ["finance"] = ["bob@example.com"] })))
            .ShouldBe(["approvers.approvers[1]", "approvers.finance"], ignoreOrder: true);

        // Malformed before anything is looked up: not an email, an object with two ids, an empty list.
        (await ProblemAsync(client, General("g4", new Dictionary<string, object[]> { ["approvers"] = ["bob", new { open_id = carol, email = "carol@example.com" }], ["x"] = [] })))
            .ShouldBe(["approvers.approvers[0]", "approvers.approvers[1]", "approvers.x"], ignoreOrder: true);
        (await CallsAsync(hub, CreateInstance)).ShouldBe(0);

        // By email and by open_id: the sequential node asks Bob, then Carol.
        var (id, created) = await CreateAsync(client, General("g5", new Dictionary<string, object[]> { ["approvers"] = ["Bob@example.com", new { open_id = carol }] }));
        created.GetProperty("status").GetString().ShouldBe("pending");
        var chosen = created.GetProperty("approvers").GetProperty("approvers").EnumerateArray().ToList();
        chosen.Select(p => (p.GetProperty("type").GetString(), p.GetProperty("value").GetString(), p.GetProperty("open_id").GetString()))
            .ShouldBe([("email", "bob@example.com", OpenId(hub, "bob@example.com")), ("open_id", carol, carol)]);

        // Without a title, Bob's card names the definition.
        var bob = OpenId(hub, "bob@example.com");
        await HubSandbox.WaitUntilAsync(() => hub.State.Chats.Where(c => c.ChatMode == "p2p" && c.HasMember(bob)).SelectMany(c => hub.State.MessagesIn(c.ChatId))
            .Any(m => m.MsgType == "interactive" && m.SendContent.Contains("Waiting for your approval: General request", StringComparison.Ordinal)), "Bob's card naming the definition");

        var instance = created.GetProperty("instance_code").GetString()!;
        await ActAsync(hub, instance, await PendingTaskOfAsync(client, id, hub, "bob@example.com"), "bob@example.com", approve: true);
        await ActAsync(hub, instance, await PendingTaskOfAsync(client, id, hub, "carol@example.com"), "carol@example.com", approve: true);
        (await WaitForAsync(client, id, a => a.GetProperty("status").GetString() == "approved")).GetProperty("approvers").GetProperty("approvers").GetArrayLength().ShouldBe(2);
    }

    private static object General(string key, Dictionary<string, object[]>? approvers) => new Dictionary<string, object?>
    {
        ["approval_code"] = DefaultApprovals.GeneralRequestCode,
        ["applicant"] = new { email = "alice@example.com" },
        ["form"] = new { title = "New monitor", details = "27 inch" },
        ["approvers"] = approvers,
        ["idempotency_key"] = key,
    };

    private static Dictionary<string, object?> WithApprovers(object request, Dictionary<string, object[]> approvers)
    {
        var fields = JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(request))!;
        fields["approvers"] = approvers;
        return fields;
    }

    private static object Payment(string key, string applicant, object form) => new
    {
        approval_code = DefaultApprovals.PaymentCode,
        applicant = new { email = applicant },
        form,
        reference = key.ToUpperInvariant(),
        idempotency_key = key,
    };

    private static object ValidForm(int amount = 1200) => new
    {
        amount = new { value = amount, currency = "CNY" },
        reason = "Team offsite",
        method = "bank",
    };

    private static HttpClient Client(HubSandbox hub, string key = HubSandbox.AdminKey)
    {
        var client = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static async Task<string> CreateKeyAsync(HubSandbox hub, string name)
    {
        using var admin = Client(hub);
        using var response = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name, types = new[] { "*" } });
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!;
    }

    private static async Task<string> SubscribeAsync(HubSandbox hub, Uri url, string type)
    {
        using var admin = Client(hub);
        using var response = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = url.ToString(), event_types = new[] { type } });
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("secret").GetString()!;
    }

    private static async Task<(string Id, JsonElement Body)> CreateAsync(HttpClient client, object request)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/approvals", request);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        var body = JsonDocument.Parse(text).RootElement.Clone();
        return (body.GetProperty("id").GetString()!, body);
    }

    private static async Task<List<string>> ProblemAsync(HttpClient client, object request)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/approvals", request);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, text);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        return [.. JsonDocument.Parse(text).RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()!)];
    }

    private static async Task<JsonElement> GetAsync(HttpClient client, string id) =>
        await client.GetFromJsonAsync<JsonElement>($"/api/v1/approvals/{id}");

    private static async Task<JsonElement> WaitForAsync(HttpClient client, string id, Func<JsonElement, bool> condition)
    {
        JsonElement last = default;
        await HubSandbox.WaitUntilAsync(() => condition(last = GetAsync(client, id).GetAwaiter().GetResult()), $"approval {id} to reach the expected state", seconds: 30);
        return last;
    }

    private static string OpenId(HubSandbox hub, string email) => hub.State.FindUser("email", email)!.OpenId;

    /// <summary>The pending task of an approver, as the Hub shows it (read at create, from events, or by reconciliation).</summary>
    private static async Task<string> PendingTaskOfAsync(HttpClient client, string id, HubSandbox hub, string email)
    {
        var openId = OpenId(hub, email);
        JsonElement task = default;
        var approval = await WaitForAsync(client, id, a => a.GetProperty("tasks").EnumerateArray()
            .Any(t => t.GetProperty("approver_open_id").GetString() == openId && t.GetProperty("status").GetString() == "pending"));
        task = approval.GetProperty("tasks").EnumerateArray().First(t => t.GetProperty("approver_open_id").GetString() == openId && t.GetProperty("status").GetString() == "pending");
        return task.GetProperty("id").GetString()!;
    }

    private static async Task ActAsync(HubSandbox hub, string instance, string taskId, string user, bool approve, string? comment = null)
    {
        using var response = await hub.Control.PostAsJsonAsync($"/_emulator/approvals/instances/{instance}/tasks/{taskId}/{(approve ? "approve" : "reject")}", new { user, comment });
        (await response.Content.ReadAsStringAsync()).ShouldContain("\"code\":0");
    }

    private static async Task DropAsync(HubSandbox hub, string eventType, int count)
    {
        using var response = await hub.Control.PostAsJsonAsync("/_emulator/events/drops", new { event_type = eventType, count });
        response.EnsureSuccessStatusCode();
    }

    private static async Task<List<string>> ApprovalEventIdsAsync(HubSandbox hub)
    {
        var log = await hub.Control.GetFromJsonAsync<JsonElement>("/_emulator/events");
        return [.. log.GetProperty("data").GetProperty("events").EnumerateArray()
            .Where(e => e.GetProperty("event_type").GetString()!.StartsWith("approval_", StringComparison.Ordinal))
            .Select(e => e.GetProperty("event_id").GetString()!)];
    }

    private static async Task<int> HandledApprovalEventsAsync(HubSandbox hub)
    {
        using var admin = Client(hub);
        var count = 0;
        foreach (var type in new[] { "approval_instance", "approval_task" })
        {
            count += (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/events?type={type}&status=done")).GetProperty("total").GetInt32();
        }

        return count;
    }

    private static async Task<long> CallsAsync(HubSandbox hub, string endpoint)
    {
        var calls = await hub.Control.GetFromJsonAsync<JsonElement>("/_emulator/calls");
        return calls.GetProperty("data").GetProperty("items").EnumerateArray()
            .Where(i => i.GetProperty("endpoint").GetString() == endpoint).Sum(i => i.GetProperty("count").GetInt64());
    }

    private static string? TypeOf(ReceivedWebhook callback)
    {
        using var body = JsonDocument.Parse(callback.Body);
        return body.RootElement.GetProperty("type").GetString();
    }

    private static int Sequence(ReceivedWebhook callback)
    {
        using var body = JsonDocument.Parse(callback.Body);
        return body.RootElement.GetProperty("approval").GetProperty("sequence").GetInt32();
    }
}
