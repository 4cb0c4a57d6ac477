using System.Text.Json;
using Larkway.Emulator.State;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Contact;

/// <summary>Editing the directory through the control API fires contact.* v2 events to each subscribed app, in its ids and scope.</summary>
public sealed class ContactEventTests
{
    [Fact]
    public async Task Hiring_fires_created_v3_in_each_apps_ids()
    {
        await using var first = await EventReceiver.StartAsync();
        await using var second = await EventReceiver.StartAsync();
        await using var emulator = await StartAsync(first, second);

        using var hired = await emulator.PostJsonAsync("/_emulator/contact/users", new { name = "Henry Ho", email = "henry@example.com", mobile = "13800000009", department_ids = new[] { "eng" }, user_id = "henry" });
        Assert.Equal(0, hired.Code);
        var henry = emulator.User("henry@example.com");

        foreach (var (appId, receiver) in new[] { (emulator.Options.AppId, first), (ContactDirectory.SecondApp, second) })
        {
            var envelope = receiver.Plain(await receiver.WaitForEventAsync("contact.user.created_v3"));
            Assert.Equal("2.0", envelope.Str("schema"));
            Assert.Equal(appId, envelope.GetProperty("header").Str("app_id"));
            var user = envelope.GetProperty("event").GetProperty("object");
            Assert.Equal(emulator.State.OpenIdFor(appId, henry), user.Str("open_id"));
            Assert.Equal(henry.UnionId, user.Str("union_id"));
            Assert.Equal("henry", user.Str("user_id"));
            Assert.Equal("+8613800000009", user.Str("mobile"));
            Assert.Equal([emulator.State.FindDepartment("department_id", "eng")!.OpenDepartmentId], user.GetProperty("department_ids").EnumerateArray().Select(d => d.GetString()));
        }

        Assert.Equal(emulator.State.OpenIdFor(ContactDirectory.SecondApp, henry), hired.Data.GetProperty("user").GetProperty("open_ids").Str(ContactDirectory.SecondApp));
    }

    [Fact]
    public async Task A_mobile_and_an_email_changed_together_arrive_as_two_updated_events()
    {
        await using var receiver = await EventReceiver.StartAsync();
        await using var emulator = await StartAsync(receiver);

        using var edit = await emulator.SendAsync(HttpMethod.Patch, "/_emulator/contact/users/bob@example.com", JsonSerializer.Serialize(new { mobile = "+8613900000002", email = "robert@example.com" }), null);
        Assert.Equal(0, edit.Code);

        // Deliveries run side by side, so the two may arrive in either order: tell them apart by what changed.
        var updates = new[] { await receiver.WaitForEventAsync("contact.user.updated_v3"), await receiver.WaitForEventAsync("contact.user.updated_v3", skip: 1) }
            .Select(r => receiver.Plain(r).GetProperty("event")).ToList();
        var mobile = Assert.Single(updates, u => u.GetProperty("object").Str("mobile") != u.GetProperty("old_object").Str("mobile"));
        var email = Assert.Single(updates, u => u.GetProperty("object").Str("email") != u.GetProperty("old_object").Str("email"));
        Assert.Equal("+8613900000002", mobile.GetProperty("object").Str("mobile"));
        Assert.Equal("+8613800000002", mobile.GetProperty("old_object").Str("mobile"));
        Assert.Equal("bob@example.com", mobile.GetProperty("object").Str("email"));
        Assert.Equal("robert@example.com", email.GetProperty("object").Str("email"));
        Assert.Equal("bob@example.com", email.GetProperty("old_object").Str("email"));
        Assert.Equal("+8613900000002", email.GetProperty("old_object").Str("mobile"));
        Assert.Equal(2, receiver.Requests.Count(r => receiver.EventTypeOf(r) == "contact.user.updated_v3"));
    }

