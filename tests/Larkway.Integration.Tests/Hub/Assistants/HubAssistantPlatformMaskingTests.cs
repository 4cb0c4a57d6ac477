using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.DingTalk.Stream;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Assistants.Storage;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>
/// Personal data in an answer is masked before any platform shows it, by the assistant's <c>masking.to_platform</c>: by
/// default phones, resident ids and bank cards, in every streamed update as well as the final text, on Feishu, DingTalk and
/// WeCom alike; the asker's own values, restored from their placeholders, are masked the same way; an empty list turns it
/// off, and a list of one detector masks only that kind. Every platform renders answers as markdown, so the stars of a
/// display form go as HTML character references (<c>&amp;#42;</c>) and each platform's chat page in the Emulator shows
/// <c>159****4321</c> as written, never as bold or italic.
/// </summary>
public sealed class HubAssistantPlatformMaskingTests
{
    private const string Phone = "15987654321";
    private const string ResidentId = "440305199001060234";
    private const string Card = "6212261000077890";
    private const string Masked = "159****4321, 4403**********0234, ****7890";

    // The masked question as every chat page shows it: each display form whole, with no markup inside.
    private const string ShownQuestion = "客户电话 159****4321, 身份证 4403**********0234, 卡号 ****7890 请核对";

    // What a backend reading a CRM writes: the fake Dify echoes the question, so with masking toward the backend off the
    // values come back as the backend's own text, never as placeholders.
    private const string Question = $"客户电话 {Phone}, 身份证 {ResidentId}, 卡号 {Card} 请核对";

