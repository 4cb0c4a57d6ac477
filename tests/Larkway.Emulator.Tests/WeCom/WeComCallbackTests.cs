using System.Text;
using System.Xml.Linq;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Larkway.Emulator.Tests.WeCom;

public sealed class WeComCallbackTests
{
    [Fact]
    public async Task Saving_the_callback_url_verifies_it_with_an_encrypted_echostr()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var server = await StartServerAsync(emulator);
        await using var wrong = await WeComAppServer.StartAsync("another-token", EmulatorOptions.DefaultWeComEncodingAesKey, EmulatorOptions.DefaultWeComCorpId);

        using var refused = await emulator.WeComPostAsync("/_emulator/wecom/callback", new { url = wrong.Url });
        using var saved = await emulator.WeComPostAsync("/_emulator/wecom/callback", new { url = server.Url });

        Assert.Equal(400, refused.Status);
        Assert.Contains("URL verification failed", refused.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(200, saved.Status);
        Assert.True(saved.Json.GetProperty("callback").GetProperty("verified").GetBoolean());
    }

    [Fact]
    public async Task A_member_writing_to_the_app_is_an_encrypted_xml_text_message()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var server = await StartServerAsync(emulator);
        await SetCallbackAsync(emulator, server);

        using var said = await emulator.WeComPostAsync("/_emulator/wecom/users/carol/say", new { text = "请批准 <b>" });

