using System.Collections.Concurrent;
using System.Text.Json;
using Larkway.WeCom;
using Larkway.WeCom.AiBot;
using Xunit.Abstractions;

namespace Larkway.Integration.Tests.WeCom.AiBot;

/// <summary>The AI bot client against the emulator's long connection, over the real wire.</summary>
[Collection(nameof(AiBotEmulatorCollection))]
public sealed class AiBotClientWireTests(AiBotEmulatorFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ConcurrentQueue<WeComAiBotCallback> _callbacks = new();
    private readonly List<WeComAiBotClient> _clients = [];

    public Task InitializeAsync() => fixture.Control.ClearFaultsAsync();

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }
    }

    private async Task<WeComAiBotClient> StartAsync(WeComAiBotHandler handler, Action<WeComAiBotOptions>? configure = null)
    {
        var client = new WeComAiBotClient(fixture.Options(configure), handler);
        _clients.Add(client);
        await client.StartAsync();
        return client;
    }

    private static string ConversationOf(JsonElement sent) =>
        sent.TryGetProperty("message", out var m) && m.TryGetProperty("conversation_id", out var c) ? c.GetString()! : "";

    [Fact]
    public async Task It_subscribes_and_a_message_in_gets_a_streamed_reply_that_the_user_sees_whole()
    {
        var client = await StartAsync(async (callback, ct) =>
        {
            _callbacks.Enqueue(callback);
            if (callback.Message is { } message)
            {
                var stream = callback.BeginStream();
                foreach (var word in ("you said: " + message.PlainText).Split(' '))
                {
                    await stream.AppendAsync(word + " ", ct);
                }

                await stream.FinishAsync("(done)", ct);
            }
        });
        client.State.ShouldBe(WeComAiBotConnectionState.Connected);

        var sent = await fixture.Control.MessageAsync("hello over the wire");
        output.WriteLine(sent.ToString());

        await AiBotEmulatorFixture.WaitUntilAsync(async () => (await ShownAsync()).Contains("you said: hello over the wire (done)", StringComparison.Ordinal), "the whole reply shown");
        var callback = _callbacks.Single(c => c.Message is not null);
        callback.Message!.PlainText.ShouldBe("hello over the wire");
        callback.Message.From!.UserId.ShouldBe("alice");
    }

    [Fact]
    public async Task Twenty_replies_fired_at_once_on_one_req_id_are_all_acked_and_the_last_text_wins()
    {
        var acks = new ConcurrentBag<WeComAiBotAck>();
        var failures = new ConcurrentBag<Exception>();
        await StartAsync(async (callback, ct) =>
        {
            if (callback.Message is null)
            {
                return;
            }

            // Not awaited one by one: the client must keep them in order, each after the previous one's ack.
            var streamId = "stream_order_" + Guid.NewGuid().ToString("N");
            var sends = Enumerable.Range(1, 20).Select(i => callback.ReplyAsync(WeComAiBotReply.Stream(streamId, string.Join(' ', Enumerable.Range(1, i)), finish: i == 20), ct)).ToList();
            foreach (var send in sends)
            {
                try
                {
                    acks.Add(await send);
                }
                catch (WeComApiException ex)
                {
                    failures.Add(ex);
                }
            }
        });

        await fixture.Control.MessageAsync("count to twenty", userId: "bob");

        await AiBotEmulatorFixture.WaitUntilAsync(() => Task.FromResult(acks.Count + failures.Count == 20), "twenty answers");
        failures.ShouldBeEmpty(string.Join("; ", failures.Select(f => f.Message)));
        (await ShownAsync("bob")).ShouldContain(string.Join(' ', Enumerable.Range(1, 20)));
    }

    [Fact]
    public async Task A_second_holder_takes_the_bot_and_the_first_stops_as_taken_over_without_fighting_back()
    {
        var first = await StartAsync((_, _) => ValueTask.CompletedTask);
        var second = await StartAsync((callback, _) =>
        {
            _callbacks.Enqueue(callback);
            return ValueTask.CompletedTask;
        });

        await AiBotEmulatorFixture.WaitUntilAsync(() => Task.FromResult(first.State == WeComAiBotConnectionState.TakenOver), "the first client taken over");
        await Task.Delay(TimeSpan.FromSeconds(3)); // several reconnect back-offs: a client fighting back would have subscribed again

        first.ConnectionsOpened.ShouldBe(1);
        second.State.ShouldBe(WeComAiBotConnectionState.Connected);
        second.ConnectionsOpened.ShouldBe(1);
        var sent = await fixture.Control.MessageAsync("to the new holder", userId: "carol");
        await AiBotEmulatorFixture.WaitUntilAsync(() => Task.FromResult(_callbacks.Any(c => c.Message?.PlainText == "to the new holder")), "the message at the new holder");
        output.WriteLine(sent.ToString());
    }

    [Fact]
    public async Task A_picture_a_user_sends_downloads_from_its_url_and_decrypts_with_its_aeskey()
    {
        await StartAsync((callback, _) =>
        {
            _callbacks.Enqueue(callback);
            return ValueTask.CompletedTask;
        });
        var picture = System.Security.Cryptography.RandomNumberGenerator.GetBytes(4100);

        await fixture.Control.ImageAsync(picture, fileName: "scan.png");
        await AiBotEmulatorFixture.WaitUntilAsync(() => Task.FromResult(_callbacks.Any(c => c.Message?.Image is not null)), "the picture's callback");
        var image = _callbacks.Select(c => c.Message?.Image).First(i => i is not null)!;
        image.AesKey.ShouldNotBeNullOrEmpty("the long connection gives each file its own aeskey");

        using var http = new HttpClient();
        var files = new WeComAiBotFiles(http);
        var file = await files.DownloadAsync(image.Url, image.AesKey!);
        file.Content.ShouldBe(picture);
        file.FileName.ShouldBe("scan.png");

        // Above the caller's limit it is refused while read; a URL WeCom does not know is expired, not a crash.
        (await Should.ThrowAsync<WeComApiException>(() => files.DownloadAsync(image.Url, image.AesKey!, maxBytes: 1024))).Code.ShouldBe(WeComErrorCodes.FileTooLarge);
        (await Should.ThrowAsync<WeComApiException>(() => files.DownloadAsync(image.Url + "x", image.AesKey!))).Code.ShouldBe(WeComErrorCodes.FileExpired);
    }

    [Fact]
    public async Task A_welcome_answers_enter_chat_on_its_req_id()
    {
        var welcomed = new TaskCompletionSource<WeComAiBotAck>(TaskCreationOptions.RunContinuationsAsynchronously);
        await StartAsync(async (callback, ct) =>
        {
            if (callback.Event?.EventType == WeComAiBotEventTypes.EnterChat)
            {
                try
                {
                    welcomed.TrySetResult(await callback.ReplyWelcomeAsync(WeComAiBotReply.Text("Welcome to the bot"), ct));
                }
                catch (Exception ex)
                {
                    welcomed.TrySetException(ex);
                }
            }
        });

        output.WriteLine((await fixture.Control.EnterChatAsync("dave")).ToString());

        (await welcomed.Task.WaitAsync(TimeSpan.FromSeconds(20))).ReqId.ShouldNotBeEmpty();
        await AiBotEmulatorFixture.WaitUntilAsync(async () => (await ShownAsync("dave")).Contains("Welcome to the bot", StringComparison.Ordinal), "the welcome shown");
    }

    [Fact]
    public async Task A_proactive_markdown_and_an_uploaded_file_reach_the_user()
    {
        var client = await StartAsync((_, _) => ValueTask.CompletedTask);
        var content = new byte[(512 * 1024) + 1000];
        Random.Shared.NextBytes(content);

        var media = await client.UploadMediaAsync(content, WeComAiBotMediaTypes.File, "report.bin");
        await client.SendMessageAsync("alice", WeComAiBotReply.Markdown("**report ready**"));
        await client.SendMessageAsync("alice", WeComAiBotReply.Media(WeComAiBotMediaTypes.File, media.MediaId));

        media.MediaId.ShouldNotBeNullOrEmpty();
        await AiBotEmulatorFixture.WaitUntilAsync(async () => (await ShownAsync("alice")) is var shown && shown.Contains("report ready", StringComparison.Ordinal) && shown.Contains(media.MediaId, StringComparison.Ordinal) | shown.Contains("report.bin", StringComparison.Ordinal), "the markdown and the file shown");
    }

    // Everything the emulator shows of the conversations with a user, as text.
    private async Task<string> ShownAsync(string userId = "alice")
    {
        var all = new System.Text.StringBuilder();
        foreach (var conversation in await fixture.Control.ConversationsAsync())
        {
            if (!conversation.GetRawText().Contains(userId, StringComparison.Ordinal))
            {
                continue;
            }

            var id = conversation.TryGetProperty("id", out var i) ? i.GetString()! : conversation.GetProperty("conversation_id").GetString()!;
            all.Append((await fixture.Control.ConversationMessagesAsync(id)).GetRawText());
        }

        return System.Text.RegularExpressions.Regex.Unescape(all.ToString());
    }
}

[CollectionDefinition(nameof(AiBotEmulatorCollection))]
public sealed class AiBotEmulatorCollection : ICollectionFixture<AiBotEmulatorFixture>;
