using System.Net.Http.Headers;
using System.Security.Cryptography;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.WeCom;

public sealed class WeComRobotTests
{
    private const string Send = "/wecom/cgi-bin/webhook/send?key=" + EmulatorOptions.DefaultWeComRobotKey;

    [Fact]
    public async Task Text_with_mentions_and_markdown_reach_the_group_and_its_page()
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var text = await emulator.WeComPostAsync(Send, new { msgtype = "text", text = new { content = "Deploy done", mentioned_list = new[] { "alice", "@all" }, mentioned_mobile_list = new[] { "13800000002" } } });
        using var markdown = await emulator.WeComPostAsync(Send, new { msgtype = "markdown", markdown = new { content = "# Build\n>status: <font color=\"info\">green</font>\n**done**" } });
        using var messages = await emulator.WeComGetAsync($"/_emulator/wecom/robots/{EmulatorOptions.DefaultWeComRobotKey}/messages");
        using var page = await Reply.ReadAsync(await emulator.Http.GetAsync($"/wecom-chat/robots/{EmulatorOptions.DefaultWeComRobotKey}"));

        Assert.Equal(0, text.ErrCode());
        Assert.Equal(0, markdown.ErrCode());
        Assert.Equal(2, messages.Json.GetProperty("items").GetArrayLength());
        Assert.Contains("@Alice Chen", page.Text, StringComparison.Ordinal);
        Assert.Contains("@Bob Li", page.Text, StringComparison.Ordinal);
        Assert.Contains("<span class=\"wc-info\">green</span>", page.Text, StringComparison.Ordinal);
        Assert.Contains("<h1>Build</h1>", page.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"msgtype":"text","text":{"content":""}}""", 44004)]
    [InlineData("""{"msgtype":"sticker"}""", 40008)]
    [InlineData("""{"msgtype":"text"}""", 40058)]
    [InlineData("""{"msgtype":"text","text":{"content":"x","mentioned_list":[1]}}""", 40058)]
    [InlineData("""{"msgtype":"news","news":{"articles":[]}}""", 40058)]
    [InlineData("""{"msgtype":"file","file":{"media_id":"unknown"}}""", 40007)]
    [InlineData("""{"msgtype":"template_card","template_card":{"card_type":"button_interaction","main_title":{"title":"t"},"task_id":"a","button_list":[{"text":"x","key":"k"}]}}""", 40058)]
    [InlineData("""{"msgtype":"image","image":{"base64":"not base64!","md5":"x"}}""", 40058)]
    public async Task Robot_bodies_that_break_the_rules_are_refused(string body, int code)
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var reply = await emulator.WeComPostRawAsync(Send, body);

        Assert.Equal(code, reply.ErrCode());
    }

    [Fact]
    public async Task Over_limits_are_45002_and_45008()
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var text = await emulator.WeComPostAsync(Send, new { msgtype = "text", text = new { content = new string('x', 2049) } });
        using var markdown = await emulator.WeComPostAsync(Send, new { msgtype = "markdown", markdown = new { content = new string('x', 4097) } });
        using var news = await emulator.WeComPostAsync(Send, new { msgtype = "news", news = new { articles = Enumerable.Range(0, 9).Select(_ => new { title = "t", url = "https://example.com" }).ToArray() } });

        Assert.Equal(45002, text.ErrCode());
        Assert.Equal(45002, markdown.ErrCode());
        Assert.Equal(45008, news.ErrCode());
    }

    [Fact]
    public async Task An_unknown_key_is_93000()
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var unknown = await emulator.WeComPostAsync("/wecom/cgi-bin/webhook/send?key=00000000-0000-0000-0000-000000000000", new { msgtype = "text", text = new { content = "x" } });
        using var missing = await emulator.WeComPostAsync("/wecom/cgi-bin/webhook/send", new { msgtype = "text", text = new { content = "x" } });

        Assert.Equal(93000, unknown.ErrCode());
        Assert.Equal(93000, missing.ErrCode());
    }

    [Fact]
    public async Task The_21st_message_within_a_minute_is_45009_and_the_window_slides()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var codes = new List<int>();
        for (var i = 0; i < 21; i++)
        {
            using var reply = await emulator.WeComPostAsync(Send, new { msgtype = "text", text = new { content = "n" + i } });
            codes.Add(reply.ErrCode());
        }

        emulator.Clock.Advance(TimeSpan.FromSeconds(61));
        using var later = await emulator.WeComPostAsync(Send, new { msgtype = "text", text = new { content = "later" } });
        using var messages = await emulator.WeComGetAsync($"/_emulator/wecom/robots/{EmulatorOptions.DefaultWeComRobotKey}/messages");

        Assert.Equal(Enumerable.Repeat(0, 20).Append(45009), codes);
        Assert.Equal(0, later.ErrCode());
        Assert.Equal(21, messages.Json.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task An_image_needs_the_md5_of_its_bytes()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var png = TestImages.Png;
#pragma warning disable CA5351 // the robot's image message carries an MD5 by protocol
        var md5 = Convert.ToHexStringLower(MD5.HashData(png));
#pragma warning restore CA5351

        using var good = await emulator.WeComPostAsync(Send, new { msgtype = "image", image = new { base64 = Convert.ToBase64String(png), md5 } });
        using var bad = await emulator.WeComPostAsync(Send, new { msgtype = "image", image = new { base64 = Convert.ToBase64String(png), md5 = new string('0', 32) } });

        Assert.Equal(0, good.ErrCode());
        Assert.Equal(40058, bad.ErrCode());
        Assert.Contains("md5", bad.ErrMsg(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_goes_up_through_the_robot_and_is_sent_by_the_same_robot_only()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent("quarterly numbers"u8.ToArray());
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "media", "report.txt");

        using var upload = await Reply.ReadAsync(await emulator.Http.PostAsync($"/wecom/cgi-bin/webhook/upload_media?key={EmulatorOptions.DefaultWeComRobotKey}&type=file", form));
        var mediaId = upload.Field("media_id");
        using var sent = await emulator.WeComPostAsync(Send, new { msgtype = "file", file = new { media_id = mediaId } });
        var token = await emulator.WeComTokenAsync();
        using var byApp = await emulator.SendAppMessageAsync(token, new() { ["touser"] = "bob", ["msgtype"] = "file", ["file"] = new { media_id = mediaId } });

        Assert.Equal(0, upload.ErrCode());
        Assert.Equal("file", upload.Field("type"));
        Assert.Equal(0, sent.ErrCode());
        Assert.Equal(40007, byApp.ErrCode());
    }
}
