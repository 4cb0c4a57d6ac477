using System.Net.Http.Json;
using System.Text.Json;
using Larkway.DingTalk;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Assistants.Replies;
using Larkway.Hub.DingTalk.Assistant;
using Microsoft.Extensions.Logging.Abstractions;
using Shouldly;
using static Larkway.Integration.Tests.Hub.Assistants.AssistantReplyTargets;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>One Emulator and one DingTalk client for the DingTalk reply tests.</summary>
public sealed class DingTalkRepliesFixture : IAsyncLifetime
{
    public EmulatorServer Emulator { get; private set; } = null!;

    public DingTalkClient Client { get; private set; } = null!;

    public HttpClient Control { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        Control = new HttpClient { BaseAddress = new Uri(Emulator.BaseUrl, "/_emulator/dingtalk/") };
        Client = new DingTalkClient(new DingTalkAppOptions
        {
            AppKey = EmulatorOptions.DefaultDingTalkAppKey,
            AppSecret = EmulatorOptions.DefaultDingTalkAppSecret,
            ApiBaseUrl = DingTalkBaseUrls.Emulator(Emulator.BaseUrl),
            OapiBaseUrl = DingTalkBaseUrls.Emulator(Emulator.BaseUrl),
        });
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        Control.Dispose();
        await Emulator.DisposeAsync();
    }
}

/// <summary>
/// The Hub's DingTalk replies against the Emulator's DingTalk over the real wire: an answer streamed into an AI card ends
/// finished showing exactly the final text, a rewritten answer replaces the card's text, a failure ends the card failed
/// with its notice, a card a stopped Hub left open is closed failed (twice is harmless), and without a card template the
/// answer comes as markdown alone (no placeholder DingTalk could not take back) through the session webhook, or the app
/// robot once the webhook has expired.
/// </summary>
public sealed class DingTalkAssistantRepliesTests(DingTalkRepliesFixture fixture) : IClassFixture<DingTalkRepliesFixture>
{
    private DingTalkAssistantReplies Replies() => new((_, _) => ValueTask.FromResult(fixture.Client), TimeProvider.System, NullLogger.Instance);

    [Fact]
    public async Task A_streamed_answer_ends_with_the_card_finished_showing_exactly_the_final_text()
    {
        var target = await DirectTargetAsync("alice", Assistant("tpl-ai-answer"));
        var writer = await Replies().OpenAsync(target, CancellationToken.None);
        (await CardAsync(writer.Handle)).GetProperty("cardParamMap").GetProperty("flowStatus").GetString().ShouldBe("1", "processing until the first text");

        writer.Show("Larkway");
        await WaitUntilAsync(async () => Content(await CardAsync(writer.Handle)) == "Larkway", "the first text on the card");
        writer.Show("Larkway streams");
        await WaitUntilAsync(async () => Content(await CardAsync(writer.Handle)) == "Larkway streams", "the second text on the card");
        writer.Show("Larkway streams answers");
        await writer.FinishAsync(new AssistantReplyEnd(AssistantReplyEndKind.Answered, "Larkway streams answers to DingTalk."), CancellationToken.None);

        var card = await CardAsync(writer.Handle);
        Content(card).ShouldBe("Larkway streams answers to DingTalk.");
        card.GetProperty("cardParamMap").GetProperty("flowStatus").GetString().ShouldBe("3");
        card.GetProperty("status").GetString().ShouldBe("finished");
        var calls = card.GetProperty("stream").EnumerateArray().ToList();
        calls.ShouldAllBe(c => c.GetProperty("isFull").GetBoolean());
        calls[^1].GetProperty("isFinalize").GetBoolean().ShouldBeTrue();
        calls[^1].GetProperty("content").GetString().ShouldBe("Larkway streams answers to DingTalk.");
        writer.Updates.ShouldBeGreaterThanOrEqualTo(3);
    }

    [Fact]
    public async Task A_rewritten_answer_replaces_the_cards_text_and_the_card_ends_with_the_rewrite()
    {
        var target = await DirectTargetAsync("bob", Assistant("tpl-ai-rewrite"));
        var writer = await Replies().OpenAsync(target, CancellationToken.None);

        writer.Show("The total is 4");
        await WaitUntilAsync(async () => Content(await CardAsync(writer.Handle)) == "The total is 4", "the draft on the card");
        writer.Show("Correction: the total is 5");
        await WaitUntilAsync(async () => Content(await CardAsync(writer.Handle)) == "Correction: the total is 5", "the rewrite on the card");
        await writer.FinishAsync(new AssistantReplyEnd(AssistantReplyEndKind.Answered, "Correction: the total is 5."), CancellationToken.None);

        var card = await CardAsync(writer.Handle);
        Content(card).ShouldBe("Correction: the total is 5.");
        card.GetProperty("status").GetString().ShouldBe("finished");
    }