    [Fact]
    public async Task Numbers_the_backend_writes_are_masked_on_all_three_platforms_in_every_streamed_update_and_the_final_text()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?> { ["Larkway:Sandbox:Assistant"] = "true" });
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);

        // masking.to_platform never set: the default. Slow tokens and quick updates, so updates land inside the numbers.
        await driver.PatchAsync("assistant", new { masking = new { to_backend = Array.Empty<string>() }, streaming = new { update_interval_ms = 100 } });
        await driver.SetAiAsync(new { tokens_per_second = 40, answer_words = 5 });

        var message = await hub.SayToBotAsync(Question);
        var feishu = (await driver.EndedTurnsAsync(1)).Single();
        feishu.Status.ShouldBe(AssistantTurnStatus.Answered, feishu.LastError);
        (await driver.AiRequestsAsync()).ShouldContain(Phone, customMessage: "masking.to_backend is off: the backend sees the number");

        var (_, answer, _) = await driver.CardAsync(feishu.ReplyHandle!);
        answer.ShouldStartWith("You asked: " + Literal(ShownQuestion), customMessage: "the card's markdown carries each star as &#42;");
        var updates = await StreamedTextsAsync(driver, feishu.ReplyHandle!);
        updates.Count.ShouldBeGreaterThan(1);
        foreach (var update in updates)
        {
            ShouldHoldNoValue(update);
            update.ShouldNotContain("*", customMessage: "no update carries a bare star the card's markdown would read as emphasis");
            answer.ShouldStartWith(update, customMessage: "every update is the start of the final text: nothing shown is taken back");
        }

        hub.BotCardsInChatOf(message).ShouldHaveSingleItem();
        ShouldShowLiterally(await hub.Control.GetStringAsync($"/chats/{hub.State.FindMessage(message)!.ChatId}"), "the Feishu chat page");

        // DingTalk (the robot's session webhook) and WeCom (the app's messages): the same rule, the same display forms.
        await HubSandbox.WaitUntilAsync(() => SandboxPlatforms.StreamConnected(hub), "the Hub's DingTalk Stream connection", 60);

        // Bob's one-to-one conversation with the robot, as the Emulator's chat page for him names it.
        var bobs = RobotMessages.ConversationIdOf(new RobotMessageRequest(EmulatorOptions.DefaultDingTalkAppKey, "1", "bob", "bob", null, null, string.Empty, true));
        await SandboxPlatforms.DingTalkSayAsync(hub, "bob", bobs, Question);
        using (var said = await hub.Control.PostAsJsonAsync("/_emulator/wecom/users/carol/say", new { text = Question }))
        {
            said.EnsureSuccessStatusCode();
        }

        var turns = await driver.EndedTurnsAsync(3, 90);
        turns.ShouldAllBe(t => t.Status == AssistantTurnStatus.Answered, string.Join(", ", turns.Select(t => t.LastError)));
        await HubSandbox.WaitUntilAsync(() => DingTalkReplies(hub, bobs).Contains("You asked", StringComparison.Ordinal), "Bob's answer on DingTalk");
        await HubSandbox.WaitUntilAsync(() => WeComAppMessages(hub, "carol").Contains("You asked", StringComparison.Ordinal), "Carol's answer on WeCom");
        foreach (var shown in new[] { DingTalkReplies(hub, bobs), WeComAppMessages(hub, "carol") })
        {
            ShouldHoldNoValue(shown);
            shown.ShouldContain("You asked: " + Literal(ShownQuestion), customMessage: "the markdown carries each star as &#42;");
        }

        ShouldShowLiterally(await hub.Control.GetStringAsync("/dingtalk-chat/robot/bob"), "the DingTalk chat page");
        ShouldShowLiterally(await hub.Control.GetStringAsync("/wecom-chat/app/carol"), "the WeCom chat page");
    }

    [Fact]
    public async Task The_askers_own_values_are_masked_too_an_empty_list_turns_masking_off_and_one_detector_masks_only_its_kind()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.CreateAsync("helpdesk", ["default"]);
        await driver.SetAiAsync(new { tokens_per_second = 500, answer_words = 3 });

        // Defaults both ways: the backend gets placeholders, and the values restored into the answer are masked again.
        await hub.SayToBotAsync($"我的电话 {Phone} 身份证 {ResidentId}");
        var first = (await driver.EndedTurnsAsync(1)).Single();
        (await driver.AiRequestsAsync()).ShouldNotContain(Phone);
        var (_, own, _) = await driver.CardAsync(first.ReplyHandle!);
        own.ShouldStartWith(Literal("You asked: 我的电话 159****4321 身份证 4403**********0234."));
        own.ShouldContain(Literal("Placeholders kept: 159****4321, 4403**********0234"));

        // An empty list: the asker sees their values as they wrote them.
        await driver.PatchAsync("helpdesk", new { masking = new { to_platform = Array.Empty<string>() } });
        await hub.SayToBotAsync($"我的电话 {Phone} 身份证 {ResidentId}");
        var second = (await driver.EndedTurnsAsync(2))[1];
        (await driver.CardAsync(second.ReplyHandle!)).Answer.ShouldContain($"You asked: 我的电话 {Phone} 身份证 {ResidentId}.");

        // Phones only: the id is shown, the phone is not.
        await driver.PatchAsync("helpdesk", new { masking = new { to_platform = new[] { "china_mobile" } } });
        await hub.SayToBotAsync($"我的电话 {Phone} 身份证 {ResidentId}");
        var third = (await driver.EndedTurnsAsync(3))[2];
        (await driver.CardAsync(third.ReplyHandle!)).Answer.ShouldContain(Literal($"You asked: 我的电话 159****4321 身份证 {ResidentId}."));
    }

    /// <summary>The texts the WeCom app sent the member (not what the member wrote to it), as sent.</summary>
    private static string WeComAppMessages(HubSandbox hub, string user) =>
        string.Join("\n", Strings(hub.Control.GetFromJsonAsync<JsonElement>($"/_emulator/wecom/users/{user}/messages").GetAwaiter().GetResult().GetProperty("items")));

    /// <summary>The texts the DingTalk robot sent to the conversation through its session webhooks, as sent.</summary>
    private static string DingTalkReplies(HubSandbox hub, string conversation)
    {
        var page = hub.Control.GetFromJsonAsync<JsonElement>("/_emulator/dingtalk/stream/session-replies").GetAwaiter().GetResult();
        var items = page.TryGetProperty("items", out var i) ? i : page.GetProperty("data").GetProperty("items");
        return string.Join("\n", items.EnumerateArray().Where(r => r.GetProperty("conversationId").GetString() == conversation).SelectMany(Strings));
    }

    /// <summary>Every string in <paramref name="element"/>, decoded, a string holding a JSON object (a message body) read as one.</summary>
    private static IEnumerable<string> Strings(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                return element.EnumerateObject().SelectMany(p => Strings(p.Value)).ToList();
            case JsonValueKind.Array:
                return element.EnumerateArray().SelectMany(Strings).ToList();
            case JsonValueKind.String when element.GetString() is { } text:
                if (text.StartsWith('{'))
                {
                    try
                    {
                        using var inner = JsonDocument.Parse(text);
                        return Strings(inner.RootElement).ToList();
                    }
                    catch (JsonException)
                    {
                        // Not JSON after all: the text itself.
                    }
                }

                return [text];
            default:
                return [];
        }
    }

    /// <summary><paramref name="text"/> with each star as the character reference the platforms' markdown shows as a star.</summary>
    private static string Literal(string text) => text.Replace("*", "&#42;", StringComparison.Ordinal);

    /// <summary>
    /// A chat page shows the masked question whole: every star, and no emphasis markup made of them (the asker's own
    /// message on the page holds the values as they typed them).
    /// </summary>
    private static void ShouldShowLiterally(string page, string where)
    {
        page.ShouldContain(ShownQuestion, customMessage: $"{where} shows each display form as written");
        page.ShouldNotContain("&amp;#42;", customMessage: $"{where} shows the reference as a star, not as written");
    }

    private static void ShouldHoldNoValue(string shown)
    {
        foreach (var value in new[] { Phone, ResidentId, Card })
        {
            shown.ShouldNotContain(value);
        }
    }

    /// <summary>The texts CardKit received for the card's answer element, one per streamed update, in order.</summary>
    private static async Task<IReadOnlyList<string>> StreamedTextsAsync(AssistantDriver driver, string cardId)
    {
        using var document = JsonDocument.Parse(await driver.Emulator.GetStringAsync($"/_emulator/cardkit/cards/{cardId}/operations"));
        var root = document.RootElement.TryGetProperty("data", out var data) ? data : document.RootElement;
        return [.. root.GetProperty("items").EnumerateArray()
            .Where(o => o.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
            .Select(o => o.GetProperty("text").GetString()!)];
    }
}
