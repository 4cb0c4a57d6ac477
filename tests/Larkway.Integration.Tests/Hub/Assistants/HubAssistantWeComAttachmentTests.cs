using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Assistants.Storage;
using Larkway.Integration.Tests.WeCom.AiBot;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>
/// A picture a user sends on WeCom reaches the assistant's backend, end to end against the Emulator: on an AI bot (the
/// bot's long connection) the Hub downloads the message's URL and decrypts it with the message's aeskey; on a corp app
/// (its URL callback) it downloads the callback's media_id through <c>/cgi-bin/media/get</c>. The fake Dify names every
/// file it read, with its size, so the answer shows what arrived.
/// </summary>
public sealed class HubAssistantWeComAttachmentTests
{
    [Fact]
    public async Task A_picture_sent_alone_to_an_AI_bot_is_decrypted_and_read_by_Dify()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        using var control = new AiBotControl(emulator.BaseUrl);
        // The Emulator serves the file on this machine's loopback, where WeCom's would be public: opened by host and port.
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", new Dictionary<string, string?> { ["Larkway:Outbound:AllowedHosts:0"] = emulator.BaseUrl.Authority });
        await HubWeComAiBot.AddAppAndConnectAsync(hub, emulator);
        using var driver = new AssistantDriver(hub, emulator.BaseUrl);
        await driver.CreateAsync("wecom-desk", [HubWeComAiBot.AppName]);
        await driver.SetAiAsync(new { tokens_per_second = 500, answer_words = 5 });

        var picture = Png(1700);
        await control.ImageAsync(picture);
        var turn = (await driver.EndedTurnsAsync(1)).Single();
        turn.Status.ShouldBe(AssistantTurnStatus.Answered, turn.LastError);
        turn.Platform.ShouldBe("wecom");
        turn.Question.ShouldBe("[image]", "a picture sent alone is asked about as what it is");
        await HubSandbox.WaitUntilAsync(
            () => HubWeComAiBot.Replies(control).Any(r => r.Contains("Files read: image.png (image, 1700 bytes)", StringComparison.Ordinal)),
            "the answer naming the decrypted picture", seconds: 30);

        // The picture went up to Dify once, decrypted: the bytes the user sent.
        using var log = JsonDocument.Parse(await driver.AiRequestsAsync());
        var uploads = log.RootElement.GetProperty("items").EnumerateArray().Where(r => r.GetProperty("operation").GetString() == "upload").ToList();
        uploads.ShouldHaveSingleItem().GetProperty("outcome").GetString().ShouldBe("completed");
    }

    /// <summary>
    /// Issue 41 §4: an AI bot file's URL comes in the message, so it is fetched through the outbound guard. Here it names the
    /// Emulator on loopback, which nothing opens: the Hub connects nowhere, the turn fails with the reason, nothing reaches Dify.
    /// </summary>
    [Fact]
    public async Task An_AI_bot_file_whose_url_names_a_loopback_address_is_refused_before_any_request()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        using var control = new AiBotControl(emulator.BaseUrl);
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook");
        await HubWeComAiBot.AddAppAndConnectAsync(hub, emulator);
        using var driver = new AssistantDriver(hub, emulator.BaseUrl);
        await driver.CreateAsync("wecom-desk", [HubWeComAiBot.AppName]);
        await driver.SetAiAsync(new { tokens_per_second = 500, answer_words = 5 });

        await control.ImageAsync(Png(900));
        var turn = (await driver.EndedTurnsAsync(1)).Single();
        turn.Status.ShouldBe(AssistantTurnStatus.Failed);
        await HubSandbox.WaitUntilAsync(
            () => HubWeComAiBot.Replies(control).Any(r => r.Contains($"which resolves to a private address (", StringComparison.Ordinal) && r.Contains("loopback", StringComparison.Ordinal)),
            "the notice naming the refused address", seconds: 30);

        using var log = JsonDocument.Parse(await driver.AiRequestsAsync());
        log.RootElement.GetProperty("items").EnumerateArray().ShouldNotContain(r => r.GetProperty("operation").GetString() == "upload");
    }

    [Fact]
    public async Task A_picture_a_member_sends_the_corp_app_is_fetched_by_its_media_id_and_read_by_Dify()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?> { ["Larkway:Sandbox:Assistant"] = "true", ["Larkway:Sandbox:People"] = "true" });
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.SetAiAsync(new { tokens_per_second = 500, answer_words = 5 });

        using (var sent = await hub.Control.PostAsJsonAsync("/_emulator/wecom/users/carol/image",
            new { data_base64 = Convert.ToBase64String(Png(2300)), filename = "whiteboard.png", content_type = "image/png" }))
        {
            sent.IsSuccessStatusCode.ShouldBeTrue(await sent.Content.ReadAsStringAsync());
        }

        var turn = (await driver.EndedTurnsAsync(1, 60)).Single();
        turn.Status.ShouldBe(AssistantTurnStatus.Answered, turn.LastError);
        turn.Platform.ShouldBe("wecom");
        turn.Question.ShouldBe("[image]");
        await HubSandbox.WaitUntilAsync(() => WeComMessagesText(hub, "carol").Contains("Files read: whiteboard.png (image, 2300 bytes)", StringComparison.Ordinal),
            "Carol's answer naming her picture", seconds: 30);
    }

    /// <summary>A PNG's signature followed by random bytes: <paramref name="size"/> bytes in all.</summary>
    private static byte[] Png(int size)
    {
        var bytes = new byte[size];
        Random.Shared.NextBytes(bytes);
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        signature.CopyTo(bytes, 0);
        return bytes;
    }

    private static string WeComMessagesText(HubSandbox hub, string user)
    {
        var page = hub.Control.GetFromJsonAsync<JsonElement>($"/_emulator/wecom/users/{user}/messages").GetAwaiter().GetResult();
        return page.GetRawText().Replace("\\n", "\n", StringComparison.Ordinal);
    }
}
