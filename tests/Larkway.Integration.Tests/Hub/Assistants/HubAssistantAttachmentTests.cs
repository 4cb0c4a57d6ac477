using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Channels.Messages;
using Larkway.Emulator.AiBackend;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.State;
using Larkway.Hub.Assistants.Attachments;
using Larkway.Hub.Assistants.Storage;
using Larkway.Hub.DingTalk.Assistant;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>
/// A question's pictures and files reach the backend: fetched from Feishu's message resources by the Hub, uploaded to
/// Dify (<c>/files/upload</c>, then <c>files[]</c> of the question) or inlined as an image part for an OpenAI-compatible
/// server. The fake model names every file it read, with its size, so the answer shows what arrived; a file above the
/// Hub's limit is never fetched whole, and the asker is told why.
/// </summary>
public sealed class HubAssistantAttachmentTests
{
    [Fact]
    public async Task A_picture_sent_alone_and_a_document_with_a_question_are_uploaded_to_Dify_and_read_by_it()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.CreateAsync("helpdesk", ["default"]);
        await driver.SetAiAsync(new { tokens_per_second = 500, answer_words = 5 });

        var picture = AddResource(hub, ResourceKind.Image, "message", "receipt.png", "image/png", 1500);
        var question = await SendAsync(hub, "image", new { image_key = picture });
        var turn = (await driver.EndedTurnsAsync(1)).Single();
        turn.Status.ShouldBe(AssistantTurnStatus.Answered, turn.LastError);
        turn.Question.ShouldBe("[image]", "a picture sent alone is asked about as what it is");
        var (_, answer, _) = await driver.CardAsync(turn.ReplyHandle!);
        answer.ShouldContain("Files read: receipt.png (image, 1500 bytes)");
        hub.BotCardsInChatOf(question).Count.ShouldBe(1);

        var document = AddResource(hub, ResourceKind.File, "pdf", "policy.pdf", "application/pdf", 3000);
        await SendAsync(hub, "file", new { file_key = document, file_name = "policy.pdf" });
        var second = (await driver.EndedTurnsAsync(2)).OrderBy(t => t.Id).Last();
        second.Status.ShouldBe(AssistantTurnStatus.Answered, second.LastError);
        (await driver.CardAsync(second.ReplyHandle!)).Answer.ShouldContain("Files read: policy.pdf (document, 3000 bytes)");

