using Larkway.Emulator.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Larkway.Emulator.Tests.WeCom;

public sealed class WeComWebPageTests
{
    [Fact]
    public async Task The_page_lists_members_the_robot_group_and_a_place_for_the_ai_bot()
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var page = await Reply.ReadAsync(await emulator.Http.GetAsync("/wecom-chat"));

        Assert.Equal(200, page.Status);
        Assert.Contains("/wecom-chat/app/alice", page.Text, StringComparison.Ordinal);
        Assert.Contains($"/wecom-chat/robots/{emulator.Options.WeComRobotKey}", page.Text, StringComparison.Ordinal);
        Assert.Contains("AI bot", page.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Markdown_text_cards_and_news_render_as_wecom_shows_them_and_html_is_encoded()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.WeComTokenAsync();
        await emulator.SendAppMessageAsync(token, new() { ["touser"] = "bob", ["msgtype"] = "markdown", ["markdown"] = new { content = "## Approval\n> amount: <font color=\"warning\">¥900</font>\n- **urgent** <script>x</script>\n[Open](https://example.com/a)" } });
        await emulator.SendAppMessageAsync(token, new() { ["touser"] = "bob", ["msgtype"] = "textcard", ["textcard"] = new { title = "Leave request", description = "Two days", url = "https://example.com/l", btntxt = "More" } });
        await emulator.SendAppMessageAsync(token, new() { ["touser"] = "bob", ["msgtype"] = "news", ["news"] = new { articles = new[] { new { title = "Quarterly", description = "Numbers", url = "https://example.com/q", picurl = "https://example.com/q.png" } } } });

        using var page = await Reply.ReadAsync(await emulator.Http.GetAsync("/wecom-chat/app/bob"));

        Assert.Contains("<h2>Approval</h2>", page.Text, StringComparison.Ordinal);
        Assert.Matches("<span class=\"wc-warning\">[^<]*900</span>", page.Text);
        Assert.Contains("<strong>urgent</strong>", page.Text, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", page.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>x</script>", page.Text, StringComparison.Ordinal);
        Assert.Contains("href=\"https://example.com/a\"", page.Text, StringComparison.Ordinal);
        Assert.Contains("Leave request", page.Text, StringComparison.Ordinal);
        Assert.Contains("Quarterly", page.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_member_writes_through_the_page_and_presses_a_card_button_there()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var server = await WeComCallbackTests.StartServerAsync(emulator);
        await WeComCallbackTests.SetCallbackAsync(emulator, server);
        server.Respond = (_, xml, _) => Task.FromResult(Results.Text(xml.Contains("template_card_event", StringComparison.Ordinal)
            ? string.Empty
            : server.PassiveReply("<xml><MsgType><![CDATA[markdown]]></MsgType><Content><![CDATA[**noted**]]></Content></xml>")));
        var token = await emulator.WeComTokenAsync();
        using var sent = await emulator.SendAppMessageAsync(token, new()
        {
            ["touser"] = "dave",
            ["msgtype"] = "template_card",
            ["template_card"] = new
            {
                card_type = "button_interaction",
                main_title = new { title = "Expense" },
                task_id = "exp-1",
                button_selection = new { question_key = "reason", title = "Reason", option_list = new[] { new { id = "travel", text = "Travel" }, new { id = "meal", text = "Meal" } } },
                button_list = new[] { new { text = "Approve", key = "approve" } },
            },
        });

        using var say = await emulator.Http.PostAsync("/wecom-chat/app/dave/say", new FormUrlEncodedContent([new("text", "hello app")]));
        using var click = await emulator.Http.PostAsync($"/wecom-chat/cards/{sent.Field("msgid")}/click", new FormUrlEncodedContent([new("user", "dave"), new("key", "approve"), new("q_reason", "meal"), new("back", "/wecom-chat/app/dave")]));
        using var timeline = await Reply.ReadAsync(await emulator.Http.GetAsync("/wecom-chat/app/dave/timeline"));
        using var crossSite = new HttpRequestMessage(HttpMethod.Post, "/wecom-chat/app/dave/say") { Content = new FormUrlEncodedContent([new("text", "forged")]) };
        crossSite.Headers.Add("Origin", "https://evil.example");
        using var forged = await emulator.Http.SendAsync(crossSite);

        Assert.Equal(2, server.Received.Count);
        Assert.Contains("<Content><![CDATA[hello app]]></Content>", server.Received[0], StringComparison.Ordinal);
        Assert.Contains("<QuestionKey><![CDATA[reason]]></QuestionKey>", server.Received[1], StringComparison.Ordinal);
        Assert.Contains("<OptionId><![CDATA[meal]]></OptionId>", server.Received[1], StringComparison.Ordinal);
        Assert.Contains("<strong>noted</strong>", timeline.Text, StringComparison.Ordinal);
        Assert.Contains("pressed “Approve”", timeline.Text, StringComparison.Ordinal);
        Assert.Equal(403, (int)forged.StatusCode);
    }
}
