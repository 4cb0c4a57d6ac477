using System.Text.Json;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.DingTalk;

/// <summary>Old-API user lookups: by mobile, by unionid, and a department's members page by page.</summary>
public sealed class DingTalkUserLookupTests
{
    [Fact]
    public async Task Get_by_mobile_finds_the_user()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.OapiTokenAsync();

        using var reply = await emulator.PostDingTalkAsync($"/dingtalk/topapi/v2/user/getbymobile?access_token={token}", new { mobile = "13800000003" });

        Assert.Equal(0, reply.ErrCode());
        Assert.Equal("carol", reply.Json.GetProperty("result").GetProperty("userid").GetString());
    }

    [Theory]
    [InlineData("{\"mobile\":\"13900000000\"}", 60121)]
    [InlineData("{\"mobile\":\"not a phone\"}", 40104)]
    [InlineData("{}", 40035)]
    public async Task Get_by_mobile_refusals_are_http_200_with_errcode(string body, int errcode)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.OapiTokenAsync();

        using var reply = await emulator.SendDingTalkAsync(HttpMethod.Post, $"/dingtalk/topapi/v2/user/getbymobile?access_token={token}", body);

        Assert.Equal(200, reply.Status);
        Assert.Equal(errcode, reply.ErrCode());
    }

    [Fact]
    public async Task Get_by_unionid_returns_the_userid_of_an_employee()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.OapiTokenAsync();
        using var bob = await emulator.PostDingTalkAsync($"/dingtalk/topapi/v2/user/get?access_token={token}", new { userid = "bob" });
        var unionId = bob.Json.GetProperty("result").GetProperty("unionid").GetString();

        using var reply = await emulator.PostDingTalkAsync($"/dingtalk/topapi/user/getbyunionid?access_token={token}", new { unionid = unionId });
        using var unknown = await emulator.PostDingTalkAsync($"/dingtalk/topapi/user/getbyunionid?access_token={token}", new { unionid = "nosuchunionid" });

        Assert.Equal(0, reply.ErrCode());
        Assert.Equal("bob", reply.Json.GetProperty("result").GetProperty("userid").GetString());
        Assert.Equal(0, reply.Json.GetProperty("result").GetProperty("contact_type").GetInt32());
        Assert.Equal(60121, unknown.ErrCode());
    }

    [Fact]
    public async Task User_list_pages_a_departments_own_members_with_the_cursor()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.OapiTokenAsync();
        var path = $"/dingtalk/topapi/v2/user/list?access_token={token}";

        using var first = await emulator.PostDingTalkAsync(path, new { dept_id = 2, cursor = 0, size = 1 });
        var next = first.Json.GetProperty("result").GetProperty("next_cursor").GetInt64();
        using var second = await emulator.PostDingTalkAsync(path, new { dept_id = 2, cursor = next, size = 1 });
        using var root = await emulator.PostDingTalkAsync(path, new { dept_id = 1, cursor = 0, size = 100 });

        Assert.Equal(0, first.ErrCode());
        Assert.True(first.Json.GetProperty("result").GetProperty("has_more").GetBoolean());
        var alice = Assert.Single(first.Json.GetProperty("result").GetProperty("list").EnumerateArray());
        Assert.Equal("alice", alice.GetProperty("userid").GetString());
        Assert.Equal("Alice Chen", alice.GetProperty("name").GetString());
        Assert.Equal(2, alice.GetProperty("dept_id_list")[0].GetInt64());
        Assert.False(second.Json.GetProperty("result").GetProperty("has_more").GetBoolean());
        Assert.False(second.Json.GetProperty("result").TryGetProperty("next_cursor", out _));
        Assert.Equal("bob", Assert.Single(second.Json.GetProperty("result").GetProperty("list").EnumerateArray()).GetProperty("userid").GetString());
        Assert.Equal(JsonValueKind.Array, root.Json.GetProperty("result").GetProperty("list").ValueKind);
        Assert.Empty(root.Json.GetProperty("result").GetProperty("list").EnumerateArray());
    }

    [Theory]
    [InlineData("{\"dept_id\":99,\"cursor\":0,\"size\":10}", 60003)]
    [InlineData("{\"dept_id\":2,\"cursor\":0,\"size\":101}", 400002)]
    [InlineData("{\"dept_id\":2,\"cursor\":-1,\"size\":10}", 400002)]
    [InlineData("{\"dept_id\":\"x\",\"cursor\":0,\"size\":10}", 400002)]
    [InlineData("{\"cursor\":0,\"size\":10}", 40035)]
    [InlineData("[1,2]", 40035)]
    public async Task User_list_refusals_are_http_200_with_errcode(string body, int errcode)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.OapiTokenAsync();

        using var reply = await emulator.SendDingTalkAsync(HttpMethod.Post, $"/dingtalk/topapi/v2/user/list?access_token={token}", body);

        Assert.Equal(200, reply.Status);
        Assert.Equal(errcode, reply.ErrCode());
    }

    [Fact]
    public async Task User_list_accepts_numbers_sent_as_strings()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.OapiTokenAsync();

        using var reply = await emulator.SendDingTalkAsync(HttpMethod.Post, $"/dingtalk/topapi/v2/user/list?access_token={token}", "{\"dept_id\":\"3\",\"cursor\":\"0\",\"size\":\"10\"}");

        Assert.Equal(0, reply.ErrCode());
        Assert.Equal(2, reply.Json.GetProperty("result").GetProperty("list").GetArrayLength());
    }
}
