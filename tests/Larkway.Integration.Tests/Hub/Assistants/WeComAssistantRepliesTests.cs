using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Larkway.Hub.Assistants.Replies;
using Larkway.Hub.WeCom.Assistant;
using Larkway.Hub.WeCom.AiBot;
using Larkway.Integration.Tests.WeCom.AiBot;
using Larkway.WeCom;
using Larkway.WeCom.AiBot;
using Microsoft.Extensions.Logging.Abstractions;
using Shouldly;
using static Larkway.Integration.Tests.Hub.Assistants.AssistantReplyTargets;
using EmulatorAiBot = Larkway.Emulator.WeCom.AiBot.AiBotOptions;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>
/// The Hub's WeCom AI bot replies against the Emulator's AI bot over the real wire (the bot's long connection held by
/// the test, as the Hub's supervisor holds it): a streamed answer — rewritten midway — ends finished showing exactly the
/// final text; a failure finishes with the notice; a stream a stopped Hub left open is finished with the notice (twice
/// is harmless); an answer over 20,480 bytes arrives whole across the stream and the messages after it; and without the
/// bot's connection on this replica a reply says so before anything is sent.
/// </summary>
public sealed class WeComAssistantRepliesTests(AiBotEmulatorFixture fixture) : IClassFixture<AiBotEmulatorFixture>, IAsyncLifetime
{
    private readonly Channel<WeComAiBotCallback> _messages = Channel.CreateUnbounded<WeComAiBotCallback>();
    private readonly WeComAiBotConnections _connections = new();
    private WeComAiBotClient _client = null!;

    public async Task InitializeAsync()
    {
        _client = new WeComAiBotClient(fixture.Options(), (callback, _) =>
        {
            if (callback.Message is not null)
            {
                _messages.Writer.TryWrite(callback);
            }

            return ValueTask.CompletedTask;
        });
        await _client.StartAsync();
        _connections.Set(EmulatorAiBot.DefaultBotId, _client);
    }

    public async Task DisposeAsync() => await _client.DisposeAsync();

    private readonly RecordingLogger _log = new();

    private WeComAssistantReplies Replies() =>
        new(_connections, (_, _) => throw new InvalidOperationException("no WeCom app in these tests"), TimeProvider.System, _log);

    [Fact]
    public async Task A_streamed_and_rewritten_answer_ends_finished_showing_exactly_the_final_text()
    {
        var (target, reqId) = await AskAsync("alice", "what is the total?");
        var writer = await Replies().OpenAsync(target, CancellationToken.None);

        writer.Show("The total is 4");
        await WaitForReplyAsync("alice", reqId, "The total is 4", "the draft in the stream");
        writer.Show("Correction: the total is 5");
        await WaitForReplyAsync("alice", reqId, "Correction: the total is 5", "the rewrite in the stream");
        await writer.FinishAsync(new AssistantReplyEnd(AssistantReplyEndKind.Answered, "Correction: the total is 5."), CancellationToken.None);

        var reply = (await ReplyAsync("alice", reqId))!;
        reply.Content.ShouldBe("Correction: the total is 5.");
        reply.Finished.ShouldBeTrue();
        reply.StreamId.ShouldBe(writer.Handle);
        reply.FeedbackId.ShouldBe(target.AnswerId);
    }

    [Fact]
    public async Task A_failed_answer_finishes_the_stream_with_what_was_shown_and_the_notice()
    {
        var (target, reqId) = await AskAsync("bob", "summarise the report");
        var writer = await Replies().OpenAsync(target, CancellationToken.None);
        writer.Show("The report says");
        await WaitForReplyAsync("bob", reqId, "The report says", "the text in the stream");

        await writer.FinishAsync(new AssistantReplyEnd(AssistantReplyEndKind.Failed, "The report says", "The assistant's backend failed (HTTP 503)."), CancellationToken.None);

        var reply = (await ReplyAsync("bob", reqId))!;
        reply.Content.ShouldBe("The report says\n\nThe assistant's backend failed (HTTP 503).");
        reply.Finished.ShouldBeTrue();
    }

