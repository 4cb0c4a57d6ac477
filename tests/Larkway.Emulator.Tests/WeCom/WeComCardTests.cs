using System.Xml.Linq;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.WeCom;

public sealed class WeComCardTests
{
    private static readonly object ButtonCard = new
    {
        card_type = "button_interaction",
        main_title = new { title = "Purchase request PR-7", desc = "¥ 1,200" },
        horizontal_content_list = new[] { new { keyname = "Requester", value = "Alice" } },
        task_id = "pr-7",
        button_list = new object[] { new { text = "Approve", style = 1, key = "approve" }, new { text = "Reject", style = 3, key = "reject" }, new { type = 1, text = "Open", url = "https://example.com/pr/7" } },
    };

    [Fact]
    public async Task A_click_calls_back_with_a_fresh_response_code_that_updates_the_card_once()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var server = await WeComCallbackTests.StartServerAsync(emulator);
        await WeComCallbackTests.SetCallbackAsync(emulator, server);
        var token = await emulator.WeComTokenAsync();

        using var sent = await emulator.SendAppMessageAsync(token, new() { ["touser"] = "alice|bob", ["msgtype"] = "template_card", ["template_card"] = ButtonCard });
        var msgId = sent.Field("msgid");
        using var click = await emulator.WeComPostAsync($"/_emulator/wecom/messages/{msgId}/click", new { userid = "bob", key = "approve" });
        var xml = XElement.Parse(Assert.Single(server.Received));
        var code = xml.Element("ResponseCode")!.Value;
        using var update = await emulator.WeComPostAsync($"/wecom/cgi-bin/message/update_template_card?access_token={token}", new { userids = new[] { "bob" }, agentid = 1000002, response_code = code, button = new { replace_name = "Approved" } });
        using var again = await emulator.WeComPostAsync($"/wecom/cgi-bin/message/update_template_card?access_token={token}", new { userids = new[] { "bob" }, agentid = 1000002, response_code = code, button = new { replace_name = "Twice" } });
        using var bobPage = await Reply.ReadAsync(await emulator.Http.GetAsync("/wecom-chat/app/bob/timeline"));
        using var alicePage = await Reply.ReadAsync(await emulator.Http.GetAsync("/wecom-chat/app/alice/timeline"));
        using var secondClick = await emulator.WeComPostAsync($"/_emulator/wecom/messages/{msgId}/click", new { userid = "bob", key = "approve" });

        Assert.False(string.IsNullOrEmpty(sent.Field("response_code")));
        Assert.Equal("delivered", click.Json.GetProperty("status").GetString());
        Assert.Equal("event", xml.Element("MsgType")!.Value);
        Assert.Equal("template_card_event", xml.Element("Event")!.Value);
        Assert.Equal("approve", xml.Element("EventKey")!.Value);
        Assert.Equal("pr-7", xml.Element("TaskId")!.Value);
        Assert.Equal("button_interaction", xml.Element("CardType")!.Value);
        Assert.Equal("bob", xml.Element("FromUserName")!.Value);
        Assert.NotEqual(sent.Field("response_code"), code);
        Assert.Equal(0, update.ErrCode());
        Assert.Equal(40058, again.ErrCode());
        Assert.Contains("used already", again.ErrMsg(), StringComparison.Ordinal);
        Assert.Contains("Approved", bobPage.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("value=\"approve\"", bobPage.Text, StringComparison.Ordinal);
        Assert.Contains("value=\"approve\"", alicePage.Text, StringComparison.Ordinal);
        Assert.Equal(400, secondClick.Status);
    }

    [Fact]
    public async Task A_passive_update_button_reply_disables_the_clickers_buttons()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var server = await WeComCallbackTests.StartServerAsync(emulator);
        await WeComCallbackTests.SetCallbackAsync(emulator, server);
        server.Respond = (_, _, _) => Task.FromResult(Microsoft.AspNetCore.Http.Results.Text(server.PassiveReply(
            "<xml><ToUserName><![CDATA[bob]]></ToUserName><FromUserName><![CDATA[corp]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[update_button]]></MsgType><Button><ReplaceName><![CDATA[Rejected by you]]></ReplaceName></Button></xml>")));
        var token = await emulator.WeComTokenAsync();
        using var sent = await emulator.SendAppMessageAsync(token, new() { ["touser"] = "alice|bob", ["msgtype"] = "template_card", ["template_card"] = ButtonCard });

        using var click = await emulator.WeComPostAsync($"/_emulator/wecom/messages/{sent.Field("msgid")}/click", new { userid = "bob", key = "reject" });
        using var bob = await Reply.ReadAsync(await emulator.Http.GetAsync("/wecom-chat/app/bob/timeline"));
        using var alice = await Reply.ReadAsync(await emulator.Http.GetAsync("/wecom-chat/app/alice/timeline"));

