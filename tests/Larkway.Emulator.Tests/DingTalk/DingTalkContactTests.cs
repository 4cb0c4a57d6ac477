using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.DingTalk;

public sealed class DingTalkContactTests
{
    [Fact]
    public async Task Old_api_user_get_returns_the_seeded_user_with_either_token()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ApiTokenAsync();

        using var reply = await emulator.PostDingTalkAsync($"/dingtalk/topapi/v2/user/get?access_token={token}", new { userid = "bob" });

        Assert.Equal(0, reply.ErrCode());
        var result = reply.Json.GetProperty("result");
        Assert.Equal("bob", result.GetProperty("userid").GetString());
        Assert.Equal("Bob Li", result.GetProperty("name").GetString());
        Assert.Equal("13800000002", result.GetProperty("mobile").GetString());
        Assert.False(string.IsNullOrEmpty(result.GetProperty("unionid").GetString()));
        Assert.False(string.IsNullOrEmpty(reply.Json.GetProperty("request_id").GetString()));
    }

    [Theory]
    [InlineData("{\"userid\":\"nobody\"}", 60121)]
    [InlineData("{}", 40035)]
    [InlineData("{not json", 40035)]
    public async Task Old_api_user_get_refusals_are_http_200_with_errcode(string body, int errcode)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.OapiTokenAsync();

        using var reply = await emulator.SendDingTalkAsync(HttpMethod.Post, $"/dingtalk/topapi/v2/user/get?access_token={token}", body);

        Assert.Equal(200, reply.Status);
        Assert.Equal(errcode, reply.ErrCode());
    }

    [Fact]
    public async Task New_api_user_search_pages_the_matches()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ApiTokenAsync();

        using var first = await emulator.PostDingTalkAsync("/dingtalk/v1.0/contact/users/search", new { queryWord = "a", offset = 0, size = 2 }, token);
        using var rest = await emulator.PostDingTalkAsync("/dingtalk/v1.0/contact/users/search", new { queryWord = "a", offset = 2, size = 2 }, token);

        Assert.Equal(200, first.Status);
        Assert.True(first.Json.GetProperty("hasMore").GetBoolean());
        Assert.Equal(3, first.Json.GetProperty("totalCount").GetInt32());
        Assert.Equal(["alice", "carol"], first.Json.GetProperty("list").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.False(rest.Json.GetProperty("hasMore").GetBoolean());
        Assert.Equal("dave", Assert.Single(rest.Json.GetProperty("list").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task New_api_user_search_without_query_word_names_the_field()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ApiTokenAsync();

        using var reply = await emulator.PostDingTalkAsync("/dingtalk/v1.0/contact/users/search", new { offset = 0, size = 2 }, token);

        Assert.Equal(400, reply.Status);
        Assert.Contains("queryWord", reply.Json.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_paths_answer_in_their_hosts_shape()
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var api = await emulator.SendDingTalkAsync(HttpMethod.Get, "/dingtalk/v1.0/nothing/here", null);
        using var oapi = await emulator.SendDingTalkAsync(HttpMethod.Get, "/dingtalk/topapi/nothing", null);

        Assert.Equal(404, api.Status);
        Assert.NotNull(api.Header("x-acs-request-id"));
        Assert.False(api.Json.TryGetProperty("code", out var code) && code.ValueKind == System.Text.Json.JsonValueKind.Number);
        Assert.Equal(200, oapi.Status);
        Assert.Equal(404, oapi.ErrCode());
    }
}
