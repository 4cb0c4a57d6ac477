using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Larkway.Feishu.Im;
using Larkway.Feishu.Tests.Infrastructure;

namespace Larkway.Feishu.Tests.Im;

public class MessagesClientTests
{
    [Fact]
    public async Task Send_posts_receive_id_type_and_the_content_as_a_json_string()
    {
        var stub = new StubHandler((_, _) => Responses.Ok(Responses.Message(id: "om_9", chatId: "oc_9")));
        using var client = TestClients.Create(stub);

        var sent = await client.Im.Messages.SendAsync(ReceiveId.Email("alice@example.com"), MessageContent.Text("hi"), "key-1");

        var request = Assert.Single(stub.ApiCalls);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("/open-apis/im/v1/messages", request.Path);
        Assert.Equal("?receive_id_type=email", request.Query);
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        using var body = JsonDocument.Parse(request.Body!);
        Assert.Equal("alice@example.com", body.RootElement.GetProperty("receive_id").GetString());
        Assert.Equal("text", body.RootElement.GetProperty("msg_type").GetString());
        Assert.Equal("""{"text":"hi"}""", body.RootElement.GetProperty("content").GetString());
        Assert.Equal("key-1", body.RootElement.GetProperty("uuid").GetString());
        Assert.Equal("om_9", sent.MessageId);
        Assert.Equal("oc_9", sent.ChatId);
        Assert.Equal("key-1", sent.Uuid);
    }

