using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Directory;
using Larkway.Integration.Tests.DingTalk;

using static Larkway.Integration.Tests.Hub.DirectoryApi;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// The directory of a company on DingTalk alone: a Hub whose directory app is a stored DingTalk app syncs the Emulator's
/// DingTalk org — its departments walked one listsub a page (the root 1 as the directory's 0), its people by user/list's
/// cursor — and, when the app's contact scope leaves out the root, reads what <c>/auth/scopes</c> grants instead. The
/// org's changes reach it as DingTalk's contact events (over Stream), read again from DingTalk by the ids they name.
/// </summary>
public sealed class HubDingTalkDirectoryTests
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Larkway:Directory:App"] = HubDingTalkTests.AppName,
        ["Larkway:Directory:ReconcileEnabled"] = "false",
        ["Larkway:Directory:PollInterval"] = "00:00:00.200",
    };

    [Fact]
    public async Task A_DingTalk_directory_app_syncs_the_orgs_departments_and_people_at_one_call_a_page()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", Settings);
        using var admin = Client(hub);
        await HubDingTalkTests.AddAppAsync(admin, emulator);

        var run = await SyncAsync(admin);

        run.GetProperty("status").GetString().ShouldBe("completed", run.ToString());
        run.GetProperty("all_members").GetBoolean().ShouldBeTrue();
        run.GetProperty("people").GetInt32().ShouldBe(4);
        run.GetProperty("departments").GetInt32().ShouldBe(3);

        // listsub of 1, 2, 4 and 3 (one a page), user/list of the root, 2, 3 and 4 (one page each).
        run.GetProperty("api_calls").GetInt32().ShouldBe(8);

        var departments = await ListAsync(admin, "/api/v1/directory/departments?limit=100");
        departments.Select(d => (d.GetProperty("id").GetString(), d.GetProperty("name").GetString(), d.GetProperty("parent_id").GetString(), d.GetProperty("path").GetString()))
            .OrderBy(d => d.Item1, StringComparer.Ordinal)
            .ShouldBe([("2", "Engineering", "0", "Engineering"), ("3", "Sales", "0", "Sales"), ("4", "Platform", "2", "Engineering / Platform")]);

        var carol = (await ListAsync(admin, "/api/v1/directory/people?email=carol@example.com&include_mobile=true")).ShouldHaveSingleItem();
        carol.GetProperty("name").GetString().ShouldBe("Carol Wang");
        carol.GetProperty("user_id").GetString().ShouldBe("carol");
        carol.GetProperty("mobile").GetString().ShouldBe("13800000003");
        carol.GetProperty("enterprise_email").GetString().ShouldBe("carol@larkway-dev.example.com");
        carol.GetProperty("employee_no").GetString().ShouldBe("LD0003");
        carol.GetProperty("status").GetString().ShouldBe("active");
        carol.GetProperty("union_id").GetString().ShouldNotBeNullOrEmpty();
        carol.GetProperty("open_ids").GetProperty(HubDingTalkTests.AppName).GetString().ShouldBe("carol");
        carol.GetProperty("departments").EnumerateArray().Select(d => (d.GetProperty("id").GetString(), d.GetProperty("path").GetString())).ShouldBe([("3", "Sales")]);

        var engineering = await ListAsync(admin, "/api/v1/directory/people?department=2&limit=100");
        engineering.Select(p => p.GetProperty("name").GetString()).Order(StringComparer.Ordinal).ShouldBe(["Alice Chen", "Bob Li"]);
    }

    [Fact]
    public async Task A_contact_scope_without_the_root_reads_what_auth_scopes_grants_and_marks_nobody_resigned()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", Settings);
        using var admin = Client(hub);
        await HubDingTalkTests.AddAppAsync(admin, emulator);
        using (var scope = await hub.Control.PutAsJsonAsync("/_emulator/dingtalk/contact-scope", new { departments = new[] { 2 }, users = new[] { "carol" } }))
        {
            scope.StatusCode.ShouldBe(HttpStatusCode.OK, await scope.Content.ReadAsStringAsync());
        }

        var run = await SyncAsync(admin);

        run.GetProperty("status").GetString().ShouldBe("completed", run.ToString());
        run.GetProperty("all_members").GetBoolean().ShouldBeFalse();
        var people = await ListAsync(admin, "/api/v1/directory/people?limit=100");
        people.Select(p => p.GetProperty("user_id").GetString()).Order(StringComparer.Ordinal).ShouldBe(["alice", "bob", "carol"]);
        people.ShouldAllBe(p => p.GetProperty("status").GetString() == "active");
        (await ListAsync(admin, "/api/v1/directory/departments?limit=100")).Select(d => d.GetProperty("id").GetString()).Order(StringComparer.Ordinal).ShouldBe(["2", "4"]);
    }

    [Fact]
    public async Task DingTalks_contact_events_change_the_directory_and_reach_webhooks_once()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", Settings);
        using var admin = Client(hub);
        using var stream = new DingTalkStreamControl(emulator.BaseUrl, EmulatorOptions.DefaultDingTalkAppKey);
        await HubDingTalkTests.AddAppAsync(admin, emulator);
        (await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url("/directory").ToString(), event_types = new[] { "directory.*" } })).EnsureSuccessStatusCode();
        (await SyncAsync(admin)).GetProperty("status").GetString().ShouldBe("completed");

        // The Hub takes DingTalk's events over its Stream connection (it has no HTTP event subscription).
        await HubSandbox.WaitUntilAsync(() => stream.OpenConnectionIdsAsync().GetAwaiter().GetResult().Count > 0, "the Hub's Stream connection", seconds: 60);
        async Task ControlAsync(HttpMethod method, string path, object? body = null)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            using var response = await hub.Control.SendAsync(request);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }

        var person = new { name = DirectoryContactSteps.Name, deptIds = new[] { 50 }, mobile = DirectoryContactSteps.Mobile, email = DirectoryContactSteps.Email, title = "Support Engineer" };
        var steps = new DirectoryContactSteps(
            "50",
            () => ControlAsync(HttpMethod.Put, "/_emulator/dingtalk/departments/50", new { name = DirectoryContactSteps.DepartmentName, parentId = 1, order = 3 }),
            () => ControlAsync(HttpMethod.Put, "/_emulator/dingtalk/users/erin", person),
            () => ControlAsync(HttpMethod.Put, "/_emulator/dingtalk/users/erin", person with { name = DirectoryContactSteps.Renamed }),
            () => ControlAsync(HttpMethod.Delete, "/_emulator/dingtalk/users/erin"),
            () => ControlAsync(HttpMethod.Put, "/_emulator/dingtalk/departments/50", new { name = DirectoryContactSteps.DepartmentRenamed, parentId = 1, order = 3 }),
            () => ControlAsync(HttpMethod.Delete, "/_emulator/dingtalk/departments/50"));

        await steps.RunAsync(admin, receiver, "/directory");
    }

    /// <summary>
    /// DingTalk's contact API does not say which corp it lists, so a directory synced from it is kept under the placeholder
    /// tenant; the first contact event over Stream names the corp in its frame's <c>eventCorpId</c> header, and the
    /// directory moves there. The event a webhook gets is still DingTalk's data alone.
    /// </summary>
    [Fact]
    public async Task A_DingTalk_directory_app_learns_its_tenant_the_corp_from_a_contact_event_over_Stream()
    {
        var options = new EmulatorOptions { Port = 0 };
        await using var emulator = await EmulatorServer.StartAsync(options);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", Settings);
        using var admin = Client(hub);
        using var stream = new DingTalkStreamControl(emulator.BaseUrl, EmulatorOptions.DefaultDingTalkAppKey);
        await HubDingTalkTests.AddAppAsync(admin, emulator);
        (await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url("/dingtalk").ToString(), event_types = new[] { "dingtalk.event.user_add_org" } })).EnsureSuccessStatusCode();
        (await SyncAsync(admin)).GetProperty("status").GetString().ShouldBe("completed");
        var tenant = hub.Host.Services.GetRequiredService<DirectoryTenant>();
        (await tenant.CurrentAsync(CancellationToken.None)).ShouldBe(tenant.Placeholder, "the contact API does not name the corp");

        await HubSandbox.WaitUntilAsync(() => stream.OpenConnectionIdsAsync().GetAwaiter().GetResult().Count > 0, "the Hub's Stream connection", seconds: 60);
        using (var added = await hub.Control.PutAsJsonAsync("/_emulator/dingtalk/users/erin", new { name = DirectoryContactSteps.Name, deptIds = new[] { 2 }, email = DirectoryContactSteps.Email }))
        {
            added.StatusCode.ShouldBe(HttpStatusCode.OK, await added.Content.ReadAsStringAsync());
        }

        await HubSandbox.WaitUntilAsync(() => tenant.CurrentAsync(CancellationToken.None).GetAwaiter().GetResult() == options.DingTalkCorpId, "the corp learned as the tenant", seconds: 60);
        await HubSandbox.WaitUntilAsync(
            () => ListAsync(admin, "/api/v1/directory/people?limit=100").GetAwaiter().GetResult().Any(p => p.GetProperty("user_id").GetString() == "erin"), "the person added", seconds: 60);
        (await ListAsync(admin, "/api/v1/directory/people?limit=100")).Count.ShouldBe(5, "the synced people moved to the corp with the new one");

        await HubSandbox.WaitUntilAsync(() => receiver.At("/dingtalk").Count >= 1, "the event at the webhook", seconds: 60);
        var forwarded = JsonDocument.Parse(receiver.At("/dingtalk")[0].Body).RootElement.GetProperty("event");
        forwarded.GetProperty("userId").EnumerateArray().Select(u => u.GetString()).ShouldBe(["erin"]);
        forwarded.TryGetProperty("headers", out _).ShouldBeFalse("the webhook gets the event's data, not the stored frame");
    }

    private static HttpClient Client(HubSandbox hub)
    {
        var client = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        return client;
    }
}
