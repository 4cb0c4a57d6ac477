using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.WeCom;

/// <summary>WeCom's tokens, messages, cards, media, robot messages and callback URL are kept in the state file.</summary>
public sealed class WeComStateFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("larkway-emulator-wecom-state-").FullName;

    private string StateFile => Path.Combine(_folder, "emulator-state.json");

    [Fact]
    public async Task Messages_cards_media_and_tokens_survive_a_restart()
    {
        var clock = new ManualClock();
        string token, msgId, responseCode, mediaId;
        await using (var first = await TestEmulator.StartAsync(o => o.StateFile = StateFile, clock))
        {
            token = await first.WeComTokenAsync();
            using var sent = await first.SendAppMessageAsync(token, new()
            {
                ["touser"] = "bob",
                ["msgtype"] = "template_card",
                ["template_card"] = new { card_type = "button_interaction", main_title = new { title = "Kept" }, task_id = "kept-1", button_list = new[] { new { text = "OK", key = "ok" } } },
            });
            msgId = sent.Field("msgid")!;
            responseCode = sent.Field("response_code")!;
            using var form = new MultipartFormDataContent { { new ByteArrayContent("persisted bytes"u8.ToArray()), "media", "kept.txt" } };
            using var upload = await Reply.ReadAsync(await first.Http.PostAsync($"/wecom/cgi-bin/media/upload?access_token={token}&type=file", form));
            mediaId = upload.Field("media_id")!;
            using var robot = await first.WeComPostAsync($"/wecom/cgi-bin/webhook/send?key={first.Options.WeComRobotKey}", new { msgtype = "text", text = new { content = "before the restart" } });
            using var callback = await first.WeComPostAsync("/_emulator/wecom/callback", new { url = "http://127.0.0.1:9/cb", verify = false });
        }

        await using var second = await TestEmulator.StartAsync(o => o.StateFile = StateFile, clock);
        using var user = await second.WeComGetAsync($"/wecom/cgi-bin/user/get?access_token={token}&userid=bob");
        using var bob = await second.WeComGetAsync("/_emulator/wecom/users/bob/messages");
        using var media = await second.Http.GetAsync($"/wecom/cgi-bin/media/get?access_token={token}&media_id={mediaId}");
        using var robotMessages = await second.WeComGetAsync($"/_emulator/wecom/robots/{second.Options.WeComRobotKey}/messages");
        using var callbackSettings = await second.WeComGetAsync("/_emulator/wecom/callback");
        using var update = await second.WeComPostAsync($"/wecom/cgi-bin/message/update_template_card?access_token={token}", new { atall = 1, agentid = 1000002, response_code = responseCode, button = new { replace_name = "Done" } });

        Assert.Equal(0, user.ErrCode());
        Assert.Equal(token, await second.WeComTokenAsync());
        Assert.Equal(msgId, bob.Json.GetProperty("items")[0].GetProperty("msgid").GetString());
        Assert.Equal("persisted bytes", await media.Content.ReadAsStringAsync());
        Assert.Single(robotMessages.Json.GetProperty("items").EnumerateArray());
        Assert.Equal("http://127.0.0.1:9/cb", callbackSettings.Json.GetProperty("callback").GetProperty("url").GetString());
        Assert.Equal(0, update.ErrCode());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
