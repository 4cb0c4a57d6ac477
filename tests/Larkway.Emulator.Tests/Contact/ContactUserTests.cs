using System.Text.Json;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Contact;

/// <summary>Contact v3 user routes on the raw wire: get, batch, find_by_department, the older list.</summary>
public sealed class ContactUserTests
{
    [Fact]
    public async Task Get_returns_the_full_user_in_the_requested_id_types()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var bob = emulator.User("bob@example.com");
        using (var edit = await emulator.SendAsync(HttpMethod.Patch, "/_emulator/contact/users/bob@example.com", JsonSerializer.Serialize(new { job_title = "Engineer", employee_no = "E0002", enterprise_email = "bob@corp.example.com", en_name = "Bob", leader = "alice@example.com" }), null))
        {
            Assert.Equal(0, edit.Code);
        }

        foreach (var (idType, id) in new[] { ("open_id", bob.OpenId), ("union_id", bob.UnionId), ("user_id", bob.UserId) })
        {
            using var reply = await emulator.GetAsync($"/open-apis/contact/v3/users/{id}?user_id_type={idType}&department_id_type=department_id", token);
            Assert.Equal(0, reply.Code);
            var user = reply.Data.GetProperty("user");
            Assert.Equal(bob.OpenId, user.Str("open_id"));
            Assert.Equal(bob.UnionId, user.Str("union_id"));
            Assert.Equal(bob.UserId, user.Str("user_id"));
            Assert.Equal("Bob Li", user.Str("name"));
            Assert.Equal("Bob", user.Str("en_name"));
            Assert.Equal("bob@example.com", user.Str("email"));
            Assert.Equal("+8613800000002", user.Str("mobile"));
            Assert.Equal("bob@corp.example.com", user.Str("enterprise_email"));
            Assert.Equal("Engineer", user.Str("job_title"));
            Assert.Equal("E0002", user.Str("employee_no"));
            Assert.Equal(1, user.GetProperty("employee_type").GetInt32());
            Assert.Equal(["eng"], user.GetProperty("department_ids").EnumerateArray().Select(d => d.GetString()));
            Assert.Equal("eng", user.GetProperty("orders")[0].Str("department_id"));
            Assert.True(user.GetProperty("status").GetProperty("is_activated").GetBoolean());
            Assert.False(user.GetProperty("status").GetProperty("is_resigned").GetBoolean());
            Assert.StartsWith("https://", user.GetProperty("avatar").Str("avatar_72"), StringComparison.Ordinal);

            // The leader is written in the requested user id type.
            var alice = emulator.User("alice@example.com");
            Assert.Equal(idType switch { "union_id" => alice.UnionId, "user_id" => alice.UserId, _ => alice.OpenId }, user.Str("leader_user_id"));
        }
    }

    [Fact]
    public async Task Another_apps_open_id_and_an_unknown_id_are_no_user_authority()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var second = await emulator.AddAppAsync(ContactDirectory.SecondApp);
        var bob = emulator.User("bob@example.com");

        using var foreign = await emulator.GetAsync($"/open-apis/contact/v3/users/{emulator.State.OpenIdFor(ContactDirectory.SecondApp, bob)}", token);
        Assert.Equal(403, foreign.Status);
        Assert.Equal(41050, foreign.Code);
        using var unknown = await emulator.GetAsync("/open-apis/contact/v3/users/ou_nope", token);
        Assert.Equal(41050, unknown.Code);

        using var own = await emulator.GetAsync($"/open-apis/contact/v3/users/{emulator.State.OpenIdFor(ContactDirectory.SecondApp, bob)}", second);
        Assert.Equal(0, own.Code);
        Assert.Equal(emulator.State.OpenIdFor(ContactDirectory.SecondApp, bob), own.Data.GetProperty("user").Str("open_id"));
    }

    [Fact]
    public async Task Batch_takes_repeated_user_ids_keeps_their_order_and_leaves_out_unknown_ones()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var (carol, alice) = (emulator.User("carol@example.com"), emulator.User("alice@example.com"));

        using var reply = await emulator.GetAsync($"/open-apis/contact/v3/users/batch?user_ids={carol.UserId}&user_ids=nobody&user_ids={alice.UserId}&user_id_type=user_id", token);

        Assert.Equal(0, reply.Code);
        Assert.Equal([carol.OpenId, alice.OpenId], reply.Data.GetProperty("items").EnumerateArray().Select(u => u.Str("open_id")));

        var tooMany = string.Join("&", Enumerable.Range(0, 51).Select(i => $"user_ids=u{i}"));
        using var refused = await emulator.GetAsync($"/open-apis/contact/v3/users/batch?{tooMany}", token);
        Assert.Equal(400, refused.Status);
        Assert.Equal(40001, refused.Code);
        Assert.Contains("at most 50", refused.Msg, StringComparison.Ordinal);
        using var none = await emulator.GetAsync("/open-apis/contact/v3/users/batch", token);
        Assert.Equal(40001, none.Code);
    }

    [Fact]
    public async Task Find_by_department_pages_through_every_direct_member_of_a_generated_department()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        await ContactDirectory.GenerateAsync(emulator, users: 230, departments: 2);

        // 230 users dealt over 2 departments: 115 each.
        var members = await ContactDirectory.AllPagesAsync(emulator, "/open-apis/contact/v3/users/find_by_department?department_id=gen-d0001&department_id_type=department_id", token, pageSize: 50);
        Assert.Equal(115, members.Count);
        Assert.Equal(115, members.Select(m => m.Str("open_id")).Distinct().Count());
        Assert.All(members, m => Assert.Equal(["gen-d0001"], m.GetProperty("department_ids").EnumerateArray().Select(d => d.GetString())));

        // Default page size 10.
        using var first = await emulator.GetAsync("/open-apis/contact/v3/users/find_by_department?department_id=gen-d0002&department_id_type=department_id", token);
        Assert.Equal(10, first.Data.GetProperty("items").GetArrayLength());
        Assert.True(first.Data.GetProperty("has_more").GetBoolean());
    }

    [Fact]
    public async Task The_older_list_pages_through_every_user_or_one_department()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        await ContactDirectory.GenerateAsync(emulator, users: 150, departments: 3);

        var all = await ContactDirectory.AllPagesAsync(emulator, "/open-apis/contact/v3/users", token, pageSize: 100);
        Assert.Equal(154, all.Count);
        Assert.Equal(154, all.Select(u => u.Str("open_id")).Distinct().Count());

        var eng = await ContactDirectory.AllPagesAsync(emulator, "/open-apis/contact/v3/users?department_id=eng&department_id_type=department_id", token);
        Assert.Equal(["alice@example.com", "bob@example.com"], eng.Select(u => u.Str("email")).Order(StringComparer.Ordinal));

        using var tooBig = await emulator.GetAsync("/open-apis/contact/v3/users?page_size=101", token);
        Assert.Equal(40011, tooBig.Code);
    }

    [Theory]
    [InlineData("/open-apis/contact/v3/users/find_by_department?department_id=0&page_size=51", 40011)]
    [InlineData("/open-apis/contact/v3/users/find_by_department?department_id=0&page_size=0", 40011)]
    [InlineData("/open-apis/contact/v3/users/find_by_department?department_id=0&page_size=ten", 40001)]
    [InlineData("/open-apis/contact/v3/users/find_by_department?department_id=0&page_token=bm90LWEtdG9rZW4", 40012)]
    [InlineData("/open-apis/contact/v3/users/find_by_department?department_id=0&user_id_type=email", 40001)]
    [InlineData("/open-apis/contact/v3/users/ou_x?department_id_type=name", 40001)]
    public async Task Malformed_queries_are_400s_with_the_contact_codes(string path, int code)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();

        using var reply = await emulator.GetAsync(path, token);

        Assert.Equal(400, reply.Status);
        Assert.Equal(code, reply.Code);
        Assert.False(string.IsNullOrWhiteSpace(reply.Msg));
    }

    [Fact]
    public async Task A_page_token_of_another_listing_is_refused()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        await ContactDirectory.GenerateAsync(emulator, users: 30, departments: 2);
        using var first = await emulator.GetAsync("/open-apis/contact/v3/users/find_by_department?department_id=gen-d0001&department_id_type=department_id", token);
        var pageToken = first.Data.Str("page_token");

        using var other = await emulator.GetAsync($"/open-apis/contact/v3/users/find_by_department?department_id=gen-d0002&department_id_type=department_id&page_token={pageToken}", token);

        Assert.Equal(40012, other.Code);
    }
}
