using System.Net;
using System.Text.Json;
using Larkway.Feishu;
using Larkway.Feishu.Im;
using Larkway.Integration.Tests.Infrastructure;
using static Larkway.Integration.Tests.Messages.MessageLifecycleTests;

namespace Larkway.Integration.Tests.Faults;

/// <summary>
/// Injected gateway faults on message sends: nothing lost, nothing sent twice. Each test uses a chat
/// of its own and starts with no faults armed.
/// </summary>
public sealed class FaultTests(ClientFixture fx) : IClassFixture<ClientFixture>, IAsyncLifetime
{
    private const string Send = "POST /open-apis/im/v1/messages";
    private const string SendPath = "/open-apis/im/v1/messages";

    public Task InitializeAsync() => fx.Control.ClearFaultsAsync();

    public Task DisposeAsync() => fx.Control.ClearFaultsAsync();

    private async Task<string> NewChatAsync() =>
        (await fx.Client.Im.Chats.CreateAsync(new CreateChatRequest { Name = "faults " + Guid.NewGuid().ToString("N")[..6], UserIdList = [fx.Alice.OpenId] })).ChatId;

    /// <summary>The send attempts that went to <paramref name="chatId"/>, grouped by the uuid they carried.</summary>
    private Dictionary<string, List<RecordedCall>> AttemptsByUuid(string chatId) =>
        fx.Recorder.To("POST", SendPath)
            .Select(c => (Call: c, Body: JsonDocument.Parse(c.Body!).RootElement))
            .Where(x => x.Body.GetProperty("receive_id").GetString() == chatId)
            .GroupBy(x => x.Body.GetProperty("uuid").GetString()!)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Call).ToList());

    [Fact]
    public async Task A_429_storm_is_retried_after_the_reset_and_every_message_lands_exactly_once()
    {
        var chatId = await NewChatAsync();
        await fx.Control.ArmFaultAsync(Send, "rate_limit", count: 2, resetSeconds: 1);
        await fx.Control.ArmFaultAsync(Send, "rate_limit", count: 1, resetSeconds: 1);

        var sent = new List<SentMessage>();
        for (var i = 0; i < 3; i++)
        {
            sent.Add(await fx.Client.Im.Messages.SendAsync(ReceiveId.Chat(chatId), MessageContent.Text($"storm {i}")));
        }

        Assert.Equal(0, await fx.Control.RemainingFaultsAsync());
        Assert.Equal(sent.Select(m => m.MessageId), fx.State.MessagesIn(chatId).Select(m => m.MessageId));
        var attempts = AttemptsByUuid(chatId);
        Assert.Equal(3, attempts.Count);
        Assert.Equal(6, attempts.Values.Sum(a => a.Count));
        Assert.Equal(3, attempts.Values.SelectMany(a => a).Count(c => c.Status == HttpStatusCode.TooManyRequests && c.Code == FeishuErrorCodes.RateLimited));
        Assert.All(sent, m => Assert.Equal(HttpStatusCode.OK, attempts[m.Uuid][^1].Status));
    }

    [Fact]
    public async Task A_storm_longer_than_the_retries_fails_with_the_rate_limit_and_sends_nothing()
    {
        var chatId = await NewChatAsync();
        await fx.Control.ArmFaultAsync(Send, "rate_limit", count: 4, resetSeconds: 1);

        var error = await Assert.ThrowsAsync<FeishuApiException>(() => fx.Client.Im.Messages.SendAsync(ReceiveId.Chat(chatId), MessageContent.Text("never")));

        Assert.Equal(FeishuErrorCodes.RateLimited, error.Code);
        Assert.Equal(HttpStatusCode.TooManyRequests, error.HttpStatus);
        Assert.Equal(TimeSpan.FromSeconds(1), error.RetryAfter);
        Assert.True(error.IsTransient);
        Assert.Equal(4, Assert.Single(AttemptsByUuid(chatId)).Value.Count);
        Assert.Empty(fx.State.MessagesIn(chatId));
    }

    [Fact]
    public async Task A_reset_longer_than_the_client_will_wait_fails_at_once_with_retry_after()
    {
        var chatId = await NewChatAsync();
        await fx.Control.ArmFaultAsync(Send, "rate_limit", count: 1, resetSeconds: 120);

        var error = await Assert.ThrowsAsync<FeishuApiException>(() => fx.Client.Im.Messages.SendAsync(ReceiveId.Chat(chatId), MessageContent.Text("later")));

        Assert.Equal(FeishuErrorCodes.RateLimited, error.Code);
        Assert.Equal(TimeSpan.FromSeconds(120), error.RetryAfter);
        Assert.Single(Assert.Single(AttemptsByUuid(chatId)).Value);
        Assert.Empty(fx.State.MessagesIn(chatId));
    }

    [Fact]
    public async Task Server_errors_are_retried_with_the_same_uuid_and_the_message_lands_once()
    {
        var chatId = await NewChatAsync();
        await fx.Control.ArmFaultAsync(Send, "server_error", count: 2);

        var sent = await fx.Client.Im.Messages.SendAsync(ReceiveId.Chat(chatId), MessageContent.Text("after two 500s"));

        var attempts = Assert.Single(AttemptsByUuid(chatId));
        Assert.Equal(sent.Uuid, attempts.Key);
        Assert.Equal([HttpStatusCode.InternalServerError, HttpStatusCode.InternalServerError, HttpStatusCode.OK], attempts.Value.Select(c => c.Status));
        Assert.Equal(sent.MessageId, Assert.Single(fx.State.MessagesIn(chatId)).MessageId);
    }

    [Fact]
    public async Task An_invalid_token_answer_refetches_the_token_and_retries_once()
    {
        var chatId = await NewChatAsync();
        var tokensBefore = fx.Recorder.TokenRequests;
        await fx.Control.ArmFaultAsync(Send, "invalid_token");

        var sent = await fx.Client.Im.Messages.SendAsync(ReceiveId.Chat(chatId), MessageContent.Text("after a token refresh"));

        Assert.Equal(tokensBefore + 1, fx.Recorder.TokenRequests);
        var attempts = Assert.Single(AttemptsByUuid(chatId)).Value;
        Assert.Equal(2, attempts.Count);
        Assert.Equal(FeishuErrorCodes.TenantAccessTokenInvalid, attempts[0].Code);
        Assert.Equal(0, attempts[1].Code);
        Assert.Equal(sent.MessageId, Assert.Single(fx.State.MessagesIn(chatId)).MessageId);
    }

    [Fact]
    public async Task A_delay_longer_than_the_timeout_never_produces_a_duplicate()
    {
        var chatId = await NewChatAsync();
        using var recorder = new RecordingHandler();
        using var client = fx.CreateClient(recorder, o => o.Timeout = TimeSpan.FromSeconds(1));
        await fx.Control.ArmFaultAsync(Send, "delay", count: 1, delayMs: 2500);

        var outcome = await Record.ExceptionAsync(() => client.Im.Messages.SendAsync(ReceiveId.Chat(chatId), MessageContent.Text("slow"), uuid: "it-delay-" + Guid.NewGuid().ToString("N")[..12]));

        Assert.True(outcome is null or FeishuApiException { Code: FeishuErrorCodes.Timeout }, outcome?.ToString());
        Assert.True(recorder.To("POST", SendPath).Count >= 2, "the timed-out attempt was not retried");

        // Let the delayed first attempt finish (or be dropped) on the Emulator before counting.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var stored = fx.State.MessagesIn(chatId);
        Assert.Equal(outcome is null ? 1 : stored.Count, stored.Count);
        Assert.InRange(stored.Count, 0, 1);
    }

    [Fact]
    public async Task A_burst_larger_than_the_per_chat_limit_is_queued_and_every_message_lands_once()
    {
        var chatId = await NewChatAsync();
        using var recorder = new RecordingHandler();
        using var client = fx.CreateClient(recorder);

        var sends = Enumerable.Range(0, 12).Select(i => client.Im.Messages.SendAsync(ReceiveId.Chat(chatId), MessageContent.Text($"burst {i}")));
        var sent = await Task.WhenAll(sends);

        Assert.Equal(12, sent.Select(m => m.MessageId).Distinct().Count());
        Assert.Equal(sent.Select(m => m.MessageId).Order(StringComparer.Ordinal), fx.State.MessagesIn(chatId).Select(m => m.MessageId).Order(StringComparer.Ordinal));
        Assert.Equal(12, fx.State.MessagesIn(chatId).Select(m => ((JsonElement)JsonDocument.Parse(m.Content).RootElement).GetProperty("text").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task A_burst_larger_than_the_per_chat_limit_is_paced_so_the_platform_refuses_none()
    {
        var chatId = await NewChatAsync();
        using var recorder = new RecordingHandler();
        using var client = fx.CreateClient(recorder);
        await client.Im.ChatMembers.IsInChatAsync(chatId);

        // Start just after a wall-clock second begins (the Emulator's windows are aligned to whole
        // seconds), so that the outcome does not depend on where in a second the burst happens to fall.
        await StartOfNextSecondAsync();
        await Task.WhenAll(Enumerable.Range(0, 12).Select(i => client.Im.Messages.SendAsync(ReceiveId.Chat(chatId), MessageContent.Text($"paced {i}"))));

        var attempts = recorder.To("POST", SendPath);
        var refused = attempts.Count(c => c.Code is FeishuErrorCodes.ImRateLimited or FeishuErrorCodes.RateLimited);
        var timeline = string.Join(", ", attempts.Select(c => $"{c.SentAt:ss.fff}{(c.Code == 0 ? "" : "!" + c.Code)}"));
        Assert.True(refused == 0, $"the client's limiter let through more than 5 sends/s to one chat: the Emulator refused {refused} attempt(s). Attempts (second.ms sent, !code if refused): {timeline}");
        Assert.Equal(12, recorder.To("POST", SendPath).Count);
    }

    [Fact]
    public async Task A_server_error_on_a_page_fetch_is_retried_and_paging_continues_without_duplicates()
    {
        var chatId = await NewChatAsync();
        var sent = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            sent.Add((await fx.Client.Im.Messages.SendAsync(ReceiveId.Chat(chatId), MessageContent.Text($"page {i}"))).MessageId);
        }

        await fx.Control.ArmFaultAsync("GET /open-apis/im/v1/messages", "server_error");
        var listed = await ToListAsync(fx.Client.Im.Messages.ListAsync(chatId, pageSize: 2));

        Assert.Equal(sent, listed.Select(m => m.MessageId));
        Assert.Equal(0, await fx.Control.RemainingFaultsAsync());
    }

    [Fact]
    public async Task Concurrent_sends_with_one_uuid_store_one_message()
    {
        var chatId = await NewChatAsync();
        var uuid = "it-same-" + Guid.NewGuid().ToString("N")[..12];

        var sent = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => fx.Client.Im.Messages.SendAsync(ReceiveId.Chat(chatId), MessageContent.Text("only once"), uuid)));

        Assert.Single(sent.Select(m => m.MessageId).Distinct());
        Assert.Single(fx.State.MessagesIn(chatId));
    }

    [Fact]
    public async Task A_burst_of_replies_with_their_chat_given_is_paced_by_the_chats_limit()
    {
        var chatId = await NewChatAsync();
        var parents = await SendParentsAsync(fx.Client, chatId);

        // A client that has never seen the parents (as when replying to incoming events) told their chat.
        using var recorder = new RecordingHandler();
        using var client = fx.CreateClient(recorder);
        await client.Im.ChatMembers.IsInChatAsync(chatId);
        await FreshSecondAsync();
        var replies = await Task.WhenAll(parents.Select(p => client.Im.Messages.ReplyAsync(p, MessageContent.Text("ack"), chatId: chatId)));

        AssertRepliesPaced(recorder, replies, chatId);
    }

    [Fact]
    public async Task A_burst_of_replies_to_messages_the_client_sent_is_paced_by_their_chats_limit()
    {
        var chatId = await NewChatAsync();
        using var recorder = new RecordingHandler();
        using var client = fx.CreateClient(recorder);
        var parents = await SendParentsAsync(client, chatId);

        await FreshSecondAsync();
        var replies = await Task.WhenAll(parents.Select(p => client.Im.Messages.ReplyAsync(p, MessageContent.Text("ack"))));

        AssertRepliesPaced(recorder, replies, chatId);
    }

    private static async Task<List<string>> SendParentsAsync(FeishuClient client, string chatId)
    {
        var parents = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            parents.Add((await client.Im.Messages.SendAsync(ReceiveId.Chat(chatId), MessageContent.Text($"parent {i}"))).MessageId);
        }

        return parents;
    }

    // A fresh window of the chat's limit, just after a wall-clock second begins.
    private static async Task FreshSecondAsync()
    {
        await Task.Delay(TimeSpan.FromSeconds(1));
        await StartOfNextSecondAsync();
    }

    private void AssertRepliesPaced(RecordingHandler recorder, SentMessage[] replies, string chatId)
    {
        Assert.Equal(8, replies.Select(r => r.MessageId).Distinct().Count());
        Assert.Equal(16, fx.State.MessagesIn(chatId).Count);
        var attempts = recorder.Calls.Where(c => c.Path.EndsWith("/reply", StringComparison.Ordinal)).ToList();
        var refused = attempts.Count(c => c.Code is FeishuErrorCodes.ImRateLimited);
        var timeline = string.Join(", ", attempts.Select(c => $"{c.SentAt:ss.fff}{(c.Code == 0 ? "" : "!" + c.Code)}"));
        Assert.True(refused == 0, $"replies to one chat were not held to its 5/s limit: the Emulator refused {refused} attempt(s). Attempts (second.ms sent, !code if refused): {timeline}");
    }

    [Fact]
    public async Task A_delay_longer_than_the_timeout_without_retries_fails_with_the_timeout_code()
    {
        var chatId = await NewChatAsync();
        using var recorder = new RecordingHandler();
        using var client = fx.CreateClient(recorder, o =>
        {
            o.Timeout = TimeSpan.FromMilliseconds(500);
            o.Retry.MaxRetries = 0;
        });
        await fx.Control.ArmFaultAsync("GET /open-apis/im/v1/chats/{chat_id}", "delay", count: 1, delayMs: 2000);

        var error = await Assert.ThrowsAsync<FeishuApiException>(() => client.Im.Chats.GetAsync(chatId));

        Assert.Equal(FeishuErrorCodes.Timeout, error.Code);
        Assert.True(error.IsTransient);
        Assert.Single(recorder.To("GET", $"/open-apis/im/v1/chats/{chatId}"));
    }

    /// <summary>Waits (real time) until just after the next whole second; never asserts on time.</summary>
    private static async Task StartOfNextSecondAsync()
    {
        var now = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromMilliseconds(1000 - now.Millisecond + 10));
    }
}
