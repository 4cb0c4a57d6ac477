using System.Net.Http.Json;
using System.Text.Json;
using Larkway.DingTalk;
using Larkway.DingTalk.Robots;
using Larkway.Emulator.Hosting;

namespace Larkway.Integration.Tests.DingTalk;

/// <summary>The custom robot client against the emulator's robot webhook: every message type, every refusal, the rate.</summary>
public sealed class CustomRobotTests : IAsyncLifetime
{
    private EmulatorServer _emulator = null!;
    private HttpClient _control = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        _control = new HttpClient { BaseAddress = new Uri(_emulator.BaseUrl, "/_emulator/dingtalk/") };
    }

    public async Task DisposeAsync()
    {
        _control.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task Every_message_type_arrives_as_sent_signed_by_a_robot_that_signs()
    {
        var (webhook, secret) = await RobotAsync(new { name = "ci", sign = true, keywords = new[] { "CI" } });
        using var robot = Robot(webhook, secret, "CI");

        await robot.SendAsync(DingTalkRobotMessage.Text("CI text", new DingTalkMentions { Mobiles = ["13800000001"] }));
        await robot.SendAsync(DingTalkRobotMessage.Link("CI report", "numbers", "https://bi.example/q3", "https://bi.example/q3.png"));
        await robot.SendAsync(DingTalkRobotMessage.Markdown("CI failed", "### Build 7 failed", new DingTalkMentions { UserIds = ["bob"] }));
        await robot.SendAsync(DingTalkRobotMessage.ActionCard("CI approval", "**Deploy?**", "Open", "https://ci.example/7"));
        await robot.SendAsync(DingTalkRobotMessage.ActionCard("CI choice", "text", [new("Yes", "https://ci.example/y"), new("No", "https://ci.example/n")], DingTalkButtonOrientation.Horizontal));
        await robot.SendAsync(DingTalkRobotMessage.FeedCard([new DingTalkFeedLink("CI news", "https://news.example/1", "https://news.example/1.png")]));

        var messages = await MessagesAsync(webhook);
        Assert.Equal(["text", "link", "markdown", "actionCard", "actionCard", "feedCard"], messages.Select(m => m.GetProperty("msgtype").GetString()));
        Assert.Contains("@bob", messages[2].GetProperty("content").GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, messages[4].GetProperty("content").GetProperty("btns").GetArrayLength());
    }

    [Fact]
    public async Task Each_security_refusal_is_typed_and_says_what_to_change()
    {
        var (signing, _) = await RobotAsync(new { name = "signing", sign = true });
        var (keyworded, _) = await RobotAsync(new { name = "keyworded", keywords = new[] { "告警" } });
        var (walled, _) = await RobotAsync(new { name = "walled", ipWhitelist = new[] { "203.0.113.7" } });

        using var wrongSecret = Robot(signing, "SECnotthesecret");
        using var noKeyword = Robot(keyworded);
        using var outside = Robot(walled);
        using var unknown = Robot(new Uri(_emulator.BaseUrl, "/dingtalk/robot/send?access_token=removed-robot"));

        var sign = await Assert.ThrowsAsync<DingTalkApiException>(() => wrongSecret.SendAsync(DingTalkRobotMessage.Text("hi")));
        var keyword = await Assert.ThrowsAsync<DingTalkApiException>(() => noKeyword.SendAsync(DingTalkRobotMessage.Text("disk full")));
        var ip = await Assert.ThrowsAsync<DingTalkApiException>(() => outside.SendAsync(DingTalkRobotMessage.Text("hi")));
        var token = await Assert.ThrowsAsync<DingTalkApiException>(() => unknown.SendAsync(DingTalkRobotMessage.Text("hi")));

        Assert.Equal((DingTalkErrorCodes.RobotSecurityRefused, "signing secret"), (sign.Code, Hint(sign, "signing secret")));
        Assert.Equal((DingTalkErrorCodes.RobotSecurityRefused, "keywords"), (keyword.Code, Hint(keyword, "keywords")));
        Assert.Equal((DingTalkErrorCodes.RobotSecurityRefused, "IP address"), (ip.Code, Hint(ip, "IP address")));
        Assert.Equal(DingTalkErrorCodes.RobotTokenNotFound, token.Code);
        Assert.DoesNotContain("removed-robot", token.Message, StringComparison.Ordinal);
        Assert.Empty(await MessagesAsync(signing));
    }

    [Fact]
    public async Task The_client_holds_a_robot_to_twenty_a_minute_so_dingtalk_never_blocks_it()
    {
        var (webhook, _) = await RobotAsync(new { name = "busy" });
        using var robot = Robot(webhook, maxWait: TimeSpan.Zero);

        for (var i = 0; i < 20; i++)
        {
            await robot.SendAsync(DingTalkRobotMessage.Text($"message {i}"));
        }

        var held = await Assert.ThrowsAsync<DingTalkApiException>(() => robot.SendAsync(DingTalkRobotMessage.Text("one too many")));

        Assert.Equal(DingTalkErrorCodes.RateLimited, held.Code);
        Assert.True(held.RetryAfter > TimeSpan.Zero);
        Assert.Equal(20, (await MessagesAsync(webhook)).Count);
        Assert.Equal(20, _emulator.CallCounts["POST /dingtalk/robot/send"]);
    }

    [Fact]
    public async Task When_dingtalk_blocks_a_robot_anyway_later_sends_fail_fast_for_the_block()
    {
        var (webhook, _) = await RobotAsync(new { name = "shared" });

        // Another process shares the robot, so this client's count is below DingTalk's.
        using var other = Robot(webhook);
        for (var i = 0; i < 20; i++)
        {
            await other.SendAsync(DingTalkRobotMessage.Text($"other {i}"));
        }

        using var robot = Robot(webhook);
        var blocked = await Assert.ThrowsAsync<DingTalkApiException>(() => robot.SendAsync(DingTalkRobotMessage.Text("mine")));
        var fast = await Assert.ThrowsAsync<DingTalkApiException>(() => robot.SendAsync(DingTalkRobotMessage.Text("mine again")));

        Assert.Equal(DingTalkErrorCodes.RobotSendTooFast, blocked.Code);
        Assert.Equal(TimeSpan.FromMinutes(10), blocked.RetryAfter);
        Assert.Equal(DingTalkErrorCodes.RateLimited, fast.Code);
        Assert.Equal(21, _emulator.CallCounts["POST /dingtalk/robot/send"]);
    }

    private static string? Hint(DingTalkApiException ex, string words) => ex.Message.Contains(words, StringComparison.Ordinal) ? words : ex.Message;

    private DingTalkCustomRobot Robot(Uri webhook, string? secret = null, string? keyword = null, TimeSpan? maxWait = null)
    {
        var options = new DingTalkCustomRobotOptions { Webhook = webhook, Secret = secret, MaxWait = maxWait ?? TimeSpan.FromMinutes(1) };
        if (keyword is not null)
        {
            options.Keywords.Add(keyword);
        }

        return new DingTalkCustomRobot(options);
    }

    private async Task<(Uri Webhook, string? Secret)> RobotAsync(object body)
    {
        using var response = await _control.PostAsJsonAsync("robots", body);
        response.EnsureSuccessStatusCode();
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var secret = root.TryGetProperty("secret", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        return (new Uri(root.GetProperty("webhook").GetString()!), secret);
    }

    private async Task<IReadOnlyList<JsonElement>> MessagesAsync(Uri webhook)
    {
        var token = System.Web.HttpUtility.ParseQueryString(webhook.Query)["access_token"];
        var root = JsonDocument.Parse(await _control.GetStringAsync($"robots/{token}/messages")).RootElement.Clone();
        return [.. (root.ValueKind == JsonValueKind.Array ? root : root.GetProperty("items")).EnumerateArray()];
    }
}