    [Fact]
    public async Task Message_model_maps_times_sender_body_and_mentions()
    {
        const string message = """
            {"message_id":"om_1","root_id":"om_0","parent_id":"om_0","thread_id":"omt_1","msg_type":"text",
             "create_time":"1700000000123","update_time":"1700000001000","deleted":false,"updated":true,"chat_id":"oc_1",
             "sender":{"id":"ou_s","id_type":"open_id","sender_type":"user","tenant_key":"tk"},
             "body":{"content":"{\"text\":\"@_user_1 hi\"}"},
             "mentions":[{"key":"@_user_1","id":"ou_m","id_type":"open_id","name":"Bob","tenant_key":"tk"}]}
            """;
        var stub = new StubHandler((_, _) => Responses.Ok($$"""{"items":[{{message}}]}"""));
        using var client = TestClients.Create(stub);

        var got = await client.Im.Messages.GetAsync("om_1");

        Assert.Equal("/open-apis/im/v1/messages/om_1", stub.ApiCalls[0].Path);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1700000000123), got.CreateTime);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1700000001000), got.UpdateTime);
        Assert.Equal(("om_0", "om_0", "omt_1"), (got.RootId, got.ParentId, got.ThreadId));
        Assert.True(got.Updated);
        Assert.Equal(new MessageSender("ou_s", "open_id", "user", "tk"), got.Sender);
        Assert.Equal("""{"text":"@_user_1 hi"}""", got.Content);
        Assert.Equal(new MessageMention("@_user_1", "ou_m", "open_id", "Bob", "tk"), Assert.Single(got.Mentions));
    }

    [Fact]
    public async Task Oversize_content_fails_locally_and_sends_nothing()
    {
        var stub = new StubHandler((_, _) => Responses.Ok(Responses.Message()));
        using var client = TestClients.Create(stub);
        var longText = MessageContent.Text(new string('a', MessageContent.MaxTextBytes + 1));
        var bigCard = MessageContent.Card($$"""{"elements":[{"tag":"markdown","content":"{{new string('x', MessageContent.MaxPostOrCardBytes)}}"}]}""");

        var text = await Assert.ThrowsAsync<FeishuApiException>(() => client.Im.Messages.SendAsync(ReceiveId.Chat("oc_1"), longText));
        var card = await Assert.ThrowsAsync<FeishuApiException>(() => client.Im.Messages.SendAsync(ReceiveId.Chat("oc_1"), bigCard));

        Assert.Equal(FeishuErrorCodes.InvalidRequest, text.Code);
        Assert.Contains("150 KB", text.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(FeishuErrorCodes.InvalidRequest, card.Code);
        Assert.Contains("30 KB", card.ErrorMessage, StringComparison.Ordinal);
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task Text_at_the_limit_is_sent()
    {
        var stub = new StubHandler((_, _) => Responses.Ok(Responses.Message()));
        using var client = TestClients.Create(stub);

        // {"text":"…"} is 11 bytes of wrapping.
        await client.Im.Messages.SendAsync(ReceiveId.Chat("oc_1"), MessageContent.Text(new string('a', MessageContent.MaxTextBytes - 11)));

        Assert.Single(stub.ApiCalls);
    }

    [Fact]
    public async Task Default_receiver_and_long_uuid_are_rejected()
    {
        using var client = TestClients.Create(new StubHandler((_, _) => Responses.Ok()));

        await Assert.ThrowsAsync<ArgumentException>(() => client.Im.Messages.SendAsync(default, MessageContent.Text("x")));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Im.Messages.SendAsync(ReceiveId.Chat("oc_1"), MessageContent.Text("x"), new string('u', 51)));
    }

    [Fact]
    public async Task Reply_edit_update_card_and_recall_use_the_documented_methods_and_paths()
    {
        var stub = new StubHandler((_, _) => Responses.Ok(Responses.Message()));
        using var client = TestClients.Create(stub);

        var reply = await client.Im.Messages.ReplyAsync("om_1", MessageContent.Text("re"), replyInThread: true);
        await client.Im.Messages.EditAsync("om_1", MessageContent.Text("edited"));
        await client.Im.Messages.UpdateCardAsync("om_1", MessageContent.Card("""{"config":{"update_multi":true},"elements":[]}"""));
        await client.Im.Messages.RecallAsync("om_1");

        var calls = stub.ApiCalls;
        Assert.Equal(
            [(HttpMethod.Post, "/open-apis/im/v1/messages/om_1/reply"), (HttpMethod.Put, "/open-apis/im/v1/messages/om_1"),
             (HttpMethod.Patch, "/open-apis/im/v1/messages/om_1"), (HttpMethod.Delete, "/open-apis/im/v1/messages/om_1")],
            calls.Select(c => (c.Method, c.Path)));
        using var replyBody = JsonDocument.Parse(calls[0].Body!);
        Assert.True(replyBody.RootElement.GetProperty("reply_in_thread").GetBoolean());
        Assert.Equal(reply.Uuid, replyBody.RootElement.GetProperty("uuid").GetString());
        Assert.Equal("""{"msg_type":"text","content":"{\"text\":\"edited\"}"}""", calls[1].Body);
        Assert.Equal("""{"content":"{\"config\":{\"update_multi\":true},\"elements\":[]}"}""", calls[2].Body);
        Assert.Null(calls[3].Body);
    }

    [Fact]
    public async Task Edit_takes_only_text_or_post_and_update_card_only_cards()
    {
        using var client = TestClients.Create(new StubHandler((_, _) => Responses.Ok()));

        await Assert.ThrowsAsync<ArgumentException>(() => client.Im.Messages.EditAsync("om_1", MessageContent.Image("img_1")));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Im.Messages.UpdateCardAsync("om_1", MessageContent.Text("x")));
    }

    [Fact]
    public async Task List_pages_lazily_with_times_in_seconds()
    {
        var stub = new StubHandler((r, n) => Responses.Ok(r.Query switch
        {
            var q when q.EndsWith("page_token=p2", StringComparison.Ordinal) => $$"""{"has_more":true,"page_token":"p3","items":[{{Responses.Message("om_3")}},{{Responses.Message("om_4")}}]}""",
            var q when q.EndsWith("page_token=p3", StringComparison.Ordinal) => $$"""{"has_more":false,"items":[{{Responses.Message("om_5")}}]}""",
            _ => $$"""{"has_more":true,"page_token":"p2","items":[{{Responses.Message("om_1")}},{{Responses.Message("om_2")}}]}""",
        }));
        using var client = TestClients.Create(stub);
        var start = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var end = start.AddHours(1);

        var messages = client.Im.Messages.ListAsync("oc_1", start, end, MessageSortOrder.Descending, pageSize: 2);
        Assert.Empty(stub.Requests);

        var firstThree = new List<string>();
        await foreach (var message in messages)
        {
            firstThree.Add(message.MessageId);
            if (firstThree.Count == 3)
            {
                break;
            }
        }

        Assert.Equal(["om_1", "om_2", "om_3"], firstThree);
        Assert.Equal(2, stub.ApiRequests);
        Assert.Equal(
            "?container_id_type=chat&container_id=oc_1&start_time=1700000000&end_time=1700003600&sort_type=ByCreateTimeDesc&page_size=2",
            stub.ApiCalls[0].Query);
        Assert.EndsWith("&page_token=p2", stub.ApiCalls[1].Query, StringComparison.Ordinal);

        var all = new List<string>();
        await foreach (var message in messages)
        {
            all.Add(message.MessageId);
        }

        Assert.Equal(5, all.Count);
        Assert.Equal(5, stub.ApiRequests);
    }

    [Fact]
    public async Task AsPages_starts_at_a_page_token_and_yields_whole_pages()
    {
        var stub = new StubHandler((r, n) => Responses.Ok(n == 1
            ? $$"""{"has_more":true,"page_token":"p3","items":[{{Responses.Message("om_3")}}]}"""
            : $$"""{"has_more":false,"items":[{{Responses.Message("om_4")}}]}"""));
        using var client = TestClients.Create(stub);

        var pages = new List<FeishuPage<FeishuMessage>>();
        await foreach (var page in client.Im.Messages.ListAsync("oc_1").AsPages("p2", 10))
        {
            pages.Add(page);
        }

        Assert.Equal(2, pages.Count);
        Assert.Equal("p3", pages[0].NextPageToken);
        Assert.True(pages[0].HasMore);
        Assert.Null(pages[1].NextPageToken);
        Assert.Contains("page_size=10&page_token=p2", stub.ApiCalls[0].Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_is_cancellable_between_pages()
    {
        var stub = new StubHandler((r, n) => Responses.Ok($$"""{"has_more":true,"page_token":"p{{n + 1}}","items":[{{Responses.Message($"om_{n}")}}]}"""));
        using var client = TestClients.Create(stub);
        using var cts = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var message in client.Im.Messages.ListAsync("oc_1").WithCancellation(cts.Token))
            {
                await cts.CancelAsync();
            }
        });

        Assert.Equal(1, stub.ApiRequests);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(51)]
    public void List_page_size_is_1_to_50(int pageSize)
    {
        using var client = TestClients.Create(new StubHandler((_, _) => Responses.Ok()));

        Assert.Throws<ArgumentOutOfRangeException>(() => client.Im.Messages.ListAsync("oc_1", pageSize: pageSize));
    }

    [Fact]
    public void List_rejects_start_after_end()
    {
        using var client = TestClients.Create(new StubHandler((_, _) => Responses.Ok()));

        Assert.Throws<ArgumentException>(() => client.Im.Messages.ListAsync("oc_1", DateTimeOffset.UnixEpoch.AddDays(2), DateTimeOffset.UnixEpoch.AddDays(1)));
    }

    [Fact]
    public async Task Read_users_are_paged()
    {
        var stub = new StubHandler((r, n) => Responses.Ok(n == 1
            ? """{"has_more":true,"page_token":"p2","items":[{"user_id_type":"open_id","user_id":"ou_1","timestamp":"1700000000000","tenant_key":"tk"}]}"""
            : """{"has_more":false,"items":[{"user_id_type":"open_id","user_id":"ou_2","timestamp":"1700000000000"}]}"""));
        using var client = TestClients.Create(stub);

        var readers = new List<MessageReadUser>();
        await foreach (var reader in client.Im.Messages.ListReadUsersAsync("om_1"))
        {
            readers.Add(reader);
        }

        Assert.Equal(["ou_1", "ou_2"], readers.Select(r => r.UserId));
        Assert.Equal("/open-apis/im/v1/messages/om_1/read_users", stub.ApiCalls[0].Path);
        Assert.StartsWith("?user_id_type=open_id", stub.ApiCalls[0].Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resource_download_streams_bytes_and_file_name()
    {
        var stub = new StubHandler((_, _) =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([1, 2, 3]) };
            response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            response.Content.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = "\"report.pdf\"" };
            return response;
        });
        using var client = TestClients.Create(stub);

        await using var download = await client.Im.Messages.GetResourceAsync("om_1", "file_v2_1", MessageResourceType.File);

        Assert.Equal("report.pdf", download.FileName);
        Assert.Equal([1, 2, 3], await download.ReadAllBytesAsync());
        Assert.Equal("/open-apis/im/v1/messages/om_1/resources/file_v2_1", stub.ApiCalls[0].Path);
        Assert.Equal("?type=file", stub.ApiCalls[0].Query);
    }

    [Fact]
    public async Task Resource_download_error_is_an_exception()
    {
        var stub = new StubHandler((_, _) => Responses.Error(234043, "Unsupported message type"));
        using var client = TestClients.Create(stub);

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Im.Messages.GetResourceAsync("om_1", "img_1", MessageResourceType.Image));

        Assert.Equal(234043, ex.Code);
    }

    [Fact]
    public async Task Sends_queue_behind_the_per_receiver_limit_instead_of_failing()
    {
        var stub = new StubHandler((_, _) => Responses.Ok(Responses.Message()));
        using var client = TestClients.Create(stub, o => o.RateLimit.MessagesPerSecondPerReceiver = 2);

        var sends = Enumerable.Range(0, 4).Select(i => client.Im.Messages.SendAsync(ReceiveId.Chat("oc_1"), MessageContent.Text($"m{i}")));
        var sent = await Task.WhenAll(sends);

        Assert.Equal(4, sent.Length);
        Assert.Equal(4, stub.ApiRequests);
    }

    [Fact]
    public async Task A_full_rate_limit_queue_fails_locally()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stub = Gated(gate);
        using var client = TestClients.Create(stub, o =>
        {
            o.RateLimit.MessagesPerSecondPerReceiver = 1;
            o.RateLimit.QueueLimit = 0;
        });

        var first = client.Im.Messages.SendAsync(ReceiveId.Chat("oc_1"), MessageContent.Text("a"));
        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Im.Messages.SendAsync(ReceiveId.Chat("oc_1"), MessageContent.Text("b")));
        gate.SetResult();
        await first;

        Assert.Equal(FeishuErrorCodes.ClientRateLimitQueueFull, ex.Code);
        Assert.Equal(1, stub.ApiRequests);
    }

    [Fact]
    public async Task Sends_paced_by_the_caller_skip_the_clients_limiter()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stub = Gated(gate);
        using var client = TestClients.Create(stub, o =>
        {
            o.RateLimit.MessagesPerSecond = 1;
            o.RateLimit.MessagesPerSecondPerReceiver = 1;
            o.RateLimit.QueueLimit = 0;
        });
        var paced = client.WithOptions(new FeishuRequestOptions { PacedByCaller = true });

        // Three sends to one chat within a second, over limits of one a second with no queue: none waits or fails.
        var sends = Enumerable.Range(0, 3).Select(i => paced.Im.Messages.SendAsync(ReceiveId.Chat("oc_1"), MessageContent.Text($"m{i}"))).ToList();
        await Eventually(() => stub.ApiRequests == 3);
        var unpaced = client.Im.Messages.SendAsync(ReceiveId.Chat("oc_2"), MessageContent.Text("b"));
        gate.SetResult();

        Assert.Equal(3, (await Task.WhenAll(sends)).Length);
        await unpaced;
        Assert.Equal(4, stub.ApiRequests);
    }

    [Fact]
    public async Task The_per_minute_limit_holds_after_the_per_second_window_has_passed()
    {
        var stub = new StubHandler((_, _) => Responses.Ok(Responses.Message()));
        using var client = TestClients.Create(stub, o =>
        {
            o.RateLimit.MessagesPerSecond = 2;
            o.RateLimit.MessagesPerMinute = 2;
            o.RateLimit.QueueLimit = 0;
        });
        await client.Im.Messages.SendAsync(ReceiveId.Chat("oc_1"), MessageContent.Text("a"));
        await client.Im.Messages.SendAsync(ReceiveId.Chat("oc_2"), MessageContent.Text("b"));

        // Past the one-second window (1.1 s): only the minute's can refuse the third send now.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Im.Messages.SendAsync(ReceiveId.Chat("oc_3"), MessageContent.Text("c")));

        Assert.Equal(FeishuErrorCodes.ClientRateLimitQueueFull, ex.Code);
        Assert.Contains("per-minute", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, stub.ApiRequests);
    }

    [Fact]
    public void A_per_minute_limit_below_the_per_second_one_is_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => TestClients.Create(new StubHandler((_, _) => Responses.Ok(Responses.Message())), o => o.RateLimit.MessagesPerMinute = 10));

        Assert.Contains("MessagesPerMinute (10) must be at least MessagesPerSecond (50)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RateLimit_is_a_copy_of_the_limits_the_client_enforces()
    {
        using var client = TestClients.Create(new StubHandler((_, _) => Responses.Ok(Responses.Message())), o => o.RateLimit.MessagesPerMinute = 600);

        client.RateLimit.MessagesPerMinute = 1;

        Assert.Equal((true, 50, 600, 5), (client.RateLimit.Enabled, client.RateLimit.MessagesPerSecond, client.RateLimit.MessagesPerMinute, client.RateLimit.MessagesPerSecondPerReceiver));
    }

    /// <summary>Answers every send once <paramref name="gate"/> opens, so the sends before it stay in flight.</summary>
    private static StubHandler Gated(TaskCompletionSource gate) => new(async (_, _, _) =>
    {
        await gate.Task;
        return Responses.Ok(Responses.Message());
    });

    private static async Task Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }
}
