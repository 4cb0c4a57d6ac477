using Larkway.Emulator.Hosting;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.DingTalk;

public sealed class DingTalkTokenTests
{
    [Fact]
    public async Task New_api_token_is_issued_for_the_default_app_and_reused_while_valid()
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var first = await emulator.PostDingTalkAsync("/dingtalk/v1.0/oauth2/accessToken", new { appKey = EmulatorOptions.DefaultDingTalkAppKey, appSecret = EmulatorOptions.DefaultDingTalkAppSecret });
        emulator.Clock.Advance(TimeSpan.FromMinutes(30));
        using var second = await emulator.PostDingTalkAsync("/dingtalk/v1.0/oauth2/accessToken", new { appKey = EmulatorOptions.DefaultDingTalkAppKey, appSecret = EmulatorOptions.DefaultDingTalkAppSecret });

        Assert.Equal(200, first.Status);
        Assert.Equal(7200, first.Json.GetProperty("expireIn").GetInt32());
        Assert.Matches("^[0-9a-f]{32}$", first.Json.GetProperty("accessToken").GetString());
        Assert.Equal(first.Json.GetProperty("accessToken").GetString(), second.Json.GetProperty("accessToken").GetString());
        Assert.NotNull(first.Header("x-acs-request-id"));
        Assert.Equal(2, emulator.Server.CallCounts["POST /dingtalk/v1.0/oauth2/accessToken"]);
    }

    [Fact]
    public async Task Old_api_token_is_the_same_token_and_has_the_oapi_shape()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var apiToken = await emulator.ApiTokenAsync();

        using var reply = await emulator.SendDingTalkAsync(HttpMethod.Get, $"/dingtalk/gettoken?appkey={EmulatorOptions.DefaultDingTalkAppKey}&appsecret={EmulatorOptions.DefaultDingTalkAppSecret}", null);

        Assert.Equal(200, reply.Status);
        Assert.Equal(0, reply.ErrCode());
        Assert.Equal("ok", reply.ErrMsg());
        Assert.Equal(7200, reply.Json.GetProperty("expires_in").GetInt32());
        Assert.Equal(apiToken, reply.Json.GetProperty("access_token").GetString());
        Assert.Equal(1, emulator.Server.CallCounts["GET /dingtalk/gettoken"]);
    }

    [Fact]
    public async Task Unified_token_is_the_same_token_in_snake_case()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var apiToken = await emulator.ApiTokenAsync();

        using var reply = await emulator.PostDingTalkAsync($"/dingtalk/v1.0/oauth2/{EmulatorOptions.DefaultDingTalkCorpId}/token", new { client_id = EmulatorOptions.DefaultDingTalkAppKey, client_secret = EmulatorOptions.DefaultDingTalkAppSecret, grant_type = "client_credentials" });

        Assert.Equal(200, reply.Status);
        Assert.Equal(apiToken, reply.Json.GetProperty("access_token").GetString());
        Assert.Equal(7200, reply.Json.GetProperty("expires_in").GetInt32());
    }

    [Theory]
    [InlineData("dinglarkwaydevcorp01", "wrong", "client_credentials", "invalid.client")]
    [InlineData("dingothercorp", "larkway-emulator-dingtalk-dev-secret-0001", "client_credentials", "invalid.client")]
    [InlineData("dinglarkwaydevcorp01", "larkway-emulator-dingtalk-dev-secret-0001", "password", "unsupported.grant.type")]
    public async Task Unified_token_refusals_use_its_documented_codes(string corpId, string secret, string grantType, string code)
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var reply = await emulator.PostDingTalkAsync($"/dingtalk/v1.0/oauth2/{corpId}/token", new { client_id = EmulatorOptions.DefaultDingTalkAppKey, client_secret = secret, grant_type = grantType });

        Assert.Equal(400, reply.Status);
        Assert.Equal(code, reply.ApiCode());
        Assert.False(reply.Json.TryGetProperty("access_token", out _));
    }

    [Fact]
    public async Task Token_lifetime_comes_from_the_options()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.DingTalkTokenLifetime = TimeSpan.FromMinutes(5));

        using var reply = await emulator.PostDingTalkAsync("/dingtalk/v1.0/oauth2/accessToken", new { appKey = EmulatorOptions.DefaultDingTalkAppKey, appSecret = EmulatorOptions.DefaultDingTalkAppSecret });

        Assert.Equal(300, reply.Json.GetProperty("expireIn").GetInt32());
    }

    [Fact]
    public async Task Wrong_secret_on_the_new_api_is_400_with_a_request_id_in_body_and_header()
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var reply = await emulator.PostDingTalkAsync("/dingtalk/v1.0/oauth2/accessToken", new { appKey = EmulatorOptions.DefaultDingTalkAppKey, appSecret = "wrong" });

        Assert.Equal(400, reply.Status);
        Assert.Equal("invalidClientIdOrSecret", reply.ApiCode());
        Assert.False(string.IsNullOrEmpty(reply.Json.GetProperty("message").GetString()));
        Assert.Equal(reply.Header("x-acs-request-id"), reply.Json.GetProperty("requestid").GetString());
        Assert.False(reply.Json.TryGetProperty("accessToken", out _));
    }

    [Theory]
    [InlineData("", "MissingBody", null)]
    [InlineData("not json", "InvalidParameter", null)]
    [InlineData("[1]", "InvalidParameter", null)]
    [InlineData("{\"appSecret\":\"x\"}", "InvalidParameter", "appKey")]
    [InlineData("{\"appKey\":\"dinglarkwayemu000001\"}", "InvalidParameter", "appSecret")]
    public async Task Malformed_new_api_token_request_is_400_naming_the_problem(string body, string code, string? field)
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var reply = await emulator.SendDingTalkAsync(HttpMethod.Post, "/dingtalk/v1.0/oauth2/accessToken", body);

        Assert.Equal(400, reply.Status);
        Assert.Equal(code, reply.ApiCode());
        if (field is not null)
        {
            Assert.Contains(field, reply.Json.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("appkey=dinglarkwayemu000001&appsecret=wrong", 40089)]
    [InlineData("appkey=dingunknown&appsecret=larkway-emulator-dingtalk-dev-secret-0001", 40089)]
    [InlineData("appsecret=x", 40035)]
    [InlineData("appkey=dinglarkwayemu000001", 40035)]
    public async Task Bad_old_api_token_request_is_http_200_with_errcode(string query, int errcode)
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var reply = await emulator.SendDingTalkAsync(HttpMethod.Get, "/dingtalk/gettoken?" + query, null);

        Assert.Equal(200, reply.Status);
        Assert.Equal(errcode, reply.ErrCode());
        Assert.False(reply.Json.TryGetProperty("access_token", out _));
    }

    [Fact]
    public async Task Expiring_every_token_makes_both_hosts_refuse_it_and_a_fetch_gives_a_new_one()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ApiTokenAsync();

        using var expire = await emulator.SendDingTalkAsync(HttpMethod.Post, "/_emulator/dingtalk/tokens/expire", null);
        using var oapi = await emulator.PostDingTalkAsync($"/dingtalk/topapi/v2/user/get?access_token={token}", new { userid = "alice" });
        using var api = await emulator.PostDingTalkAsync("/dingtalk/v1.0/contact/users/search", new { queryWord = "Alice", offset = 0, size = 10 }, token);
        var fresh = await emulator.ApiTokenAsync();

        Assert.Equal(1, expire.Json.GetProperty("expired").GetInt32());
        Assert.Equal(42001, oapi.ErrCode());
        Assert.Equal("access_token超时", oapi.ErrMsg());
        Assert.Equal(400, api.Status);
        Assert.Equal("InvalidAuthentication", api.ApiCode());
        Assert.NotEqual(token, fresh);
    }

    [Fact]
    public async Task Token_expires_after_its_lifetime_on_the_clock()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.OapiTokenAsync();

        emulator.Clock.Advance(TimeSpan.FromSeconds(7199));
        using var before = await emulator.PostDingTalkAsync($"/dingtalk/topapi/v2/user/get?access_token={token}", new { userid = "alice" });
        emulator.Clock.Advance(TimeSpan.FromSeconds(1));
        using var after = await emulator.PostDingTalkAsync($"/dingtalk/topapi/v2/user/get?access_token={token}", new { userid = "alice" });

        Assert.Equal(0, before.ErrCode());
        Assert.Equal(42001, after.ErrCode());
    }

    [Fact]
    public async Task Fetching_again_while_valid_renews_the_lifetime()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.OapiTokenAsync();

        emulator.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(token, await emulator.OapiTokenAsync());
        emulator.Clock.Advance(TimeSpan.FromHours(1.5));
        using var reply = await emulator.PostDingTalkAsync($"/dingtalk/topapi/v2/user/get?access_token={token}", new { userid = "alice" });

        Assert.Equal(0, reply.ErrCode());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("0123456789abcdef0123456789abcdef")]
    public async Task New_api_with_a_missing_or_unknown_token_is_invalid_authentication(string? token)
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var reply = await emulator.PostDingTalkAsync("/dingtalk/v1.0/contact/users/search", new { queryWord = "Alice", offset = 0, size = 10 }, token);

        Assert.Equal(400, reply.Status);
        Assert.Equal("InvalidAuthentication", reply.ApiCode());
        Assert.Equal("不合法的access_token", reply.Json.GetProperty("message").GetString());
        Assert.Equal(reply.Header("x-acs-request-id"), reply.Json.GetProperty("requestid").GetString());
    }

    [Theory]
    [InlineData("", 40035)]
    [InlineData("?access_token=0123456789abcdef0123456789abcdef", 40014)]
    public async Task Old_api_with_a_missing_or_unknown_token_is_refused(string query, int errcode)
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var reply = await emulator.PostDingTalkAsync("/dingtalk/topapi/v2/user/get" + query, new { userid = "alice" });

        Assert.Equal(200, reply.Status);
        Assert.Equal(errcode, reply.ErrCode());
        Assert.False(reply.Json.TryGetProperty("result", out _));
    }
}
