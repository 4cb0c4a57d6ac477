using System.Text.Json;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.DingTalk;

/// <summary>Old-API department reads (listsub, listsubid, get), the contact scope, and a generated large org.</summary>
public sealed class DingTalkDepartmentTests
{
    [Fact]
    public async Task Listsub_shows_one_level_of_sub_departments_with_their_parent()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.OapiTokenAsync();
        var path = $"/dingtalk/topapi/v2/department/listsub?access_token={token}";

        using var root = await emulator.PostDingTalkAsync(path, new { dept_id = 1 });
        using var byDefault = await emulator.PostDingTalkAsync(path, new { });
        using var engineering = await emulator.PostDingTalkAsync(path, new { dept_id = 2 });

        Assert.Equal(0, root.ErrCode());
        var top = root.Json.GetProperty("result").EnumerateArray().ToList();
        Assert.Equal([2L, 3L], top.Select(d => d.GetProperty("dept_id").GetInt64()));
        Assert.Equal(["Engineering", "Sales"], top.Select(d => d.GetProperty("name").GetString()));
        Assert.All(top, d => Assert.Equal(1, d.GetProperty("parent_id").GetInt64()));
        Assert.Equal(2, byDefault.Json.GetProperty("result").GetArrayLength());
        var platform = Assert.Single(engineering.Json.GetProperty("result").EnumerateArray());
        Assert.Equal(4, platform.GetProperty("dept_id").GetInt64());
        Assert.Equal(2, platform.GetProperty("parent_id").GetInt64());
    }

    [Fact]
    public async Task Listsubid_and_get_show_ids_managers_and_order()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.OapiTokenAsync();

        using var ids = await emulator.PostDingTalkAsync($"/dingtalk/topapi/v2/department/listsubid?access_token={token}", new { dept_id = 1 });
        using var sales = await emulator.PostDingTalkAsync($"/dingtalk/topapi/v2/department/get?access_token={token}", new { dept_id = 3 });
        using var root = await emulator.PostDingTalkAsync($"/dingtalk/topapi/v2/department/get?access_token={token}", new { dept_id = 1 });

        Assert.Equal([2L, 3L], ids.Json.GetProperty("result").GetProperty("dept_id_list").EnumerateArray().Select(i => i.GetInt64()));
        var result = sales.Json.GetProperty("result");
        Assert.Equal("Sales", result.GetProperty("name").GetString());
        Assert.Equal(1, result.GetProperty("parent_id").GetInt64());
        Assert.Equal(2, result.GetProperty("order").GetInt64());
        Assert.Equal("carol", Assert.Single(result.GetProperty("dept_manager_userid_list").EnumerateArray()).GetString());
        Assert.False(root.Json.GetProperty("result").TryGetProperty("parent_id", out _));
    }

    [Theory]
    [InlineData("listsub", "{\"dept_id\":99}", 60003)]
    [InlineData("listsubid", "{\"dept_id\":99}", 60003)]
    [InlineData("get", "{\"dept_id\":99}", 60003)]
    [InlineData("get", "{}", 40035)]
    [InlineData("listsubid", "{\"dept_id\":\"x\"}", 400002)]
    public async Task Department_refusals_are_http_200_with_errcode(string action, string body, int errcode)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.OapiTokenAsync();

        using var reply = await emulator.SendDingTalkAsync(HttpMethod.Post, $"/dingtalk/topapi/v2/department/{action}?access_token={token}", body);

        Assert.Equal(200, reply.Status);
        Assert.Equal(errcode, reply.ErrCode());
    }

    [Fact]
    public async Task A_narrowed_contact_scope_refuses_departments_outside_it_with_50004_and_auth_scopes_shows_it()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.OapiTokenAsync();
        using (var _ = await emulator.SendDingTalkAsync(HttpMethod.Put, "/_emulator/dingtalk/contact-scope", "{\"departments\":[2],\"users\":[\"carol\"]}"))
        {
        }

        using var root = await emulator.PostDingTalkAsync($"/dingtalk/topapi/v2/department/listsub?access_token={token}", new { dept_id = 1 });
        using var sales = await emulator.PostDingTalkAsync($"/dingtalk/topapi/v2/user/list?access_token={token}", new { dept_id = 3, cursor = 0, size = 10 });
        using var platform = await emulator.PostDingTalkAsync($"/dingtalk/topapi/v2/department/get?access_token={token}", new { dept_id = 4 });
        using var ids = await emulator.PostDingTalkAsync($"/dingtalk/topapi/v2/department/listsubid?access_token={token}", new { dept_id = 1 });
        using var scopes = await emulator.SendDingTalkAsync(HttpMethod.Get, $"/dingtalk/auth/scopes?access_token={token}", null);

        Assert.Equal(50004, root.ErrCode());
        Assert.Equal(50004, sales.ErrCode());
        Assert.Equal(0, platform.ErrCode());
        Assert.Equal(0, ids.ErrCode());
        var granted = scopes.Json.GetProperty("auth_org_scopes");
        Assert.Equal(2, Assert.Single(granted.GetProperty("authed_dept").EnumerateArray()).GetInt64());
        Assert.Equal("carol", Assert.Single(granted.GetProperty("authed_user").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task User_list_shows_the_documented_fields()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.OapiTokenAsync();

        using var reply = await emulator.PostDingTalkAsync($"/dingtalk/topapi/v2/user/list?access_token={token}", new { dept_id = 3, cursor = 0, size = 100 });

        var carol = reply.Json.GetProperty("result").GetProperty("list").EnumerateArray().First();
        Assert.Equal("carol", carol.GetProperty("userid").GetString());
        Assert.Equal("carol@larkway-dev.example.com", carol.GetProperty("org_email").GetString());
        Assert.Equal("LD0003", carol.GetProperty("job_number").GetString());
        Assert.True(carol.GetProperty("leader").GetBoolean());
        Assert.True(carol.GetProperty("active").GetBoolean());
        Assert.Equal(JsonValueKind.String, carol.GetProperty("unionid").ValueKind);
    }

    [Fact]
    public async Task A_generated_org_of_a_hundred_thousand_pages_through_every_member()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.OapiTokenAsync();
        using (var made = await emulator.PostDingTalkAsync("/_emulator/dingtalk/directory/generate", new { users = 100_000, departments = 400, prefix = "big" }))
        {
            Assert.Equal(100_000, made.Json.GetProperty("users").GetInt32());
        }

        using var top = await emulator.PostDingTalkAsync($"/dingtalk/topapi/v2/department/listsub?access_token={token}", new { dept_id = 1 });
        var first = top.Json.GetProperty("result").EnumerateArray().Select(d => d.GetProperty("dept_id").GetInt64()).Where(id => id > 4).ToList();
        Assert.Equal(20, first.Count);

        // Department 1 of the generated ones holds users 1, 401, 801, …: 250 of them, three pages of 100.
        var seen = new List<string>();
        long cursor = 0;
        while (true)
        {
            using var page = await emulator.PostDingTalkAsync($"/dingtalk/topapi/v2/user/list?access_token={token}", new { dept_id = first[0], cursor, size = 100 });
            var result = page.Json.GetProperty("result");
            seen.AddRange(result.GetProperty("list").EnumerateArray().Select(u => u.GetProperty("userid").GetString()!));
            if (!result.GetProperty("has_more").GetBoolean())
            {
                break;
            }

            cursor = result.GetProperty("next_cursor").GetInt64();
        }

        Assert.Equal(250, seen.Distinct().Count());
        Assert.Contains("big000401", seen);
    }
}
