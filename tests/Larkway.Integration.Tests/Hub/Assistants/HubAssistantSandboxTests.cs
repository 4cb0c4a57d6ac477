using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Assistants.Storage;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>
/// The issue's "done when", in the sandbox as <c>scripts/run.sh</c> starts it (no model installed: the Emulator's fake
/// Dify answers): Alice on Feishu, Bob on DingTalk and Carol on WeCom each get an answer; Alice links her DingTalk account
/// with a code sent to her on Feishu and continues the same conversation there; her mobile and ID numbers never reach
/// the backend.
/// </summary>
public sealed partial class HubAssistantSandboxTests
{
    [Fact]
    public async Task Alice_Bob_and_Carol_are_answered_on_their_platforms_and_Alice_continues_her_conversation_on_DingTalk_after_linking()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?>
        {
            ["Larkway:Sandbox:Assistant"] = "true",
            ["Larkway:Sandbox:People"] = "true",
        });
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.SetAiAsync(new { tokens_per_second = 200, answer_words = 20 });
        var alice = await PersonAsync(hub, "alice@example.com");

        // Alice on Feishu, as herself (the directory knows her open_id).
        await hub.SayToBotAsync("My mobile is 13912345678, ID 11010519491231002X: how do I claim travel expenses?");
        var first = (await driver.EndedTurnsAsync(1)).Single();
        first.Status.ShouldBe(AssistantTurnStatus.Answered, first.LastError);
        first.Platform.ShouldBe("feishu");
        first.PersonId.ShouldBe(alice);
        var requests = await driver.AiRequestsAsync();
        requests.ShouldNotContain("13912345678");
        requests.ShouldNotContain("11010519491231002X");

        // Bob on DingTalk (through the robot's Stream connection, once the Hub has opened it), Carol on WeCom (the app's callback).
        await HubSandbox.WaitUntilAsync(() => StreamConnected(hub), "the Hub's DingTalk Stream connection", 60);
        await DingTalkSayAsync(hub, "bob", "cid-bob", "Which VPN client do we use?");
        using (var said = await hub.Control.PostAsJsonAsync("/_emulator/wecom/users/carol/say", new { text = "Where is the sales deck?" }))
        {
            said.EnsureSuccessStatusCode();
        }

        var three = await driver.EndedTurnsAsync(3, 90);
        three.Where(t => t.Platform == "dingtalk").ShouldHaveSingleItem().Status.ShouldBe(AssistantTurnStatus.Answered);
        three.Where(t => t.Platform == "wecom").ShouldHaveSingleItem().Status.ShouldBe(AssistantTurnStatus.Answered);
        await HubSandbox.WaitUntilAsync(() => DingTalkRepliesText(hub, "cid-bob").Contains("You asked: Which VPN client do we use?", StringComparison.Ordinal), "Bob's answer on DingTalk");
        await HubSandbox.WaitUntilAsync(() => WeComMessagesText(hub, "carol").Contains("You asked: Where is the sales deck?", StringComparison.Ordinal), "Carol's answer on WeCom");

        // Alice on DingTalk is a stranger until she links: she asks for a code, which reaches her on Feishu.
        await DingTalkSayAsync(hub, "alice", "cid-alice", "/link alice@example.com");
        string? code = null;
        await HubSandbox.WaitUntilAsync(() => (code = LinkCode(hub)) is not null, "the link code on Alice's Feishu");
        await DingTalkSayAsync(hub, "alice", "cid-alice", "/link " + code);
        await HubSandbox.WaitUntilAsync(() => DingTalkRepliesText(hub, "cid-alice").Contains("Linked:", StringComparison.Ordinal), "the link confirmation");

        // Her next question on DingTalk continues the conversation she started on Feishu.
        await DingTalkSayAsync(hub, "alice", "cid-alice", "And for a train ticket?");
        var turns = await driver.EndedTurnsAsync(4, 60);
        var onDingTalk = turns.Last();
        onDingTalk.Platform.ShouldBe("dingtalk");
        onDingTalk.PersonId.ShouldBe(alice);
        onDingTalk.SessionId.ShouldBe(first.SessionId);
        onDingTalk.Status.ShouldBe(AssistantTurnStatus.Answered, onDingTalk.LastError);
        onDingTalk.BackendConversationId.ShouldBe(first.BackendConversationId);
        await HubSandbox.WaitUntilAsync(() => DingTalkRepliesText(hub, "cid-alice").Contains("(turn 2) You asked: And for a train ticket?", StringComparison.Ordinal), "Alice's second turn on DingTalk");
    }

    [Fact]
    public async Task The_sandboxs_WeCom_AI_bot_is_answered_by_the_assistant_and_help_names_it_on_DingTalk_and_WeCom()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?>
        {
            ["Larkway:Sandbox:Assistant"] = "true",
            ["Larkway:Sandbox:WeComAiBot"] = "true",
        });
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.SetAiAsync(new { tokens_per_second = 200, answer_words = 10 });
        using var aiBot = new Larkway.Integration.Tests.WeCom.AiBot.AiBotControl(hub.Emulator.BaseUrl);
        await HubSandbox.WaitUntilAsync(() => HubWeComAiBot.Duty(hub, Larkway.Hub.Sandbox.SandboxWeComApp.Name)?.IsConnected == true, "the sandbox's AI bot connection", 60);
        await HubSandbox.WaitUntilAsync(() => StreamConnected(hub), "the Hub's DingTalk Stream connection", 60);

        // /help names the assistant and its commands wherever it answers: DingTalk's robot, WeCom's app and its AI bot.
        await DingTalkSayAsync(hub, "bob", "cid-bob-help", "/help");
        using (var said = await hub.Control.PostAsJsonAsync("/_emulator/wecom/users/carol/say", new { text = "/help" }))
        {
            said.EnsureSuccessStatusCode();
        }

        await aiBot.MessageAsync("/help", "dave");
        string[] named = ["Larkway Assistant answers anything else you write here", "\n/new", "\n/stop", "\n/link"];
        await HubSandbox.WaitUntilAsync(() => named.All(DingTalkRepliesText(hub, "cid-bob-help").Contains), "the assistant's commands in DingTalk's /help");
        await HubSandbox.WaitUntilAsync(() => named.All(WeComMessagesText(hub, "carol").Contains), "the assistant's commands in the WeCom app's /help");
        await HubSandbox.WaitUntilAsync(() => HubWeComAiBot.Replies(aiBot, "dave").Any(r => named.All(r.Contains)), "the assistant's commands in the AI bot's /help");

        // A question to the AI bot: the assistant's answer streams in as the bot's reply.
        await aiBot.MessageAsync("Where is the sales deck?", "dave");
        var turn = (await driver.EndedTurnsAsync(1, 60)).Single();
        turn.Status.ShouldBe(AssistantTurnStatus.Answered, turn.LastError);
        turn.Platform.ShouldBe("wecom");
        turn.App.ShouldBe(Larkway.Hub.Sandbox.SandboxWeComApp.Name);
        await HubSandbox.WaitUntilAsync(() => HubWeComAiBot.Replies(aiBot, "dave").Any(r => r.StartsWith("You asked: Where is the sales deck?", StringComparison.Ordinal)), "the answer in Dave's AI bot chat", 30);
    }

    private static async Task<string> PersonAsync(HubSandbox hub, string email)
    {
        var factory = hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>();
        string? id = null;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (id is null)
        {
            await using (var db = await factory.CreateDbContextAsync())
            {
                id = await db.People.Where(p => p.Email == email).Select(p => p.Id).FirstOrDefaultAsync()
                    is { } person && await db.PersonAppIds.AnyAsync(a => a.PersonId == person && a.App == "") ? person : null;
            }

            if (id is null)
            {
                await Task.Delay(100, cts.Token);
            }
        }

        return id;
    }

    private static async Task DingTalkSayAsync(HubSandbox hub, string user, string conversation, string text)
    {
        using var response = await hub.Control.PostAsJsonAsync("/_emulator/dingtalk/stream/robot-messages",
            new { conversationType = "1", senderStaffId = user, senderNick = user, text, conversationId = conversation, appKey = EmulatorOptions.DefaultDingTalkAppKey });
        var answer = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.ShouldBeTrue(answer);
    }

    private static bool StreamConnected(HubSandbox hub)
    {
        var page = hub.Control.GetFromJsonAsync<JsonElement>("/_emulator/dingtalk/stream/connections").GetAwaiter().GetResult();
        var items = page.TryGetProperty("items", out var i) ? i : page.GetProperty("data").GetProperty("items");
        return items.EnumerateArray().Any(c => c.GetProperty("state").GetString() == "open"
            && c.GetProperty("appKey").GetString() == EmulatorOptions.DefaultDingTalkAppKey);
    }

    private static string DingTalkRepliesText(HubSandbox hub, string conversation)
    {
        var page = hub.Control.GetFromJsonAsync<JsonElement>("/_emulator/dingtalk/stream/session-replies").GetAwaiter().GetResult();
        var items = page.TryGetProperty("items", out var i) ? i : page.GetProperty("data").GetProperty("items");
        return string.Join("\n", items.EnumerateArray().Where(r => r.GetProperty("conversationId").GetString() == conversation).Select(r => r.GetRawText()))
            .Replace("\\n", "\n", StringComparison.Ordinal);
    }

    private static string WeComMessagesText(HubSandbox hub, string user)
    {
        var page = hub.Control.GetFromJsonAsync<JsonElement>($"/_emulator/wecom/users/{user}/messages").GetAwaiter().GetResult();
        return page.GetRawText().Replace("\\n", "\n", StringComparison.Ordinal);
    }

    private static string? LinkCode(HubSandbox hub)
    {
        foreach (var chat in hub.State.Chats)
        {
            foreach (var message in hub.State.MessagesIn(chat.ChatId).Where(m => m.Sender.SenderType == "app" && m.MsgType == "text"))
            {
                if (CodeText().Match(message.Content) is { Success: true } match)
                {
                    return match.Groups[1].Value;
                }
            }
        }

        return null;
    }

    [GeneratedRegex(@"link your DingTalk account: (\d{6})")]
    private static partial Regex CodeText();
}
