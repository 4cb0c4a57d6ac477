using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.DingTalk;

/// <summary>DingTalk's robots, their messages and live tokens are kept in the state file like the Feishu tenant.</summary>
public sealed class DingTalkStateFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("larkway-emulator-dingtalk-state-").FullName;

    private string StateFile => Path.Combine(_folder, "emulator-state.json");

    [Fact]
    public async Task Robots_messages_and_tokens_survive_a_restart()
    {
        var clock = new ManualClock();
        string token, robotToken, conversationId;
        await using (var first = await TestEmulator.StartAsync(o => o.StateFile = StateFile, clock))
        {
            token = await first.OapiTokenAsync();
            using (var created = await first.PostDingTalkAsync("/_emulator/dingtalk/robots", new { name = "ops", keywords = new[] { "deploy" }, sign = true }))
            {
                robotToken = created.Json.GetProperty("accessToken").GetString()!;
                conversationId = created.Json.GetProperty("conversationId").GetString()!;
            }

            using var sent = await first.PostDingTalkAsync("/dingtalk/robot/send?access_token=dev-robot", new { msgtype = "text", text = new { content = "before the restart" } });
            Assert.Equal(0, sent.ErrCode());
        }

        await using var second = await TestEmulator.StartAsync(o => o.StateFile = StateFile, clock);
        using var user = await second.PostDingTalkAsync($"/dingtalk/topapi/v2/user/get?access_token={token}", new { userid = "alice" });
        using var robots = await second.SendDingTalkAsync(HttpMethod.Get, "/_emulator/dingtalk/robots", null);
        using var messages = await second.SendDingTalkAsync(HttpMethod.Get, "/_emulator/dingtalk/robots/dev-robot/messages", null);
        using var refused = await second.PostDingTalkAsync($"/dingtalk/robot/send?access_token={robotToken}", new { msgtype = "text", text = new { content = "x" } });

        Assert.Equal(0, user.ErrCode());
        Assert.Equal(token, await second.OapiTokenAsync());
        var ops = Assert.Single(robots.Json.GetProperty("items").EnumerateArray(), r => r.GetProperty("accessToken").GetString() == robotToken);
        Assert.Equal(conversationId, ops.GetProperty("conversationId").GetString());
        Assert.True(ops.GetProperty("hasSecret").GetBoolean());
        Assert.Equal(2, robots.Json.GetProperty("items").GetArrayLength());
        Assert.Contains("before the restart", Assert.Single(messages.Json.GetProperty("items").EnumerateArray()).GetRawText(), StringComparison.Ordinal);

        // The secret came back too: an unsigned send to the signed robot is still refused.
        Assert.Equal(310000, refused.ErrCode());
    }

    [Fact]
    public async Task App_robot_groups_messages_work_notifications_and_cards_survive_a_restart()
    {
        var clock = new ManualClock();
        string cid;
        await using (var first = await TestEmulator.StartAsync(o => o.StateFile = StateFile, clock))
        {
            var token = await first.ApiTokenAsync();
            using (var group = await first.PostDingTalkAsync("/_emulator/dingtalk/groups", new { title = "Ops", members = new[] { "carol" } }))
            {
                cid = group.Json.GetProperty("openConversationId").GetString()!;
            }

            using var oto = await first.PostDingTalkAsync("/dingtalk/v1.0/robot/oToMessages/batchSend", new { robotCode = first.Options.DingTalkAppKey, userIds = new[] { "dave" }, msgKey = "sampleText", msgParam = "{\"content\":\"to dave\"}" }, token);
            using var sent = await first.PostDingTalkAsync("/dingtalk/v1.0/robot/groupMessages/send", new { robotCode = first.Options.DingTalkAppKey, openConversationId = cid, msgKey = "sampleText", msgParam = "{\"content\":\"to ops\"}" }, token);
            using var notice = await first.PostDingTalkAsync($"/dingtalk/topapi/message/corpconversation/asyncsend_v2?access_token={token}", new { agent_id = first.Options.DingTalkAgentId, userid_list = "dave", msg = new { msgtype = "text", text = new { content = "work notice" } } });
            Assert.Equal(200, oto.Status);
            Assert.Equal(200, sent.Status);
            using var card = await first.PostDingTalkAsync("/dingtalk/v1.0/card/instances/createAndDeliver", new { cardTemplateId = "tpl", outTrackId = "kept-card", openSpaceId = "dtv1.card//IM_ROBOT.dave", cardData = new { cardParamMap = new { content = "streamed" } }, imRobotOpenDeliverModel = new { spaceType = "IM_ROBOT" } }, token);
            Assert.Equal(0, notice.ErrCode());
            Assert.Equal(200, card.Status);
        }

        await using var second = await TestEmulator.StartAsync(o => o.StateFile = StateFile, clock);
        using var user = await second.SendDingTalkAsync(HttpMethod.Get, "/_emulator/dingtalk/users/dave/robot-messages", null);
        using var groupMessages = await second.SendDingTalkAsync(HttpMethod.Get, $"/_emulator/dingtalk/groups/{Uri.EscapeDataString(cid)}/messages", null);
        using var notices = await second.SendDingTalkAsync(HttpMethod.Get, "/_emulator/dingtalk/users/dave/work-notifications", null);
        using var keptCard = await second.SendDingTalkAsync(HttpMethod.Get, "/_emulator/dingtalk/cards/kept-card", null);

        Assert.Contains("to dave", Assert.Single(user.Json.GetProperty("items").EnumerateArray()).GetRawText(), StringComparison.Ordinal);
        Assert.Equal(200, groupMessages.Status);
        Assert.Equal("carol", Assert.Single(groupMessages.Json.GetProperty("members").EnumerateArray()).GetString());
        Assert.Equal("streamed", keptCard.Json.GetProperty("cardParamMap").GetProperty("content").GetString());
        Assert.Contains("work notice", Assert.Single(notices.Json.GetProperty("items").EnumerateArray()).GetRawText(), StringComparison.Ordinal);
        Assert.Contains("to ops", Assert.Single(groupMessages.Json.GetProperty("items").EnumerateArray()).GetRawText(), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