    [Fact]
    public async Task A_stream_a_stopped_Hub_left_open_is_finished_with_the_notice_and_closing_again_changes_nothing()
    {
        var (target, reqId) = await AskAsync("carol", "tell me everything");
        var writer = await Replies().OpenAsync(target, CancellationToken.None);
        writer.Show("Everything begins");
        await WaitForReplyAsync("carol", reqId, "Everything begins", "the text in the stream");

        // The Hub stops (the writer is never finished); the next one closes the stream from the stored handle, twice.
        await Replies().CloseInterruptedAsync(target, writer.Handle, "Everything begins", CancellationToken.None);
        await Replies().CloseInterruptedAsync(target, writer.Handle, "Everything begins", CancellationToken.None);

        var bot = await BotMessagesAsync("carol");
        bot.Count.ShouldBe(1, "one reply, finished in place, and no notice sent twice");
        bot[0].Content.ShouldBe("Everything begins\n\n" + AssistantReplyTexts.Interrupted);
        bot[0].Finished.ShouldBeTrue();
    }

    [Fact]
    public async Task An_answer_over_20480_bytes_arrives_whole_across_the_stream_and_the_messages_after_it()
    {
        var (target, reqId) = await AskAsync("dave", "write the long version");
        var writer = await Replies().OpenAsync(target, CancellationToken.None);
        var answer = LongAnswer();
        Encoding.UTF8.GetByteCount(answer).ShouldBeGreaterThan(2 * WeComAiBotReply.MaxContentBytes);

        writer.Show(answer[..(answer.Length / 3)]);
        await WaitForReplyAsync("dave", reqId, answer[..(answer.Length / 3)], "the first third in the stream");
        writer.Show(answer[..(answer.Length * 2 / 3)]);
        writer.Show(answer);
        await writer.FinishAsync(new AssistantReplyEnd(AssistantReplyEndKind.Answered, answer), CancellationToken.None);

        // The answer, then the card to ask again (the stream's like / dislike is WeCom's own).
        (await BotMessagesAsync("dave", cards: true)).Last().MsgType.ShouldBe("template_card");
        var bot = await BotMessagesAsync("dave");
        bot[0].StreamId.ShouldBe(writer.Handle);
        bot[0].Finished.ShouldBeTrue();
        bot[0].Content!.ShouldEndWith("\n\n" + AssistantReplyTexts.Continued);
        bot.Skip(1).ShouldAllBe(m => m.MsgType == "markdown");
        bot.Count.ShouldBeGreaterThanOrEqualTo(3);
        bot.ShouldAllBe(m => Encoding.UTF8.GetByteCount(m.Content!) <= WeComAiBotReply.MaxContentBytes);
        var joined = bot[0].Content![..^("\n\n" + AssistantReplyTexts.Continued).Length] + string.Concat(bot.Skip(1).Select(m => m.Content));
        joined.ShouldBe(answer);
    }

    [Fact]
    public async Task An_answer_still_running_at_the_end_of_WeComs_window_ends_the_stream_and_continues_whole_in_messages()
    {
        var (asked, reqId) = await AskAsync("alice", "a slow question");

        // The message came 5 min 45 s ago (as the router's reply context says): past the 5½-minute cutoff at once.
        var receivedAt = DateTimeOffset.UtcNow.AddSeconds(-345).ToUnixTimeMilliseconds();
        var target = asked with { ReplyContext = JsonSerializer.Serialize(new { req_id = reqId, bot_id = EmulatorAiBot.DefaultBotId, received_at = receivedAt }) };
        var writer = await Replies().OpenAsync(target, CancellationToken.None);
        writer.Show("First line.\n\n");
        await WaitUntilAsync(async () => (await ReplyAsync("alice", reqId))?.Finished == true, "the stream ended at the cutoff");
        writer.Show("First line.\n\nSecond line.");
        await writer.FinishAsync(new AssistantReplyEnd(AssistantReplyEndKind.Answered, "First line.\n\nSecond line, and the end."), CancellationToken.None);

        var bot = await BotMessagesAsync("alice");
        var stream = bot.Single(m => m.ReqId == reqId);
        stream.Finished.ShouldBeTrue();
        stream.Content!.ShouldEndWith(AssistantReplyTexts.Continued);
        var shown = stream.Content![..^AssistantReplyTexts.Continued.Length];
        shown = shown.EndsWith("\n\n", StringComparison.Ordinal) && shown.Length > 2 ? shown[..^2] : shown;
        var after = bot.SkipWhile(m => m.ReqId != reqId).Skip(1).ToList();
        after.ShouldAllBe(m => m.MsgType == "markdown");
        (shown + string.Concat(after.Select(m => m.Content))).ShouldBe("First line.\n\nSecond line, and the end.");
    }

