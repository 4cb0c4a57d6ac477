using Larkway.Emulator.Hosting;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.WeCom;

public sealed class WeComTokenTests
{
    private const string Corp = EmulatorOptions.DefaultWeComCorpId;
    private const string Secret = EmulatorOptions.DefaultWeComAppSecret;

    [Fact]
    public async Task Gettoken_issues_a_token_for_7200_seconds_and_hands_out_the_same_one_while_it_lives()
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var first = await emulator.WeComGetAsync($"/wecom/cgi-bin/gettoken?corpid={Corp}&corpsecret={Secret}");
        emulator.Clock.Advance(TimeSpan.FromMinutes(30));
        using var second = await emulator.WeComGetAsync($"/wecom/cgi-bin/gettoken?corpid={Corp}&corpsecret={Secret}");

        Assert.Equal(200, first.Status);
        Assert.Equal(0, first.ErrCode());
        Assert.Equal("ok", first.ErrMsg());
        Assert.Equal(7200, first.Json.GetProperty("expires_in").GetInt32());
        Assert.Equal(first.Field("access_token"), second.Field("access_token"));
        Assert.Equal(7200 - 1800, second.Json.GetProperty("expires_in").GetInt32());
        Assert.Equal(2, emulator.Server.CallCounts["GET /wecom/cgi-bin/gettoken"]);
    }

    [Theory]
    [InlineData("", Secret, 41002)]
    [InlineData(Corp, "", 41004)]
    [InlineData("wwotherco0000000000", Secret, 40013)]
    [InlineData(Corp, "wrong-secret", 40001)]
    public async Task Gettoken_refusals_have_wecoms_codes(string corpId, string secret, int code)
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var reply = await emulator.WeComGetAsync($"/wecom/cgi-bin/gettoken?corpid={corpId}&corpsecret={secret}");

        Assert.Equal(200, reply.Status);
        Assert.Equal(code, reply.ErrCode());
        Assert.Contains($"more info at https://open.work.weixin.qq.com/devtool/query?e={code}", reply.ErrMsg(), StringComparison.Ordinal);
        Assert.Null(reply.Field("access_token"));
    }

    [Fact]
    public async Task A_token_past_its_lifetime_is_42001_and_a_new_one_is_issued()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.WeComTokenLifetime = TimeSpan.FromMinutes(10));
        var token = await emulator.WeComTokenAsync();

        emulator.Clock.Advance(TimeSpan.FromMinutes(11));
        using var expired = await emulator.WeComGetAsync($"/wecom/cgi-bin/user/get?access_token={token}&userid=alice");
        var fresh = await emulator.WeComTokenAsync();
        using var works = await emulator.WeComGetAsync($"/wecom/cgi-bin/user/get?access_token={fresh}&userid=alice");

        Assert.Equal(42001, expired.ErrCode());
        Assert.NotEqual(token, fresh);
        Assert.Equal(0, works.ErrCode());
    }

    [Fact]
    public async Task Missing_and_unknown_tokens_are_41001_and_40014()
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var missing = await emulator.WeComGetAsync("/wecom/cgi-bin/user/get?userid=alice");
        using var unknown = await emulator.WeComGetAsync("/wecom/cgi-bin/user/get?access_token=nope&userid=alice");

        Assert.Equal(41001, missing.ErrCode());
        Assert.Equal(40014, unknown.ErrCode());
    }

    [Fact]
    public async Task Control_expires_or_revokes_tokens_on_demand()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var first = await emulator.WeComTokenAsync();

        using var expire = await emulator.WeComPostAsync("/_emulator/wecom/tokens/expire", new { });
        using var expired = await emulator.WeComGetAsync($"/wecom/cgi-bin/user/get?access_token={first}&userid=alice");
        var second = await emulator.WeComTokenAsync();
        using var revoke = await emulator.WeComPostAsync("/_emulator/wecom/tokens/revoke", new { });
        using var revoked = await emulator.WeComGetAsync($"/wecom/cgi-bin/user/get?access_token={second}&userid=alice");

        Assert.Equal(1, expire.Json.GetProperty("expired").GetInt32());
        Assert.Equal(42001, expired.ErrCode());
        Assert.Equal(1, revoke.Json.GetProperty("revoked").GetInt32());
        Assert.Equal(40014, revoked.ErrCode());
        Assert.NotEqual(second, await emulator.WeComTokenAsync());
    }

    [Fact]
    public async Task An_unknown_cgi_is_a_wecom_error_not_the_feishu_envelope()
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var reply = await emulator.WeComGetAsync("/wecom/cgi-bin/nothing/here");

        Assert.Equal(200, reply.Status);
        Assert.Equal(40058, reply.ErrCode());
        Assert.Contains("/wecom/cgi-bin/", reply.ErrMsg(), StringComparison.Ordinal);
    }
}