        // Each file went up once, for the same Dify user that asked; the question named it by its upload id.
        using var log = JsonDocument.Parse(await driver.AiRequestsAsync());
        var requests = log.RootElement.GetProperty("items").EnumerateArray().ToList();
        var uploads = requests.Where(r => r.GetProperty("operation").GetString() == "upload").ToList();
        uploads.Count.ShouldBe(2);
        uploads.ShouldAllBe(u => u.GetProperty("outcome").GetString() == "completed");
        var chats = requests.Where(r => r.GetProperty("operation").GetString() == "chat").ToList();
        chats.Count.ShouldBe(2);
        chats.ShouldAllBe(c => c.GetProperty("body").GetString()!.Contains("\"transfer_method\":\"local_file\""));
        uploads.Select(u => u.GetProperty("user").GetString()).ShouldBe(chats.Select(c => c.GetProperty("user").GetString()), ignoreOrder: true);
    }

    [Fact]
    public async Task An_OpenAI_compatible_backend_sees_the_picture_inline_and_one_above_the_limit_is_refused_with_its_size()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?> { ["Larkway:Assistants:MaxAttachmentBytes"] = "4096" });
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.CreateAsync("helpdesk", ["default"]);
        await driver.PatchAsync("helpdesk", new
        {
            backend = "openai",
            base_url = new Uri(hub.Emulator.BaseUrl, "openai/v1").ToString(),
            api_key = AiBackendOptions.DefaultOpenAiApiKey,
            model = "fake-vision",
        });
        await driver.SetAiAsync(new { tokens_per_second = 500, answer_words = 5 });

        var small = AddResource(hub, ResourceKind.Image, "message", "chart.png", "image/png", 2000);
        await SendAsync(hub, "post", new
        {
            zh_cn = new
            {
                title = "",
                content = new object[] { new object[] { new { tag = "text", text = "What does this chart show?" }, new { tag = "img", image_key = small } } },
            },
        });
        var turn = (await driver.EndedTurnsAsync(1)).Single();
        turn.Status.ShouldBe(AssistantTurnStatus.Answered, turn.LastError);
        var answer = (await driver.CardAsync(turn.ReplyHandle!)).Answer;
        answer.ShouldContain("What does this chart show?");
        answer.ShouldContain("Files read: image (image/png, 2000 bytes)");

        var large = AddResource(hub, ResourceKind.Image, "message", "scan.png", "image/png", 9000);
        await SendAsync(hub, "image", new { image_key = large });
        var refused = (await driver.EndedTurnsAsync(2)).OrderBy(t => t.Id).Last();
        refused.Status.ShouldBe(AssistantTurnStatus.Failed);
        refused.FailureKind.ShouldBe("FileRefused");
        var notice = (await driver.CardAsync(refused.ReplyHandle!)).Answer;
        notice.ShouldContain("could not read what you sent");
        notice.ShouldContain("scan.png is larger than the 4 KB the assistant takes (8.8 KB or more)");

        // The refused picture never reached the backend: one question was asked, with one image.
        using var log = JsonDocument.Parse(await driver.AiRequestsAsync());
        var chats = log.RootElement.GetProperty("items").EnumerateArray().Where(r => r.GetProperty("operation").GetString() == "chat").ToList();
        chats.Count.ShouldBe(1);
        chats[0].GetProperty("body").GetString()!.ShouldContain("data:image/png;base64,");
    }

    [Fact]
    public async Task A_picture_a_DingTalk_user_sends_the_robot_alone_is_downloaded_by_the_Hub_and_read_by_Dify()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?> { ["Larkway:Sandbox:Assistant"] = "true" });
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.SetAiAsync(new { tokens_per_second = 500, answer_words = 5 });
        await HubSandbox.WaitUntilAsync(() => DingTalkStreamConnected(hub), "the Hub's DingTalk Stream connection", 60);

        var bytes = new byte[1500];
        Random.Shared.NextBytes(bytes);
        using (var sent = await hub.Control.PostAsJsonAsync("/_emulator/dingtalk/stream/robot-messages", new
        {
            conversationType = "1", senderStaffId = "bob", senderNick = "Bob", conversationId = "cid-bob", msgtype = "picture",
            contentBase64 = Convert.ToBase64String(bytes), contentType = "image/png", appKey = EmulatorOptions.DefaultDingTalkAppKey,
        }))
        {
            sent.IsSuccessStatusCode.ShouldBeTrue(await sent.Content.ReadAsStringAsync());
        }

        var turn = (await driver.EndedTurnsAsync(1)).Single();
        turn.Platform.ShouldBe("dingtalk");
        turn.Status.ShouldBe(AssistantTurnStatus.Answered, turn.LastError);
        turn.Question.ShouldBe("[image]", "a picture sent alone is asked about as what it is");
        await HubSandbox.WaitUntilAsync(() => DingTalkRepliesText(hub, "cid-bob").Contains("Files read: image.png (image, 1500 bytes)", StringComparison.Ordinal),
            "Bob's answer naming the picture the Hub downloaded from DingTalk");
        using var log = JsonDocument.Parse(await driver.AiRequestsAsync());
        log.RootElement.GetProperty("items").EnumerateArray().Count(r => r.GetProperty("operation").GetString() == "upload").ShouldBe(1);
    }

    [Fact]
    public async Task A_DingTalk_download_code_the_robot_does_not_know_is_refused_with_a_message_naming_DingTalk()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        using var client = new Larkway.DingTalk.DingTalkClient(new Larkway.DingTalk.DingTalkAppOptions
        {
            AppKey = EmulatorOptions.DefaultDingTalkAppKey,
            AppSecret = EmulatorOptions.DefaultDingTalkAppSecret,
            ApiBaseUrl = Larkway.DingTalk.DingTalkBaseUrls.Emulator(emulator.BaseUrl),
            OapiBaseUrl = Larkway.DingTalk.DingTalkBaseUrls.Emulator(emulator.BaseUrl),
        });
        var source = new DingTalkAttachmentSource((_, _) => ValueTask.FromResult(client));

        var refused = await Should.ThrowAsync<AssistantAttachmentException>(() =>
            source.FetchAsync("default", "msg1", new ChannelAttachment(AttachmentKind.Image, "bm90LWEtY29kZQ=="), 4096, CancellationToken.None));

        refused.Message.ShouldBe("DingTalk did not give the image (invalidParameter.downloadCode.notExist).");
        refused.Transient.ShouldBeFalse();
        source.CanFetch(new ChannelAttachment(AttachmentKind.Image, "")).ShouldBeFalse();
    }

    private static bool DingTalkStreamConnected(HubSandbox hub)
    {
        var page = hub.Control.GetFromJsonAsync<JsonElement>("/_emulator/dingtalk/stream/connections").GetAwaiter().GetResult();
        var items = page.TryGetProperty("items", out var i) ? i : page.GetProperty("data").GetProperty("items");
        return items.EnumerateArray().Any(c => c.GetProperty("state").GetString() == "open" && c.GetProperty("appKey").GetString() == EmulatorOptions.DefaultDingTalkAppKey);
    }

    private static string DingTalkRepliesText(HubSandbox hub, string conversation)
    {
        var page = hub.Control.GetFromJsonAsync<JsonElement>("/_emulator/dingtalk/stream/session-replies").GetAwaiter().GetResult();
        var items = page.TryGetProperty("items", out var i) ? i : page.GetProperty("data").GetProperty("items");
        return string.Join("\n", items.EnumerateArray().Where(r => r.GetProperty("conversationId").GetString() == conversation).Select(r => r.GetRawText()));
    }

    private static string AddResource(HubSandbox hub, ResourceKind kind, string type, string name, string contentType, int size)
    {
        var key = (kind == ResourceKind.Image ? "img_v3_" : "file_v3_") + Guid.NewGuid().ToString("N");
        var bytes = new byte[size];
        Random.Shared.NextBytes(bytes);
        hub.State.AddResource(new EmulatorResource(key, kind, type, name, contentType, bytes, hub.Host.Settings.AppId!, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        return key;
    }

    private static async Task<string> SendAsync(HubSandbox hub, string msgType, object content)
    {
        using var response = await hub.Control.PostAsJsonAsync($"/_emulator/apps/{hub.Host.Settings.AppId}/p2p-messages", new { sender = "alice@example.com", msg_type = msgType, content });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("data").GetProperty("message_id").GetString()!;
    }
}
