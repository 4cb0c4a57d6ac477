using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.State;

using static Larkway.Integration.Tests.Hub.DirectoryApi;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// The directory against the Emulator: a full sync reads every department (fetch_child) and every member page at the
/// floor of calls, keeps a person in two departments once, marks people a complete run did not see resigned; a sync
/// stopped mid-run resumes and ends with the same directory; contact events change it and reach webhooks; the
/// notifications resolve an email from the directory without asking Feishu; the API answers API keys with masked mobiles.
/// </summary>
public sealed class HubDirectoryTests
{
    private static readonly Dictionary<string, string?> Quiet = new()
    {
        ["Larkway:Directory:ReconcileEnabled"] = "false",
        ["Larkway:Directory:PollInterval"] = "00:00:00.200",
    };

    [Fact]
    public async Task A_full_sync_reads_every_department_and_person_once_at_the_floor_of_calls_and_a_later_one_marks_leavers_resigned()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        var (departments, users) = Seed(emulator.State, departments: 4, usersPerDepartment: 60);
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", Quiet);
        using var admin = Client(hub, HubSandbox.AdminKey);
        await ResetCallsAsync(emulator);

        var run = await SyncAsync(admin);

        run.GetProperty("status").GetString().ShouldBe("completed", run.ToString());
        run.GetProperty("all_members").GetBoolean().ShouldBeTrue();
        var active = emulator.State.Users.Where(u => !u.IsResigned).ToList();
        run.GetProperty("people").GetInt32().ShouldBe(active.Count);
        run.GetProperty("departments").GetInt32().ShouldBe(emulator.State.Departments.Count);

        // The floor: the department pages (fetch_child from the root, 50 a page) plus one page per 50 members of each department and of the root.
        var members = emulator.State.Departments.Select(d => active.Count(u => u.DepartmentIds.Contains(d.OpenDepartmentId)))
            .Append(active.Count(u => u.DepartmentIds.Count == 0));
        var floor = Pages(emulator.State.Departments.Count) + members.Sum(Pages);
        run.GetProperty("api_calls").GetInt32().ShouldBe(floor);
        (await ContactCallsAsync(emulator)).ShouldBe(floor);

        // The person in two departments: one person, both departments with their paths.
        var twice = await PersonByEmailAsync(admin, users[0].Email!);
        twice.GetProperty("departments").EnumerateArray().Select(d => d.GetProperty("path").GetString()).Order(StringComparer.Ordinal)
            .ShouldBe([departments[0].Name, departments[0].Name + " / " + departments[1].Name]);
        (await ListAsync(admin, "/api/v1/directory/people?q=" + Uri.EscapeDataString(users[0].Name))).Count.ShouldBe(1);
        (await ListAsync(admin, $"/api/v1/directory/people?department={departments[2].OpenDepartmentId}&limit=200")).Count.ShouldBe(60);

