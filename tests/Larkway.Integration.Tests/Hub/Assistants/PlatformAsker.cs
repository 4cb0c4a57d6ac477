using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Hub.Assistants.Storage;
using Larkway.Integration.Tests.WeCom.AiBot;
using EmulatorAiBot = Larkway.Emulator.WeCom.AiBot.AiBotOptions;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>
/// A person asking the sandbox's assistant on one platform where answers stream — Feishu (a CardKit card), DingTalk (an AI
/// card) or WeCom (the AI bot's stream reply) — and the texts their answer showed on that platform, as the Emulator
/// recorded them.
/// </summary>
internal sealed class PlatformAsker
{
    private const string DingTalkUser = "bob";
    private const string DingTalkConversation = "cid-asker-bob";
    private const string WeComUser = "carol";

    private readonly HubSandbox _hub;
    private readonly string _platform;

    private PlatformAsker(HubSandbox hub, string platform)
    {
        _hub = hub;
        _platform = platform;
    }

    /// <summary>An asker on <paramref name="platform"/>, once the Hub's connection to it is up (DingTalk Stream, the WeCom AI bot).</summary>
    public static async Task<PlatformAsker> ReadyAsync(HubSandbox hub, string platform)
    {
        switch (platform)
        {
            case "feishu":
                break;
            case "dingtalk":
                await HubSandbox.WaitUntilAsync(() => SandboxPlatforms.StreamConnected(hub), "the Hub's DingTalk Stream connection", 60);
                break;
            case "wecom":
                await HubSandbox.WaitUntilAsync(() => HubWeComAiBot.Duty(hub, Larkway.Hub.WeCom.WeComSandbox.Name)?.IsConnected == true, "the Hub's WeCom AI bot connection", 60);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(platform), platform, "feishu, dingtalk or wecom");
        }

        return new PlatformAsker(hub, platform);
    }

    public async Task AskAsync(string text)
    {
        switch (_platform)
        {
            case "feishu":
                await _hub.SayToBotAsync(text);
                break;
            case "dingtalk":
                await SandboxPlatforms.DingTalkSayAsync(_hub, DingTalkUser, DingTalkConversation, text);
                break;
            default:
                using (var control = new AiBotControl(_hub.Emulator.BaseUrl))
                {
                    await control.MessageAsync(text, WeComUser);
                }

                break;
        }
    }

    /// <summary>
    /// How many times the platform showed <paramref name="turn"/>'s answer unfinished: its updates carrying a text that is
    /// not yet the whole answer (the opening "thinking" placeholder and the final text are not counted).
    /// </summary>
    public async Task<int> PartialUpdatesAsync(AssistantTurnRow turn)
    {
        var handle = turn.ReplyHandle ?? throw new InvalidOperationException($"turn {turn.Id} has no reply");
        return _platform switch
        {
            "feishu" => Partial(await FeishuTextsAsync(handle)),
            "dingtalk" => Partial(await DingTalkTextsAsync(handle)),
            _ => await WeComPartialFramesAsync(handle),
        };
    }

    /// <summary>The texts but the last (the whole answer), and none equal to it.</summary>
    private static int Partial(IReadOnlyList<string> texts) =>
        texts.Count == 0 ? 0 : texts.Count(t => t.Length > 0 && !string.Equals(t, texts[^1], StringComparison.Ordinal));

    /// <summary>The texts CardKit received for the card's answer element, one per streamed update, in order.</summary>
    private async Task<IReadOnlyList<string>> FeishuTextsAsync(string cardId)
    {
        var root = Data(await _hub.Control.GetFromJsonAsync<JsonElement>($"/_emulator/cardkit/cards/{cardId}/operations"));
        return [.. root.GetProperty("items").EnumerateArray()
            .Where(o => o.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
            .Select(o => o.GetProperty("text").GetString()!)];
    }

    /// <summary>The contents of the AI card's streaming calls, in order.</summary>
    private async Task<IReadOnlyList<string>> DingTalkTextsAsync(string outTrackId)
    {
        var card = Data(await _hub.Control.GetFromJsonAsync<JsonElement>("/_emulator/dingtalk/cards/" + Uri.EscapeDataString(outTrackId)));
        return [.. card.GetProperty("stream").EnumerateArray().Select(c => c.GetProperty("content").GetString() ?? "")];
    }

    /// <summary>The stream reply's frames but its first (empty: WeCom shows it loading) and its finishing one (the whole answer).</summary>
    private async Task<int> WeComPartialFramesAsync(string streamId)
    {
        using var control = new AiBotControl(_hub.Emulator.BaseUrl);
        var messages = await control.ConversationMessagesAsync($"{EmulatorAiBot.DefaultBotId}/single/{WeComUser}");
        var reply = messages.GetProperty("items").EnumerateArray()
            .Single(m => m.TryGetProperty("stream_id", out var id) && id.GetString() == streamId);
        return reply.GetProperty("frames").GetInt32() - 2;
    }

    private static JsonElement Data(JsonElement root) => root.TryGetProperty("data", out var data) ? data : root;
}
