using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.WeCom;

public sealed class WeComUserTests
{
    [Fact]
    public async Task A_member_is_read_and_found_by_email_and_mobile()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.WeComTokenAsync();

        using var alice = await emulator.WeComGetAsync($"/wecom/cgi-bin/user/get?access_token={token}&userid=ALICE");
        using var byEmail = await emulator.WeComPostAsync($"/wecom/cgi-bin/user/get_userid_by_email?access_token={token}", new { email = "carol@example.com", email_type = 1 });
        using var byMobile = await emulator.WeComPostAsync($"/wecom/cgi-bin/user/getuserid?access_token={token}", new { mobile = "13800000002" });

        Assert.Equal(0, alice.ErrCode());
        Assert.Equal("alice", alice.Field("userid"));
        Assert.Equal("Alice Chen", alice.Field("name"));
        Assert.Equal("alice@example.com", alice.Field("email"));
        Assert.Equal([2], alice.Json.GetProperty("department").EnumerateArray().Select(d => d.GetInt32()));
        Assert.Equal("carol", byEmail.Field("userid"));
        Assert.Equal("bob", byMobile.Field("userid"));
    }

    [Fact]
    public async Task Unknown_members_have_the_documented_codes()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.WeComTokenAsync();

        using var user = await emulator.WeComGetAsync($"/wecom/cgi-bin/user/get?access_token={token}&userid=zed");
        using var email = await emulator.WeComPostAsync($"/wecom/cgi-bin/user/get_userid_by_email?access_token={token}", new { email = "zed@example.com" });
        using var mobile = await emulator.WeComPostAsync($"/wecom/cgi-bin/user/getuserid?access_token={token}", new { mobile = "13900000000" });
        using var badMobile = await emulator.WeComPostAsync($"/wecom/cgi-bin/user/getuserid?access_token={token}", new { mobile = "abc" });
        using var personal = await emulator.WeComPostAsync($"/wecom/cgi-bin/user/get_userid_by_email?access_token={token}", new { email = "alice@example.com", email_type = 2 });

        Assert.Equal(60111, user.ErrCode());
        Assert.Equal(46004, email.ErrCode());
        Assert.Equal(46004, mobile.ErrCode());
        Assert.Equal(60103, badMobile.ErrCode());
        Assert.Equal(46004, personal.ErrCode());
    }

    [Fact]
    public async Task Department_members_with_and_without_children()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.WeComTokenAsync();

        using var sales = await emulator.WeComGetAsync($"/wecom/cgi-bin/user/simplelist?access_token={token}&department_id=3");
        using var root = await emulator.WeComGetAsync($"/wecom/cgi-bin/user/simplelist?access_token={token}&department_id=1");
        using var all = await emulator.WeComGetAsync($"/wecom/cgi-bin/user/simplelist?access_token={token}&department_id=1&fetch_child=1");
        using var unknown = await emulator.WeComGetAsync($"/wecom/cgi-bin/user/simplelist?access_token={token}&department_id=9");

        Assert.Equal(["carol", "dave"], sales.Json.GetProperty("userlist").EnumerateArray().Select(u => u.GetProperty("userid").GetString()));
        Assert.Empty(root.Json.GetProperty("userlist").EnumerateArray());
        Assert.Equal(4, all.Json.GetProperty("userlist").GetArrayLength());
        Assert.Equal(60123, unknown.ErrCode());
    }

    [Fact]
    public async Task List_id_pages_with_a_cursor()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.WeComTokenAsync();

        using var first = await emulator.WeComPostAsync($"/wecom/cgi-bin/user/list_id?access_token={token}", new { limit = 3 });
        using var second = await emulator.WeComPostAsync($"/wecom/cgi-bin/user/list_id?access_token={token}", new { limit = 3, cursor = first.Field("next_cursor") });
        using var badLimit = await emulator.WeComPostAsync($"/wecom/cgi-bin/user/list_id?access_token={token}", new { limit = 10001 });

        Assert.Equal(["alice", "bob", "carol"], first.Json.GetProperty("dept_user").EnumerateArray().Select(u => u.GetProperty("userid").GetString()));
        Assert.Equal(["dave"], second.Json.GetProperty("dept_user").EnumerateArray().Select(u => u.GetProperty("userid").GetString()));
        Assert.Equal(string.Empty, second.Field("next_cursor"));
        Assert.Equal(40058, badLimit.ErrCode());
    }
}
