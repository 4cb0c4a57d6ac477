using System.Net.Http.Json;
using Larkway.Hub.Assistants.Storage;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>
/// The "done when", in the sandbox as <c>scripts/run.sh</c> starts it (no model installed: the Emulator's fake
/// Dify answers): Alice on Feishu, Bob on DingTalk and Carol on WeCom each get an answer; Alice, whom DingTalk's contacts
/// give the email the directory has for her, is answered on DingTalk as herself and continues the same conversation there
/// without linking anything; her mobile and ID numbers never reach the backend.
/// </summary>
public sealed class HubAssistantSandboxTests
{
    [Fact]
    public async Task Alice_Bob_and_Carol_are_answered_on_their_platforms_and_Alice_continues_her_conversation_on_DingTalk_known_by_her_email()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?>
        {
            ["Larkway:Sandbox:Assistant"] = "true",
            ["Larkway:Sandbox:People"] = "true",
        });
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.SetAiAsync(new { tokens_per_second = 200, answer_words = 20 });
        var alice = await SandboxPlatforms.PersonAsync(hub, "alice@example.com");

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
        await HubSandbox.WaitUntilAsync(() => SandboxPlatforms.StreamConnected(hub), "the Hub's DingTalk Stream connection", 60);
        await SandboxPlatforms.DingTalkSayAsync(hub, "bob", "cid-bob", "Which VPN client do we use?");
        await SandboxPlatforms.WeComSayAsync(hub, "carol", "Where is the sales deck?");

        var three = await driver.EndedTurnsAsync(3, 90);
        three.Where(t => t.Platform == "dingtalk").ShouldHaveSingleItem().Status.ShouldBe(AssistantTurnStatus.Answered);
        three.Where(t => t.Platform == "wecom").ShouldHaveSingleItem().Status.ShouldBe(AssistantTurnStatus.Answered);

        // Each platform's ingest hands its inbox event's arrival on with the message, for the assistant's order of questions.
        three.Select(t => t.InboxEventId).ShouldAllBe(id => id != null, "every turn names the inbox event it came from");
        three.Select(t => t.InboxEventId).Distinct().Count().ShouldBe(3);
        await HubSandbox.WaitUntilAsync(() => SandboxPlatforms.DingTalkRepliesText(hub, "cid-bob").Contains("You asked: Which VPN client do we use?", StringComparison.Ordinal), "Bob's answer on DingTalk");
        await HubSandbox.WaitUntilAsync(() => SandboxPlatforms.WeComMessagesText(hub, "carol").Contains("You asked: Where is the sales deck?", StringComparison.Ordinal), "Carol's answer on WeCom");

        // Alice on DingTalk: DingTalk's contacts give her email, which is hers in the directory; no /link needed.
        // Her question on DingTalk continues the conversation she started on Feishu.
        await SandboxPlatforms.DingTalkSayAsync(hub, "alice", "cid-alice", "And for a train ticket?");
        var turns = await driver.EndedTurnsAsync(4, 60);
        var onDingTalk = turns.Last();
        onDingTalk.Platform.ShouldBe("dingtalk");
        onDingTalk.PersonId.ShouldBe(alice);
        onDingTalk.SessionId.ShouldBe(first.SessionId);
        onDingTalk.Status.ShouldBe(AssistantTurnStatus.Answered, onDingTalk.LastError);
        onDingTalk.BackendConversationId.ShouldBe(first.BackendConversationId);
        await HubSandbox.WaitUntilAsync(() => SandboxPlatforms.DingTalkRepliesText(hub, "cid-alice").Contains("(turn 2) You asked: And for a train ticket?", StringComparison.Ordinal), "Alice's second turn on DingTalk");
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
        await HubSandbox.WaitUntilAsync(() => HubWeComAiBot.Duty(hub, Larkway.Hub.WeCom.WeComSandbox.Name)?.IsConnected == true, "the sandbox's AI bot connection", 60);
        await HubSandbox.WaitUntilAsync(() => SandboxPlatforms.StreamConnected(hub), "the Hub's DingTalk Stream connection", 60);

        // /help names the assistant and its commands wherever it answers: DingTalk's robot, WeCom's app and its AI bot.
        await SandboxPlatforms.DingTalkSayAsync(hub, "bob", "cid-bob-help", "/help");
        using (var said = await hub.Control.PostAsJsonAsync("/_emulator/wecom/users/carol/say", new { text = "/help" }))
        {
            said.EnsureSuccessStatusCode();
        }

        await aiBot.MessageAsync("/help", "dave");
        string[] named = ["Larkway Assistant answers anything else you write here", "\n/new", "\n/stop", "\n/link"];
        await HubSandbox.WaitUntilAsync(() => named.All(SandboxPlatforms.DingTalkRepliesText(hub, "cid-bob-help").Contains), "the assistant's commands in DingTalk's /help");
        await HubSandbox.WaitUntilAsync(() => named.All(SandboxPlatforms.WeComMessagesText(hub, "carol").Contains), "the assistant's commands in the WeCom app's /help");
        await HubSandbox.WaitUntilAsync(() => HubWeComAiBot.Replies(aiBot, "dave").Any(r => named.All(r.Contains)), "the assistant's commands in the AI bot's /help");

        // On WeCom it also names the customer-service account whose customers it answers; DingTalk's has none.
        const string customers = "It also answers customers on personal WeChat who write to this app's customer service (微信客服): wkLarkwaySandboxKf000001";
        SandboxPlatforms.WeComMessagesText(hub, "carol").ShouldContain(customers);
        SandboxPlatforms.DingTalkRepliesText(hub, "cid-bob-help").ShouldNotContain("customer service");

        // A question to the AI bot: the assistant's answer streams in as the bot's reply.
        await aiBot.MessageAsync("Where is the sales deck?", "dave");
        var turn = (await driver.EndedTurnsAsync(1, 60)).Single();
        turn.Status.ShouldBe(AssistantTurnStatus.Answered, turn.LastError);
        turn.Platform.ShouldBe("wecom");
        turn.App.ShouldBe(Larkway.Hub.WeCom.WeComSandbox.Name);
        turn.InboxEventId.ShouldNotBeNull("the AI bot's ingest hands its inbox event's arrival on with the message");
        await HubSandbox.WaitUntilAsync(() => HubWeComAiBot.Replies(aiBot, "dave").Any(r => r.StartsWith("You asked: Where is the sales deck?", StringComparison.Ordinal)), "the answer in Dave's AI bot chat", 30);
    }
}