        Assert.Equal("delivered", said.Json.GetProperty("status").GetString());
        var xml = XElement.Parse(Assert.Single(server.Received));
        Assert.Equal(EmulatorOptions.DefaultWeComCorpId, xml.Element("ToUserName")!.Value);
        Assert.Equal("carol", xml.Element("FromUserName")!.Value);
        Assert.Equal("text", xml.Element("MsgType")!.Value);
        Assert.Equal("请批准 <b>", xml.Element("Content")!.Value);
        Assert.Equal("1000002", xml.Element("AgentID")!.Value);
        Assert.Equal(said.Json.GetProperty("msgid").GetString(), xml.Element("MsgId")!.Value);
        Assert.Equal(emulator.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), xml.Element("CreateTime")!.Value);
    }

    [Fact]
    public async Task A_passive_reply_is_decrypted_and_shown_in_the_chat()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var server = await StartServerAsync(emulator);
        server.Respond = (_, xml, _) => Task.FromResult(Results.Text(server.PassiveReply(
            $"<xml><ToUserName><![CDATA[bob]]></ToUserName><FromUserName><![CDATA[{EmulatorOptions.DefaultWeComCorpId}]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[Got: {XElement.Parse(xml).Element("Content")!.Value}]]></Content></xml>")));
        await SetCallbackAsync(emulator, server);

        using var said = await emulator.WeComPostAsync("/_emulator/wecom/users/bob/say", new { text = "ping" });
        using var page = await Reply.ReadAsync(await emulator.Http.GetAsync("/wecom-chat/app/bob/timeline"));

        Assert.Contains("<Content><![CDATA[Got: ping]]></Content>", said.Json.GetProperty("reply").GetString(), StringComparison.Ordinal);
        Assert.Contains("Got: ping", page.Text, StringComparison.Ordinal);
        Assert.Contains("passive reply", page.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reply_with_a_bad_signature_is_reported_not_shown()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var server = await StartServerAsync(emulator);
        server.Respond = (_, _, _) => Task.FromResult(Results.Text(server.PassiveReply("<xml><MsgType>text</MsgType><Content>x</Content></xml>").Replace("<MsgSignature><![CDATA[", "<MsgSignature><![CDATA[0", StringComparison.Ordinal)));
        await SetCallbackAsync(emulator, server);

        using var said = await emulator.WeComPostAsync("/_emulator/wecom/users/bob/say", new { text = "ping" });

        Assert.Equal("delivered", said.Json.GetProperty("status").GetString());
        Assert.Contains("-40001", said.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False(said.Json.TryGetProperty("reply", out _));
    }

    [Fact]
    public async Task A_server_slower_than_the_deadline_gets_the_callback_again()
    {
        await using var emulator = await TestEmulator.StartAsync(Fast);
        await using var server = await StartServerAsync(emulator);
        await SetCallbackAsync(emulator, server);
        server.Respond = async (n, _, ct) =>
        {
            if (n < 2)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), ct);
            }

            return Results.Text(string.Empty);
        };

        using var said = await emulator.WeComPostAsync("/_emulator/wecom/users/bob/say", new { text = "slow" });
        using var attempts = await emulator.WeComGetAsync($"/_emulator/wecom/callback/attempts?delivery_id={said.Json.GetProperty("delivery_id").GetString()}");

        Assert.Equal("delivered", said.Json.GetProperty("status").GetString());
        Assert.Equal(["failed", "failed", "delivered"], attempts.Json.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("outcome").GetString()));
        Assert.Equal(3, server.Posts);
    }

    [Fact]
    public async Task An_unreachable_server_is_tried_four_times_then_given_up()
    {
        await using var emulator = await TestEmulator.StartAsync(Fast);
        await using var server = await StartServerAsync(emulator);
        await SetCallbackAsync(emulator, server);
        var url = server.Url;
        await server.DisposeAsync();

        using var said = await emulator.WeComPostAsync("/_emulator/wecom/users/bob/say", new { text = "anyone?" });
        using var attempts = await emulator.WeComGetAsync($"/_emulator/wecom/callback/attempts?delivery_id={said.Json.GetProperty("delivery_id").GetString()}");
        using var page = await Reply.ReadAsync(await emulator.Http.GetAsync("/wecom-chat/app/bob/timeline"));

        Assert.Equal("failed", said.Json.GetProperty("status").GetString());
        Assert.Contains("three retries", said.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(4, attempts.Json.GetProperty("items").GetArrayLength());
        Assert.Contains("callback failed", page.Text, StringComparison.Ordinal);
        Assert.Equal(url.AbsolutePath, new Uri(attempts.Json.GetProperty("items")[0].GetProperty("url").GetString()!).AbsolutePath);
    }

    [Fact]
    public async Task An_http_error_is_an_answer_and_is_not_retried()
    {
        await using var emulator = await TestEmulator.StartAsync(Fast);
        await using var server = await StartServerAsync(emulator);
        await SetCallbackAsync(emulator, server);
        server.Respond = (_, _, _) => Task.FromResult(Results.StatusCode(500));

        using var said = await emulator.WeComPostAsync("/_emulator/wecom/users/bob/say", new { text = "boom" });

        Assert.Equal("failed", said.Json.GetProperty("status").GetString());
        Assert.Equal(1, server.Posts);
    }

    [Fact]
    public async Task Without_a_callback_url_nothing_is_delivered_and_the_chat_says_so()
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var said = await emulator.WeComPostAsync("/_emulator/wecom/users/bob/say", new { text = "hello?" });
        using var unknown = await emulator.WeComPostAsync("/_emulator/wecom/users/nobody/say", new { text = "hello?" });

        Assert.Equal("no_callback", said.Json.GetProperty("status").GetString());
        Assert.Equal(400, unknown.Status);
    }

    internal static void Fast(EmulatorOptions options)
    {
        options.WeComCallbackTimeout = TimeSpan.FromMilliseconds(400);
        options.WeComCallbackRetryDelays = [TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10)];
    }

    internal static Task<WeComAppServer> StartServerAsync(TestEmulator emulator) =>
        WeComAppServer.StartAsync(emulator.Options.WeComCallbackToken, emulator.Options.WeComEncodingAesKey, emulator.Options.WeComCorpId);

    /// <summary>
    /// Saves the server as the callback URL. <see cref="Fast"/>'s deadline also bounds the save's URL verification, which a
    /// freshly started server on a busy machine can miss once: a miss of the deadline is tried again, any other refusal fails.
    /// </summary>
    internal static async Task SetCallbackAsync(TestEmulator emulator, WeComAppServer server)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var saved = await emulator.WeComPostAsync("/_emulator/wecom/callback", new { url = server.Url });
            var text = Encoding.UTF8.GetString(saved.Body);
            if (saved.Status == 200 || attempt == 10 || !text.Contains("no answer within the deadline", StringComparison.Ordinal))
            {
                Assert.True(saved.Status == 200, text);
                return;
            }
        }
    }
}
