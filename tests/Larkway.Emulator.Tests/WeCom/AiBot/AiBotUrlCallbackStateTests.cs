using Larkway.Emulator.Tests.Infrastructure;
using static Larkway.Emulator.Tests.WeCom.AiBot.AiBotTestHelpers;

namespace Larkway.Emulator.Tests.WeCom.AiBot;

/// <summary>URL-callback mode's settings and response_url codes are kept in the state file with the rest of WeCom.</summary>
public sealed class AiBotUrlCallbackStateTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("larkway-aibot-callback-state-").FullName;

    private string StateFile => Path.Combine(_folder, "emulator-state.json");

    [Fact]
    public async Task The_callback_settings_and_an_unused_response_url_survive_a_restart()
    {
        var clock = new ManualClock();
        await using var server = await AiBotCallbackServer.StartAsync();
        string responseUrl;
        await using (var first = await TestEmulator.StartAsync(o => o.StateFile = StateFile, clock))
        {
            using var saved = await first.PostJsonAsync("/_emulator/wecom/aibot/callback", server.Settings());
            Assert.Equal(200, saved.Status);
            await first.UserSaysAsync("answer me after the restart");
            responseUrl = new Uri((string)server.Received.Single()["response_url"]!).PathAndQuery;
        }

        await using var second = await TestEmulator.StartAsync(o => o.StateFile = StateFile, clock);
        using var listed = await second.GetAsync("/_emulator/wecom/aibot/callback", null);
        using var accepted = await second.PostJsonAsync(responseUrl, new { msgtype = "markdown", markdown = new { content = "still here" } });
        await second.UserSaysAsync("and a new one");

        Assert.Equal(server.Url.ToString(), Assert.Single(listed.Json.GetProperty("items").EnumerateArray()).GetProperty("url").GetString());
        Assert.Equal(0, accepted.Json.GetProperty("errcode").GetInt32());
        Assert.Equal(["answer me after the restart", "still here", "and a new one"], second.Messages().Select(m => m.Content));
        Assert.Equal(2, server.Received.Count);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
