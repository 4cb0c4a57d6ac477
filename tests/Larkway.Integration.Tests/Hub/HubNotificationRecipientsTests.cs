using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.State;

namespace Larkway.Integration.Tests.Hub;

/// <summary>Department recipients become people when a notification is accepted; email lookups are batched.</summary>
public sealed class HubNotificationRecipientsTests
{
    private const string BatchGetId = "POST /open-apis/contact/v3/users/batch_get_id";
    private const string FindByDepartment = "GET /open-apis/contact/v3/users/find_by_department";

    private static readonly JsonObject Card = new()
    {
        ["header"] = new JsonObject { ["title"] = new JsonObject { ["tag"] = "plain_text", ["content"] = "Fire drill at 3 pm" } },
        ["elements"] = new JsonArray(new JsonObject { ["tag"] = "div", ["text"] = new JsonObject { ["tag"] = "lark_md", ["content"] = "Meet in the car park." } }),
    };

    [Fact]
    public async Task A_department_is_its_active_direct_members_once_each_by_open_id()
    {
        await using var hub = await HubSandbox.StartAsync();
        var engineering = hub.State.Departments.Single(d => d.DepartmentId == "eng");
        var alice = hub.State.Users.Single(u => u.Email == "alice@example.com");
        var bob = hub.State.Users.Single(u => u.Email == "bob@example.com");
        hub.State.AddUser(new EmulatorUser("ou_gone_eng", "on_gone_eng", "gone_eng", "Gone", "gone@example.com", [engineering.OpenDepartmentId], IsResigned: true));
        var key = await CreateKeyAsync(hub);

        // Alice is named by email and is in the department: one message for her.
        var id = await CreateAsync(hub, key, "drill-1", new object[] { new { email = "alice@example.com" }, new { department_id = engineering.OpenDepartmentId } }, expectedRecipients: 2);

        var status = await WaitForStatusAsync(hub, key, id, "sent");
        var recipients = status.GetProperty("recipients").EnumerateArray().Select(r => (r.GetProperty("type").GetString(), r.GetProperty("value").GetString())).ToList();
        recipients.ShouldBe([("email", "alice@example.com"), ("open_id", bob.OpenId)]);
        hub.State.Chats.Where(c => c.ChatMode == "p2p").Sum(c => hub.State.MessagesIn(c.ChatId).Count(m => m.Content.Contains("Fire drill", StringComparison.Ordinal)))
            .ShouldBe(2);
        alice.OpenId.ShouldNotBe(bob.OpenId);

        // One page of members, one lookup of Alice's email; the same request again is the same notification,
        // answered from the store without asking Feishu again.
        (await CallsAsync(hub, FindByDepartment)).ShouldBe(1);
        (await CallsAsync(hub, BatchGetId)).ShouldBe(1);
        (await hub.Control.DeleteAsync("/_emulator/calls")).EnsureSuccessStatusCode();
        using var client = Client(hub, key);
        using var again = await client.PostAsJsonAsync("/api/v1/notifications",
            new { type = "ops.drill", idempotency_key = "drill-1", card = Card, recipients = new object[] { new { email = "alice@example.com" }, new { department_id = engineering.OpenDepartmentId } } });
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        var duplicate = await again.Content.ReadFromJsonAsync<JsonElement>();
        duplicate.GetProperty("id").GetString().ShouldBe(id);
        duplicate.GetProperty("recipients").GetInt32().ShouldBe(2);
        (await CallsAsync(hub, FindByDepartment)).ShouldBe(0);
        (await CallsAsync(hub, BatchGetId)).ShouldBe(0);
    }

    [Fact]
    public async Task A_parent_department_reaches_the_members_of_its_sub_departments_once_each_unless_told_otherwise()
    {
        await using var hub = await HubSandbox.StartAsync();
        var engineering = hub.State.Departments.Single(d => d.DepartmentId == "eng");
        var bob = hub.State.Users.Single(u => u.Email == "bob@example.com");
        var alice = hub.State.Users.Single(u => u.Email == "alice@example.com");

        // Engineering > Platform > Storage; Erin is in Storage only, Bob in Engineering and Platform both.
        var platform = hub.State.AddDepartment(new EmulatorDepartment("od-platform", "platform", "Platform", engineering.OpenDepartmentId));
        var storage = hub.State.AddDepartment(new EmulatorDepartment("od-storage", "storage", "Storage", platform.OpenDepartmentId));
        var erin = hub.State.AddUser(new EmulatorUser("ou_erin", "on_erin", "erin", "Erin", "erin@example.com", [storage.OpenDepartmentId]));
        hub.State.AddUser(bob with { DepartmentIds = [engineering.OpenDepartmentId, platform.OpenDepartmentId] });
        var key = await CreateKeyAsync(hub);

        var id = await CreateAsync(hub, key, "drill-sub", new object[] { new { department_id = engineering.OpenDepartmentId } }, expectedRecipients: 3);

        var status = await WaitForStatusAsync(hub, key, id, "sent");
        var recipients = status.GetProperty("recipients").EnumerateArray().Select(r => r.GetProperty("value").GetString()).ToList();
        recipients.Order(StringComparer.Ordinal).ShouldBe(new[] { alice.OpenId, bob.OpenId, erin.OpenId }.Order(StringComparer.Ordinal));
        int Received(string openId) => hub.State.Chats.Where(c => c.ChatMode == "p2p" && c.MemberOpenIds.Contains(openId))
            .Sum(c => hub.State.MessagesIn(c.ChatId).Count(m => m.Content.Contains("Fire drill", StringComparison.Ordinal)));
        Received(erin.OpenId).ShouldBe(1);
        Received(bob.OpenId).ShouldBe(1);

        // Direct members only: Erin is not among them.
        var direct = await CreateAsync(hub, key, "drill-direct", new object[] { new { department_id = engineering.OpenDepartmentId, include_subdepartments = false } }, expectedRecipients: 2);
        var directStatus = await WaitForStatusAsync(hub, key, direct, "sent");
        directStatus.GetProperty("recipients").EnumerateArray().Select(r => r.GetProperty("value").GetString()).ShouldNotContain(erin.OpenId);
        Received(erin.OpenId).ShouldBe(1);
    }