    [Fact]
    public async Task Resigning_fires_deleted_v3_whose_old_object_keeps_the_departments_and_rehiring_fires_created_v3()
    {
        await using var receiver = await EventReceiver.StartAsync();
        await using var emulator = await StartAsync(receiver);
        var eng = emulator.State.FindDepartment("department_id", "eng")!;

        using (var resigned = await emulator.SendAsync(HttpMethod.Delete, "/_emulator/contact/users/bob@example.com", null, null))
        {
            Assert.Equal(0, resigned.Code);
        }

        var deleted = receiver.Plain(await receiver.WaitForEventAsync("contact.user.deleted_v3")).GetProperty("event");
        Assert.Equal(0, deleted.GetProperty("object").GetProperty("department_ids").GetArrayLength());
        Assert.True(deleted.GetProperty("object").GetProperty("status").GetProperty("is_resigned").GetBoolean());
        Assert.Equal([eng.OpenDepartmentId], deleted.GetProperty("old_object").GetProperty("department_ids").EnumerateArray().Select(d => d.GetString()));

        using (var again = await emulator.PostJsonAsync("/_emulator/contact/users/bob@example.com/rehire", new { }))
        {
            Assert.Equal(0, again.Code);
        }

        var created = receiver.Plain(await receiver.WaitForEventAsync("contact.user.created_v3")).GetProperty("event");
        Assert.False(created.GetProperty("object").GetProperty("status").GetProperty("is_resigned").GetBoolean());
        Assert.Equal([eng.OpenDepartmentId], created.GetProperty("object").GetProperty("department_ids").EnumerateArray().Select(d => d.GetString()));
    }

