using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Integration.Tests.Infrastructure;

namespace Larkway.Integration.Tests.Compatibility;

/// <summary>
/// WeCom's official callback crypto, <c>@wecom/crypto</c> (npm), as an app's callback server against the emulator: it
/// decrypts the emulator's URL verification and callback (what the emulator encrypts), and answers with a passive
/// reply it encrypts, which the emulator decrypts and shows.
/// </summary>
public sealed class WeComCryptoCompatibilityTests
{
    private static readonly string CompatDirectory = Path.Combine(RepoPaths.Root, "tests", "compat", "wecom-crypto");

    [Fact]
    public async Task The_official_package_decrypts_the_emulators_callbacks_and_the_emulator_decrypts_its_passive_reply()
    {
        Assert.True(Directory.Exists(Path.Combine(CompatDirectory, "node_modules", "@wecom", "crypto")),
            "@wecom/crypto is not installed: run scripts/install-test-deps.sh (scripts/test.sh does)");
        var options = new EmulatorOptions { Port = 0 };
        await using var emulator = await EmulatorServer.StartAsync(options);
        using var http = new HttpClient { BaseAddress = emulator.BaseUrl };
        await using var node = NodeScript.Start(CompatDirectory, "server.mjs", options.WeComCallbackToken, options.WeComEncodingAesKey, options.WeComCorpId);
        var url = (await node.NextAsync("ready")).GetString();

        using var saved = await http.PostAsJsonAsync("/_emulator/wecom/callback", new { url });
        var verified = await node.NextAsync("verified");
        using var said = await http.PostAsJsonAsync("/_emulator/wecom/users/carol/say", new { text = "审批 PR-7 please" });
        var received = await node.NextAsync("received");
        var outcome = await said.Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
        Assert.Matches("^[0-9]+$", verified.GetProperty("message").GetString());
        Assert.Equal(options.WeComCorpId, verified.GetProperty("id").GetString());
        Assert.Equal(options.WeComCorpId, received.GetProperty("id").GetString());
        Assert.Contains("<FromUserName><![CDATA[carol]]></FromUserName>", received.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("<Content><![CDATA[审批 PR-7 please]]></Content>", received.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("delivered", outcome.GetProperty("status").GetString());
        Assert.Contains("<Content><![CDATA[official reply to: 审批 PR-7 please]]></Content>", outcome.GetProperty("reply").GetString(), StringComparison.Ordinal);
    }
}