    [Fact]
    public async Task A_failed_answer_ends_the_card_failed_with_what_was_shown_and_the_notice()
    {
        var target = await DirectTargetAsync("carol", Assistant("tpl-ai-fail"));
        var writer = await Replies().OpenAsync(target, CancellationToken.None);
        writer.Show("Half of it");
        await WaitUntilAsync(async () => Content(await CardAsync(writer.Handle)) == "Half of it", "the text on the card");

        await writer.FinishAsync(new AssistantReplyEnd(AssistantReplyEndKind.Failed, "Half of it", "The assistant's backend failed (HTTP 503)."), CancellationToken.None);

        var card = await CardAsync(writer.Handle);
        Content(card).ShouldBe("Half of it\n\nThe assistant's backend failed (HTTP 503).");
        card.GetProperty("cardParamMap").GetProperty("flowStatus").GetString().ShouldBe("5");
        card.GetProperty("status").GetString().ShouldBe("failed");
    }

    [Fact]
    public async Task A_card_a_stopped_Hub_left_open_is_closed_failed_with_the_notice_and_closing_again_changes_nothing()
    {
        var target = await DirectTargetAsync("dave", Assistant("tpl-ai-crash"));
        var writer = await Replies().OpenAsync(target, CancellationToken.None);
        writer.Show("Interrupted hal");
        await WaitUntilAsync(async () => Content(await CardAsync(writer.Handle)) == "Interrupted hal", "the text on the card");

        // The Hub stops here (the writer is never finished); the next one closes the card from the stored handle, twice.
        await Replies().CloseInterruptedAsync(target, writer.Handle, "Interrupted hal", CancellationToken.None);
        await Replies().CloseInterruptedAsync(target, writer.Handle, "Interrupted hal", CancellationToken.None);

        var card = await CardAsync(writer.Handle);
        Content(card).ShouldBe("Interrupted hal\n\n" + AssistantReplyTexts.Interrupted);
        card.GetProperty("cardParamMap").GetProperty("flowStatus").GetString().ShouldBe("5");
        card.GetProperty("status").GetString().ShouldNotBe("streaming");
        card.GetProperty("status").GetString().ShouldNotBe("created");
    }

    [Fact]
    public async Task In_a_group_the_answer_streams_into_a_card_delivered_to_the_group()
    {
        using var created = await fixture.Control.PostAsJsonAsync("groups", new { title = "Assistant trial", members = new[] { "alice", "bob" } });
        var group = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("openConversationId").GetString()!;
        var context = JsonSerializer.Serialize(new { msgId = "msg-group-1", conversationId = group, conversationType = "2", senderStaffId = "bob", msgtype = "text", text = new { content = "@helper hi" } });
        var target = For(Assistant("tpl-ai-group"), "dt", group, "group", "bob", context);

        var writer = await Replies().OpenAsync(target, CancellationToken.None);
        writer.Show("Hello, group");
        await writer.FinishAsync(new AssistantReplyEnd(AssistantReplyEndKind.Answered, "Hello, group."), CancellationToken.None);

        var card = await CardAsync(writer.Handle);
        Content(card).ShouldBe("Hello, group.");
        card.GetProperty("status").GetString().ShouldBe("finished");
        card.GetProperty("deliveries").GetRawText().ShouldContain("IM_GROUP");
    }

    [Fact]
    public async Task A_card_DingTalk_does_not_deliver_is_ended_and_the_answer_comes_as_texts_instead()
    {
        var conversation = "cid-undelivered-" + Guid.NewGuid().ToString("N")[..8];
        var message = await RobotMessageAsync("alice", conversation);

        // The sender is no one DingTalk knows: the card reaches no chat.
        var context = JsonSerializer.Serialize(new
        {
            msgId = message.GetProperty("msgId").GetString(), conversationId = conversation, conversationType = "1", senderStaffId = "ghost-user", msgtype = "text",
            sessionWebhook = message.GetProperty("sessionWebhook").GetString(),
        });
        var writer = await Replies().OpenAsync(For(Assistant("tpl-ai-undelivered"), "dt", conversation, "direct", "ghost-user", context), CancellationToken.None);
        writer.Show("Answer");
        await writer.FinishAsync(new AssistantReplyEnd(AssistantReplyEndKind.Answered, "Answer in markdown."), CancellationToken.None);

        writer.Handle.ShouldStartWith(DingTalkAssistantReplies.TextHandlePrefix);
        var replies = await SessionRepliesAsync(conversation);
        replies.Select(r => r.GetProperty("msgtype").GetString()).ShouldBe(["markdown"]);
        replies[0].GetProperty("markdown").GetProperty("text").GetString().ShouldBe("Answer in markdown.");
    }

