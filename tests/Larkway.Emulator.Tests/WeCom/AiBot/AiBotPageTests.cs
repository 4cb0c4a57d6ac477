using System.Net;
using System.Text.Json.Nodes;
using Larkway.Emulator.Tests.Infrastructure;
using Larkway.Emulator.WeCom.AiBot;
using static Larkway.Emulator.Tests.WeCom.AiBot.AiBotTestHelpers;

namespace Larkway.Emulator.Tests.WeCom.AiBot;

/// <summary>The AI bot's conversations on the WeCom page, as the member sees them.</summary>
public sealed class AiBotPageTests
{
    private static readonly string Chat = AiBotPages.ChatPath(AiBotOptions.DefaultBotId, "single", "alice");

    [Fact]
    public async Task The_page_shows_a_stream_as_it_grows_with_think_as_reasoning_and_markdown_rendered()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var client = await AiBotTestClient.SubscribedAsync(emulator);

        var page = await emulator.Http.GetStringAsync(new Uri(Chat, UriKind.Relative));
        Assert.Contains("Alice", page, StringComparison.Ordinal);
        var entered = await client.NextPushAsync(AiBotCmd.EventCallback);
        Assert.Equal("enter_chat", (string?)entered["body"]!["event"]!["eventtype"]);

        using var say = new FormUrlEncodedContent(new Dictionary<string, string> { ["text"] = "explain" });
        using var said = await emulator.Http.PostAsync(new Uri(Chat + "/say", UriKind.Relative), say);
        var reqId = AiBotTestClient.ReqId(await client.NextPushAsync(AiBotCmd.MsgCallback));
        await client.ReplyAsync(reqId, Stream("s", "<think>weighing it", finish: false));

        var growing = await emulator.Http.GetStringAsync(new Uri(Chat + "/timeline", UriKind.Relative));
        Assert.Contains("Thinking…", growing, StringComparison.Ordinal);
        Assert.Contains("typing…", growing, StringComparison.Ordinal);

        await client.ReplyAsync(reqId, Stream("s", "<think>weighing it</think>It is **simple**.", finish: true, feedbackId: "fb-page"));
        var done = await emulator.Http.GetStringAsync(new Uri(Chat + "/timeline", UriKind.Relative));
        Assert.Contains("Reasoning", done, StringComparison.Ordinal);
        Assert.Contains("weighing it", done, StringComparison.Ordinal);
        Assert.Contains("<strong>simple</strong>", done, StringComparison.Ordinal);
        Assert.DoesNotContain("typing…", done, StringComparison.Ordinal);
        Assert.Contains("/feedback", done, StringComparison.Ordinal);
        Assert.Contains("delivered to the bot's long connection", done, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cards_button_on_the_page_raises_template_card_event_and_feedback_raises_feedback_event()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var client = await AiBotTestClient.SubscribedAsync(emulator);
        await emulator.UserSaysAsync("approve?");
        var reqId = AiBotTestClient.ReqId(await client.NextPushAsync(AiBotCmd.MsgCallback));
        var card = new JsonObject
        {
            ["card_type"] = "button_interaction",
            ["main_title"] = new JsonObject { ["title"] = "Purchase #7" },
            ["task_id"] = "page-task",
            ["button_list"] = new JsonArray(new JsonObject { ["text"] = "Approve", ["key"] = "yes" }),
            ["feedback"] = new JsonObject { ["id"] = "fb-card" },
        };
        await client.ReplyAsync(reqId, new JsonObject { ["msgtype"] = "template_card", ["template_card"] = card });
        var cardMessage = emulator.Messages().Single(m => m.MsgType == "template_card");

        var html = await emulator.Http.GetStringAsync(new Uri(Chat + "/timeline", UriKind.Relative));
        Assert.Contains("Purchase #7", html, StringComparison.Ordinal);
        Assert.Contains("value=\"yes\"", html, StringComparison.Ordinal);

        using var click = new FormUrlEncodedContent(new Dictionary<string, string> { ["user"] = "alice", ["key"] = "yes", ["back"] = Chat });
        using var clicked = await emulator.Http.PostAsync(new Uri($"{AiBotPages.Prefix}/messages/{cardMessage.Id}/click", UriKind.Relative), click);
        Assert.NotEqual(HttpStatusCode.NotFound, clicked.StatusCode);
        var evt = await client.NextAsync(f => (string?)f["body"]?["event"]?["eventtype"] == "template_card_event");
        Assert.Equal("yes", (string?)evt["body"]!["event"]!["template_card_event"]!["event_key"]);

        using var rate = new FormUrlEncodedContent(new Dictionary<string, string> { ["user"] = "alice", ["type"] = "2", ["back"] = Chat });
        using var rated = await emulator.Http.PostAsync(new Uri($"{AiBotPages.Prefix}/messages/{cardMessage.Id}/feedback", UriKind.Relative), rate);
        var feedback = await client.NextAsync(f => (string?)f["body"]?["event"]?["eventtype"] == "feedback_event");
        Assert.Equal("fb-card", (string?)feedback["body"]!["event"]!["feedback_event"]!["id"]);
        Assert.Contains("Marked not helpful", await emulator.Http.GetStringAsync(new Uri(Chat + "/timeline", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_wecom_page_lists_the_ai_bots_conversations_in_its_sidebar()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var page = await emulator.Http.GetStringAsync(new Uri("/wecom-chat", UriKind.Relative));

        Assert.Contains("AI bot", page, StringComparison.Ordinal);
        Assert.Contains(Chat, page, StringComparison.Ordinal);
        Assert.Contains(AiBotPages.ChatPath(AiBotOptions.DefaultBotId, "group", AiBotDirectory.DefaultGroupChatId), page, StringComparison.Ordinal);
    }
}
