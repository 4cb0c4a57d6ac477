using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Larkway.Emulator.Seed;
using Larkway.Hub.Assistants.Storage;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>
/// <c>/doc</c> keeps the last answer, or with <c>all</c> the conversation, as a new Feishu document in the administrator's
/// folder (the sandbox's "Assistant answers", Dave's), shared with the asker before anything is written — never the bot's alone —
/// and opened by nobody else. From DingTalk too, for a person the directory knows on Feishu.
/// </summary>
public sealed partial class HubAssistantAnswerDocumentsTests
{
    [Fact]
    public async Task Doc_keeps_the_last_answer_and_the_conversation_as_documents_only_the_asker_can_open_in_the_administrators_folder_on_feishu_and_dingtalk()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?>
        {
            ["Larkway:Sandbox:Assistant"] = "true",
            ["Larkway:Sandbox:People"] = "true",
        });
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.SetAiAsync(new { tokens_per_second = 400, answer_words = 6 });
        await SandboxPlatforms.PersonAsync(hub, "alice@example.com");
        await SandboxPlatforms.PersonAsync(hub, "bob@example.com");

        // Nothing answered yet, or an argument /doc does not take: told what to do, nothing written.
        await hub.SayToBotAsync("/doc", "alice@example.com");
        await HubSandbox.WaitUntilAsync(() => SandboxPlatforms.FeishuBotTexts(hub).Contains("no answer in this conversation to keep yet", StringComparison.Ordinal), "the reply to an early /doc");
        await hub.SayToBotAsync("/doc everything please", "alice@example.com");
        await HubSandbox.WaitUntilAsync(() => SandboxPlatforms.FeishuBotTexts(hub).Contains("or /doc all for the whole conversation", StringComparison.Ordinal), "the usage");

        await hub.SayToBotAsync("Which port does the staging proxy listen on?", "alice@example.com");
        await driver.EndedTurnsAsync(1);
        await hub.SayToBotAsync("And which team owns it?", "alice@example.com");
        var last = (await driver.EndedTurnsAsync(2)).Last();
        last.Status.ShouldBe(AssistantTurnStatus.Answered, last.LastError);

        await hub.SayToBotAsync("/doc", "alice@example.com");
        var lastDoc = await KeptAsync(hub, () => SandboxPlatforms.FeishuBotTexts(hub), "Kept the last answer as a document");
        var lastAnswer = await DumpAsync(hub, lastDoc);
        lastAnswer.GetProperty("folder_token").GetString().ShouldBe(DefaultDocs.AnswersFolder);
        lastAnswer.GetProperty("title").GetString().ShouldBe("Larkway Assistant: And which team owns it?");
        var text = lastAnswer.GetProperty("raw_content").GetString()!;
        text.ShouldContain("And which team owns it?");
        text.ShouldContain(FirstWords(last.Answer!));
        text.ShouldNotContain("staging proxy");
        await OpensAsync(hub, lastDoc, "alice@example.com", HttpStatusCode.OK);
        await OpensAsync(hub, lastDoc, "bob@example.com", HttpStatusCode.Forbidden);
        lastAnswer.GetProperty("members").EnumerateArray().ShouldContain(m => m.GetProperty("perm").GetString() == "full_access" && m.GetProperty("type").GetString() == "user");

        await hub.SayToBotAsync("/doc all", "alice@example.com");
        var wholeDoc = await KeptAsync(hub, () => SandboxPlatforms.FeishuBotTexts(hub), "Kept this conversation (2 answers)");
        var whole = (await DumpAsync(hub, wholeDoc)).GetProperty("raw_content").GetString()!;
        whole.ShouldContain("Which port does the staging proxy listen on?");
        whole.IndexOf("staging proxy", StringComparison.Ordinal).ShouldBeLessThan(whole.IndexOf("which team owns it", StringComparison.Ordinal), "the conversation in order");

        // Bob on DingTalk is his Feishu self: his answer is shared with him, and Alice cannot open it. Dave, whose folder
        // it is, can: in Feishu a folder's people open what it holds, which is why the administrator chooses the folder.
        await HubSandbox.WaitUntilAsync(() => SandboxPlatforms.StreamConnected(hub), "the Hub's DingTalk Stream connection", 60);
        await SandboxPlatforms.DingTalkSayAsync(hub, "bob", "cid-bob-doc", "How do I rotate the deploy key?");
        (await driver.EndedTurnsAsync(3, 60)).Last().Platform.ShouldBe("dingtalk");
        await SandboxPlatforms.DingTalkSayAsync(hub, "bob", "cid-bob-doc", "/doc");
        var bobDoc = await KeptAsync(hub, () => SandboxPlatforms.DingTalkRepliesText(hub, "cid-bob-doc"), "Kept the last answer as a document");
        (await DumpAsync(hub, bobDoc)).GetProperty("raw_content").GetString().ShouldNotBeNull().ShouldContain("rotate the deploy key");
        await OpensAsync(hub, bobDoc, "bob@example.com", HttpStatusCode.OK);
        await OpensAsync(hub, bobDoc, "alice@example.com", HttpStatusCode.Forbidden);
        await OpensAsync(hub, bobDoc, "dave@example.com", HttpStatusCode.OK);
    }

    /// <summary>Waits for the reply saying <paramref name="said"/> and returns the document id its link names.</summary>
    private static async Task<string> KeptAsync(HubSandbox hub, Func<string> replies, string said)
    {
        await HubSandbox.WaitUntilAsync(() => replies().Contains(said, StringComparison.Ordinal), $"the reply \"{said}\"", seconds: 60);
        var line = replies().Split('\n').Last(l => l.Contains(said, StringComparison.Ordinal));
        return DocLink().Match(line) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("no document link in: " + line);
    }

    private static async Task<JsonElement> DumpAsync(HubSandbox hub, string documentId)
    {
        using var doc = JsonDocument.Parse(await hub.Control.GetStringAsync($"/_emulator/docs/documents/{documentId}"));
        return doc.RootElement.GetProperty("data").Clone();
    }

    /// <summary>The person opens the document's page in the Feishu client.</summary>
    private static async Task OpensAsync(HubSandbox hub, string documentId, string person, HttpStatusCode expected)
    {
        using var page = await hub.Control.GetAsync($"/docx/{documentId}?as={Uri.EscapeDataString(person)}");
        page.StatusCode.ShouldBe(expected, $"{person} opening the answer document");
    }

    private static string FirstWords(string answer) => string.Join(' ', answer.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(3));

    [GeneratedRegex(@"/docx/([A-Za-z0-9]+)")]
    private static partial Regex DocLink();
}
