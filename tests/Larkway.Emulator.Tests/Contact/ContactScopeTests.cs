using System.Text.Json;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Contact;

/// <summary>An app's contact scope and field scopes: what a tenant token may read, and GET /contact/v3/scopes.</summary>
public sealed class ContactScopeTests
{
    [Fact]
    public async Task All_members_scope_lists_the_first_level_departments_and_the_users_in_no_department()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using (var loner = await emulator.PostJsonAsync("/_emulator/contact/users", new { name = "Root Ray", email = "ray@example.com" }))
        {
            Assert.Equal(0, loner.Code);
        }

        using var reply = await emulator.GetAsync("/open-apis/contact/v3/scopes?department_id_type=department_id&user_id_type=user_id", token);

        Assert.Equal(0, reply.Code);
        Assert.Equal(["eng", "sales"], reply.Data.GetProperty("department_ids").EnumerateArray().Select(d => d.GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(["ray"], reply.Data.GetProperty("user_ids").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(0, reply.Data.GetProperty("group_ids").GetArrayLength());
        Assert.False(reply.Data.GetProperty("has_more").GetBoolean());
    }

    [Fact]
    public async Task A_page_of_scopes_is_filled_with_users_first_then_departments()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        await ContactDirectory.SetScopeAsync(emulator, emulator.Options.AppId, new { departments = new[] { "sales", "eng" }, users = new[] { "alice@example.com", "dave@example.com" } });

        var pages = new List<(string[] Users, string[] Departments)>();
        string? pageToken = null;
        do
        {
            using var reply = await emulator.GetAsync("/open-apis/contact/v3/scopes?page_size=3&user_id_type=user_id&department_id_type=department_id" + (pageToken is null ? string.Empty : "&page_token=" + Uri.EscapeDataString(pageToken)), token);
            Assert.Equal(0, reply.Code);
            pages.Add(([.. reply.Data.GetProperty("user_ids").EnumerateArray().Select(e => e.GetString()!)], [.. reply.Data.GetProperty("department_ids").EnumerateArray().Select(e => e.GetString()!)]));
            pageToken = reply.Data.GetProperty("has_more").GetBoolean() ? reply.Data.GetProperty("page_token").GetString() : null;
        }
        while (pageToken is not null);

        Assert.Equal(2, pages.Count);
        Assert.Equal(["alice", "dave"], pages[0].Users);
        Assert.Equal(["sales"], pages[0].Departments);
        Assert.Empty(pages[1].Users);
        Assert.Equal(["eng"], pages[1].Departments);

        using var tooBig = await emulator.GetAsync("/open-apis/contact/v3/scopes?page_size=101", token);
        Assert.Equal(40011, tooBig.Code);
    }

    [Fact]
    public async Task A_limited_scope_hides_what_is_outside_it()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using (var platform = await emulator.PostJsonAsync("/_emulator/contact/departments", new { name = "Platform", department_id = "platform", parent = "eng" }))
        using (var frank = await emulator.PostJsonAsync("/_emulator/contact/users", new { name = "Frank Fu", email = "frank@example.com", department_ids = new[] { "platform" } }))
        {
            Assert.Equal(0, frank.Code);
        }

        await ContactDirectory.SetScopeAsync(emulator, emulator.Options.AppId, new { departments = new[] { "eng" }, users = new[] { "dave@example.com" } });
        var (carol, dave, frankUser) = (emulator.User("carol@example.com"), emulator.User("dave@example.com"), emulator.User("frank@example.com"));

        // Inside: eng and everything below it, and Dave, listed by himself.
        using (var child = await emulator.GetAsync("/open-apis/contact/v3/departments/platform?department_id_type=department_id", token))
        {
            Assert.Equal(0, child.Code);
        }

        using (var deep = await emulator.GetAsync($"/open-apis/contact/v3/users/{frankUser.OpenId}", token))
        {
            Assert.Equal(0, deep.Code);
        }

        using (var listed = await emulator.GetAsync($"/open-apis/contact/v3/users/{dave.OpenId}", token))
        {
            Assert.Equal(0, listed.Code);
        }

        // Outside: Carol (sales), the sales department, and the root.
        using var carolReply = await emulator.GetAsync($"/open-apis/contact/v3/users/{carol.OpenId}", token);
        Assert.Equal((403, 41050), (carolReply.Status, carolReply.Code));
        using var sales = await emulator.GetAsync("/open-apis/contact/v3/departments/sales?department_id_type=department_id", token);
        Assert.Equal((403, 40004), (sales.Status, sales.Code));
        using var salesUsers = await emulator.GetAsync("/open-apis/contact/v3/users/find_by_department?department_id=sales&department_id_type=department_id", token);
        Assert.Equal(40004, salesUsers.Code);
        using var root = await emulator.GetAsync("/open-apis/contact/v3/departments/0/children", token);
        Assert.Equal(40004, root.Code);
        using var batch = await emulator.GetAsync($"/open-apis/contact/v3/users/batch?user_ids={carol.OpenId}&user_ids={dave.OpenId}", token);
        Assert.Equal([dave.OpenId], batch.Data.GetProperty("items").EnumerateArray().Select(u => u.Str("open_id")));
        using var byEmail = await emulator.PostJsonAsync("/open-apis/contact/v3/users/batch_get_id", new { emails = new[] { "carol@example.com", "dave@example.com" } }, token);
        Assert.False(byEmail.Data.GetProperty("user_list")[0].TryGetProperty("user_id", out _));
        Assert.Equal(dave.OpenId, byEmail.Data.GetProperty("user_list")[1].Str("user_id"));
        var everyone = await ContactDirectory.AllPagesAsync(emulator, "/open-apis/contact/v3/users", token);
        Assert.Equal(["alice@example.com", "bob@example.com", "dave@example.com", "frank@example.com"], everyone.Select(u => u.Str("email")).Order(StringComparer.Ordinal));

        using var scopes = await emulator.GetAsync("/open-apis/contact/v3/scopes?department_id_type=department_id", token);
        Assert.Equal(["eng"], scopes.Data.GetProperty("department_ids").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal([dave.OpenId], scopes.Data.GetProperty("user_ids").EnumerateArray().Select(d => d.GetString()));
    }

    [Fact]
    public async Task Fields_without_their_field_scope_are_absent()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var bob = emulator.User("bob@example.com");
        using (var fields = await emulator.SendAsync(HttpMethod.Put, $"/_emulator/apps/{emulator.Options.AppId}/contact-fields", JsonSerializer.Serialize(new { scopes = new[] { "contact:user.base:readonly" } }), null))
        {
            Assert.Equal(0, fields.Code);
        }

        using var reply = await emulator.GetAsync($"/open-apis/contact/v3/users/{bob.OpenId}", token);

        var user = reply.Data.GetProperty("user");
        Assert.Equal(bob.OpenId, user.Str("open_id"));
        Assert.Equal(bob.UnionId, user.Str("union_id"));
        Assert.Equal("Bob Li", user.Str("name"));
        foreach (var absent in new[] { "email", "mobile", "user_id", "department_ids", "job_title", "enterprise_email", "employee_no", "gender" })
        {
            Assert.False(user.TryGetProperty(absent, out _), absent + " should be absent without its field scope");
        }

        using (var all = await emulator.SendAsync(HttpMethod.Put, $"/_emulator/apps/{emulator.Options.AppId}/contact-fields", """{"scopes":null}""", null))
        {
            Assert.Equal(0, all.Code);
        }

        using var again = await emulator.GetAsync($"/open-apis/contact/v3/users/{bob.OpenId}", token);
        Assert.Equal("bob@example.com", again.Data.GetProperty("user").Str("email"));

        using var unknown = await emulator.SendAsync(HttpMethod.Put, $"/_emulator/apps/{emulator.Options.AppId}/contact-fields", """{"scopes":["contact:everything"]}""", null);
        Assert.Equal(400, unknown.Status);
        Assert.Contains("unknown field scope", unknown.Msg, StringComparison.Ordinal);
    }
}