    [Fact]
    public async Task Include_subdepartments_beside_anything_but_a_department_or_not_a_boolean_is_a_400()
    {
        await using var hub = await HubSandbox.StartAsync();
        var key = await CreateKeyAsync(hub);

        using var client = Client(hub, key);
        using var response = await client.PostAsJsonAsync("/api/v1/notifications",
            new { type = "ops.drill", idempotency_key = "drill-flag", card = Card, recipients = new object[] { new { email = "bob@example.com", include_subdepartments = true }, new { department_id = "od-x", include_subdepartments = "yes" } } });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString())
            .ShouldBe(["recipients[0].include_subdepartments", "recipients[1].include_subdepartments"]);
    }

    [Fact]
    public async Task An_unknown_department_is_a_400_naming_the_recipient_and_nothing_is_stored()
    {
        await using var hub = await HubSandbox.StartAsync();
        var key = await CreateKeyAsync(hub);

        using var client = Client(hub, key);
        using var response = await client.PostAsJsonAsync("/api/v1/notifications",
            new { type = "ops.drill", idempotency_key = "drill-2", card = Card, recipients = new object[] { new { chat_id = "oc_x" }, new { department_id = "od-nope" } } });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var error = problem.GetProperty("errors").EnumerateArray().Single();
        error.GetProperty("field").GetString().ShouldBe("recipients[1].department_id");
        error.GetProperty("message").GetString()!.ShouldContain("od-nope");

        // The same key is free: nothing was stored under it.
        await CreateAsync(hub, key, "drill-2", new object[] { new { email = "bob@example.com" } }, expectedRecipients: 1);
    }

    [Fact]
    public async Task One_hundred_twenty_emails_cost_three_lookups_and_unknown_addresses_fail_with_minus_100()
    {
        await using var hub = await HubSandbox.StartAsync();
        var key = await CreateKeyAsync(hub);
        (await hub.Control.DeleteAsync("/_emulator/calls")).EnsureSuccessStatusCode();
        var emails = Enumerable.Range(0, 118).Select(i => $"nobody{i}@example.com").Append("alice@example.com").Append("bob@example.com").ToArray();

        var id = await CreateAsync(hub, key, "drill-3", [.. emails.Select(e => (object)new { email = e })], expectedRecipients: 120);

        var status = await WaitForStatusAsync(hub, key, id, "partially_failed");
        var recipients = status.GetProperty("recipients").EnumerateArray().ToList();
        recipients.Count(r => r.GetProperty("status").GetString() == "sent").ShouldBe(2);
        recipients.Where(r => r.GetProperty("status").GetString() == "failed").ShouldAllBe(r => r.GetProperty("error").GetProperty("code").GetInt32() == -100);
        (await CallsAsync(hub, BatchGetId)).ShouldBe(3);
    }

    private static async Task<long> CallsAsync(HubSandbox hub, string endpoint)
    {
        var calls = await hub.Control.GetFromJsonAsync<JsonElement>("/_emulator/calls");
        return calls.GetProperty("data").GetProperty("items").EnumerateArray()
            .Where(i => i.GetProperty("endpoint").GetString() == endpoint).Sum(i => i.GetProperty("count").GetInt64());
    }

    private static async Task<string> CreateAsync(HubSandbox hub, string key, string idempotencyKey, object[] recipients, int expectedRecipients)
    {
        using var client = Client(hub, key);
        using var response = await client.PostAsJsonAsync("/api/v1/notifications", new { type = "ops.drill", idempotency_key = idempotencyKey, card = Card, recipients });
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, text);
        using var body = JsonDocument.Parse(text);
        body.RootElement.GetProperty("recipients").GetInt32().ShouldBe(expectedRecipients);
        return body.RootElement.GetProperty("id").GetString()!;
    }

    private static async Task<string> CreateKeyAsync(HubSandbox hub)
    {
        using var admin = Client(hub, HubSandbox.AdminKey);
        using var response = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "facilities", types = new[] { "ops.*" } });
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("key").GetString()!;
    }

    private static HttpClient Client(HubSandbox hub, string key)
    {
        var client = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static async Task<JsonElement> WaitForStatusAsync(HubSandbox hub, string key, string id, string status)
    {
        using var client = Client(hub, key);
        JsonElement last = default;
        await HubSandbox.WaitUntilAsync(() =>
        {
            last = client.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{id}").GetAwaiter().GetResult();
            return last.GetProperty("status").GetString() == status;
        }, $"notification {id} {status} (last: {last})", 60);
        return last;
    }
}
