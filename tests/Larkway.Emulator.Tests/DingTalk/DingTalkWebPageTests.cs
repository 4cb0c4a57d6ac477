using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.DingTalk;

public sealed class DingTalkWebPageTests
{
    private const string Robot = "/dingtalk/robot/send?access_token=dev-robot";

    [Fact]
    public async Task Group_page_renders_markdown_action_card_buttons_and_feed_links()
    {
        await using var emulator = await TestEmulator.StartAsync();
        (await emulator.PostDingTalkAsync(Robot, new { msgtype = "markdown", markdown = new { title = "weather", text = "#### Hangzhou **cold**\n> 9 degrees\n- wind <script>" }, at = new { isAtAll = true } })).Dispose();
        (await emulator.PostDingTalkAsync(Robot, new { msgtype = "actionCard", actionCard = new { title = "t", text = "read on", btnOrientation = "1", btns = new[] { new { title = "Open", actionURL = "https://www.dingtalk.com/" }, new { title = "Evil", actionURL = "javascript:alert(1)" } } } })).Dispose();
        (await emulator.PostDingTalkAsync(Robot, new { msgtype = "feedCard", feedCard = new { links = new[] { new { title = "Train 1", messageURL = "https://example.com/1", picURL = "https://example.com/1.png" } } } })).Dispose();

        using var index = await emulator.SendDingTalkAsync(HttpMethod.Get, "/dingtalk-groups", null);
        var groupPath = System.Text.RegularExpressions.Regex.Match(index.Text, "href=\"(/dingtalk-groups/[^\"]+)\"").Groups[1].Value;
        using var page = await emulator.SendDingTalkAsync(HttpMethod.Get, groupPath, null);

        Assert.Contains("Larkway Dev", index.Text, StringComparison.Ordinal);
        Assert.Contains("<td>3</td>", index.Text, StringComparison.Ordinal);
        Assert.Equal(200, page.Status);
        Assert.Contains("<h5>Hangzhou <strong>cold</strong></h5>", page.Text, StringComparison.Ordinal);
        Assert.Contains("<blockquote>9 degrees</blockquote>", page.Text, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", page.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", page.Text, StringComparison.Ordinal);
        Assert.Contains("@all", page.Text, StringComparison.Ordinal);
        Assert.Contains("<div class=\"actions horizontal\"><a class=\"btn\" href=\"https://www.dingtalk.com/\"", page.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript:", page.Text, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://example.com/1\" rel=\"noopener noreferrer\" target=\"_blank\">Train 1</a>", page.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_group_is_404()
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var page = await emulator.SendDingTalkAsync(HttpMethod.Get, "/dingtalk-groups/cidnope", null);

        Assert.Equal(404, page.Status);
    }
}
