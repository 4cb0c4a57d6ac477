using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Hub.Assistants.Storage;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>
/// Personal data in an answer is masked before any platform shows it, by the assistant's <c>masking.to_platform</c>: by
/// default phones, resident ids and bank cards, in every streamed update as well as the final text, on Feishu, DingTalk and
/// WeCom alike; the asker's own values, restored from their placeholders, are masked the same way; an empty list turns it
/// off, and a list of one detector masks only that kind.
/// </summary>
public sealed class HubAssistantPlatformMaskingTests
{
    private const string Phone = "15987654321";
    private const string ResidentId = "440305199001060234";
    private const string Card = "6212261000077890";
    private const string Masked = "159****4321, 4403**********0234, ****7890";

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
        answer.ShouldStartWith($"You asked: 客户电话 {Masked.Split(", ")[0]}, 身份证 {Masked.Split(", ")[1]}, 卡号 {Masked.Split(", ")[2]} 请核对");
        var updates = await StreamedTextsAsync(driver, feishu.ReplyHandle!);
        updates.Count.ShouldBeGreaterThan(1);
        foreach (var update in updates)
        {
            ShouldHoldNoValue(update);
            answer.ShouldStartWith(update, customMessage: "every update is the start of the final text: nothing shown is taken back");
        }

        hub.BotCardsInChatOf(message).ShouldHaveSingleItem();

        // DingTalk (the robot's session webhook) and WeCom (the app's messages): the same rule, the same display forms.
        await HubSandbox.WaitUntilAsync(() => SandboxPlatforms.StreamConnected(hub), "the Hub's DingTalk Stream connection", 60);
        await SandboxPlatforms.DingTalkSayAsync(hub, "bob", "cid-bob", Question);
        using (var said = await hub.Control.PostAsJsonAsync("/_emulator/wecom/users/carol/say", new { text = Question }))
        {
            said.EnsureSuccessStatusCode();
        }

        var turns = await driver.EndedTurnsAsync(3, 90);
        turns.ShouldAllBe(t => t.Status == AssistantTurnStatus.Answered, string.Join(", ", turns.Select(t => t.LastError)));
        await HubSandbox.WaitUntilAsync(() => SandboxPlatforms.DingTalkRepliesText(hub, "cid-bob").Contains("159****4321", StringComparison.Ordinal), "Bob's answer on DingTalk");
        await HubSandbox.WaitUntilAsync(() => WeComAppMessagesText(hub, "carol").Contains("159****4321", StringComparison.Ordinal), "Carol's answer on WeCom");
        foreach (var shown in new[] { SandboxPlatforms.DingTalkRepliesText(hub, "cid-bob"), WeComAppMessagesText(hub, "carol") })
        {
            ShouldHoldNoValue(shown);
            foreach (var form in Masked.Split(", "))
            {
                shown.ShouldContain(form);
            }
        }
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
        own.ShouldStartWith("You asked: 我的电话 159****4321 身份证 4403**********0234.");
        own.ShouldContain("Placeholders kept: 159****4321, 4403**********0234");

        // An empty list: the asker sees their values as they wrote them.
        await driver.PatchAsync("helpdesk", new { masking = new { to_platform = Array.Empty<string>() } });
        await hub.SayToBotAsync($"我的电话 {Phone} 身份证 {ResidentId}");
        var second = (await driver.EndedTurnsAsync(2))[1];
        (await driver.CardAsync(second.ReplyHandle!)).Answer.ShouldContain($"You asked: 我的电话 {Phone} 身份证 {ResidentId}.");

        // Phones only: the id is shown, the phone is not.
        await driver.PatchAsync("helpdesk", new { masking = new { to_platform = new[] { "china_mobile" } } });
        await hub.SayToBotAsync($"我的电话 {Phone} 身份证 {ResidentId}");
        var third = (await driver.EndedTurnsAsync(3))[2];
        (await driver.CardAsync(third.ReplyHandle!)).Answer.ShouldContain($"You asked: 我的电话 159****4321 身份证 {ResidentId}.");
    }

    /// <summary>What the WeCom app sent the member (not what the member wrote to it).</summary>
    private static string WeComAppMessagesText(HubSandbox hub, string user) =>
        hub.Control.GetFromJsonAsync<JsonElement>($"/_emulator/wecom/users/{user}/messages").GetAwaiter().GetResult().GetProperty("items").GetRawText();

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