    [Fact]
    public async Task To_a_WeCom_app_message_the_answer_comes_as_markdown_to_the_member_with_no_thinking_text_left_above_it_and_the_feedback_card_after_it()
    {
        using var app = new WeComClient(new WeComAppOptions
        {
            CorpId = Larkway.Emulator.Hosting.EmulatorOptions.DefaultWeComCorpId,
            CorpSecret = Larkway.Emulator.Hosting.EmulatorOptions.DefaultWeComAppSecret,
            AgentId = 1000002,
            ApiBaseUrl = WeComBaseUrls.Emulator(fixture.Emulator.BaseUrl),
        });
        var replies = new WeComAssistantReplies(_connections, (_, _) => ValueTask.FromResult(app), TimeProvider.System, NullLogger.Instance);
        var target = For(Assistant(), "wc-app", "carol", "direct", "carol", null);

        using var control = new HttpClient { BaseAddress = fixture.Emulator.BaseUrl };
        var before = (await control.GetFromJsonAsync<JsonElement>("/_emulator/wecom/users/carol/messages")).GetProperty("items").GetArrayLength();
        var writer = await replies.OpenAsync(target, CancellationToken.None);

        // WeCom cannot edit an app message: nothing is sent before the answer, so no "thinking" text stays above it.
        (await control.GetFromJsonAsync<JsonElement>("/_emulator/wecom/users/carol/messages")).GetProperty("items").GetArrayLength().ShouldBe(before);
        writer.Show("**Leave** policy");
        await writer.FinishAsync(new AssistantReplyEnd(AssistantReplyEndKind.Stopped, "**Leave** policy: 15 days"), CancellationToken.None);

        var page = await control.GetFromJsonAsync<JsonElement>("/_emulator/wecom/users/carol/messages");
        var sent = page.GetProperty("items").EnumerateArray().Skip(before).ToList();
        // The answer, then the card to vote on it or ask again (an app's markdown carries no buttons).
        sent.Select(m => m.GetProperty("msgtype").GetString()).ShouldBe(["markdown", "template_card"]);
        ContentOf(sent[0]).ShouldBe("**Leave** policy: 15 days\n\n" + AssistantReplyTexts.Stopped);
        writer.Updates.ShouldBe(2);
        writer.Handle.ShouldStartWith(WeComAssistantReplies.TextHandlePrefix);
    }

    [Fact]
    public async Task Without_the_bots_connection_on_this_replica_a_reply_is_refused_before_anything_is_sent()
    {
        var replies = new WeComAssistantReplies(new WeComAiBotConnections(), (_, _) => throw new InvalidOperationException("no app"), TimeProvider.System, NullLogger.Instance);
        var target = For(Assistant(), "wc-aibot", "alice", "direct", "alice", JsonSerializer.Serialize(new { req_id = "req-elsewhere", bot_id = EmulatorAiBot.DefaultBotId }));

        var open = await Should.ThrowAsync<AssistantReplyUnavailableException>(() => replies.OpenAsync(target, CancellationToken.None));
        var text = await Should.ThrowAsync<AssistantReplyUnavailableException>(() => replies.SendTextAsync(target, "hello", "k-1", CancellationToken.None));

        open.Message.ShouldContain("not held on this replica");
        text.ShouldBeAssignableTo<InvalidOperationException>();

        // Held here but not connected (reconnecting): the same, so that the turn waits for the connection.
        await using var idle = new WeComAiBotClient(fixture.Options(), (_, _) => ValueTask.CompletedTask);
        var reconnecting = new WeComAiBotConnections();
        reconnecting.Set(EmulatorAiBot.DefaultBotId, idle);
        var held = new WeComAssistantReplies(reconnecting, (_, _) => throw new InvalidOperationException("no app"), TimeProvider.System, NullLogger.Instance);
        (await Should.ThrowAsync<AssistantReplyUnavailableException>(() => held.OpenAsync(target, CancellationToken.None))).Message.ShouldContain("reconnecting");
    }

