using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.WeCom;

public sealed class WeComAppMessageTests
{
    [Fact]
    public async Task A_text_reaches_users_departments_and_tags_and_names_the_invalid_ones()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.WeComTokenAsync();

        using var reply = await emulator.SendAppMessageAsync(token, new()
        {
            ["touser"] = "bob|Ghost",
            ["toparty"] = "3|99",
            ["totag"] = "1|7",
            ["msgtype"] = "text",
            ["text"] = new { content = "Hello 企业微信" },
        });

        Assert.Equal(0, reply.ErrCode());
        Assert.Equal("ghost", reply.Field("invaliduser"));
        Assert.Equal("99", reply.Field("invalidparty"));
        Assert.Equal("7", reply.Field("invalidtag"));
        Assert.False(string.IsNullOrEmpty(reply.Field("msgid")));
        foreach (var user in new[] { "alice", "bob", "carol", "dave" })
        {
            using var received = await emulator.WeComGetAsync($"/_emulator/wecom/users/{user}/messages");
            var item = Assert.Single(received.Json.GetProperty("items").EnumerateArray());
            Assert.Equal("Hello 企业微信", item.GetProperty("content").GetProperty("content").GetString());
        }
    }

    [Fact]
    public async Task At_all_reaches_everyone()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.WeComTokenAsync();

        using var reply = await emulator.SendAppMessageAsync(token, new() { ["touser"] = "@all", ["toparty"] = "99", ["msgtype"] = "markdown", ["markdown"] = new { content = "**all**" } });
        using var dave = await emulator.WeComGetAsync("/_emulator/wecom/users/dave/messages");

        Assert.Equal(0, reply.ErrCode());
        Assert.Null(reply.Field("invalidparty"));
        Assert.Single(dave.Json.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task All_recipients_invalid_is_81013_with_the_invalid_lists_and_none_is_82001()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.WeComTokenAsync();

        using var invalid = await emulator.SendAppMessageAsync(token, new() { ["touser"] = "nobody", ["toparty"] = "42", ["msgtype"] = "text", ["text"] = new { content = "x" } });
        using var none = await emulator.SendAppMessageAsync(token, new() { ["msgtype"] = "text", ["text"] = new { content = "x" } });

        Assert.Equal(81013, invalid.ErrCode());
        Assert.Equal("nobody", invalid.Field("invaliduser"));
        Assert.Equal("42", invalid.Field("invalidparty"));
        Assert.Equal(82001, none.ErrCode());
    }

    [Theory]
    [InlineData("""{"touser":"bob","msgtype":"text","text":{"content":"x"}}""", 40056)]
    [InlineData("""{"touser":"bob","agentid":1000003,"msgtype":"text","text":{"content":"x"}}""", 40056)]
    [InlineData("""{"touser":"bob","agentid":1000002,"msgtype":"sticker","sticker":{}}""", 40008)]
    [InlineData("""{"touser":"bob","agentid":1000002,"text":{"content":"x"}}""", 40008)]
    [InlineData("""{"touser":"bob","agentid":1000002,"msgtype":"text","text":{"content":""}}""", 44004)]
    [InlineData("""{"touser":"bob","agentid":1000002,"msgtype":"text"}""", 40058)]
    [InlineData("""{"touser":"bob","agentid":1000002,"msgtype":"image","image":{"media_id":"unknown"}}""", 40007)]
    [InlineData("""{"touser":"bob","agentid":1000002,"msgtype":"textcard","textcard":{"title":"t","description":"d"}}""", 40058)]
    [InlineData("""{"touser":"bob","agentid":1000002,"msgtype":"textcard","textcard":{"title":"t","description":"d","url":"ftp://x"}}""", 40058)]
    [InlineData("""{"touser":"bob","agentid":1000002,"msgtype":"news","news":{"articles":[]}}""", 40058)]
    [InlineData("""{"touser":"bob","agentid":1000002,"msgtype":"news","news":{"articles":[{"title":"no link"}]}}""", 40058)]
    [InlineData("""{"touser":"bob","agentid":1000002,"msgtype":"template_card","template_card":{"card_type":"button_interaction","main_title":{"title":"t"},"button_list":[{"text":"ok","key":"k"}]}}""", 40058)]
    [InlineData("""{"touser":"bob","agentid":1000002,"msgtype":"template_card","template_card":{"card_type":"text_notice","main_title":{"title":"t"}}}""", 40058)]
    [InlineData("""{"touser":"bob","agentid":1000002,"msgtype":"template_card","template_card":{"card_type":"poster"}}""", 40058)]
    [InlineData("""{"touser":"bob","agentid":1000002,"msgtype":"text","text":{"content":"x"},"enable_duplicate_check":1,"duplicate_check_interval":14401}""", 40058)]
    [InlineData("not json", 47001)]
    public async Task Bodies_that_break_the_rules_get_the_documented_code(string body, int code)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.WeComTokenAsync();

        using var reply = await emulator.WeComPostRawAsync($"/wecom/cgi-bin/message/send?access_token={token}", body);
        using var bob = await emulator.WeComGetAsync("/_emulator/wecom/users/bob/messages");

        Assert.Equal(code, reply.ErrCode());
        Assert.Empty(bob.Json.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Too_many_articles_is_45008_and_a_long_markdown_45002()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.WeComTokenAsync();
        var articles = Enumerable.Range(0, 9).Select(i => new { title = "t" + i, url = "https://example.com" }).ToArray();

        using var news = await emulator.SendAppMessageAsync(token, new() { ["touser"] = "bob", ["msgtype"] = "news", ["news"] = new { articles } });
        using var markdown = await emulator.SendAppMessageAsync(token, new() { ["touser"] = "bob", ["msgtype"] = "markdown", ["markdown"] = new { content = new string('字', 683) } });

        Assert.Equal(45008, news.ErrCode());
        Assert.Equal(45002, markdown.ErrCode());
    }

    [Fact]
    public async Task A_text_over_2048_bytes_is_cut_at_a_character_boundary_as_documented()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.WeComTokenAsync();

        using var reply = await emulator.SendAppMessageAsync(token, new() { ["touser"] = "bob", ["msgtype"] = "text", ["text"] = new { content = new string('字', 700) } });
        using var bob = await emulator.WeComGetAsync("/_emulator/wecom/users/bob/messages");

        Assert.Equal(0, reply.ErrCode());
        var content = bob.Json.GetProperty("items")[0].GetProperty("content").GetProperty("content").GetString()!;
        Assert.Equal(682, content.Length);
    }

    [Fact]
    public async Task Duplicate_check_drops_the_same_request_within_its_interval_only()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.WeComTokenAsync();
        Dictionary<string, object?> Body() => new() { ["touser"] = "bob", ["msgtype"] = "text", ["text"] = new { content = "once" }, ["enable_duplicate_check"] = 1, ["duplicate_check_interval"] = 600 };

        using var first = await emulator.SendAppMessageAsync(token, Body());
        using var again = await emulator.SendAppMessageAsync(token, Body());
        emulator.Clock.Advance(TimeSpan.FromSeconds(601));
        using var later = await emulator.SendAppMessageAsync(token, Body());
        using var bob = await emulator.WeComGetAsync("/_emulator/wecom/users/bob/messages");

        Assert.Equal(0, again.ErrCode());
        Assert.Equal(first.Field("msgid"), again.Field("msgid"));
        Assert.NotEqual(first.Field("msgid"), later.Field("msgid"));
        Assert.Equal(2, bob.Json.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Over_30_a_minute_to_one_member_are_dropped_silently()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.WeComMemberMessagesPerMinute = 3);
        var token = await emulator.WeComTokenAsync();

        var codes = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            using var reply = await emulator.SendAppMessageAsync(token, new() { ["touser"] = "bob", ["msgtype"] = "text", ["text"] = new { content = "n" + i } });
            codes.Add(reply.ErrCode());
        }

        emulator.Clock.Advance(TimeSpan.FromMinutes(1));
        using var after = await emulator.SendAppMessageAsync(token, new() { ["touser"] = "bob", ["msgtype"] = "text", ["text"] = new { content = "later" } });
        using var bob = await emulator.WeComGetAsync("/_emulator/wecom/users/bob/messages");

        Assert.All(codes, code => Assert.Equal(0, code));
        Assert.Equal(["n0", "n1", "n2", "later"], bob.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("content").GetProperty("content").GetString()));
    }

    [Fact]
    public async Task Recall_marks_the_message_within_24_hours_and_refuses_after()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.WeComTokenAsync();
        using var sent = await emulator.SendAppMessageAsync(token, new() { ["touser"] = "bob", ["msgtype"] = "text", ["text"] = new { content = "oops" } });
        using var old = await emulator.SendAppMessageAsync(token, new() { ["touser"] = "bob", ["msgtype"] = "text", ["text"] = new { content = "old" } });

        using var recall = await emulator.WeComPostAsync($"/wecom/cgi-bin/message/recall?access_token={token}", new { msgid = sent.Field("msgid") });
        using var unknown = await emulator.WeComPostAsync($"/wecom/cgi-bin/message/recall?access_token={token}", new { msgid = "nope" });
        emulator.Clock.Advance(TimeSpan.FromHours(25));
        token = await emulator.WeComTokenAsync();
        using var late = await emulator.WeComPostAsync($"/wecom/cgi-bin/message/recall?access_token={token}", new { msgid = old.Field("msgid") });
        using var bob = await emulator.WeComGetAsync("/_emulator/wecom/users/bob/messages");

        Assert.Equal(0, recall.ErrCode());
        Assert.Equal(40058, unknown.ErrCode());
        Assert.Equal(40058, late.ErrCode());
        Assert.Equal([true, false], bob.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("recalled").GetBoolean()));
    }

    [Fact]
    public async Task Textcard_and_news_fields_are_cut_where_the_documentation_says_so()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.WeComTokenAsync();

        using var card = await emulator.SendAppMessageAsync(token, new() { ["touser"] = "bob", ["msgtype"] = "textcard", ["textcard"] = new { title = new string('t', 200), description = "d", url = "https://example.com", btntxt = "更多详情信息" } });
        using var bob = await emulator.WeComGetAsync("/_emulator/wecom/users/bob/messages");

        Assert.Equal(0, card.ErrCode());
        var content = bob.Json.GetProperty("items")[0].GetProperty("content");
        Assert.Equal(128, content.GetProperty("title").GetString()!.Length);
        Assert.Equal("更多详情", content.GetProperty("btntxt").GetString());
    }
}