        // Someone leaves while no event reaches the Hub: the next complete sync marks them resigned.
        var leaver = users[5];
        emulator.State.AddUser(leaver with { IsResigned = true });
        var second = await SyncAsync(admin);
        (second.GetProperty("created").GetInt32(), second.GetProperty("updated").GetInt32(), second.GetProperty("deactivated").GetInt32()).ShouldBe((0, 0, 1));
        (await PersonByEmailAsync(admin, leaver.Email!)).GetProperty("status").GetString().ShouldBe("resigned");
    }

    [Fact]
    public async Task A_run_whose_pages_failed_ends_incomplete_and_marks_nobody_resigned()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        var (_, users) = Seed(emulator.State, departments: 2, usersPerDepartment: 3);
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", new Dictionary<string, string?>(Quiet) { ["Larkway:Directory:MaxAttempts"] = "1" });
        using var admin = Client(hub, HubSandbox.AdminKey);
        (await SyncAsync(admin)).GetProperty("status").GetString().ShouldBe("completed");

        // Someone leaves, but Feishu fails every member listing of the next run.
        emulator.State.AddUser(users[0] with { IsResigned = true });
        using (var armed = await hub.Control.PostAsJsonAsync("/_emulator/faults", new { endpoint = "GET /open-apis/contact/v3/users/find_by_department", kind = "server_error", count = 1000 }))
        {
            armed.EnsureSuccessStatusCode();
        }

        var run = await SyncAsync(admin);

        run.GetProperty("status").GetString().ShouldBe("incomplete", run.ToString());
        run.GetProperty("failed_pages").GetInt32().ShouldBeGreaterThan(0);
        run.GetProperty("deactivated").GetInt32().ShouldBe(0);
        run.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("kind").GetString()).ShouldContain("page_failed");
        (await PersonByEmailAsync(admin, users[0].Email!)).GetProperty("status").GetString().ShouldBe("active");
        (await ListAsync(admin, "/api/v1/directory/people?status=resigned")).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_sync_stopped_between_pages_resumes_in_the_next_Hub_and_ends_with_the_same_directory()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        Seed(emulator.State, departments: 6, usersPerDepartment: 30);
        var data = Directory.CreateTempSubdirectory("larkway-hub-").FullName;
        var slow = new Dictionary<string, string?>(Quiet)
        {
            ["Larkway:Directory:PageSize"] = "5",
            ["Larkway:Directory:Concurrency"] = "1",
            ["Larkway:Directory:CallsPerSecond"] = "10",
            ["Larkway:Directory:CallsPerMinute"] = "600",
        };

        string runId;
        await using (var first = await HubSandbox.StartAgainstAsync(emulator, "webhook", slow, data))
        {
            using var admin = Client(first, HubSandbox.AdminKey);
            using var started = await admin.PostAsync("/api/v1/directory/sync", null);
            started.StatusCode.ShouldBe(HttpStatusCode.Accepted);
            runId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            await HubSandbox.WaitUntilAsync(() => LastRunAsync(admin).GetAwaiter().GetResult().GetProperty("api_calls").GetInt32() >= 5, "some pages read");
        }

        await using var second = await HubSandbox.StartAgainstAsync(emulator, "webhook", Quiet, data);
        using var again = Client(second, HubSandbox.AdminKey);
        var stoppedAt = await LastRunAsync(again);
        stoppedAt.GetProperty("id").GetString().ShouldBe(runId);
        var run = await WaitForRunAsync(again);

        run.GetProperty("id").GetString().ShouldBe(runId);
        run.GetProperty("status").GetString().ShouldBe("completed", run.ToString());
        var people = await ListAsync(again, "/api/v1/directory/people?limit=200");
        var active = emulator.State.Users.Where(u => !u.IsResigned).ToList();
        people.Select(p => p.GetProperty("open_ids").GetProperty("default").GetString()).Order(StringComparer.Ordinal)
            .ShouldBe(active.Select(u => u.OpenId).Order(StringComparer.Ordinal));
        foreach (var user in active)
        {
            var person = people.Single(p => p.GetProperty("open_ids").GetProperty("default").GetString() == user.OpenId);
            string?[] expected = user.DepartmentIds.Count == 0 ? ["0"] : [.. user.DepartmentIds.Order(StringComparer.Ordinal)];
            person.GetProperty("departments").EnumerateArray().Select(d => d.GetProperty("id").GetString()).Order(StringComparer.Ordinal).ToArray()
                .ShouldBe(expected, user.OpenId);
        }
    }

    [Fact]
    public async Task Contact_events_change_the_directory_in_any_order_and_reach_webhooks_once()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        var (departments, users) = Seed(emulator.State, departments: 2, usersPerDepartment: 3);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", Quiet);
        using var admin = Client(hub, HubSandbox.AdminKey);
        (await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url("/directory").ToString(), event_types = new[] { "directory.*" } })).EnsureSuccessStatusCode();
        await SyncAsync(admin);
        await HubSandbox.WaitUntilAsync(() => receiver.At("/directory").Count(r => Type(r) == "directory.person.created") == emulator.State.Users.Count(u => !u.IsResigned), "a created webhook per person");

        var player = new FeishuPlayer(hub.Api, HubSandbox.ExternalEncryptKey, HubSandbox.ExternalVerificationToken, hub.Host.Settings.AppId!);
        var alice = users[1];
        var now = DateTimeOffset.UtcNow;

        // Feishu sends a mobile change and an email change as two events; the later one arrives first, the earlier twice.
        var emailEvent = ContactEvent("ev_email", "contact.user.updated_v3", now.AddSeconds(2), User(alice, "alice.new@example.com", "+8613900000002"), new JsonObject { ["email"] = alice.Email });
        var mobileEvent = ContactEvent("ev_mobile", "contact.user.updated_v3", now.AddSeconds(1), User(alice, alice.Email!, "+8613900000002"), new JsonObject { ["mobile"] = alice.Mobile });
        foreach (var body in new[] { emailEvent, mobileEvent, mobileEvent })
        {
            using var response = await player.DeliverAsync(body);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        // A resignation: the deleted event's object has no departments; old_object has them.
        var bob = users[2];
        var deleted = ContactEvent("ev_gone", "contact.user.deleted_v3", now.AddSeconds(3),
            new JsonObject { ["open_id"] = bob.OpenId, ["union_id"] = bob.UnionId },
            new JsonObject { ["open_id"] = bob.OpenId, ["department_ids"] = new JsonArray(bob.DepartmentIds.Select(d => (JsonNode)d).ToArray()) });
        (await player.DeliverAsync(deleted)).StatusCode.ShouldBe(HttpStatusCode.OK);

        await HubSandbox.WaitUntilAsync(() => receiver.At("/directory").Any(r => Type(r) == "directory.person.deactivated"), "the deactivated webhook");
        await AdminApi.WaitAllDoneAsync(hub.Host.BaseUrl, HubSandbox.AdminKey, 3);
        var person = await PersonByEmailAsync(admin, "alice.new@example.com");
        person.GetProperty("mobile").GetString().ShouldBe("+86*******0002");
        var full = await (await admin.GetAsync($"/api/v1/directory/people/{person.GetProperty("id").GetString()}?include_mobile=true")).Content.ReadFromJsonAsync<JsonElement>();
        full.GetProperty("mobile").GetString().ShouldBe("+8613900000002");
        // The inbox handles events concurrently: the two changes are one or two history entries, never three (the duplicate is nothing).
        var sources = full.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("source").GetString()).ToList();
        sources[^1].ShouldBe("full_sync");
        sources.SkipLast(1).ShouldAllBe(s => s == "event");
        sources.Count.ShouldBeInRange(2, 3);
        (await PersonByEmailAsync(admin, bob.Email!)).GetProperty("status").GetString().ShouldBe("resigned");

        // Webhooks go out from the work queue after the inbox is done: wait for as many as there are history entries.
        List<string?> ForAlice() => [.. receiver.At("/directory").Where(r => Text(r).Contains(person.GetProperty("id").GetString()!, StringComparison.Ordinal)).Select(r => Type(r))];
        await HubSandbox.WaitUntilAsync(() => ForAlice().Count >= sources.Count, "a webhook per history entry of Alice's");
        var forAlice = ForAlice();
        forAlice[0].ShouldBe("directory.person.created");
        forAlice.Skip(1).ShouldAllBe(t => t == "directory.person.updated");
        forAlice.Count.ShouldBe(sources.Count);
        receiver.At("/directory").Select(r => Id(r)).ShouldBeUnique();
        receiver.At("/directory").ShouldAllBe(r => !Text(r).Contains("13900000002", StringComparison.Ordinal));
        _ = departments;
    }

    [Fact]
    public async Task Edits_made_in_the_Emulator_reach_the_directory_as_contact_events_and_a_scope_change_resyncs_what_it_added()
    {
        // Sandbox mode: the Hub's embedded Emulator pushes every contact event to it, signed and encrypted.
        await using var hub = await HubSandbox.StartAsync(Quiet);
        using var admin = Client(hub, HubSandbox.AdminKey);
        var appId = hub.Host.Settings.AppId!;
        await SyncAsync(admin);
        var engineering = (await ListAsync(admin, "/api/v1/directory/departments?q=Engineering")).ShouldHaveSingleItem().GetProperty("id").GetString()!;

        await ControlAsync(hub, HttpMethod.Post, "/_emulator/contact/departments", new { name = "Platform", department_id = "platform", parent = "eng" });
        await ControlAsync(hub, HttpMethod.Post, "/_emulator/contact/users",
            new { name = "Erin Wu", email = "erin@example.com", mobile = "+8613800009999", user_id = "erin", department_ids = new[] { "platform" } });
        // The two events are handled concurrently: until the department's arrives, her department shows without a path.
        var erin = await WaitForPersonAsync(admin, "erin@example.com", p => p.GetProperty("departments").GetArrayLength() == 1 && p.GetProperty("departments")[0].TryGetProperty("path", out _));
        erin.GetProperty("departments")[0].GetProperty("path").GetString().ShouldBe("Engineering / Platform");
        erin.GetProperty("departments")[0].GetProperty("id").GetString().ShouldNotBe(engineering);

        // A mobile change and an email change: two events, both applied.
        await ControlAsync(hub, HttpMethod.Patch, "/_emulator/contact/users/erin@example.com", new { mobile = "+8613800009998" });
        await ControlAsync(hub, HttpMethod.Patch, "/_emulator/contact/users/erin@example.com", new { email = "erin.wu@example.com" });
        var id = erin.GetProperty("id").GetString()!;
        await WaitForAsync(admin, id, p => p.GetProperty("email").GetString() == "erin.wu@example.com" && p.GetProperty("mobile").GetString() == "+86*******9998");

        // Resigned at once (departments from old_object), then rehired: the same person.
        await ControlAsync(hub, HttpMethod.Delete, "/_emulator/contact/users/erin", null);
        await WaitForAsync(admin, id, p => p.GetProperty("status").GetString() == "resigned" && p.GetProperty("departments").GetArrayLength() == 0);
        await ControlAsync(hub, HttpMethod.Post, "/_emulator/contact/users/erin/rehire", null);
        var rehired = await WaitForAsync(admin, id, p => p.GetProperty("status").GetString() == "active");
        rehired.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("kind").GetString()).ShouldContain("deactivated");
        rehired.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("kind").GetString()).ShouldContain("reactivated");

        // A department renamed: the paths below it follow.
        await ControlAsync(hub, HttpMethod.Patch, "/_emulator/contact/departments/eng", new { name = "R&D" });
        await WaitForAsync(admin, id, p => p.GetProperty("departments").EnumerateArray().Any(d => d.GetProperty("path").GetString() == "R&D / Platform"));

        // The contact scope narrowed to Sales: a partial resync of what it added, a problem for what it removed.
        await ControlAsync(hub, HttpMethod.Put, $"/_emulator/apps/{appId}/contact-scope", new { departments = new[] { "sales" } });
        await HubSandbox.WaitUntilAsync(() => LastRunAsync(admin).GetAwaiter().GetResult() is var r && r.GetProperty("kind").GetString() == "scope" && r.GetProperty("status").GetString() != "running", "the scope resync", seconds: 60);
        var scopeRun = await LastRunAsync(admin);
        scopeRun.GetProperty("trigger").GetString().ShouldBe("scope_event");
        scopeRun.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("kind").GetString()).ShouldContain("removed_from_scope");
        (await PersonByEmailAsync(admin, "erin.wu@example.com")).GetProperty("status").GetString().ShouldBe("active");
    }

    [Fact]
    public async Task A_notification_to_an_email_the_directory_knows_is_resolved_without_asking_Feishu()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        var (_, users) = Seed(emulator.State, departments: 1, usersPerDepartment: 2);
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", Quiet);
        using var admin = Client(hub, HubSandbox.AdminKey);
        await SyncAsync(admin);
        await ResetCallsAsync(emulator);

        using var sent = await admin.PostAsJsonAsync("/api/v1/notifications",
            new
            {
                type = "directory.test",
                idempotency_key = "dir-1",
                card = new { header = new { title = new { tag = "plain_text", content = "Hello" } }, elements = new[] { new { tag = "div", text = new { tag = "plain_text", content = "Hi" } } } },
                recipients = new[] { new { email = users[0].Email!.ToUpperInvariant() } },
            });
        sent.StatusCode.ShouldBe(HttpStatusCode.Accepted, await sent.Content.ReadAsStringAsync());

        await HubSandbox.WaitUntilAsync(() => emulator.State.Chats.Any(c => c.ChatMode == "p2p" && emulator.State.MessagesIn(c.ChatId).Any(m => m.MsgType == "interactive")), "the card sent");
        var calls = await CallsAsync(emulator);
        calls.Keys.ShouldNotContain(k => k.Contains("batch_get_id", StringComparison.Ordinal));
    }

    [Fact]
    public async Task API_keys_read_the_directory_with_masked_mobiles_only_the_admin_key_syncs_and_bad_input_gets_a_reason()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        var (_, users) = Seed(emulator.State, departments: 1, usersPerDepartment: 2);
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", Quiet);
        using var admin = Client(hub, HubSandbox.AdminKey);
        await SyncAsync(admin);
        using var created = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "office", types = new[] { "*" } });
        using var erp = Client(hub, (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!);

        var person = (await ListAsync(erp, "/api/v1/directory/people?email=" + Uri.EscapeDataString(users[0].Email!))).ShouldHaveSingleItem();
        person.GetProperty("mobile").GetString()!.ShouldContain("****");
        (await erp.GetAsync("/api/v1/directory/departments")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await erp.GetAsync("/api/v1/directory/people?include_mobile=true")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await erp.PostAsync("/api/v1/directory/sync", null)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await erp.GetAsync("/api/v1/directory/sync")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await Client(hub, "lwk_wrong").GetAsync("/api/v1/directory/people")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        foreach (var bad in new[] { "?status=gone", "?limit=0", "?limit=abc", "?after=per_zz", "?email=not-an-email", "?include_mobile=yes" })
        {
            using var response = await admin.GetAsync("/api/v1/directory/people" + bad);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, bad);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        }

        (await admin.GetAsync("/api/v1/directory/people/per_00000000000000000000000000000000")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await admin.PostAsync("/api/v1/directory/sync?kind=scope", null)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    private static async Task ControlAsync(HubSandbox hub, HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await hub.Control.SendAsync(request);
        response.IsSuccessStatusCode.ShouldBeTrue($"{method} {path}: {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<JsonElement> WaitForPersonAsync(HttpClient admin, string email, Func<JsonElement, bool> condition)
    {
        JsonElement found = default;
        await HubSandbox.WaitUntilAsync(() =>
        {
            var people = ListAsync(admin, "/api/v1/directory/people?email=" + Uri.EscapeDataString(email)).GetAwaiter().GetResult();
            return people.Count == 1 && condition(found = people[0]);
        }, "the person " + email);
        return found;
    }

    private static async Task<JsonElement> WaitForAsync(HttpClient admin, string id, Func<JsonElement, bool> condition)
    {
        JsonElement found = default;
        await HubSandbox.WaitUntilAsync(() => condition(found = admin.GetFromJsonAsync<JsonElement>("/api/v1/directory/people/" + id).GetAwaiter().GetResult()), "the change of " + id);
        return found;
    }

    private static (List<EmulatorDepartment> Departments, List<EmulatorUser> Users) Seed(EmulatorState state, int departments, int usersPerDepartment)
    {
        var list = new List<EmulatorDepartment>();
        for (var d = 0; d < departments; d++)
        {
            // The second department sits under the first; the rest at the top.
            var parent = d == 1 ? list[0].OpenDepartmentId : "0";
            list.Add(state.AddDepartment(new EmulatorDepartment($"od-dir{d:D3}", $"dir{d:D3}", $"Department {d}", parent)));
        }

        var users = new List<EmulatorUser>();
        for (var d = 0; d < departments; d++)
        {
            for (var u = 0; u < usersPerDepartment; u++)
            {
                var n = (d * usersPerDepartment) + u;
                IReadOnlyList<string> inDepartments = n == 0 && departments > 1 ? [list[0].OpenDepartmentId, list[1].OpenDepartmentId] : [list[d].OpenDepartmentId];
                users.Add(state.AddUser(new EmulatorUser($"ou_dir{n:D5}", $"on_dir{n:D5}", $"u_dir{n:D5}", $"Person {n:D5}", $"person{n:D5}@corp.example", inDepartments)
                {
                    Mobile = "+86139" + n.ToString("D8", CultureInfo.InvariantCulture),
                }));
            }
        }

        return (list, users);
    }

    private static int Pages(int items) => Math.Max(1, (items + 49) / 50);

    private static async Task ResetCallsAsync(EmulatorServer emulator)
    {
        using var control = new HttpClient { BaseAddress = emulator.BaseUrl };
        (await control.DeleteAsync("/_emulator/calls")).EnsureSuccessStatusCode();
    }

    private static async Task<Dictionary<string, long>> CallsAsync(EmulatorServer emulator)
    {
        using var control = new HttpClient { BaseAddress = emulator.BaseUrl };
        var calls = await control.GetFromJsonAsync<JsonElement>("/_emulator/calls");
        return calls.GetProperty("data").GetProperty("items").EnumerateArray()
            .ToDictionary(c => c.GetProperty("endpoint").GetString()!, c => c.GetProperty("count").GetInt64(), StringComparer.Ordinal);
    }

    private static async Task<long> ContactCallsAsync(EmulatorServer emulator) =>
        (await CallsAsync(emulator)).Where(c => c.Key.Contains("/contact/v3/", StringComparison.Ordinal)).Sum(c => c.Value);

    private static JsonObject User(EmulatorUser user, string email, string mobile) => new()
    {
        ["open_id"] = user.OpenId,
        ["union_id"] = user.UnionId,
        ["user_id"] = user.UserId,
        ["name"] = user.Name,
        ["email"] = email,
        ["mobile"] = mobile,
        ["department_ids"] = new JsonArray(user.DepartmentIds.Select(d => (JsonNode)d).ToArray()),
        ["status"] = new JsonObject { ["is_frozen"] = false, ["is_resigned"] = false, ["is_activated"] = true },
    };

    private static string ContactEvent(string eventId, string type, DateTimeOffset at, JsonObject @object, JsonObject? oldObject) => new JsonObject
    {
        ["schema"] = "2.0",
        ["header"] = new JsonObject
        {
            ["event_id"] = eventId,
            ["event_type"] = type,
            ["create_time"] = at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            ["token"] = HubSandbox.ExternalVerificationToken,
            ["app_id"] = "cli_directory",
            ["tenant_key"] = "tenant_directory",
        },
        ["event"] = new JsonObject { ["object"] = @object, ["old_object"] = oldObject },
    }.ToJsonString();

    private static string Text(ReceivedWebhook webhook) => System.Text.Encoding.UTF8.GetString(webhook.Body);

    private static string? Type(ReceivedWebhook webhook) => JsonDocument.Parse(webhook.Body).RootElement.GetProperty("type").GetString();

    private static string? Id(ReceivedWebhook webhook) => JsonDocument.Parse(webhook.Body).RootElement.GetProperty("id").GetString();

    private static HttpClient Client(HubSandbox hub, string key)
    {
        var client = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