    /// <summary>A user asks the bot; returns the turn's target (the reply context as the router fills it) and the message's req_id.</summary>
    private async Task<(AssistantReplyTarget Target, string ReqId)> AskAsync(string user, string text)
    {
        await fixture.Control.MessageAsync(text, user);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        WeComAiBotCallback callback;
        do
        {
            callback = await _messages.Reader.ReadAsync(timeout.Token);
        }
        while (callback.Message!.From?.UserId != user);

        var context = JsonSerializer.Serialize(new { req_id = callback.ReqId, bot_id = EmulatorAiBot.DefaultBotId });
        return (For(Assistant(), "wc-aibot", callback.Message.ConversationId, "direct", user, context), callback.ReqId);
    }

    /// <summary>The bot's messages to <paramref name="user"/>: the answer's, without the Regenerate card after it unless <paramref name="cards"/>.</summary>
    private async Task<List<BotMessage>> BotMessagesAsync(string user, bool cards = false)
    {
        var page = await fixture.Control.ConversationMessagesAsync($"{EmulatorAiBot.DefaultBotId}/single/{user}");
        return [.. page.GetProperty("items").EnumerateArray()
            .Where(m => m.GetProperty("from").GetString() == "bot" && (cards || m.GetProperty("msg_type").GetString() != "template_card"))
            .Select(m => new BotMessage(
                m.GetProperty("msg_type").GetString()!,
                m.TryGetProperty("content", out var c) ? c.GetString() : null,
                m.TryGetProperty("stream_id", out var s) ? s.GetString() : null,
                m.TryGetProperty("finished", out var f) && f.GetBoolean(),
                m.TryGetProperty("feedback_id", out var b) ? b.GetString() : null,
                m.TryGetProperty("req_id", out var r) ? r.GetString() : null))];
    }

    private async Task<BotMessage?> ReplyAsync(string user, string reqId) => (await BotMessagesAsync(user)).FirstOrDefault(m => m.ReqId == reqId);

    /// <summary>Waits for the reply to show <paramref name="content"/>; a timeout says what it showed and what the replies logged.</summary>
    private async Task WaitForReplyAsync(string user, string reqId, string content, string what)
    {
        try
        {
            await WaitUntilAsync(async () => (await ReplyAsync(user, reqId))?.Content == content, what);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; the bot's messages: {string.Join(" | ", await BotMessagesAsync(user))}; logs: {string.Join(" | ", _log.Lines)}", ex);
        }
    }

    /// <summary>The replies' log lines (event ids and messages, which hold no user text), for a failure to show.</summary>
    private sealed class RecordingLogger : Microsoft.Extensions.Logging.ILogger
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

        public IReadOnlyList<string> Lines => [.. _lines];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _lines.Enqueue($"{eventId.Id} {formatter(state, exception)} {exception?.Message}");
    }

    /// <summary>About 60 KB of paragraphs mixing Chinese (3 bytes a character) and ASCII, as a long answer reads.</summary>
    private static string LongAnswer()
    {
        var text = new StringBuilder();
        for (var i = 1; text.Length < 36_000; i++)
        {
            text.Append("## 第").Append(i).Append("节 Section ").Append(i).Append("\n\n")
                .Append("企业助手在三个平台上流式回答问题，内容完整，不丢字。").Append("The assistant streams its answer; nothing is lost. ")
                .Append(string.Join(' ', Enumerable.Range(i, 12).Select(n => "item-" + n))).Append("\n\n");
        }

        return text.ToString().TrimEnd();
    }

    private static string ContentOf(JsonElement message)
    {
        var content = message.GetProperty("content");
        return content.ValueKind == JsonValueKind.Object && content.TryGetProperty("content", out var text) ? text.GetString()!
            : content.ValueKind == JsonValueKind.String ? content.GetString()! : content.GetRawText();
    }

    private sealed record BotMessage(string MsgType, string? Content, string? StreamId, bool Finished, string? FeedbackId, string? ReqId);
}
