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
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook");
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
