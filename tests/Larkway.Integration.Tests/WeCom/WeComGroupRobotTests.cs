using Larkway.WeCom;
using Larkway.WeCom.Messages;
using Larkway.WeCom.Robots;

namespace Larkway.Integration.Tests.WeCom;

/// <summary>The group robot against the emulator: every type, a file upload, a wrong key.</summary>
public sealed class WeComGroupRobotTests(WeComEmulatorFixture fx) : IClassFixture<WeComEmulatorFixture>
{
    private WeComGroupRobot Robot(string? key = null) =>
        new(new WeComGroupRobotOptions { Webhook = new Uri(fx.Emulator.BaseUrl, $"/wecom/cgi-bin/webhook/send?key={key ?? fx.Options.WeComRobotKey}") });

    [Fact]
    public async Task Every_type_and_an_uploaded_file_reach_the_group()
    {
        using var robot = Robot();
        var file = await robot.UploadAsync("report.csv", "a,b\n1,2\n"u8.ToArray(), contentType: "text/csv");
        WeComRobotMessage[] messages =
        [
            WeComRobotMessage.Text("广州今日天气：29度", mentionedUserIds: ["alice", "@all"], mentionedMobiles: ["13800001111"]),
            WeComRobotMessage.Markdown("实时新增用户反馈<font color=\"warning\">132例</font>\n>类型:用户反馈"),
            WeComRobotMessage.MarkdownV2("# 标题\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |"),
            WeComRobotMessage.Image([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52]),
            WeComRobotMessage.News(new WeComArticle("中秋节礼品领取", "今年中秋节公司有豪礼相送", "https://example.com", "https://example.com/p.png")),
            WeComRobotMessage.File(file.MediaId),
            WeComRobotMessage.TemplateCard(WeComTemplateCard.TextNotice(new WeComCardTitle("欢迎使用企业微信", "您的好友正在邀请您加入企业微信"), WeComCardAction.OpenUrl("https://work.weixin.qq.com/?from=openApi"))),
        ];

        foreach (var message in messages)
        {
            await robot.SendAsync(message);
        }

        var items = (await fx.GetAsync($"robots/{fx.Options.WeComRobotKey}/messages")).GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(messages.Select(m => m.MsgType), items[^messages.Length..].Select(i => i.GetProperty("msgtype").GetString()));
        Assert.Equal("file", file.Type);
    }

    [Fact]
    public async Task A_wrong_key_is_typed_and_never_shown()
    {
        using var robot = Robot("not-a-robot-key-123");

        var failure = await Assert.ThrowsAsync<WeComApiException>(() => robot.SendAsync(WeComRobotMessage.Text("hi")));

        Assert.NotNull(failure.ErrCode);
        Assert.False(failure.IsTransient);
        Assert.DoesNotContain("not-a-robot-key-123", failure.Message, StringComparison.Ordinal);
    }
}

/// <summary>The robot's 20-a-minute rule, held by the client and by the emulator (a class of its own: the minute is the emulator's).</summary>
public sealed class WeComGroupRobotRateTests(WeComEmulatorFixture fx) : IClassFixture<WeComEmulatorFixture>
{
    [Fact]
    public async Task The_client_holds_the_twenty_first_message_and_the_emulator_refuses_one_sent_past_the_gate()
    {
        var webhook = new Uri(fx.Emulator.BaseUrl, $"/wecom/cgi-bin/webhook/send?key={fx.Options.WeComRobotKey}");
        using var robot = new WeComGroupRobot(new WeComGroupRobotOptions { Webhook = webhook, MaxWait = TimeSpan.Zero });
        for (var i = 0; i < 20; i++)
        {
            await robot.SendAsync(WeComRobotMessage.Text($"message {i}"));
        }

        var held = await Assert.ThrowsAsync<WeComApiException>(() => robot.SendAsync(WeComRobotMessage.Text("message 20")));
        Assert.Equal(WeComErrorCodes.RateLimited, held.Code);
        Assert.NotNull(held.RetryAfter);
        Assert.Equal(20, (await fx.GetAsync($"robots/{fx.Options.WeComRobotKey}/messages")).GetProperty("items").GetArrayLength());

        // A second sender on the same webhook, not held by this gate: WeCom's own limit answers 45009.
        using var other = new WeComGroupRobot(new WeComGroupRobotOptions { Webhook = webhook, MessagesPerMinute = 100, Retry = new WeComRetryOptions { MaxRetries = 0 } });
        var refused = await Assert.ThrowsAsync<WeComApiException>(() => other.SendAsync(WeComRobotMessage.Text("past the gate")));
        Assert.Equal(WeComErrorCodes.RateLimited45009, refused.Code);
        Assert.True(refused.IsTransient);
        Assert.Equal(20, (await fx.GetAsync($"robots/{fx.Options.WeComRobotKey}/messages")).GetProperty("items").GetArrayLength());
    }
}