    [Fact]
    public async Task Without_a_template_the_answer_alone_comes_as_markdown_with_no_thinking_text_left_above_it_through_the_session_webhook_and_later_through_the_app_robot()
    {
        var conversation = "cid-fallback-" + Guid.NewGuid().ToString("N")[..8];
        var context = await RobotMessageAsync("alice", conversation);
        var target = For(Assistant(), "dt", conversation, "direct", "alice", context.GetRawText());
        var writer = await Replies().OpenAsync(target, CancellationToken.None);
        writer.Handle.ShouldStartWith(DingTalkAssistantReplies.TextHandlePrefix);

        // DingTalk cannot edit a robot's text: nothing is sent before the answer, so no "thinking" text stays above it.
        (await SessionRepliesAsync(conversation)).ShouldBeEmpty();
        writer.Show("**Step 1**");
        await writer.FinishAsync(new AssistantReplyEnd(AssistantReplyEndKind.Answered, "**Step 1**: open the console.\n\n**Step 2**: save."), CancellationToken.None);

        var replies = await SessionRepliesAsync(conversation);
        replies.Select(r => r.GetProperty("msgtype").GetString()).ShouldBe(["markdown"]);
        replies[0].GetProperty("markdown").GetProperty("text").GetString().ShouldBe("**Step 1**: open the console.\n\n**Step 2**: save.");
        writer.Updates.ShouldBe(1);

        // The session webhook has expired: a text goes through the app robot, once per key.
        var expired = JsonSerializer.Serialize(new { msgId = "msg-old", conversationId = conversation, conversationType = "1", senderStaffId = "bob", msgtype = "text", sessionWebhook = context.GetProperty("sessionWebhook").GetString(), sessionWebhookExpiredTime = 1_000L });
        var late = For(Assistant(), "dt", conversation, "direct", "bob", expired);
        var replier = Replies();
        await replier.SendTextAsync(late, "You asked a while ago: here it is.", "late-1", CancellationToken.None);
        await replier.SendTextAsync(late, "You asked a while ago: here it is.", "late-1", CancellationToken.None);
        var bob = Items(await fixture.Control.GetFromJsonAsync<JsonElement>("users/bob/robot-messages"));
        bob.Count(m => m.GetProperty("msgParam").GetProperty("content").GetString() == "You asked a while ago: here it is.").ShouldBe(1);
        (await SessionRepliesAsync(conversation)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_session_webhook_off_the_apps_DingTalk_host_is_never_posted_to_and_the_text_goes_through_the_app_robot()
    {
        await using var listener = await WebhookReceiver.StartAsync();
        var conversation = "cid-foreign-" + Guid.NewGuid().ToString("N")[..8];
        var context = JsonSerializer.Serialize(new
        {
            msgId = "msg-foreign", conversationId = conversation, conversationType = "1", senderStaffId = "bob", msgtype = "text",
            sessionWebhook = listener.Url("/robot/sendBySession?session=forged").ToString(),
        });

        await Replies().SendTextAsync(For(Assistant(), "dt", conversation, "direct", "bob", context), "Sent where DingTalk is.", "foreign-1", CancellationToken.None);

        listener.Received.ShouldBeEmpty();
        var bob = Items(await fixture.Control.GetFromJsonAsync<JsonElement>("users/bob/robot-messages"));
        bob.Count(m => m.GetProperty("msgParam").GetProperty("content").GetString() == "Sent where DingTalk is.").ShouldBe(1);
    }

    private async Task<AssistantReplyTarget> DirectTargetAsync(string user, Larkway.Hub.Assistants.Configuration.AssistantDefinition assistant)
    {
        var conversation = "cid-" + user + "-" + Guid.NewGuid().ToString("N")[..8];
        var context = await RobotMessageAsync(user, conversation);
        return For(assistant, "dt", conversation, "direct", user, context.GetRawText());
    }

    /// <summary>A person writes to the robot; returns the robot message as the Hub would keep it (with its session webhook).</summary>
    private async Task<JsonElement> RobotMessageAsync(string user, string conversation)
    {
        using var response = await fixture.Control.PostAsJsonAsync("stream/robot-messages",
            new { conversationType = "1", senderStaffId = user, senderNick = user, text = "question", conversationId = conversation, appKey = EmulatorOptions.DefaultDingTalkAppKey });
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        response.IsSuccessStatusCode.ShouldBeTrue(answer.ToString());
        return JsonSerializer.SerializeToElement(new
        {
            msgId = answer.GetProperty("msgId").GetString(),
            conversationId = conversation,
            conversationType = "1",
            senderStaffId = user,
            robotCode = EmulatorOptions.DefaultDingTalkAppKey,
            msgtype = "text",
            text = new { content = "question" },
            sessionWebhook = answer.GetProperty("sessionWebhook").GetString(),
        });
    }

    private async Task<JsonElement> CardAsync(string outTrackId) => await fixture.Control.GetFromJsonAsync<JsonElement>("cards/" + Uri.EscapeDataString(outTrackId));

    private static string? Content(JsonElement card) =>
        card.GetProperty("cardParamMap").TryGetProperty("content", out var content) ? content.GetString() : null;

    private async Task<List<JsonElement>> SessionRepliesAsync(string conversation) =>
        [.. Items(await fixture.Control.GetFromJsonAsync<JsonElement>("stream/session-replies"))
            .Where(r => r.GetProperty("conversationId").GetString() == conversation)
            .Select(r => JsonDocument.Parse(r.GetProperty("body").GetString()!).RootElement.Clone())];

    private static List<JsonElement> Items(JsonElement answer) =>
        [.. (answer.ValueKind == JsonValueKind.Array ? answer : answer.GetProperty("items")).EnumerateArray()];
}
