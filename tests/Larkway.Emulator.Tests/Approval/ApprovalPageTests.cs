using System.Net;
using System.Text.Json;
using Larkway.Emulator.Seed;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Approval;

/// <summary>The approvals web view at the HTTP level: what it shows and its approve/reject/comment forms.</summary>
public sealed class ApprovalPageTests
{
    private static string Payment => DefaultApprovals.PaymentCode;

    [Fact]
    public async Task The_instance_page_shows_form_values_tasks_and_an_approve_form_for_the_pending_approver_only()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var (alice, bob) = (emulator.User("alice@example.com").OpenId, emulator.User("bob@example.com").OpenId);
        var instance = await ApprovalApi.CreateInstanceAsync(emulator, token, Payment, alice, ApprovalApi.Form(reason: "<b>dinner</b>"));

        var list = await emulator.Http.GetStringAsync("/approvals");
        var asBob = await emulator.Http.GetStringAsync($"/approvals/{instance}?as={bob}");
        var asAlice = await emulator.Http.GetStringAsync($"/approvals/{instance}?as={alice}");

        Assert.Contains($"href=\"/approvals/{instance}\"", list, StringComparison.Ordinal);
        Assert.Contains(Payment, list, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;dinner&lt;/b&gt;", asBob, StringComparison.Ordinal);
        Assert.Contains("120.5 CNY", asBob, StringComparison.Ordinal);
        Assert.Contains("Bank transfer", asBob, StringComparison.Ordinal);
        Assert.Contains("value=\"approve\"", asBob, StringComparison.Ordinal);
        Assert.DoesNotContain("value=\"approve\"", asAlice, StringComparison.Ordinal);
        Assert.Contains("value=\"comment\"", asAlice, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", asBob, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onchange", asBob, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Approving_rejecting_and_commenting_through_the_page_change_the_instance()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var (alice, bob, carol) = (emulator.User("alice@example.com").OpenId, emulator.User("bob@example.com").OpenId, emulator.User("carol@example.com").OpenId);
        var instance = await ApprovalApi.CreateInstanceAsync(emulator, token, Payment, alice);
        var bobTask = ApprovalApi.PendingTask(await ApprovalApi.GetInstanceAsync(emulator, token, instance), bob)!;

        using var approve = await PostAsync(emulator, instance, new() { ["operator"] = bob, ["task_id"] = bobTask, ["action"] = "approve", ["comment"] = "fine" });
        Assert.Equal(HttpStatusCode.Redirect, approve.StatusCode);
        Assert.Equal($"/approvals/{instance}?as={bob}", approve.Headers.Location?.ToString());

        using var comment = await PostAsync(emulator, instance, new() { ["operator"] = alice, ["action"] = "comment", ["comment"] = "thanks!" });
        Assert.Equal(HttpStatusCode.Redirect, comment.StatusCode);

        var carolTask = ApprovalApi.PendingTask(await ApprovalApi.GetInstanceAsync(emulator, token, instance), carol)!;
        using var notHers = await PostAsync(emulator, instance, new() { ["operator"] = alice, ["task_id"] = carolTask, ["action"] = "reject" });
        Assert.Equal(HttpStatusCode.Forbidden, notHers.StatusCode);
        Assert.Contains("assigned to another user", await notHers.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var reject = await PostAsync(emulator, instance, new() { ["operator"] = carol, ["task_id"] = carolTask, ["action"] = "reject", ["comment"] = "no receipt" });
        Assert.Equal(HttpStatusCode.Redirect, reject.StatusCode);

        var state = await ApprovalApi.GetInstanceAsync(emulator, token, instance);
        Assert.Equal("REJECTED", ApprovalApi.Status(state));
        Assert.Equal("thanks!", Assert.Single(state.GetProperty("comment_list").EnumerateArray()).GetProperty("comment").GetString());
        Assert.Contains(state.GetProperty("timeline").EnumerateArray(), t => t.GetProperty("type").GetString() == "PASS" && t.GetProperty("comment").GetString() == "fine");
        var page = await emulator.Http.GetStringAsync($"/approvals/{instance}");
        Assert.Contains("no receipt", page, StringComparison.Ordinal);
        Assert.Contains("REJECTED", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cross_site_posts_unknown_instances_and_empty_comments_are_refused()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var alice = emulator.User("alice@example.com").OpenId;
        var instance = await ApprovalApi.CreateInstanceAsync(emulator, token, Payment, alice);

        using var crossSite = await PostAsync(emulator, instance, new() { ["operator"] = alice, ["action"] = "comment", ["comment"] = "x" }, origin: "http://evil.example");
        using var empty = await PostAsync(emulator, instance, new() { ["operator"] = alice, ["action"] = "comment", ["comment"] = " " });
        using var unknown = await emulator.Http.GetAsync("/approvals/NOPE");

        Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Empty((await ApprovalApi.GetInstanceAsync(emulator, token, instance)).GetProperty("comment_list").EnumerateArray());
    }

    [Fact]
    public async Task The_control_API_acts_as_a_user_with_the_same_rules()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var (alice, bob) = (emulator.User("alice@example.com").OpenId, emulator.User("bob@example.com").OpenId);
        var instance = await ApprovalApi.CreateInstanceAsync(emulator, token, Payment, alice);
        var task = ApprovalApi.PendingTask(await ApprovalApi.GetInstanceAsync(emulator, token, instance), bob)!;

        using var wrongUser = await emulator.PostJsonAsync($"/_emulator/approvals/instances/{instance}/tasks/{task}/approve", new { user = "carol@example.com" });
        using var approve = await emulator.PostJsonAsync($"/_emulator/approvals/instances/{instance}/tasks/{task}/approve", new { user = "bob@example.com", comment = "ok" });
        using var comment = await emulator.PostJsonAsync($"/_emulator/approvals/instances/{instance}/comments", new { user = "dave@example.com", comment = "seen" });

        Assert.Equal((403, 1390009), (wrongUser.Status, wrongUser.Code));
        Assert.Equal(0, approve.Code);
        Assert.Equal(0, comment.Code);
        var state = await ApprovalApi.GetInstanceAsync(emulator, token, instance);
        Assert.Equal("APPROVED", ApprovalApi.Tasks(state)[0].Status);
        Assert.Equal("seen", Assert.Single(state.GetProperty("comment_list").EnumerateArray()).GetProperty("comment").GetString());
    }

    [Fact]
    public async Task Form_values_show_widget_labels_option_texts_and_names_and_keep_them_when_the_definition_changes()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var (alice, bob) = (emulator.User("alice@example.com"), emulator.User("bob@example.com"));
        var engineering = emulator.State.Departments.Single(d => d.DepartmentId == "eng");
        using var created = await emulator.PostJsonAsync("/open-apis/approval/v4/approvals", RichDefinition(null, "Text of ", bob.OpenId), token);
        Assert.True(created.Code == 0, created.Text);
        var code = created.Data.GetProperty("approval_code").GetString()!;
        var form = JsonSerializer.Serialize(new object[]
        {
            new { id = "method", type = "radioV2", value = "card" },
            new { id = "tags", type = "checkboxV2", value = new[] { "travel", "it" } },
            new { id = "who", type = "contact", value = new[] { bob.UserId } },
            new { id = "trip", type = "dateInterval", value = new { start = "2026-03-01T00:00:00+08:00", end = "2026-03-03T00:00:00+08:00", interval = 2 } },
            new { id = "phone", type = "telephone", value = new { countryCode = "+86", nationalNumber = "13800000000" } },
            new { id = "dept", type = "department", value = new[] { new { open_id = engineering.OpenDepartmentId } } },
        });
        var instance = await ApprovalApi.CreateInstanceAsync(emulator, token, code, alice.OpenId, form);

        // Overwritten later with other labels: the running instance keeps those it was created with.
        using var overwritten = await emulator.PostJsonAsync("/open-apis/approval/v4/approvals", RichDefinition(code, "Renamed ", bob.OpenId), token);
        Assert.True(overwritten.Code == 0, overwritten.Text);
        var page = await emulator.Http.GetStringAsync($"/approvals/{instance}");

        Assert.Contains("<tr><th>Text of method</th><td>Text of card</td></tr>", page, StringComparison.Ordinal);
        Assert.Contains("<tr><th>Text of tags</th><td>Text of travel, Text of it</td></tr>", page, StringComparison.Ordinal);
        Assert.Contains("<tr><th>Text of who</th><td>Bob Li</td></tr>", page, StringComparison.Ordinal);
        Assert.Contains("<tr><th>Text of trip</th><td>2026-03-01T00:00:00+08:00 – 2026-03-03T00:00:00+08:00</td></tr>", page, StringComparison.Ordinal);
        Assert.Contains("<tr><th>Text of phone</th><td>+86 13800000000</td></tr>", page, StringComparison.Ordinal);
        Assert.Contains("<tr><th>Text of dept</th><td>Engineering</td></tr>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<th>method</th>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<th>Renamed", page, StringComparison.Ordinal);
    }

    /// <summary>A definition whose widget and option texts are i18n keys resolved to "<paramref name="prefix"/>key".</summary>
    private static object RichDefinition(string? code, string prefix, string approverOpenId)
    {
        var keys = new[] { "name", "n1", "method", "bank", "card", "tags", "travel", "it", "who", "trip", "phone", "dept" };
        object[] widgets =
        [
            new { id = "method", name = "@i18n@method", type = "radioV2", required = true, option = new[] { new { value = "bank", text = "@i18n@bank" }, new { value = "card", text = "@i18n@card" } } },
            new { id = "tags", name = "@i18n@tags", type = "checkboxV2", required = false, option = new[] { new { value = "travel", text = "@i18n@travel" }, new { value = "it", text = "@i18n@it" } } },
            new { id = "who", name = "@i18n@who", type = "contact", required = false },
            new { id = "trip", name = "@i18n@trip", type = "dateInterval", required = false },
            new { id = "phone", name = "@i18n@phone", type = "telephone", required = false },
            new { id = "dept", name = "@i18n@dept", type = "department", required = false },
        ];
        return new
        {
            approval_code = code,
            approval_name = "@i18n@name",
            viewers = new[] { new { viewer_type = "TENANT" } },
            form = new { form_content = JsonSerializer.Serialize(widgets) },
            node_list = new object[] { new { id = "START" }, new { id = "n1", name = "@i18n@n1", node_type = "OR", approver = new[] { new { type = "Personal", user_id = approverOpenId } } }, new { id = "END" } },
            i18n_resources = new[] { new { locale = "en-US", is_default = true, texts = keys.Select(k => new { key = "@i18n@" + k, value = prefix + k }).ToArray() } },
        };
    }

    private static async Task<HttpResponseMessage> PostAsync(TestEmulator emulator, string instance, Dictionary<string, string> fields, string? origin = null)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = emulator.Server.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/approvals/{instance}/act") { Content = new FormUrlEncodedContent(fields) };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}
