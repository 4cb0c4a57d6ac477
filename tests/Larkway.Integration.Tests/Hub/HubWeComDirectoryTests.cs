using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;

using static Larkway.Integration.Tests.Hub.DirectoryApi;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// A company on WeCom alone: the Hub's directory app is a stored WeCom app, and a sync reads the Emulator's WeCom corp —
/// its departments (the tree in slices, names from department/get) and its members department by department — into the
/// directory's people and departments; a member WeCom shows as having left (status 5) ends resigned. The corp's changes
/// reach it as WeCom's encrypted change_contact callbacks, applied with the fields they carry.
/// </summary>
public sealed class HubWeComDirectoryTests
{
    private const string AppName = "wc-dir";

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Larkway:Directory:App"] = AppName,
        ["Larkway:Directory:ReconcileEnabled"] = "false",
        ["Larkway:Directory:PollInterval"] = "00:00:00.200",
    };

    [Fact]
    public async Task A_sync_reads_the_WeCom_corps_departments_and_people_and_a_member_who_left_ends_resigned()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        using var control = new HttpClient { BaseAddress = emulator.BaseUrl };
        (await control.PostAsJsonAsync("/_emulator/wecom/contact/generate", new { users = 200, departments = 30 })).EnsureSuccessStatusCode();
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", Settings);
        using var admin = Client(hub, HubSandbox.AdminKey);
        await AddAppAsync(admin, emulator);

        var run = await SyncAsync(admin);

        run.GetProperty("status").GetString().ShouldBe("completed", run.ToString());
        run.GetProperty("all_members").GetBoolean().ShouldBeTrue();
        run.GetProperty("people").GetInt32().ShouldBe(204);
        run.GetProperty("departments").GetInt32().ShouldBe(32);

        var alice = await PersonByEmailAsync(admin, "alice@example.com");
        alice.GetProperty("name").GetString().ShouldBe("Alice Chen");
        alice.GetProperty("status").GetString().ShouldBe("active");
        alice.GetProperty("mobile").GetString()!.ShouldEndWith("0001");
        alice.GetProperty("departments").EnumerateArray().Select(d => d.GetProperty("path").GetString()).ShouldBe(["Engineering"]);
        var departments = await ListAsync(admin, "/api/v1/directory/departments?limit=200");
        departments.Select(d => d.GetProperty("name").GetString()).ShouldContain("Sales");
        departments.Select(d => d.GetProperty("name").GetString()).ShouldContain("Department 00004");
        (await ListAsync(admin, "/api/v1/directory/people?department=3&limit=200")).Select(p => p.GetProperty("name").GetString()).Order(StringComparer.Ordinal)
            .ShouldBe(["Carol Wang", "Dave Zhang"]);

        // Dave leaves: WeCom shows him with status 5, and the next sync marks him resigned.
        (await control.PostAsJsonAsync("/_emulator/wecom/users/dave/status", new { status = 5 })).EnsureSuccessStatusCode();
        var second = await SyncAsync(admin);

        second.GetProperty("status").GetString().ShouldBe("completed", second.ToString());
        (await PersonByEmailAsync(admin, "dave@example.com")).GetProperty("status").GetString().ShouldBe("resigned");
        (await PersonByEmailAsync(admin, "carol@example.com")).GetProperty("status").GetString().ShouldBe("active");
    }

    [Fact]
    public async Task WeComs_change_contact_callbacks_change_the_directory_and_reach_webhooks_once()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        using var control = new HttpClient { BaseAddress = emulator.BaseUrl };
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", Settings);
        using var admin = Client(hub, HubSandbox.AdminKey);
        await AddAppAsync(admin, emulator);
        using (var saved = await control.PostAsJsonAsync("/_emulator/wecom/callback", new { url = new Uri(hub.Host.BaseUrl, $"/wecom/apps/{AppName}/callback").AbsoluteUri }))
        {
            saved.StatusCode.ShouldBe(HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());
        }

        (await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url("/directory").ToString(), event_types = new[] { "directory.*" } })).EnsureSuccessStatusCode();
        (await SyncAsync(admin)).GetProperty("status").GetString().ShouldBe("completed");

        // Each change is answered once the Hub has answered its callback.
        async Task ChangeAsync(HttpMethod method, string path, object? body = null)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            using var response = await control.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
            JsonDocument.Parse(text).RootElement.GetProperty("delivered").GetBoolean().ShouldBeTrue(text);
        }

        var steps = new DirectoryContactSteps(
            "40",
            () => ChangeAsync(HttpMethod.Put, "/_emulator/wecom/departments/40", new { name = DirectoryContactSteps.DepartmentName, parentid = 1, order = 500 }),
            () => ChangeAsync(HttpMethod.Put, "/_emulator/wecom/users/erin", new { name = DirectoryContactSteps.Name, department = new[] { 40 }, mobile = DirectoryContactSteps.Mobile, email = DirectoryContactSteps.Email, position = "Support Engineer", gender = 2 }),

            // WeCom's update_user carries UserID and the name only: the Hub must keep the email and mobile it has.
            () => ChangeAsync(HttpMethod.Put, "/_emulator/wecom/users/erin", new { name = DirectoryContactSteps.Renamed, department = new[] { 40 } }),
            () => ChangeAsync(HttpMethod.Delete, "/_emulator/wecom/users/erin"),
            () => ChangeAsync(HttpMethod.Put, "/_emulator/wecom/departments/40", new { name = DirectoryContactSteps.DepartmentRenamed, parentid = 1 }),
            () => ChangeAsync(HttpMethod.Delete, "/_emulator/wecom/departments/40"));

        await steps.RunAsync(admin, receiver, "/directory");
    }

    /// <summary>Adds the Emulator's WeCom app (its corp, AgentId 1000002) as a stored app named <paramref name="name"/>.</summary>
    internal static Task AddAppAsync(HttpClient admin, EmulatorServer emulator, string name = AppName) =>
        HubWeComTests.AddAppAsync(admin, emulator, name);

    private static HttpClient Client(HubSandbox hub, string key)
    {
        var client = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
