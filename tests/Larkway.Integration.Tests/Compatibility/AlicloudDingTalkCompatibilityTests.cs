using Larkway.DingTalk;
using Larkway.DingTalk.Workflow;
using Larkway.Emulator.Hosting;
using Larkway.Integration.Tests.Infrastructure;

namespace Larkway.Integration.Tests.Compatibility;

/// <summary>
/// DingTalk's official generated API client, <c>@alicloud/dingtalk</c> (npm, with <c>@alicloud/openapi-client</c>),
/// unchanged against the emulator's DingTalk API host: it takes only a protocol and a host, gets the app's token with
/// its oauth2 client, then starts an approval of the seeded payment template, reads it, approves its first task and
/// lists the template's instance ids with its workflow client, and parses a refusal as its own error.
/// </summary>
public sealed class AlicloudDingTalkCompatibilityTests
{
    private const string Payment = "PROC-LW-PAYMENT";

    private static readonly string CompatDirectory = Path.Combine(RepoPaths.Root, "tests", "compat", "alicloud-dingtalk");

    [Fact]
    public async Task The_official_alicloud_dingtalk_client_gets_a_token_and_starts_reads_approves_and_lists_an_approval()
    {
        Assert.True(Directory.Exists(Path.Combine(CompatDirectory, "node_modules", "@alicloud", "dingtalk")),
            "@alicloud/dingtalk is not installed: run scripts/install-test-deps.sh (scripts/test.sh does)");
        var options = new EmulatorOptions { Port = 0, DingTalkApiPort = 0 };
        await using var emulator = await EmulatorServer.StartAsync(options);
        var apiHost = emulator.DingTalkApiBaseUrl!;

        await using var node = NodeScript.Start(CompatDirectory, "workflow.mjs", apiHost.Authority, options.DingTalkAppKey, options.DingTalkAppSecret, Payment, "bob");

        var token = await node.NextAsync("token");
        Assert.Equal(200, token.GetProperty("status").GetInt32());
        Assert.Equal(7200, token.GetProperty("expireIn").GetInt32());
        var instanceId = (await node.NextAsync("started")).GetProperty("instanceId").GetString();
        Assert.False(string.IsNullOrEmpty(instanceId));

        var read = await node.NextAsync("instance");
        Assert.Equal("true", read.GetProperty("success").GetString());
        Assert.Equal("RUNNING", read.GetProperty("status").GetString());
        Assert.Equal("bob", read.GetProperty("originatorUserId").GetString());
        Assert.Equal("1200.50", read.GetProperty("amount").GetString());
        Assert.Equal("alice", read.GetProperty("taskUserId").GetString());

        var executed = await node.NextAsync("executed");
        Assert.True(executed.GetProperty("success").GetBoolean());
        Assert.True(executed.GetProperty("result").GetBoolean());
        Assert.Equal("AGREE", executed.GetProperty("taskStatus").GetString());
        Assert.Equal(["START_PROCESS_INSTANCE", "EXECUTE_TASK_NORMAL"], executed.GetProperty("records").EnumerateArray().Select(r => r.GetString()));

        var ids = await node.NextAsync("ids");
        Assert.True(ids.GetProperty("success").GetBoolean());
        Assert.Equal([instanceId], ids.GetProperty("list").EnumerateArray().Select(i => i.GetString()));

        var refused = await node.NextAsync("refused");
        Assert.Equal("InvalidAuthentication", refused.GetProperty("code").GetString());
        Assert.Equal(400, refused.GetProperty("statusCode").GetInt32());
        await node.NextAsync("done");
        Assert.Equal(0, await node.ExitCodeAsync());

        // The same approval, read back through /dingtalk on the main listener by this repository's own client: one org behind both.
        using var client = new DingTalkClient(new DingTalkAppOptions
        {
            AppKey = options.DingTalkAppKey,
            AppSecret = options.DingTalkAppSecret,
            ApiBaseUrl = DingTalkBaseUrls.Emulator(emulator.BaseUrl),
            OapiBaseUrl = DingTalkBaseUrls.Emulator(emulator.BaseUrl),
        });
        var instance = await client.Workflow.GetAsync(instanceId!);
        Assert.Equal(DingTalkProcessStatus.Running, instance.Status);
        Assert.Equal(("carol", "RUNNING"), instance.Tasks!.Where(t => t.Status == "RUNNING").Select(t => (t.UserId, t.Status)).Single());
        Assert.Equal("ok from @alicloud/dingtalk", instance.OperationRecords![1].Remark);
    }
}
