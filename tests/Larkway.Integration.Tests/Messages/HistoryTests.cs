using Larkway.Emulator.Hosting;
using Larkway.Feishu;
using Larkway.Feishu.Im;
using Larkway.Integration.Tests.Infrastructure;
using static Larkway.Integration.Tests.Messages.MessageLifecycleTests;

namespace Larkway.Integration.Tests.Messages;

/// <summary>Chat history: order, paging (lazy, page by page), time ranges in seconds.</summary>
public sealed class HistoryTests(ClientFixture fx) : IClassFixture<ClientFixture>
{
    private const string HistoryPath = "/open-apis/im/v1/messages";

    private async Task<(string ChatId, List<string> Sent)> ChatWithMessagesAsync(int count)
    {
        var chat = await fx.Client.Im.Chats.CreateAsync(new CreateChatRequest { Name = "history " + Guid.NewGuid().ToString("N")[..6], UserIdList = [fx.Alice.OpenId] });
        var sent = new List<string>();
        for (var i = 0; i < count; i++)
        {
            sent.Add((await fx.Client.Im.Messages.SendAsync(ReceiveId.Chat(chat.ChatId), MessageContent.Text($"m{i}"))).MessageId);
        }

        return (chat.ChatId, sent);
    }

    private int HistoryRequests(string chatId) =>
        fx.Recorder.To("GET", HistoryPath).Count(c => c.Query.Contains(chatId, StringComparison.Ordinal));

    [Fact]
    public async Task Ascending_and_descending_history_return_every_message_once_in_order()
    {
        var (chatId, sent) = await ChatWithMessagesAsync(7);

        var ascending = await ToListAsync(fx.Client.Im.Messages.ListAsync(chatId, pageSize: 3));
        var descending = await ToListAsync(fx.Client.Im.Messages.ListAsync(chatId, sort: MessageSortOrder.Descending, pageSize: 3));

        var expected = sent;
        Assert.Equal(expected, ascending.Select(m => m.MessageId).Where(sent.Contains));
        Assert.Equal(Enumerable.Reverse(expected), descending.Select(m => m.MessageId).Where(sent.Contains));
        Assert.Equal(ascending.Count, ascending.Select(m => m.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task Paging_is_lazy_one_request_per_page_consumed()
    {
        var (chatId, _) = await ChatWithMessagesAsync(7);

        var consumed = 0;
        await foreach (var message in fx.Client.Im.Messages.ListAsync(chatId, pageSize: 3))
        {
            Assert.NotNull(message.MessageId);
            consumed++;
            if (consumed == 2)
            {
                break;
            }
        }

        Assert.Equal(1, HistoryRequests(chatId));

        var all = await ToListAsync(fx.Client.Im.Messages.ListAsync(chatId, pageSize: 3));
        var total = all.Count;
        Assert.True(total >= 7, $"expected at least the 7 sent messages, got {total}");

        // ceil(total / 3) pages for the full walk, plus the one page of the partial walk.
        Assert.Equal(1 + ((total + 2) / 3), HistoryRequests(chatId));
    }

    [Fact]
    public async Task AsPages_returns_whole_pages_and_resumes_from_a_page_token()
    {
        var (chatId, sent) = await ChatWithMessagesAsync(5);
        var pageable = fx.Client.Im.Messages.ListAsync(chatId);

        var pages = await ToListAsync(pageable.AsPages(pageSize: 2));

        Assert.True(pages.Count >= 3, $"{pages.Count} pages");
        Assert.All(pages[..^1], p => Assert.True(p.HasMore && p.Items.Count == 2 && p.NextPageToken is not null));
        Assert.False(pages[^1].HasMore);
        var ids = pages.SelectMany(p => p.Items).Select(m => m.MessageId).ToList();
        Assert.Equal(sent, ids.Where(sent.Contains));

        // Resuming from the first page's token gives the rest, without the first page.
        var rest = await ToListAsync(pageable.AsPages(pages[0].NextPageToken, 2));
        Assert.Equal(ids.Skip(2), rest.SelectMany(p => p.Items).Select(m => m.MessageId));
    }

    [Fact]
    public async Task A_page_size_out_of_range_is_refused_locally()
    {
        var (chatId, _) = await ChatWithMessagesAsync(1);

        Assert.Throws<ArgumentOutOfRangeException>(() => fx.Client.Im.Messages.ListAsync(chatId, pageSize: 51));
        Assert.Throws<ArgumentException>(() => fx.Client.Im.Messages.ListAsync(chatId, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(-1)));
        Assert.Equal(0, HistoryRequests(chatId));
    }

    [Fact]
    public async Task A_time_range_in_seconds_selects_messages_by_creation_time()
    {
        // Its own Emulator with a clock the test moves: messages ten minutes apart.
        var clock = new ShiftableTimeProvider();
        var options = new EmulatorOptions { Port = 0, TimeProvider = clock };
        await using var emulator = await EmulatorServer.StartAsync(options);
        using var recorder = new RecordingHandler();
        using var client = new FeishuClient(new FeishuAppOptions { AppId = options.AppId, AppSecret = options.AppSecret, BaseUrl = emulator.BaseUrl }, handler: recorder);
        var chatId = emulator.State.Chats.Single(c => c.Name == "Engineering").ChatId;
        var send = (string text) => client.Im.Messages.SendAsync(ReceiveId.Chat(chatId), MessageContent.Text(text));

        var early = new[] { await send("early 1"), await send("early 2") };
        clock.Advance(TimeSpan.FromMinutes(10));
        var late = new[] { await send("late 1"), await send("late 2"), await send("late 3") };
        clock.Advance(TimeSpan.FromMinutes(10));
        var latest = await send("latest");

        // [late 1's second, late 3's second], both bounds inclusive, sent in whole seconds.
        var start = late[0].CreateTime;
        var end = late[^1].CreateTime;
        var window = await ToListAsync(client.Im.Messages.ListAsync(chatId, start, end));
        Assert.Equal(late.Select(m => m.MessageId), window.Select(m => m.MessageId));

        var fromLate = await ToListAsync(client.Im.Messages.ListAsync(chatId, start: start, sort: MessageSortOrder.Descending));
        Assert.Equal(new[] { latest.MessageId }.Concat(late.Reverse().Select(m => m.MessageId)), fromLate.Select(m => m.MessageId));

        var beforeLate = await ToListAsync(client.Im.Messages.ListAsync(chatId, end: start.AddMinutes(-1)));
        Assert.Equal(early.Select(m => m.MessageId), beforeLate.Select(m => m.MessageId));

        var query = recorder.To("GET", HistoryPath)[0].Query;
        Assert.Contains($"start_time={start.ToUnixTimeSeconds()}", query, StringComparison.Ordinal);
        Assert.Contains($"end_time={end.ToUnixTimeSeconds()}", query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_page_token_from_another_sort_order_is_refused_with_a_typed_error()
    {
        var (chatId, _) = await ChatWithMessagesAsync(3);
        var ascending = fx.Client.Im.Messages.ListAsync(chatId);
        var token = (await ToListAsync(ascending.AsPages(pageSize: 1)))[0].NextPageToken;

        var descending = fx.Client.Im.Messages.ListAsync(chatId, sort: MessageSortOrder.Descending);
        var error = await Assert.ThrowsAsync<FeishuApiException>(() => ToListAsync(descending.AsPages(token, 1)));

        Assert.Equal(FeishuErrorCodes.ImInvalidParameter, error.Code);
    }
}
