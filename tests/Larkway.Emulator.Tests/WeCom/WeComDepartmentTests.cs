using System.Net.Http.Json;

using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.WeCom;

public sealed class WeComDepartmentTests
{
    [Fact]
    public async Task Simplelist_is_the_department_and_everything_below_it_and_get_names_one()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.WeComTokenAsync();

        using var all = await emulator.WeComGetAsync($"/wecom/cgi-bin/department/simplelist?access_token={token}&id=1");
        using var sales = await emulator.WeComGetAsync($"/wecom/cgi-bin/department/simplelist?access_token={token}&id=3");
        using var engineering = await emulator.WeComGetAsync($"/wecom/cgi-bin/department/get?access_token={token}&id=2");
        using var unknown = await emulator.WeComGetAsync($"/wecom/cgi-bin/department/get?access_token={token}&id=99");

        Assert.Equal([1L, 2L, 3L], all.Json.GetProperty("department_id").EnumerateArray().Select(d => d.GetProperty("id").GetInt64()));
        Assert.Equal([0L, 1L, 1L], all.Json.GetProperty("department_id").EnumerateArray().Select(d => d.GetProperty("parentid").GetInt64()));
        Assert.Equal([3L], sales.Json.GetProperty("department_id").EnumerateArray().Select(d => d.GetProperty("id").GetInt64()));
        var department = engineering.Json.GetProperty("department");
        Assert.Equal("Engineering", department.GetProperty("name").GetString());
        Assert.Equal("Engineering", department.GetProperty("name_en").GetString());
        Assert.Equal(["alice"], department.GetProperty("department_leader").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(1, department.GetProperty("parentid").GetInt64());
        Assert.Equal(60003, unknown.ErrCode());
    }

    [Fact]
    public async Task User_list_shows_details_and_status_and_the_visible_range_refuses_the_rest()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.WeComTokenAsync();
        using var quit = await emulator.Http.PostAsJsonAsync("/_emulator/wecom/users/dave/status", new { status = 5 });
        quit.EnsureSuccessStatusCode();

        using var sales = await emulator.WeComGetAsync($"/wecom/cgi-bin/user/list?access_token={token}&department_id=3");
        var users = sales.Json.GetProperty("userlist").EnumerateArray().ToList();
        Assert.Equal(["carol", "dave"], users.Select(u => u.GetProperty("userid").GetString()));
        Assert.Equal("Carol Wang", users[0].GetProperty("name").GetString());
        Assert.Equal("carol@example.com", users[0].GetProperty("email").GetString());
        Assert.Equal("13800000003", users[0].GetProperty("mobile").GetString());
        Assert.Equal([1], users[0].GetProperty("is_leader_in_dept").EnumerateArray().Select(l => l.GetInt32()));
        Assert.Equal([1, 5], users.Select(u => u.GetProperty("status").GetInt32()));

        using var withheld = await emulator.Http.PostAsJsonAsync("/_emulator/wecom/app/sensitive", new { withheld = true });
        using var visible = await emulator.Http.PostAsJsonAsync("/_emulator/wecom/app/visible", new { partys = new[] { 2 }, users = new[] { "carol" } });
        using var engineering = await emulator.WeComGetAsync($"/wecom/cgi-bin/user/list?access_token={token}&department_id=2");
        using var root = await emulator.WeComGetAsync($"/wecom/cgi-bin/department/simplelist?access_token={token}&id=1");
        using var agent = await emulator.WeComGetAsync($"/wecom/cgi-bin/agent/get?access_token={token}&agentid=1000002");

        Assert.False(engineering.Json.GetProperty("userlist")[0].TryGetProperty("mobile", out _));
        Assert.Equal(60011, root.ErrCode());
        Assert.Equal([2L], agent.Json.GetProperty("allow_partys").GetProperty("partyid").EnumerateArray().Select(p => p.GetInt64()));
        Assert.Equal(["carol"], agent.Json.GetProperty("allow_userinfos").GetProperty("user").EnumerateArray().Select(u => u.GetProperty("userid").GetString()));
    }

    [Fact]
    public async Task A_generated_corp_of_many_members_is_listed_department_by_department()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.WeComTokenAsync();
        using var generated = await emulator.Http.PostAsJsonAsync("/_emulator/wecom/contact/generate", new { users = 20_000, departments = 100 });
        generated.EnsureSuccessStatusCode();

        using var tree = await emulator.WeComGetAsync($"/wecom/cgi-bin/department/simplelist?access_token={token}&id=1");
        var ids = tree.Json.GetProperty("department_id").EnumerateArray().Select(d => d.GetProperty("id").GetInt64()).ToList();
        var members = 0;
        foreach (var id in ids)
        {
            using var list = await emulator.WeComGetAsync($"/wecom/cgi-bin/user/list?access_token={token}&department_id={id}");
            members += list.Json.GetProperty("userlist").GetArrayLength();
        }

        Assert.Equal(103, ids.Count);
        Assert.Equal(20_004, members);
    }
}
