using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Larkway.WeCom.AiBot;
using Microsoft.Extensions.Time.Testing;

namespace Larkway.WeCom.Tests.AiBot;

/// <summary>The long connection client against a scripted server over loopback WebSockets.</summary>
public sealed class AiBotClientTests : IAsyncLifetime
{
    private readonly FakeAiBotServer _server = new();
    private readonly ConcurrentQueue<WeComAiBotCallback> _callbacks = new();
    private WeComAiBotClient? _client;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        await _server.DisposeAsync();
    }

    private async Task<WeComAiBotClient> StartAsync(WeComAiBotHandler? handler = null, Action<WeComAiBotOptions>? configure = null, TimeProvider? time = null)
    {
        _client = _server.Client(handler ?? ((c, _) =>
        {
            _callbacks.Enqueue(c);
            return ValueTask.CompletedTask;
        }), configure, time);
        await _client.StartAsync();
        return _client;
    }

    [Fact]
    public async Task The_first_frame_is_the_subscribe_with_bot_id_and_secret_and_the_state_is_connected()
    {
        var client = await StartAsync();

        var (_, first) = _server.Frames.First();
        ((string?)first["cmd"]).ShouldBe("aibot_subscribe");
        ((string?)first["headers"]!["req_id"]).ShouldStartWith("aibot_subscribe_");
        ((string?)first["body"]!["bot_id"]).ShouldBe("aibot-test");
        ((string?)first["body"]!["secret"]).ShouldBe("s3cr3t-never-logged");
        client.State.ShouldBe(WeComAiBotConnectionState.Connected);
        client.IsConnected.ShouldBeTrue();
    }

    [Fact]
    public async Task A_refused_subscribe_at_start_is_thrown_typed_and_not_retried()
    {
        _server.SubscribeErrCode = 40058;
        _client = _server.Client((_, _) => ValueTask.CompletedTask);

        var ex = await Should.ThrowAsync<WeComApiException>(() => _client.StartAsync());

        ex.ErrCode.ShouldBe(40058);
        ex.Hint.ShouldNotBeNull().ShouldContain("BotId and Secret");
        ex.Message.ShouldNotContain("s3cr3t");
        _client.State.ShouldBe(WeComAiBotConnectionState.Stopped);
        await Task.Delay(300);
        _server.Sent("aibot_subscribe").Count().ShouldBe(1);
    }

    [Fact]
    public async Task A_message_reaches_the_handler_typed_and_a_reply_reuses_its_req_id()
    {
        await StartAsync();

        var reqId = await _server.PushTextAsync("msg-1", "hello");
        await FakeAiBotServer.WaitUntilAsync(() => !_callbacks.IsEmpty, "the callback");
        var callback = _callbacks.Single();
        callback.Message!.PlainText.ShouldBe("hello");
        callback.ReqId.ShouldBe(reqId);
        await callback.ReplyAsync(WeComAiBotReply.Stream("s1", "hi", finish: true));

        var reply = _server.Sent("aibot_respond_msg").Single();
        ((string?)reply["headers"]!["req_id"]).ShouldBe(reqId);
        ((string?)reply["body"]!["stream"]!["content"]).ShouldBe("hi");
    }

    [Fact]
    public async Task A_message_delivered_twice_reaches_the_handler_once()
    {
        await StartAsync();

        await _server.PushTextAsync("msg-dup", "one");
        await _server.PushTextAsync("msg-dup", "one again");
        await _server.PushTextAsync("msg-other", "two");

        await FakeAiBotServer.WaitUntilAsync(() => _callbacks.Any(c => c.MsgId == "msg-other"), "the last message");
        _callbacks.Count(c => c.MsgId == "msg-dup").ShouldBe(1);
    }

    [Fact]
    public async Task Replies_to_one_req_id_wait_for_the_previous_ack_and_keep_their_order()
    {
        _server.ReplyDelay = TimeSpan.FromMilliseconds(30);
        var client = await StartAsync();

        var sends = Enumerable.Range(1, 8).Select(i => client.RespondAsync("req-serial", WeComAiBotReply.Stream("s", new string('x', i), finish: i == 8))).ToList();
        await Task.WhenAll(sends);

        _server.MaxInFlightPerReqId.ShouldBe(1);
        _server.Sent("aibot_respond_msg").Select(f => ((string?)f["body"]!["stream"]!["content"])!.Length).ShouldBe(Enumerable.Range(1, 8));
    }

    [Fact]
    public async Task Replies_to_different_req_ids_do_not_wait_for_each_other()
    {
        _server.ReplyDelay = TimeSpan.FromMilliseconds(300);
        var client = await StartAsync();

        var a = client.RespondAsync("req-a", WeComAiBotReply.Stream("s", "a", true));
        var b = client.RespondAsync("req-b", WeComAiBotReply.Stream("s", "b", true));
        await FakeAiBotServer.WaitUntilAsync(() => _server.Sent("aibot_respond_msg").Count() == 2, "both replies sent before either ack");
        await Task.WhenAll(a, b);
    }

    [Fact]
    public async Task A_reply_without_ack_times_out_typed_and_the_next_one_of_its_req_id_goes()
    {
        _server.Ignore = f => (string?)f["cmd"] == "aibot_respond_msg" && (string?)f["body"]!["stream"]!["content"] == "lost";
        var client = await StartAsync(configure: o => o.ReplyAckTimeout = TimeSpan.FromMilliseconds(300));

        var first = client.RespondAsync("req-t", WeComAiBotReply.Stream("s", "lost", false));
        var second = client.RespondAsync("req-t", WeComAiBotReply.Stream("s", "next", true));

        (await Should.ThrowAsync<WeComApiException>(() => first)).Code.ShouldBe(WeComErrorCodes.Timeout);
        (await second).ReqId.ShouldBe("req-t");
    }

    [Fact]
    public async Task A_refused_reply_is_a_typed_exception_with_the_errcode_and_a_hint()
    {
        _server.ReplyErrCode = 846608;
        var client = await StartAsync();

        var ex = await Should.ThrowAsync<WeComApiException>(() => client.RespondAsync("req-x", WeComAiBotReply.Stream("s", "late", true)));

        ex.ErrCode.ShouldBe(846608);
        ex.Hint.ShouldNotBeNull().ShouldContain("6 minutes");
    }

    [Fact]
    public async Task A_stream_sends_growing_text_and_ends_with_finish_carrying_all_of_it()
    {
        _server.ReplyDelay = TimeSpan.FromMilliseconds(5);
        var client = await StartAsync(configure: o => o.StreamMinInterval = TimeSpan.FromMilliseconds(50));

        var stream = client.BeginStream("req-stream", feedbackId: "fb-1");
        foreach (var word in Enumerable.Range(0, 40).Select(i => $"w{i} "))
        {
            await stream.AppendAsync(word);
        }

        await stream.FinishAsync("end");

        var frames = _server.Sent("aibot_respond_msg").Select(f => f["body"]!["stream"]!).ToList();
        frames.Count.ShouldBeLessThan(41, "appends faster than the interval ride on one frame");
        frames.ShouldAllBe(f => (string?)f["id"] == stream.Id);
        var contents = frames.Select(f => (string)f["content"]!).ToList();
        contents.Zip(contents.Skip(1)).ShouldAllBe(p => p.Second.StartsWith(p.First, StringComparison.Ordinal));
        ((bool)frames[^1]["finish"]!).ShouldBeTrue();
        frames.Take(frames.Count - 1).ShouldAllBe(f => !(bool)f["finish"]!);
        contents[^1].ShouldBe(string.Concat(Enumerable.Range(0, 40).Select(i => $"w{i} ")) + "end");
        ((string?)frames[0]["feedback"]!["id"]).ShouldBe("fb-1");
        frames.Skip(1).ShouldAllBe(f => f["feedback"] == null);
        await Should.ThrowAsync<WeComApiException>(() => stream.AppendAsync("more"));
    }

    [Fact]
    public async Task A_frame_held_for_the_interval_goes_even_when_its_timer_fires_a_little_early()
    {
        _server.ReplyDelay = TimeSpan.FromMilliseconds(1);
        var client = await StartAsync(configure: o => o.StreamMinInterval = TimeSpan.FromMilliseconds(200), time: new EarlyTimers());
        var stream = client.BeginStream("req-early");

        await stream.SetTextAsync("one");
        await stream.SetTextAsync("one two");
        await FakeAiBotServer.WaitUntilAsync(() => _server.Sent("aibot_respond_msg").Count() == 2, "the held frame");

        ((string?)_server.Sent("aibot_respond_msg").Last()["body"]!["stream"]!["content"]).ShouldBe("one two");
        await stream.FinishAsync();
    }

    /// <summary>The system clock, with timers firing early (at half their due time: millisecond timers may fire a little early; this is a lot, so that the test does not hang on the machine's timing).</summary>
    private sealed class EarlyTimers : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            base.CreateTimer(callback, state, dueTime / 2, period);
    }

    [Fact]
    public async Task A_stream_refuses_text_past_20480_bytes_and_keeps_what_it_had()
    {
        var client = await StartAsync();
        var stream = client.BeginStream("req-big");
        await stream.AppendAsync(new string('a', 20000));

        var ex = await Should.ThrowAsync<WeComApiException>(() => stream.AppendAsync(new string('b', 481)));

        ex.Code.ShouldBe(WeComErrorCodes.InvalidRequest);
        stream.Text.Length.ShouldBe(20000);
        await stream.FinishAsync(new string('b', 480));
    }

    [Fact]
    public async Task A_welcome_goes_with_the_enter_chat_req_id_and_not_after_5_seconds()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await StartAsync(time: time);

        var reqId = await _server.PushEventAsync("ev-1", "enter_chat");
        await _server.PushEventAsync("ev-2", "enter_chat");
        await FakeAiBotServer.WaitUntilAsync(() => _callbacks.Count == 2, "the events");
        var first = _callbacks.Single(c => c.ReqId == reqId);
        await first.ReplyWelcomeAsync(WeComAiBotReply.Text("Welcome!"));
        time.Advance(TimeSpan.FromSeconds(6));
        var late = await Should.ThrowAsync<WeComApiException>(() => _callbacks.Single(c => c.ReqId != reqId).ReplyWelcomeAsync(WeComAiBotReply.Text("Too late")));

        var welcome = _server.Sent("aibot_respond_welcome_msg").Single();
        ((string?)welcome["headers"]!["req_id"]).ShouldBe(reqId);
        ((string?)welcome["body"]!["text"]!["content"]).ShouldBe("Welcome!");
        late.Message.ShouldContain("5 s");
        await Should.ThrowAsync<WeComApiException>(() => first.UpdateTemplateCardAsync(new JsonObject { ["card_type"] = "text_notice", ["task_id"] = "t" }));
    }

    [Fact]
    public async Task A_card_click_is_answered_with_an_update_on_its_req_id()
    {
        await StartAsync();

        var reqId = await _server.PushEventAsync("ev-card", "template_card_event",
            new() { ["template_card_event"] = new Dictionary<string, string> { ["card_type"] = "button_interaction", ["event_key"] = "approve", ["task_id"] = "task-9" } });
        await FakeAiBotServer.WaitUntilAsync(() => !_callbacks.IsEmpty, "the event");
        var click = _callbacks.Single();
        await click.UpdateTemplateCardAsync(new JsonObject { ["card_type"] = "text_notice", ["task_id"] = click.Event!.Event!.CardTaskId, ["main_title"] = new JsonObject { ["title"] = "Approved" } });

        var update = _server.Sent("aibot_respond_update_msg").Single();
        ((string?)update["headers"]!["req_id"]).ShouldBe(reqId);
        ((string?)update["body"]!["response_type"]).ShouldBe("update_template_card");
        ((string?)update["body"]!["template_card"]!["task_id"]).ShouldBe("task-9");
    }

    [Fact]
    public async Task A_proactive_message_carries_the_chat_id_and_its_own_req_id()
    {
        var client = await StartAsync();

        await client.SendMessageAsync("wrkChat1", WeComAiBotReply.Markdown("**done**"));

        var sent = _server.Sent("aibot_send_msg").Single();
        ((string?)sent["headers"]!["req_id"]).ShouldStartWith("aibot_send_msg_");
        ((string?)sent["body"]!["chatid"]).ShouldBe("wrkChat1");
        ((string?)sent["body"]!["markdown"]!["content"]).ShouldBe("**done**");
        await Should.ThrowAsync<WeComApiException>(() => client.SendMessageAsync("wrkChat1", WeComAiBotReply.Stream("s", "x", true)));
    }

    [Fact]
    public async Task A_media_upload_goes_in_512_KB_chunks_numbered_from_0_and_returns_the_media_id()
    {
        var client = await StartAsync();
        var content = RandomNumberGenerator.GetBytes((512 * 1024 * 2) + 100);

        var media = await client.UploadMediaAsync(content, WeComAiBotMediaTypes.File, "report.pdf");

        media.MediaId.ShouldBe("media-1");
        var init = _server.Sent("aibot_upload_media_init").Single()["body"]!;
        ((int)init["total_size"]!).ShouldBe(content.Length);
        ((int)init["total_chunks"]!).ShouldBe(3);
#pragma warning disable CA5351 // WeCom's checksum of the file
        ((string?)init["md5"]).ShouldBe(Convert.ToHexStringLower(MD5.HashData(content)));
#pragma warning restore CA5351
        var chunks = _server.Sent("aibot_upload_media_chunk").Select(f => f["body"]!).ToList();
        chunks.Select(c => (int)c["chunk_index"]!).ShouldBe([0, 1, 2]);
        chunks.SelectMany(c => Convert.FromBase64String((string)c["base64_data"]!)).ToArray().ShouldBe(content);
        _server.Sent("aibot_upload_media_finish").Count().ShouldBe(1);
    }

    [Fact]
    public async Task An_upload_over_100_chunks_is_refused_before_anything_is_sent()
    {
        var client = await StartAsync();

        var ex = await Should.ThrowAsync<WeComApiException>(() => client.UploadMediaAsync(new byte[(512 * 1024 * 100) + 1], "file", "big.bin"));

        ex.Message.ShouldContain("100 chunks");
        _server.Sent("aibot_upload_media_init").ShouldBeEmpty();
    }

    [Fact]
    public async Task Two_unanswered_pings_replace_the_connection_closing_the_old_one_before_the_new_subscribe()
    {
        var client = await StartAsync(configure: o => o.PingInterval = TimeSpan.FromMilliseconds(100));
        _server.AnswerPings = false;

        await FakeAiBotServer.WaitUntilAsync(() => _server.Log.Contains("subscribe 2"), "a second subscribe");
        await FakeAiBotServer.WaitUntilAsync(() => client.State == WeComAiBotConnectionState.Connected, "connected again");

        client.LastReconnectReason.ShouldNotBeNull().ShouldContain("2 pings unanswered");
        var log = _server.Log.ToList();
        log.IndexOf("closed 1").ShouldBeLessThan(log.IndexOf("subscribe 2"));
        _server.Sent("ping").Count(f => true).ShouldBeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public async Task A_silent_connection_is_replaced()
    {
        var client = await StartAsync(configure: o => (o.PingInterval, o.MaxMissedPongs, o.SilenceTimeout) = (TimeSpan.FromSeconds(30), 100, TimeSpan.FromMilliseconds(400)));

        await FakeAiBotServer.WaitUntilAsync(() => _server.Log.Contains("subscribe 2"), "a second subscribe");

        client.LastReconnectReason.ShouldNotBeNull().ShouldStartWith("no frame for");
    }

    [Fact]
    public async Task After_disconnected_event_the_client_stops_as_taken_over_and_never_subscribes_again()
    {
        var changes = new ConcurrentQueue<WeComAiBotStateChange>();
        var client = await StartAsync();
        client.StateChanged += (_, change) => changes.Enqueue(change);

        await _server.PushEventAsync("ev-gone", "disconnected_event");

        await FakeAiBotServer.WaitUntilAsync(() => client.State == WeComAiBotConnectionState.TakenOver, "the taken-over state");
        await Task.Delay(500); // ten times the reconnect back-off: a reconnect would have subscribed by now
        _server.Sent("aibot_subscribe").Count().ShouldBe(1);
        changes.ShouldNotContain(c => c.Current == WeComAiBotConnectionState.Reconnecting);
        _callbacks.ShouldContain(c => c.Event!.EventType == "disconnected_event");
        (await Should.ThrowAsync<WeComApiException>(() => client.RespondAsync("r", WeComAiBotReply.Stream("s", "x", true)))).Code.ShouldBe(WeComErrorCodes.NetworkError);
    }

    [Fact]
    public async Task A_refused_subscribe_on_reconnect_stops_as_authentication_failed()
    {
        var client = await StartAsync(configure: o => o.PingInterval = TimeSpan.FromMilliseconds(100));
        _server.SubscribeErrCode = 40058;
        _server.AnswerPings = false;

        await FakeAiBotServer.WaitUntilAsync(() => client.State == WeComAiBotConnectionState.AuthenticationFailed, "the failed state");
        await Task.Delay(500);

        _server.Sent("aibot_subscribe").Count().ShouldBe(2);
    }

    [Fact]
    public async Task A_dropped_socket_is_replaced_and_messages_after_it_arrive()
    {
        var client = await StartAsync();

        _server.Current!.Abort();
        await FakeAiBotServer.WaitUntilAsync(() => _server.Log.Contains("subscribe 2") && client.IsConnected, "the replacement");
        await _server.PushTextAsync("after", "still here");

        await FakeAiBotServer.WaitUntilAsync(() => _callbacks.Any(c => c.MsgId == "after"), "the message after the drop");
        client.ConnectionsOpened.ShouldBe(2);
    }

    [Fact]
    public async Task Stop_closes_the_connection_and_reports_stopped()
    {
        var client = await StartAsync();

        await client.StopAsync();

        client.State.ShouldBe(WeComAiBotConnectionState.Stopped);
        await FakeAiBotServer.WaitUntilAsync(() => _server.Log.Contains("closed 1"), "the server to see the close");
    }
}
