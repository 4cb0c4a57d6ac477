using System.Text.Json;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.DingTalk;

/// <summary>Work notifications on the old API: asyncsend_v2, getsendprogress, getsendresult.</summary>
public sealed class DingTalkWorkNotificationTests
{
    private const string Base = "/dingtalk/topapi/message/corpconversation/";

    [Fact]
    public async Task Send_delivers_to_users_and_departments_and_reports_the_result()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.OapiTokenAsync();

        using var sent = await emulator.PostDingTalkAsync(Base + $"asyncsend_v2?access_token={token}", new
        {
            agent_id = emulator.Options.DingTalkAgentId,
            userid_list = "alice,nobody",
            dept_id_list = "3,99",
            msg = new { msgtype = "text", text = new { content = "Build 42 is green" } },
        });
        var taskId = sent.Json.GetProperty("task_id").GetInt64();
        using var progress = await emulator.PostDingTalkAsync(Base + $"getsendprogress?access_token={token}", new { agent_id = emulator.Options.DingTalkAgentId, task_id = taskId });
        using var result = await emulator.PostDingTalkAsync(Base + $"getsendresult?access_token={token}", new { agent_id = emulator.Options.DingTalkAgentId, task_id = taskId });

        Assert.Equal(0, sent.ErrCode());
        Assert.False(string.IsNullOrEmpty(sent.Json.GetProperty("request_id").GetString()));
        Assert.Equal(100, progress.Json.GetProperty("progress").GetProperty("progress_in_percent").GetInt32());
        Assert.Equal(2, progress.Json.GetProperty("progress").GetProperty("status").GetInt32());
        var sendResult = result.Json.GetProperty("send_result");
        Assert.Equal(["alice", "carol", "dave"], Strings(sendResult.GetProperty("unread_user_id_list")));
        Assert.Equal(["nobody"], Strings(sendResult.GetProperty("invalid_user_id_list")));
        Assert.Equal(99, Assert.Single(sendResult.GetProperty("invalid_dept_id_list").EnumerateArray()).GetInt64());
        Assert.Empty(sendResult.GetProperty("forbidden_user_id_list").EnumerateArray());
        var received = Assert.Single(await NotificationsAsync(emulator, "carol"));
        Assert.Equal("Build 42 is green", received.GetProperty("msg").GetProperty("text").GetProperty("content").GetString());
        Assert.Empty(await NotificationsAsync(emulator, "bob"));
    }

    [Fact]
    public async Task The_same_content_to_the_same_user_is_accepted_but_not_delivered_again_that_day()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.OapiTokenAsync();
        var message = new { agent_id = emulator.Options.DingTalkAgentId, userid_list = "bob", msg = new { msgtype = "markdown", markdown = new { title = "T", text = "# same" } } };

        using var first = await emulator.PostDingTalkAsync(Base + $"asyncsend_v2?access_token={token}", message);
        using var second = await emulator.PostDingTalkAsync(Base + $"asyncsend_v2?access_token={token}", message);
        using var result = await emulator.PostDingTalkAsync(Base + $"getsendresult?access_token={token}", new { agent_id = emulator.Options.DingTalkAgentId, task_id = second.Json.GetProperty("task_id").GetInt64() });
        emulator.Clock.Advance(TimeSpan.FromDays(1));
        token = await emulator.OapiTokenAsync();
        using var nextDay = await emulator.PostDingTalkAsync(Base + $"asyncsend_v2?access_token={token}", message);

        Assert.Equal(0, second.ErrCode());
        Assert.NotEqual(first.Json.GetProperty("task_id").GetInt64(), second.Json.GetProperty("task_id").GetInt64());
        Assert.Equal(["bob"], Strings(result.Json.GetProperty("send_result").GetProperty("forbidden_user_id_list")));
        Assert.Empty(result.Json.GetProperty("send_result").GetProperty("unread_user_id_list").EnumerateArray());
        Assert.Equal(0, nextDay.ErrCode());
        Assert.Equal(2, (await NotificationsAsync(emulator, "bob")).Count);
    }

    [Fact]
    public async Task To_all_user_reaches_everyone_and_action_cards_are_accepted()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.OapiTokenAsync();

        using var sent = await emulator.PostDingTalkAsync(Base + $"asyncsend_v2?access_token={token}", new
        {
            agent_id = emulator.Options.DingTalkAgentId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            to_all_user = true,
            msg = new
            {
                msgtype = "action_card",
                action_card = new { title = "Approve?", markdown = "Deploy **42**", btn_orientation = "1", btn_json_list = new[] { new { title = "Yes", action_url = "https://example.com/y" }, new { title = "No", action_url = "https://example.com/n" } } },
            },
        });

        Assert.Equal(0, sent.ErrCode());
        foreach (var user in new[] { "alice", "bob", "carol", "dave" })
        {
            Assert.Equal("action_card", Assert.Single(await NotificationsAsync(emulator, user)).GetProperty("msgtype").GetString());
        }
    }

    public static TheoryData<string, int> Refusals() => new()
    {
        { "{\"agent_id\":1,\"userid_list\":\"alice\",\"msg\":{\"msgtype\":\"text\",\"text\":{\"content\":\"x\"}}}", 40056 },
        { "{\"agent_id\":A,\"msg\":{\"msgtype\":\"text\",\"text\":{\"content\":\"x\"}}}", 40035 },
        { "{\"agent_id\":A,\"userid_list\":\"alice\",\"msg\":{\"msgtype\":\"text\",\"text\":{}}}", 40035 },
        { "{\"agent_id\":A,\"userid_list\":\"alice\",\"msg\":{\"msgtype\":\"markdown\",\"markdown\":{\"title\":\"t\"}}}", 40035 },
        { "{\"agent_id\":A,\"userid_list\":\"alice\",\"msg\":{\"msgtype\":\"action_card\",\"action_card\":{\"title\":\"t\",\"markdown\":\"m\"}}}", 40035 },
        { "{\"agent_id\":A,\"userid_list\":\"alice\",\"msg\":{\"msgtype\":\"action_card\",\"action_card\":{\"title\":\"t\",\"markdown\":\"m\",\"single_title\":\"go\"}}}", 40035 },
        { "{\"agent_id\":A,\"userid_list\":\"alice\",\"msg\":{\"msgtype\":\"video\",\"video\":{}}}", 400002 },
        { "{\"agent_id\":A,\"userid_list\":\"alice\"}", 40035 },
        { "{\"agent_id\":A,\"dept_id_list\":\"1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21\",\"msg\":{\"msgtype\":\"text\",\"text\":{\"content\":\"x\"}}}", 400002 },
        { "{\"userid_list\":\"alice\",\"msg\":{\"msgtype\":\"text\",\"text\":{\"content\":\"x\"}}}", 40035 },
        { "not json", 40035 },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Send_refusals_are_http_200_with_errcode_and_deliver_nothing(string body, int errcode)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.OapiTokenAsync();

        using var reply = await emulator.SendDingTalkAsync(HttpMethod.Post, Base + $"asyncsend_v2?access_token={token}", body.Replace(":A,", $":{emulator.Options.DingTalkAgentId},", StringComparison.Ordinal));

        Assert.Equal(200, reply.Status);
        Assert.Equal(errcode, reply.ErrCode());
        Assert.Empty(await NotificationsAsync(emulator, "alice"));
    }

    [Fact]
    public async Task Send_refuses_more_than_100_userids()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.OapiTokenAsync();

        using var reply = await emulator.PostDingTalkAsync(Base + $"asyncsend_v2?access_token={token}", new
        {
            agent_id = emulator.Options.DingTalkAgentId,
            userid_list = string.Join(',', Enumerable.Range(0, 101).Select(i => "u" + i)),
            msg = new { msgtype = "text", text = new { content = "x" } },
        });

        Assert.Equal(400002, reply.ErrCode());
    }

    [Fact]
    public async Task Result_of_an_unknown_task_is_refused()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.OapiTokenAsync();

        using var reply = await emulator.PostDingTalkAsync(Base + $"getsendresult?access_token={token}", new { agent_id = emulator.Options.DingTalkAgentId, task_id = 12345 });

        Assert.Equal(200, reply.Status);
        Assert.NotEqual(0, reply.ErrCode());
    }

    [Fact]
    public async Task Send_with_an_expired_token_is_42001()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.OapiTokenAsync();
        using (await emulator.PostDingTalkAsync("/_emulator/dingtalk/tokens/expire", new { }))
        {
        }

        using var reply = await emulator.PostDingTalkAsync(Base + $"asyncsend_v2?access_token={token}", new { agent_id = emulator.Options.DingTalkAgentId, userid_list = "alice", msg = new { msgtype = "text", text = new { content = "x" } } });

        Assert.Equal(42001, reply.ErrCode());
    }

    private static async Task<List<JsonElement>> NotificationsAsync(TestEmulator emulator, string userId)
    {
        using var reply = await emulator.SendDingTalkAsync(HttpMethod.Get, $"/_emulator/dingtalk/users/{userId}/work-notifications", null);
        Assert.Equal(200, reply.Status);
        return [.. reply.Json.GetProperty("items").EnumerateArray().Select(e => e.Clone())];
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal)];
}