    [Fact]
    public async Task Freezing_moving_and_renumbering_fire_updated_v3()
    {
        await using var receiver = await EventReceiver.StartAsync();
        await using var emulator = await StartAsync(receiver);
        var sales = emulator.State.FindDepartment("department_id", "sales")!;

        using (var frozen = await emulator.PostJsonAsync("/_emulator/contact/users/bob@example.com/freeze", new { }))
        {
            Assert.Equal(0, frozen.Code);
        }

        var freeze = receiver.Plain(await receiver.WaitForEventAsync("contact.user.updated_v3")).GetProperty("event");
        Assert.True(freeze.GetProperty("object").GetProperty("status").GetProperty("is_frozen").GetBoolean());
        Assert.False(freeze.GetProperty("old_object").GetProperty("status").GetProperty("is_frozen").GetBoolean());

        using (var moved = await emulator.SendAsync(HttpMethod.Patch, "/_emulator/contact/users/bob@example.com", JsonSerializer.Serialize(new { department_ids = new[] { "sales" }, user_id = "robert" }), null))
        {
            Assert.Equal(0, moved.Code);
        }

        var move = receiver.Plain(await receiver.WaitForEventAsync("contact.user.updated_v3", skip: 1)).GetProperty("event");
        Assert.Equal([sales.OpenDepartmentId], move.GetProperty("object").GetProperty("department_ids").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal("robert", move.GetProperty("object").Str("user_id"));
        Assert.Equal("bob", move.GetProperty("old_object").Str("user_id"));
        Assert.Equal("robert", emulator.State.FindUser("user_id", "robert")!.UserId);
        Assert.Null(emulator.State.FindUser("user_id", "bob"));
    }

    [Fact]
    public async Task Department_edits_fire_created_updated_and_deleted_v3_with_open_department_ids()
    {
        await using var receiver = await EventReceiver.StartAsync();
        await using var emulator = await StartAsync(receiver);
        var eng = emulator.State.FindDepartment("department_id", "eng")!;

        using (var created = await emulator.PostJsonAsync("/_emulator/contact/departments", new { name = "Platform", department_id = "platform", parent = "eng", leader = "alice@example.com" }))
        {
            Assert.Equal(0, created.Code);
        }

        var platform = emulator.State.FindDepartment("department_id", "platform")!;
        var create = receiver.Plain(await receiver.WaitForEventAsync("contact.department.created_v3")).GetProperty("event").GetProperty("object");
        Assert.Equal(platform.OpenDepartmentId, create.Str("open_department_id"));
        Assert.Equal(platform.OpenDepartmentId, create.Str("department_id"));
        Assert.Equal(eng.OpenDepartmentId, create.Str("parent_department_id"));
        Assert.Equal(emulator.User("alice@example.com").OpenId, create.Str("leader_user_id"));

        using (var renamed = await emulator.SendAsync(HttpMethod.Patch, "/_emulator/contact/departments/platform", JsonSerializer.Serialize(new { name = "Platform Team", parent = "sales" }), null))
        {
            Assert.Equal(0, renamed.Code);
        }

        var update = receiver.Plain(await receiver.WaitForEventAsync("contact.department.updated_v3")).GetProperty("event");
        Assert.Equal("Platform Team", update.GetProperty("object").Str("name"));
        Assert.Equal("Platform", update.GetProperty("old_object").Str("name"));
        Assert.Equal(eng.OpenDepartmentId, update.GetProperty("old_object").Str("parent_department_id"));

        using (var deleted = await emulator.SendAsync(HttpMethod.Delete, "/_emulator/contact/departments/platform", null, null))
        {
            Assert.Equal(0, deleted.Code);
        }

        var delete = receiver.Plain(await receiver.WaitForEventAsync("contact.department.deleted_v3")).GetProperty("event");
        Assert.True(delete.GetProperty("object").GetProperty("status").GetProperty("is_deleted").GetBoolean());
        Assert.Equal(platform.OpenDepartmentId, delete.GetProperty("old_object").Str("open_department_id"));
        Assert.Null(emulator.State.FindDepartment("department_id", "platform"));

        using var notEmpty = await emulator.SendAsync(HttpMethod.Delete, "/_emulator/contact/departments/eng", null, null);
        Assert.Equal(400, notEmpty.Status);
        Assert.Contains("still has sub-departments or members", notEmpty.Msg, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changing_an_apps_scope_fires_scope_updated_v3_to_that_app_and_limits_its_later_events()
    {
        await using var first = await EventReceiver.StartAsync();
        await using var second = await EventReceiver.StartAsync();
        await using var emulator = await StartAsync(first, second);
        var sales = emulator.State.FindDepartment("department_id", "sales")!;

        await ContactDirectory.SetScopeAsync(emulator, ContactDirectory.SecondApp, new { departments = new[] { "eng" }, users = new[] { "dave@example.com" } });

        var scope = second.Plain(await second.WaitForEventAsync("contact.scope.updated_v3")).GetProperty("event");
        Assert.Equal([sales.OpenDepartmentId], scope.GetProperty("removed").GetProperty("departments").EnumerateArray().Select(d => d.Str("open_department_id")));
        Assert.Equal([emulator.State.OpenIdFor(ContactDirectory.SecondApp, emulator.User("dave@example.com"))], scope.GetProperty("added").GetProperty("users").EnumerateArray().Select(u => u.Str("open_id")));
        Assert.Empty(scope.GetProperty("added").GetProperty("departments").EnumerateArray());
        Assert.Equal(0, scope.GetProperty("added").GetProperty("user_groups").GetArrayLength());

        // A change to Carol (sales, outside the second app's scope) reaches the first app only; one to Bob (eng) both.
        using (var carol = await emulator.SendAsync(HttpMethod.Patch, "/_emulator/contact/users/carol@example.com", JsonSerializer.Serialize(new { job_title = "Seller" }), null))
        using (var bob = await emulator.SendAsync(HttpMethod.Patch, "/_emulator/contact/users/bob@example.com", JsonSerializer.Serialize(new { job_title = "Builder" }), null))
        {
            Assert.Equal(0, carol.Code + bob.Code);
        }

        var secondUpdate = second.Plain(await second.WaitForEventAsync("contact.user.updated_v3")).GetProperty("event").GetProperty("object");
        Assert.Equal("Builder", secondUpdate.Str("job_title"));
        var firstUpdates = new[] { await first.WaitForEventAsync("contact.user.updated_v3"), await first.WaitForEventAsync("contact.user.updated_v3", skip: 1) };
        Assert.Equal(["Builder", "Seller"], firstUpdates.Select(r => first.Plain(r).GetProperty("event").GetProperty("object").Str("job_title")).Order(StringComparer.Ordinal));
        Assert.Equal(1, second.Requests.Count(r => second.EventTypeOf(r) == "contact.user.updated_v3"));
        Assert.DoesNotContain(first.Requests, r => first.EventTypeOf(r) == "contact.scope.updated_v3");
    }

    [Fact]
    public async Task A_rehire_leaves_out_departments_deleted_since_the_resignation()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using (var department = await emulator.PostJsonAsync("/_emulator/contact/departments", new { name = "Temp", department_id = "temp" }))
        using (var hired = await emulator.PostJsonAsync("/_emulator/contact/users", new { name = "Tina", email = "tina@example.com", department_ids = new[] { "temp", "eng" } }))
        using (var resigned = await emulator.SendAsync(HttpMethod.Delete, "/_emulator/contact/users/tina@example.com", null, null))
        using (var deleted = await emulator.SendAsync(HttpMethod.Delete, "/_emulator/contact/departments/temp", null, null))
        {
            Assert.Equal(0, department.Code + hired.Code + resigned.Code + deleted.Code);
        }

        using var rehired = await emulator.PostJsonAsync("/_emulator/contact/users/tina@example.com/rehire", new { });

        Assert.Equal(0, rehired.Code);
        Assert.Equal([emulator.State.FindDepartment("department_id", "eng")!.OpenDepartmentId], emulator.User("tina@example.com").DepartmentIds);
    }

    [Fact]
    public async Task Control_api_refusals_say_what_to_fix()
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var duplicate = await emulator.PostJsonAsync("/_emulator/contact/users", new { name = "Alice Two", email = "alice@example.com" });
        Assert.Equal(400, duplicate.Status);
        Assert.Contains("belongs to 'Alice Chen'", duplicate.Msg, StringComparison.Ordinal);
        using var unknown = await emulator.SendAsync(HttpMethod.Patch, "/_emulator/contact/users/nobody", "{}", null);
        Assert.Contains("unknown user 'nobody'", unknown.Msg, StringComparison.Ordinal);
        using var badMobile = await emulator.SendAsync(HttpMethod.Patch, "/_emulator/contact/users/bob@example.com", """{"mobile":"call me"}""", null);
        Assert.Contains("invalid mobile", badMobile.Msg, StringComparison.Ordinal);
        using var cycle = await emulator.SendAsync(HttpMethod.Patch, "/_emulator/contact/departments/eng", """{"parent":"eng"}""", null);
        Assert.Contains("below itself", cycle.Msg, StringComparison.Ordinal);
        using var noName = await emulator.PostJsonAsync("/_emulator/contact/departments", new { department_id = "x" });
        Assert.Contains("name is required", noName.Msg, StringComparison.Ordinal);
        using var badScope = await emulator.SendAsync(HttpMethod.Put, "/_emulator/apps/cli_nope/contact-scope", """{"all_members":true}""", null);
        Assert.Contains("unknown app_id", badScope.Msg, StringComparison.Ordinal);
        using var again = await emulator.PostJsonAsync("/_emulator/contact/generate", new { users = 1, departments = 1 });
        using var twice = await emulator.PostJsonAsync("/_emulator/contact/generate", new { users = 1, departments = 1 });
        Assert.Equal(0, again.Code);
        Assert.Contains("choose another prefix", twice.Msg, StringComparison.Ordinal);
        Assert.All(new[] { unknown, badMobile, cycle, noName, badScope, twice }, r => Assert.Equal(400, r.Status));
    }

    private static async Task<TestEmulator> StartAsync(EventReceiver first, EventReceiver? second = null)
    {
        var emulator = await TestEmulator.StartAsync();
        await emulator.AddAppAsync(ContactDirectory.SecondApp);
        emulator.State.SetEventSubscription(new EventSubscription(emulator.Options.AppId, first.Url.ToString(), null, "vt"));
        if (second is not null)
        {
            emulator.State.SetEventSubscription(new EventSubscription(ContactDirectory.SecondApp, second.Url.ToString(), null, "vt"));
        }

        return emulator;
    }
}
