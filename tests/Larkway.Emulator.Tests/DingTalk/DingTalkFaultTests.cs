using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.DingTalk;

public sealed class DingTalkFaultTests
{
    [Fact]
    public async Task Server_error_on_the_new_api_is_500_service_unavailable_for_the_next_n_calls()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var armed = await emulator.PostDingTalkAsync("/_emulator/dingtalk/faults", new { endpoint = "POST /v1.0/oauth2/accessToken", kind = "server_error", count = 2 });

        using var first = await emulator.PostDingTalkAsync("/dingtalk/v1.0/oauth2/accessToken", new { appKey = emulator.Options.DingTalkAppKey, appSecret = emulator.Options.DingTalkAppSecret });
        using var second = await emulator.PostDingTalkAsync("/dingtalk/v1.0/oauth2/accessToken", new { appKey = emulator.Options.DingTalkAppKey, appSecret = emulator.Options.DingTalkAppSecret });
        var third = await emulator.ApiTokenAsync();

        Assert.Equal(200, armed.Status);
        Assert.Equal(500, first.Status);
        Assert.Equal("ServiceUnavailable", first.ApiCode());
        Assert.Equal(first.Header("x-acs-request-id"), first.Json.GetProperty("requestid").GetString());
        Assert.Equal(500, second.Status);
        Assert.False(string.IsNullOrEmpty(third));
        Assert.Equal(3, emulator.Server.CallCounts["POST /dingtalk/v1.0/oauth2/accessToken"]);
    }

    [Fact]
    public async Task Rate_limit_on_the_new_api_is_403_qps_limit()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ApiTokenAsync();
        (await emulator.PostDingTalkAsync("/_emulator/dingtalk/faults", new { endpoint = "POST /dingtalk/v1.0/contact/users/search", kind = "rate_limit" })).Dispose();

        using var limited = await emulator.PostDingTalkAsync("/dingtalk/v1.0/contact/users/search", new { queryWord = "a", offset = 0, size = 1 }, token);
        using var next = await emulator.PostDingTalkAsync("/dingtalk/v1.0/contact/users/search", new { queryWord = "a", offset = 0, size = 1 }, token);

        Assert.Equal(403, limited.Status);
        Assert.Equal("Forbidden.AccessDenied.QpsLimitForApi", limited.ApiCode());
        Assert.Equal(200, next.Status);
    }

    [Theory]
    [InlineData("server_error", -1)]
    [InlineData("rate_limit", 90018)]
    public async Task Faults_on_oapi_are_http_200_with_errcode(string kind, int errcode)
    {
        await using var emulator = await TestEmulator.StartAsync();
        (await emulator.PostDingTalkAsync("/_emulator/dingtalk/faults", new { endpoint = "GET /gettoken", kind })).Dispose();

        using var reply = await emulator.SendDingTalkAsync(HttpMethod.Get, $"/dingtalk/gettoken?appkey={emulator.Options.DingTalkAppKey}&appsecret={emulator.Options.DingTalkAppSecret}", null);

        Assert.Equal(200, reply.Status);
        Assert.Equal(errcode, reply.ErrCode());
        Assert.False(reply.Json.TryGetProperty("access_token", out _));
    }

    [Theory]
    [InlineData("server_error", -1)]
    [InlineData("rate_limit", 130101)]
    public async Task Faults_on_the_robot_webhook_use_its_codes_and_store_nothing(string kind, int errcode)
    {
        await using var emulator = await TestEmulator.StartAsync();
        (await emulator.PostDingTalkAsync("/_emulator/dingtalk/faults", new { endpoint = "POST /robot/send", kind })).Dispose();

        using var reply = await emulator.PostDingTalkAsync("/dingtalk/robot/send?access_token=dev-robot", new { msgtype = "text", text = new { content = "x" } });
        using var messages = await emulator.SendDingTalkAsync(HttpMethod.Get, "/_emulator/dingtalk/robots/dev-robot/messages", null);

        Assert.Equal(200, reply.Status);
        Assert.Equal(errcode, reply.ErrCode());
        Assert.Equal(0, messages.Json.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Delay_fault_is_consumed_and_the_call_still_answers_normally()
    {
        // No assertion on elapsed time (tests never assert on time): the armed delay is used up by this call.
        await using var emulator = await TestEmulator.StartAsync();
        (await emulator.PostDingTalkAsync("/_emulator/dingtalk/faults", new { endpoint = "GET /gettoken", kind = "delay", delay_ms = 5 })).Dispose();

        var token = await emulator.OapiTokenAsync();
        using var listed = await emulator.SendDingTalkAsync(HttpMethod.Get, "/_emulator/dingtalk/faults", null);

        Assert.False(string.IsNullOrEmpty(token));
        Assert.Equal(0, listed.Json.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Server_error_after_starts_the_approval_then_answers_500_so_the_instance_exists_though_its_answer_is_lost()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ApiTokenAsync();
        var since = emulator.Clock.GetUtcNow().AddMinutes(-5).ToUnixTimeMilliseconds();
        (await emulator.PostDingTalkAsync("/_emulator/dingtalk/faults", new { endpoint = "POST /v1.0/workflow/processInstances", kind = "server_error_after" })).Dispose();
        var start = new
        {
            processCode = "PROC-LW-PAYMENT",
            originatorUserId = "bob",
            formComponentValues = new[] { new { name = "Amount", value = "1200" }, new { name = "Reason", value = "Team offsite" } },
        };

        using var lost = await emulator.PostDingTalkAsync("/dingtalk/v1.0/workflow/processInstances", start, token);
        using var listed = await emulator.PostDingTalkAsync("/dingtalk/v1.0/workflow/processes/instanceIds/query", new { processCode = "PROC-LW-PAYMENT", startTime = since, maxResults = 20 }, token);
        using var next = await emulator.PostDingTalkAsync("/dingtalk/v1.0/workflow/processInstances", start, token);

        Assert.Equal(500, lost.Status);
        Assert.Equal("ServiceUnavailable", lost.ApiCode());
        Assert.False(lost.Json.TryGetProperty("instanceId", out _));
        var stored = Assert.Single(listed.Json.GetProperty("result").GetProperty("list").EnumerateArray()).GetString();
        Assert.False(string.IsNullOrEmpty(stored));
        Assert.Equal(200, next.Status);
        Assert.NotEqual(stored, next.Json.GetProperty("instanceId").GetString());
    }

    [Fact]
    public async Task Feishu_faults_do_not_touch_dingtalk_calls()
    {
        await using var emulator = await TestEmulator.StartAsync();
        (await emulator.PostJsonAsync("/_emulator/faults", new { endpoint = "*", kind = "server_error", count = 5 })).Dispose();

        var token = await emulator.ApiTokenAsync();
        using var feishu = await emulator.PostJsonAsync("/open-apis/auth/v3/tenant_access_token/internal", new { app_id = emulator.Options.AppId, app_secret = emulator.Options.AppSecret });

        Assert.False(string.IsNullOrEmpty(token));
        Assert.Equal(500, feishu.Status);
    }

    [Fact]
    public async Task Dingtalk_faults_do_not_touch_feishu_calls_and_can_be_listed_and_cleared()
    {
        await using var emulator = await TestEmulator.StartAsync();
        (await emulator.PostDingTalkAsync("/_emulator/dingtalk/faults", new { endpoint = "*", kind = "server_error", count = 5 })).Dispose();

        var feishuToken = await emulator.TenantTokenAsync();
        using var listed = await emulator.SendDingTalkAsync(HttpMethod.Get, "/_emulator/dingtalk/faults", null);
        using var cleared = await emulator.SendDingTalkAsync(HttpMethod.Delete, "/_emulator/dingtalk/faults", null);
        var dingTalkToken = await emulator.OapiTokenAsync();

        Assert.False(string.IsNullOrEmpty(feishuToken));
        Assert.Equal(5, Assert.Single(listed.Json.GetProperty("items").EnumerateArray()).GetProperty("count").GetInt32());
        Assert.False(string.IsNullOrEmpty(dingTalkToken));
    }

    [Theory]
    [InlineData("{\"endpoint\":\"GET /gettoken\",\"kind\":\"explode\"}")]
    [InlineData("{\"kind\":\"delay\"}")]
    [InlineData("{\"endpoint\":\"GET /gettoken\",\"kind\":\"delay\",\"count\":0}")]
    [InlineData("{\"endpoint\":\"GET /gettoken\",\"kind\":\"delay\",\"count\":\"two\"}")]
    public async Task Bad_fault_definitions_are_refused(string body)
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var reply = await emulator.SendDingTalkAsync(HttpMethod.Post, "/_emulator/dingtalk/faults", body);

        Assert.Equal(400, reply.Status);
    }
}