        Assert.Equal("delivered", click.Json.GetProperty("status").GetString());
        Assert.Contains("<span class=\"done\">Rejected by you</span>", bob.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Rejected by you", alice.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_send_response_code_replaces_the_card_for_everyone()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.WeComTokenAsync();
        using var sent = await emulator.SendAppMessageAsync(token, new() { ["touser"] = "alice|bob", ["msgtype"] = "template_card", ["template_card"] = ButtonCard });

        using var update = await emulator.WeComPostAsync($"/wecom/cgi-bin/message/update_template_card?access_token={token}", new
        {
            atall = 1,
            agentid = 1000002,
            response_code = sent.Field("response_code"),
            template_card = new { card_type = "text_notice", main_title = new { title = "PR-7 was approved by Bob" }, card_action = new { type = 1, url = "https://example.com/pr/7" } },
        });
        using var alice = await Reply.ReadAsync(await emulator.Http.GetAsync("/wecom-chat/app/alice/timeline"));

        Assert.Equal(0, update.ErrCode());
        Assert.Contains("PR-7 was approved by Bob", alice.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Purchase request PR-7", alice.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_response_code_expires_after_72_hours_and_a_notice_card_gets_none()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.WeComTokenAsync();
        using var sent = await emulator.SendAppMessageAsync(token, new() { ["touser"] = "bob", ["msgtype"] = "template_card", ["template_card"] = ButtonCard });
        using var notice = await emulator.SendAppMessageAsync(token, new() { ["touser"] = "bob", ["msgtype"] = "template_card", ["template_card"] = new { card_type = "text_notice", sub_title_text = "FYI", card_action = new { type = 1, url = "https://example.com" } } });

        emulator.Clock.Advance(TimeSpan.FromHours(73));
        token = await emulator.WeComTokenAsync();
        using var update = await emulator.WeComPostAsync($"/wecom/cgi-bin/message/update_template_card?access_token={token}", new { atall = 1, agentid = 1000002, response_code = sent.Field("response_code"), button = new { replace_name = "late" } });

        Assert.Equal(0, notice.ErrCode());
        Assert.Null(notice.Field("response_code"));
        Assert.Equal(40058, update.ErrCode());
        Assert.Contains("expired", update.ErrMsg(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_vote_submits_the_chosen_options()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var server = await WeComCallbackTests.StartServerAsync(emulator);
        await WeComCallbackTests.SetCallbackAsync(emulator, server);
        var token = await emulator.WeComTokenAsync();
        using var sent = await emulator.SendAppMessageAsync(token, new()
        {
            ["touser"] = "bob",
            ["msgtype"] = "template_card",
            ["template_card"] = new
            {
                card_type = "vote_interaction",
                main_title = new { title = "Lunch?" },
                task_id = "vote-1",
                checkbox = new { question_key = "food", mode = 1, option_list = new[] { new { id = "noodles", text = "Noodles", is_checked = false }, new { id = "rice", text = "Rice", is_checked = true } } },
                submit_button = new { text = "Vote", key = "submit" },
            },
        });

        using var click = await emulator.WeComPostAsync($"/_emulator/wecom/messages/{sent.Field("msgid")}/click", new { userid = "bob", key = "submit", selected = new { food = new[] { "noodles", "rice" } } });

        var xml = XElement.Parse(Assert.Single(server.Received));
        var item = xml.Element("SelectedItems")!.Element("SelectedItem")!;
        Assert.Equal("food", item.Element("QuestionKey")!.Value);
        Assert.Equal(["noodles", "rice"], item.Element("OptionIds")!.Elements("OptionId").Select(o => o.Value));
    }

    [Fact]
    public async Task A_card_with_repeated_button_keys_or_too_many_buttons_is_refused()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.WeComTokenAsync();

        using var repeated = await emulator.SendAppMessageAsync(token, new() { ["touser"] = "bob", ["msgtype"] = "template_card", ["template_card"] = new { card_type = "button_interaction", main_title = new { title = "t" }, task_id = "t1", button_list = new[] { new { text = "a", key = "k" }, new { text = "b", key = "k" } } } });
        using var many = await emulator.SendAppMessageAsync(token, new() { ["touser"] = "bob", ["msgtype"] = "template_card", ["template_card"] = new { card_type = "button_interaction", main_title = new { title = "t" }, task_id = "t2", button_list = Enumerable.Range(0, 7).Select(i => new { text = "b", key = "k" + i }).ToArray() } });

        Assert.Equal(40058, repeated.ErrCode());
        Assert.Contains("repeats", repeated.ErrMsg(), StringComparison.Ordinal);
        Assert.Equal(40058, many.ErrCode());
        Assert.Contains("1 to 6", many.ErrMsg(), StringComparison.Ordinal);
    }
}
