using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.WeCom;

public sealed class WeComFaultTests
{
    [Theory]
    [InlineData("rate_limit", 45009)]
    [InlineData("system_busy", -1)]
    [InlineData("concurrency_limit", 45033)]
    public async Task An_armed_fault_answers_its_code_once_then_the_call_works(string kind, int code)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.WeComTokenAsync();
        using var armed = await emulator.WeComPostAsync("/_emulator/wecom/faults", new { endpoint = "POST /cgi-bin/message/send", kind });

        using var failed = await emulator.SendAppMessageAsync(token, new() { ["touser"] = "bob", ["msgtype"] = "text", ["text"] = new { content = "x" } });
        using var works = await emulator.SendAppMessageAsync(token, new() { ["touser"] = "bob", ["msgtype"] = "text", ["text"] = new { content = "x" } });

        Assert.Equal(200, armed.Status);
        Assert.Equal("POST /wecom/cgi-bin/message/send", armed.Json.GetProperty("endpoint").GetString());
        Assert.Equal(code, failed.ErrCode());
        Assert.Equal(0, works.ErrCode());
    }

    [Fact]
    public async Task A_server_error_is_a_502_from_the_gateway()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var armed = await emulator.WeComPostAsync("/_emulator/wecom/faults", new { endpoint = "*", kind = "server_error", count = 2 });

        using var first = await emulator.WeComGetAsync($"/wecom/cgi-bin/gettoken?corpid={emulator.Options.WeComCorpId}&corpsecret={emulator.Options.WeComAppSecret}");
        using var robot = await emulator.WeComPostAsync($"/wecom/cgi-bin/webhook/send?key={emulator.Options.WeComRobotKey}", new { msgtype = "text", text = new { content = "x" } });
        using var third = await emulator.WeComGetAsync($"/wecom/cgi-bin/gettoken?corpid={emulator.Options.WeComCorpId}&corpsecret={emulator.Options.WeComAppSecret}");

        Assert.Equal(502, first.Status);
        Assert.Equal(502, robot.Status);
        Assert.Equal(0, third.ErrCode());
    }

    [Fact]
    public async Task Server_error_after_submits_the_application_then_answers_502_so_it_exists_though_its_answer_is_lost()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.WeComTokenAsync();
        var since = emulator.Clock.GetUtcNow().AddMinutes(-5).ToUnixTimeSeconds();
        (await emulator.WeComPostAsync("/_emulator/wecom/faults", new { endpoint = "POST /cgi-bin/oa/applyevent", kind = "server_error_after" })).Dispose();
        var application = new
        {
            creator_userid = "alice",
            template_id = "3TmApprovalPaymentLarkwayDevTemplate0001",
            use_template_approver = 1,
            apply_data = new
            {
                contents = new object[]
                {
                    new { control = "Money", id = "Money-1", value = new { new_money = "1200" } },
                    new { control = "Text", id = "Text-1", value = new { text = "Team offsite" } },
                },
            },
        };

        using var lost = await emulator.WeComPostAsync($"/wecom/cgi-bin/oa/applyevent?access_token={token}", application);
        using var listed = await emulator.WeComPostAsync($"/wecom/cgi-bin/oa/getapprovalinfo?access_token={token}",
            new { starttime = since, endtime = emulator.Clock.GetUtcNow().AddMinutes(5).ToUnixTimeSeconds(), size = 100 });

        Assert.Equal(502, lost.Status);
        Assert.Null(lost.Field("sp_no"));
        Assert.Equal(0, listed.ErrCode());
        Assert.Single(listed.Json.GetProperty("sp_no_list").EnumerateArray());
    }

    [Theory]
    [InlineData("invalid_token", 40014)]
    [InlineData("expired_token", 42001)]
    public async Task Token_faults_end_the_token_so_a_client_must_fetch_a_new_one(string kind, int code)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.WeComTokenAsync();
        using var armed = await emulator.WeComPostAsync("/_emulator/wecom/faults", new { endpoint = "GET /cgi-bin/user/get", kind });

        using var failed = await emulator.WeComGetAsync($"/wecom/cgi-bin/user/get?access_token={token}&userid=bob");
        using var stillFailing = await emulator.WeComGetAsync($"/wecom/cgi-bin/user/get?access_token={token}&userid=bob");
        var fresh = await emulator.WeComTokenAsync();
        using var works = await emulator.WeComGetAsync($"/wecom/cgi-bin/user/get?access_token={fresh}&userid=bob");

        Assert.Equal(code, failed.ErrCode());
        Assert.Equal(code, stillFailing.ErrCode());
        Assert.NotEqual(token, fresh);
        Assert.Equal(0, works.ErrCode());
    }

    [Fact]
    public async Task Faults_are_listed_cleared_and_do_not_reach_feishu_or_dingtalk()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var armed = await emulator.WeComPostAsync("/_emulator/wecom/faults", new { endpoint = "*", kind = "rate_limit", count = 5 });

        using var feishu = await emulator.PostJsonAsync("/open-apis/auth/v3/tenant_access_token/internal", new { app_id = emulator.Options.AppId, app_secret = emulator.Options.AppSecret });
        using var listed = await emulator.WeComGetAsync("/_emulator/wecom/faults");
        using var cleared = await Reply.ReadAsync(await emulator.Http.DeleteAsync("/_emulator/wecom/faults"));
        using var token = await emulator.WeComGetAsync($"/wecom/cgi-bin/gettoken?corpid={emulator.Options.WeComCorpId}&corpsecret={emulator.Options.WeComAppSecret}");
        using var bad = await emulator.WeComPostAsync("/_emulator/wecom/faults", new { endpoint = "*", kind = "meteor" });

        Assert.Equal(0, feishu.Code);
        Assert.Single(listed.Json.GetProperty("items").EnumerateArray());
        Assert.Equal(200, cleared.Status);
        Assert.Equal(0, token.ErrCode());
        Assert.Equal(400, bad.Status);
    }
}
