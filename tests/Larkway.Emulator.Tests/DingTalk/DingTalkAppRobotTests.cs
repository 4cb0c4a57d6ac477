using System.Text.Json;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.DingTalk;

/// <summary>The app robot on the new API: one-to-one batchSend, group send, and recall.</summary>
public sealed class DingTalkAppRobotTests
{
    private const string BatchSend = "/dingtalk/v1.0/robot/oToMessages/batchSend";
    private const string GroupSend = "/dingtalk/v1.0/robot/groupMessages/send";

    [Fact]
    public async Task Batch_send_delivers_to_known_users_and_lists_unknown_ones()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ApiTokenAsync();

        using var reply = await emulator.PostDingTalkAsync(BatchSend, Oto(emulator, ["alice", "bob", "nobody"], "sampleMarkdown", new { title = "Deploy", text = "**done**" }), token);

        Assert.Equal(200, reply.Status);
        Assert.False(string.IsNullOrEmpty(reply.Json.GetProperty("processQueryKey").GetString()));
        Assert.Equal(["nobody"], Strings(reply.Json.GetProperty("invalidStaffIdList")));
        Assert.Empty(Strings(reply.Json.GetProperty("flowControlledStaffIdList")));
        var alice = Assert.Single(await UserMessagesAsync(emulator, "alice"));
        Assert.Equal("sampleMarkdown", alice.GetProperty("msgKey").GetString());
        Assert.Equal("**done**", alice.GetProperty("msgParam").GetProperty("text").GetString());
        Assert.Equal(reply.Json.GetProperty("processQueryKey").GetString(), alice.GetProperty("processQueryKey").GetString());
        Assert.Single(await UserMessagesAsync(emulator, "bob"));
        Assert.Empty(await UserMessagesAsync(emulator, "carol"));
    }

    [Theory]
    [InlineData("sampleText", "{\"content\":\"hi\"}")]
    [InlineData("sampleImageMsg", "{\"photoURL\":\"https://example.com/a.png\"}")]
    [InlineData("sampleLink", "{\"text\":\"t\",\"title\":\"T\",\"picUrl\":\"@lADOADmaWMzazQKA\",\"messageUrl\":\"https://example.com\"}")]
    [InlineData("sampleActionCard", "{\"title\":\"T\",\"text\":\"t\",\"singleTitle\":\"Open\",\"singleURL\":\"https://example.com\"}")]
    [InlineData("sampleActionCard3", "{\"title\":\"T\",\"text\":\"t\",\"actionTitle1\":\"a\",\"actionURL1\":\"u\",\"actionTitle2\":\"b\",\"actionURL2\":\"u\",\"actionTitle3\":\"c\",\"actionURL3\":\"u\"}")]
    [InlineData("sampleActionCard6", "{\"title\":\"T\",\"text\":\"t\",\"buttonTitle1\":\"Yes\",\"buttonUrl1\":\"u\",\"buttonTitle2\":\"No\",\"buttonUrl2\":\"u\"}")]
    public async Task Every_documented_msg_key_is_accepted_with_its_fields(string msgKey, string msgParam)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ApiTokenAsync();

        using var reply = await emulator.PostDingTalkAsync(BatchSend, new { robotCode = emulator.Options.DingTalkAppKey, userIds = new[] { "carol" }, msgKey, msgParam }, token);

        Assert.Equal(200, reply.Status);
        Assert.Equal(msgKey, Assert.Single(await UserMessagesAsync(emulator, "carol")).GetProperty("msgKey").GetString());
    }

    public static TheoryData<string, string> Refusals() => new()
    {
        { "{\"robotCode\":\"R\",\"userIds\":[],\"msgKey\":\"sampleText\",\"msgParam\":\"{\\\"content\\\":\\\"x\\\"}\"}", "invalidParameter.userIds.empty" },
        { "{\"robotCode\":\"R\",\"userIds\":[\"alice\"],\"msgKey\":\"sampleVideo\",\"msgParam\":\"{}\"}", "invalidParameter.msgKey.invalid" },
        { "{\"robotCode\":\"R\",\"userIds\":[\"alice\"],\"msgParam\":\"{}\"}", "invalidParameter.msgKey.empty" },
        { "{\"robotCode\":\"R\",\"userIds\":[\"alice\"],\"msgKey\":\"sampleText\",\"msgParam\":{\"content\":\"x\"}}", "invalidParameter.msgParam.invalid" },
        { "{\"robotCode\":\"R\",\"userIds\":[\"alice\"],\"msgKey\":\"sampleText\",\"msgParam\":\"not json\"}", "invalidParameter.msgParam.invalid" },
        { "{\"robotCode\":\"R\",\"userIds\":[\"alice\"],\"msgKey\":\"sampleMarkdown\",\"msgParam\":\"{\\\"title\\\":\\\"x\\\"}\"}", "invalidParameter.msgParam.invalid" },
        { "{\"robotCode\":\"R\",\"userIds\":[\"alice\"],\"msgKey\":\"sampleActionCard2\",\"msgParam\":\"{\\\"title\\\":\\\"T\\\",\\\"text\\\":\\\"t\\\",\\\"actionTitle1\\\":\\\"a\\\",\\\"actionURL1\\\":\\\"u\\\"}\"}", "invalidParameter.msgParam.invalid" },
        { "{\"userIds\":[\"alice\"],\"msgKey\":\"sampleText\",\"msgParam\":\"{\\\"content\\\":\\\"x\\\"}\"}", "invalidParameter.robotCode.empty" },
        { "{\"robotCode\":\"dingsomeotherrobot01\",\"userIds\":[\"alice\"],\"msgKey\":\"sampleText\",\"msgParam\":\"{\\\"content\\\":\\\"x\\\"}\"}", "invalidParameter.robotCode.auth" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Batch_send_refusals_are_400_with_the_documented_code(string body, string code)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ApiTokenAsync();

        using var reply = await emulator.SendDingTalkAsync(HttpMethod.Post, BatchSend, body.Replace("\"R\"", $"\"{emulator.Options.DingTalkAppKey}\"", StringComparison.Ordinal), token);

        Assert.Equal(400, reply.Status);
        Assert.Equal(code, reply.ApiCode());
        Assert.NotNull(reply.Header("x-acs-request-id"));
        Assert.Empty(await UserMessagesAsync(emulator, "alice"));
    }

    [Fact]
    public async Task Batch_send_refuses_more_than_twenty_users()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ApiTokenAsync();
        string[] users = [.. Enumerable.Range(0, 21).Select(i => "u" + i)];

        using var reply = await emulator.PostDingTalkAsync(BatchSend, Oto(emulator, users, "sampleText", new { content = "x" }), token);

        Assert.Equal(400, reply.Status);
        Assert.Equal("invalidParameter.userIds.overMax", reply.ApiCode());
    }

    [Fact]
    public async Task Batch_send_without_a_token_is_invalid_authentication()
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var reply = await emulator.PostDingTalkAsync(BatchSend, Oto(emulator, ["alice"], "sampleText", new { content = "x" }));

        Assert.Equal(400, reply.Status);
        Assert.Equal("InvalidAuthentication", reply.ApiCode());
    }

    [Fact]
    public async Task A_user_over_the_per_minute_limit_is_flow_controlled_and_not_delivered_until_the_minute_passes()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.DingTalkRobotUserMessagesPerMinute = 2);
        var token = await emulator.ApiTokenAsync();
        using (await emulator.PostDingTalkAsync(BatchSend, Oto(emulator, ["alice"], "sampleText", new { content = "1" }), token))
        using (await emulator.PostDingTalkAsync(BatchSend, Oto(emulator, ["alice"], "sampleText", new { content = "2" }), token))
        {
        }

        using var third = await emulator.PostDingTalkAsync(BatchSend, Oto(emulator, ["alice", "bob"], "sampleText", new { content = "3" }), token);
        emulator.Clock.Advance(TimeSpan.FromSeconds(61));
        using var later = await emulator.PostDingTalkAsync(BatchSend, Oto(emulator, ["alice"], "sampleText", new { content = "4" }), token);

        Assert.Equal(200, third.Status);
        Assert.Equal(["alice"], Strings(third.Json.GetProperty("flowControlledStaffIdList")));
        Assert.Empty(Strings(later.Json.GetProperty("flowControlledStaffIdList")));
        Assert.Equal(["1", "2", "4"], (await UserMessagesAsync(emulator, "alice")).Select(m => m.GetProperty("msgParam").GetProperty("content").GetString()!).ToArray());
        Assert.Single(await UserMessagesAsync(emulator, "bob"));
    }

    [Fact]
    public async Task Flow_control_is_off_when_rate_limits_are_not_enforced()
    {
        await using var emulator = await TestEmulator.StartAsync(o =>
        {
            o.DingTalkRobotUserMessagesPerMinute = 1;
            o.EnforceRateLimits = false;
        });
        var token = await emulator.ApiTokenAsync();

        using var first = await emulator.PostDingTalkAsync(BatchSend, Oto(emulator, ["alice"], "sampleText", new { content = "1" }), token);
        using var second = await emulator.PostDingTalkAsync(BatchSend, Oto(emulator, ["alice"], "sampleText", new { content = "2" }), token);

        Assert.Empty(Strings(second.Json.GetProperty("flowControlledStaffIdList")));
        Assert.Equal(2, (await UserMessagesAsync(emulator, "alice")).Count);
    }

    [Fact]
    public async Task Group_send_posts_into_a_group_made_by_the_control_api()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ApiTokenAsync();
        var cid = await CreateGroupAsync(emulator);

        using var reply = await emulator.PostDingTalkAsync(GroupSend, Group(emulator, cid, "sampleText", new { content = "hello group" }), token);

        Assert.Equal(200, reply.Status);
        Assert.StartsWith("cid", cid, StringComparison.Ordinal);
        using var messages = await emulator.SendDingTalkAsync(HttpMethod.Get, $"/_emulator/dingtalk/groups/{Uri.EscapeDataString(cid)}/messages", null);
        Assert.Equal(["alice", "bob"], Strings(messages.Json.GetProperty("members")));
        var message = Assert.Single(messages.Json.GetProperty("items").EnumerateArray());
        Assert.Equal("hello group", message.GetProperty("msgParam").GetProperty("content").GetString());
        Assert.Equal(reply.Json.GetProperty("processQueryKey").GetString(), message.GetProperty("processQueryKey").GetString());
    }

    [Fact]
    public async Task Group_send_into_an_unknown_group_or_over_15000_bytes_is_refused()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ApiTokenAsync();
        var cid = await CreateGroupAsync(emulator);

        using var unknown = await emulator.PostDingTalkAsync(GroupSend, Group(emulator, "cidnotagroup==", "sampleText", new { content = "x" }), token);
        using var large = await emulator.PostDingTalkAsync(GroupSend, Group(emulator, cid, "sampleText", new { content = new string('x', 15_000) }), token);

        Assert.Equal(400, unknown.Status);
        Assert.Equal("invalid.openConversationId", unknown.ApiCode());
        Assert.Equal(400, large.Status);
        Assert.Equal("invalidParameter.msgParam.invalid", large.ApiCode());
    }

    [Fact]
    public async Task Group_send_reaches_a_custom_robot_group_too()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ApiTokenAsync();
        using var robots = await emulator.SendDingTalkAsync(HttpMethod.Get, "/_emulator/dingtalk/robots", null);
        var cid = robots.Json.GetProperty("items")[0].GetProperty("conversationId").GetString()!;

        using var reply = await emulator.PostDingTalkAsync(GroupSend, Group(emulator, cid, "sampleText", new { content = "x" }), token);

        Assert.Equal(200, reply.Status);
    }

    [Fact]
    public async Task One_to_one_recall_marks_every_recipients_copy_and_reports_unknown_keys()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ApiTokenAsync();
        using var sent = await emulator.PostDingTalkAsync(BatchSend, Oto(emulator, ["alice", "bob"], "sampleText", new { content = "oops" }), token);
        var key = sent.Json.GetProperty("processQueryKey").GetString()!;

        using var reply = await emulator.PostDingTalkAsync("/dingtalk/v1.0/robot/otoMessages/batchRecall", new { robotCode = emulator.Options.DingTalkAppKey, processQueryKeys = new[] { key, "nosuchkey" } }, token);
        using var again = await emulator.PostDingTalkAsync("/dingtalk/v1.0/robot/otoMessages/batchRecall", new { robotCode = emulator.Options.DingTalkAppKey, processQueryKeys = new[] { key } }, token);

        Assert.Equal(200, reply.Status);
        Assert.Equal([key], Strings(reply.Json.GetProperty("successResult")));
        Assert.True(reply.Json.GetProperty("failedResult").TryGetProperty("nosuchkey", out _));
        Assert.True(again.Json.GetProperty("failedResult").TryGetProperty(key, out _));
        Assert.True(Assert.Single(await UserMessagesAsync(emulator, "alice")).GetProperty("recalled").GetBoolean());
        Assert.True(Assert.Single(await UserMessagesAsync(emulator, "bob")).GetProperty("recalled").GetBoolean());
    }

    [Fact]
    public async Task One_to_one_recall_after_24_hours_fails()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ApiTokenAsync();
        using var sent = await emulator.PostDingTalkAsync(BatchSend, Oto(emulator, ["alice"], "sampleText", new { content = "old" }), token);
        var key = sent.Json.GetProperty("processQueryKey").GetString()!;
        emulator.Clock.Advance(TimeSpan.FromHours(25));
        token = await emulator.ApiTokenAsync();

        using var reply = await emulator.PostDingTalkAsync("/dingtalk/v1.0/robot/otoMessages/batchRecall", new { robotCode = emulator.Options.DingTalkAppKey, processQueryKeys = new[] { key } }, token);

        Assert.Empty(Strings(reply.Json.GetProperty("successResult")));
        Assert.True(reply.Json.GetProperty("failedResult").TryGetProperty(key, out _));
        Assert.False(Assert.Single(await UserMessagesAsync(emulator, "alice")).GetProperty("recalled").GetBoolean());
    }

    [Fact]
    public async Task Group_recall_only_recalls_that_groups_messages()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ApiTokenAsync();
        var cid = await CreateGroupAsync(emulator);
        var other = await CreateGroupAsync(emulator);
        using var sent = await emulator.PostDingTalkAsync(GroupSend, Group(emulator, cid, "sampleText", new { content = "x" }), token);
        var key = sent.Json.GetProperty("processQueryKey").GetString()!;

        using var wrongGroup = await emulator.PostDingTalkAsync("/dingtalk/v1.0/robot/groupMessages/recall", new { openConversationId = other, robotCode = emulator.Options.DingTalkAppKey, processQueryKeys = new[] { key } }, token);
        using var reply = await emulator.PostDingTalkAsync("/dingtalk/v1.0/robot/groupMessages/recall", new { openConversationId = cid, robotCode = emulator.Options.DingTalkAppKey, processQueryKeys = new[] { key } }, token);

        Assert.True(wrongGroup.Json.GetProperty("failedResult").TryGetProperty(key, out _));
        Assert.Equal([key], Strings(reply.Json.GetProperty("successResult")));
        using var messages = await emulator.SendDingTalkAsync(HttpMethod.Get, $"/_emulator/dingtalk/groups/{Uri.EscapeDataString(cid)}/messages", null);
        Assert.True(Assert.Single(messages.Json.GetProperty("items").EnumerateArray()).GetProperty("recalled").GetBoolean());
    }

    [Fact]
    public async Task Recall_without_keys_is_refused()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ApiTokenAsync();

        using var reply = await emulator.PostDingTalkAsync("/dingtalk/v1.0/robot/otoMessages/batchRecall", new { robotCode = emulator.Options.DingTalkAppKey, processQueryKeys = Array.Empty<string>() }, token);

        Assert.Equal(400, reply.Status);
    }

    [Fact]
    public async Task Control_refuses_a_group_with_unknown_members()
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var reply = await emulator.PostDingTalkAsync("/_emulator/dingtalk/groups", new { title = "x", members = new[] { "alice", "nobody" } });

        Assert.Equal(400, reply.Status);
        Assert.Contains("nobody", reply.Json.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Faults_hit_batch_send_in_the_new_api_shape_and_deliver_nothing()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ApiTokenAsync();
        using (var armed = await emulator.PostDingTalkAsync("/_emulator/dingtalk/faults", new { endpoint = "POST /v1.0/robot/oToMessages/batchSend", kind = "rate_limit" }))
        {
            Assert.Equal(200, armed.Status);
        }

        using var refused = await emulator.PostDingTalkAsync(BatchSend, Oto(emulator, ["alice"], "sampleText", new { content = "x" }), token);
        using var retried = await emulator.PostDingTalkAsync(BatchSend, Oto(emulator, ["alice"], "sampleText", new { content = "x" }), token);

        Assert.Equal(403, refused.Status);
        Assert.Equal("Forbidden.AccessDenied.QpsLimitForApi", refused.ApiCode());
        Assert.Equal(200, retried.Status);
        Assert.Single(await UserMessagesAsync(emulator, "alice"));
        Assert.Equal(2, emulator.Server.CallCounts["POST /dingtalk/v1.0/robot/oToMessages/batchSend"]);
    }

    private static object Oto(TestEmulator emulator, string[] userIds, string msgKey, object param) =>
        new { robotCode = emulator.Options.DingTalkAppKey, userIds, msgKey, msgParam = JsonSerializer.Serialize(param) };

    private static object Group(TestEmulator emulator, string cid, string msgKey, object param) =>
        new { robotCode = emulator.Options.DingTalkAppKey, openConversationId = cid, msgKey, msgParam = JsonSerializer.Serialize(param) };

    private static async Task<string> CreateGroupAsync(TestEmulator emulator)
    {
        using var reply = await emulator.PostDingTalkAsync("/_emulator/dingtalk/groups", new { title = "Ops", members = new[] { "alice", "bob" } });
        Assert.Equal(200, reply.Status);
        return reply.Json.GetProperty("openConversationId").GetString()!;
    }

    private static async Task<List<JsonElement>> UserMessagesAsync(TestEmulator emulator, string userId)
    {
        using var reply = await emulator.SendDingTalkAsync(HttpMethod.Get, $"/_emulator/dingtalk/users/{userId}/robot-messages", null);
        Assert.Equal(200, reply.Status);
        return [.. reply.Json.GetProperty("items").EnumerateArray().Select(e => e.Clone())];
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
