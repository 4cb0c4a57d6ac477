using System.Text.Json;
using Larkway.Emulator.DingTalk.Stream;
using static Larkway.Emulator.Tests.DingTalk.Stream.StreamTestHelpers;

namespace Larkway.Emulator.Tests.DingTalk.Stream;

/// <summary>Pings, robot messages, events, card callbacks, disconnect and the session webhook over a real socket.</summary>
public sealed class DingTalkStreamDeliveryTests
{
    [Fact]
    public async Task The_server_pings_with_an_opaque_and_an_echoed_ping_keeps_the_connection()
    {
        await using var emulator = await StartAsync(o =>
        {
            o.PingInterval = TimeSpan.FromMilliseconds(300);
            o.MissedPingsBeforeClose = 2;
        });
        await using var client = await StreamTestClient.ConnectAsync(emulator);

        var pings = new List<ReceivedFrame>();
        for (var i = 0; i < 4; i++)
        {
            pings.Add(await client.NextOfTopicAsync("ping"));
        }

        var ping = pings[0];
        Assert.Equal("1.0", ping.Root.GetProperty("specVersion").GetString());
        Assert.Equal("SYSTEM", ping.Type);
        Assert.Equal("application/json", ping.Header("contentType"));
        Assert.Equal(emulator.OnlyConnectionId(), ping.Header("connectionId"));
        Assert.True(long.TryParse(ping.Header("time"), out _));
        Assert.Equal(4, pings.Select(p => p.DataJson.GetProperty("opaque").GetString()).Distinct().Count());

        // Four pings answered, more than MissedPingsBeforeClose intervals: still open. (On a loaded machine an echo can
        // trail the next ping, so it may be logged late-ack and the count be 1 for a moment.)
        Assert.Equal("open", emulator.ConnectionView(emulator.OnlyConnectionId()).State);
        await WaitUntilAsync(() => emulator.ConnectionView(emulator.OnlyConnectionId()).MissedPings == 0, "no missed ping");
        await WaitUntilAsync(() => emulator.DeliveriesOf(pings[0].MessageId).Any(d => d.Direction == "in"), "the echo logged");
        var echo = emulator.DeliveriesOf(pings[0].MessageId).Single(d => d.Direction == "in");
        Assert.Equal(("SYSTEM", "ping", 200), (echo.Type, echo.Topic, echo.Code));
        Assert.Contains(echo.Outcome, new[] { "ack", "late-ack" });
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_client_that_does_not_echo_pings_is_closed_and_leaves_the_pool(bool wrongOpaque)
    {
        // With a wrong answer to send, the connection lives about a second: the answer must be read and logged before the
        // close (on a busy machine 200 ms was not always enough), and it changes nothing about when the close comes.
        var missed = wrongOpaque ? 5 : 2;
        await using var emulator = await StartAsync(o =>
        {
            o.PingInterval = TimeSpan.FromMilliseconds(wrongOpaque ? 200 : 100);
            o.MissedPingsBeforeClose = missed;
        });
        await using var client = await StreamTestClient.ConnectAsync(emulator, echoPings: false);
        var id = emulator.OnlyConnectionId();
        if (wrongOpaque)
        {
            // Answering with someone else's opaque is no answer.
            var ping = await client.NextOfTopicAsync("ping");
            await client.SendAsync(JsonSerializer.Serialize(new { code = 200, headers = ping.Root.GetProperty("headers"), message = "OK", data = "{\"opaque\":\"not-it\"}" }));
        }

        await client.WaitClosedAsync();

        var view = emulator.ConnectionView(id);
        Assert.Equal("closed", view.State);
        Assert.Contains($"missed {missed} consecutive pings", view.CloseReason, StringComparison.Ordinal);
        using var after = await emulator.RobotMessageAsync();
        Assert.Equal(JsonValueKind.Null, after.Json.GetProperty("connectionId").ValueKind);
        if (wrongOpaque)
        {
            Assert.Contains(emulator.Deliveries(), d => d is { Direction: "in", Outcome: "bad-opaque" });
        }
    }

    [Fact]
    public async Task A_late_echo_of_an_earlier_ping_is_recognised_and_counts_as_a_sign_of_life()
    {
        await using var emulator = await StartAsync(o =>
        {
            o.PingInterval = TimeSpan.FromMilliseconds(200);
            o.MissedPingsBeforeClose = 10;
        });
        await using var client = await StreamTestClient.ConnectAsync(emulator, echoPings: false);
        var first = await client.NextOfTopicAsync("ping");
        await client.NextOfTopicAsync("ping");

        await client.EchoAsync(first);

        await WaitUntilAsync(() => emulator.DeliveriesOf(first.MessageId).Any(d => d.Direction == "in"), "the late echo logged");
        var echo = emulator.DeliveriesOf(first.MessageId).Single(d => d.Direction == "in");
        Assert.Equal(("SYSTEM", "ping", "late-ack"), (echo.Type, echo.Topic, echo.Outcome));
    }

    [Fact]
    public async Task A_robot_message_arrives_as_a_callback_with_the_inbound_fields_and_its_ack_is_logged()
    {
        await using var emulator = await StartAsync();
        await using var client = await StreamTestClient.ConnectAsync(emulator);

        using var pushed = await emulator.RobotMessageAsync("你好 bot", conversationType: "2");
        var frame = await client.NextAsync();

        Assert.Equal(200, pushed.Status);
        Assert.Equal("CALLBACK", frame.Type);
        Assert.Equal("/v1.0/im/bot/messages/get", frame.Topic);
        Assert.Equal(pushed.Json.GetProperty("messageId").GetString(), frame.MessageId);
        Assert.Equal(emulator.OnlyConnectionId(), pushed.Json.GetProperty("connectionId").GetString());
        Assert.Equal(emulator.Options.DingTalkStream.ClientId, frame.Header("appId"));
        var message = frame.DataJson;
        Assert.Equal(pushed.Json.GetProperty("msgId").GetString(), message.GetProperty("msgId").GetString());
        Assert.Equal("2", message.GetProperty("conversationType").GetString());
        Assert.StartsWith("cid", message.GetProperty("conversationId").GetString(), StringComparison.Ordinal);
        Assert.Equal("Emulator group", message.GetProperty("conversationTitle").GetString());
        Assert.Equal("manager4821", message.GetProperty("senderStaffId").GetString());
        Assert.Equal("张三", message.GetProperty("senderNick").GetString());
        Assert.StartsWith("$:LWCP_v1:$", message.GetProperty("senderId").GetString(), StringComparison.Ordinal);
        Assert.Equal(emulator.Options.DingTalkStream.CorpId, message.GetProperty("senderCorpId").GetString());
        Assert.Equal(emulator.Options.DingTalkStream.ClientId, message.GetProperty("robotCode").GetString());
        Assert.True(message.GetProperty("isInAtList").GetBoolean());
        Assert.Equal(message.GetProperty("chatbotUserId").GetString(), message.GetProperty("atUsers")[0].GetProperty("dingtalkId").GetString());
        Assert.Equal("text", message.GetProperty("msgtype").GetString());
        Assert.Equal("你好 bot", message.GetProperty("text").GetProperty("content").GetString());
        var createAt = message.GetProperty("createAt").GetInt64();
        Assert.Equal(emulator.Clock.GetUtcNow().ToUnixTimeMilliseconds(), createAt);
        Assert.Equal(createAt + (long)TimeSpan.FromMinutes(90).TotalMilliseconds, message.GetProperty("sessionWebhookExpiredTime").GetInt64());
        Assert.StartsWith($"{emulator.Server.BaseUrl.GetLeftPart(UriPartial.Authority)}/dingtalk/robot/sendBySession?session=", message.GetProperty("sessionWebhook").GetString(), StringComparison.Ordinal);

        await client.AckAsync(frame, new { response = (object?)null });

        await WaitUntilAsync(() => emulator.DeliveriesOf(frame.MessageId).Any(d => d.Direction == "in"), "the ack");
        var log = emulator.DeliveriesOf(frame.MessageId);
        Assert.Equal(["out:sent", "in:ack"], log.Select(d => $"{d.Direction}:{d.Outcome}"));
        Assert.Equal(200, log[1].Code);
        Assert.Equal("{\"response\":null}", log[1].Data);
        Assert.All(log, d => Assert.Equal(frame.Header("connectionId"), d.ConnectionId));
    }

    [Fact]
    public async Task An_unacked_robot_message_is_pushed_again_with_the_same_message_id_to_another_connection_until_acked()
    {
        await using var emulator = await StartAsync(o => o.RedeliveryDelays = [TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(300)]);
        await using var one = await StreamTestClient.ConnectAsync(emulator);
        await WaitUntilAsync(() => emulator.Server.DingTalkStream.Connections().Count == 1, "the first connection in the pool");
        var oneId = emulator.OnlyConnectionId();
        await using var two = await StreamTestClient.ConnectAsync(emulator);
        await WaitUntilAsync(() => emulator.Server.DingTalkStream.Connections().Count == 2, "both connections in the pool");
        StreamTestClient On(string? connectionId) => connectionId == oneId ? one : two;

        using var robot = await emulator.RobotMessageAsync();
        var messageId = robot.Json.GetProperty("messageId").GetString()!;
        await WaitUntilAsync(() => emulator.DeliveriesOf(messageId).Count(d => d.Outcome == "sent") >= 2, "the repeat");

        var outs = emulator.DeliveriesOf(messageId).Where(d => d.Direction == "out").ToList();
        Assert.Equal([1, 2], outs.Select(d => d.Attempt).Take(2));
        Assert.NotEqual(outs[0].ConnectionId, outs[1].ConnectionId);
        var first = await On(outs[0].ConnectionId).NextAsync(f => f.MessageId == messageId);
        var again = await On(outs[1].ConnectionId).NextAsync(f => f.MessageId == messageId);
        Assert.Equal(first.Data, again.Data);
        Assert.Equal(robot.Json.GetProperty("msgId").GetString(), again.DataJson.GetProperty("msgId").GetString());

        // The Node and Python SDKs' callback ack: code 200, {"response": …}.
        await On(outs[1].ConnectionId).AckAsync(again, new { response = "OK" });
        await WaitUntilAsync(() => emulator.DeliveriesOf(messageId).Any(d => d is { Direction: "in", Outcome: "ack" }), "the ack");

        // Taken: a message pushed after it is pushed again and given up on, by when the first would have come a third time.
        using var later = await emulator.RobotMessageAsync("later");
        var laterId = later.Json.GetProperty("messageId").GetString()!;
        await WaitUntilAsync(() => emulator.DeliveriesOf(laterId).Any(d => d.Outcome == "gave-up"), "the later message given up");
        var ack = emulator.DeliveriesOf(messageId).Single(d => d.Direction == "in");
        Assert.DoesNotContain(emulator.DeliveriesOf(messageId), d => d.Direction == "out" && d.Seq > ack.Seq);
    }

    [Fact]
    public async Task An_event_acked_in_the_python_sdks_form_is_taken_and_an_error_ack_is_not()
    {
        await using var emulator = await StartAsync(o => o.RedeliveryDelays = [TimeSpan.FromSeconds(1)]);
        await using var client = await StreamTestClient.ConnectAsync(emulator);

        // The Python SDK acks an EVENT with code 200, message "OK" and the event's own data: no status at all.
        using var python = await emulator.EventAsync("user_add_org", new { userId = new[] { "manager4821" } });
        var pythonFrame = await client.NextAsync(f => f.Type == "EVENT");
        await client.SendAsync(JsonSerializer.Serialize(new
        {
            code = 200,
            headers = new { contentType = "application/json", messageId = pythonFrame.MessageId },
            message = "OK",
            data = pythonFrame.Data,
        }));

        // Go's SDK acks a failed event with code 500: not taken, pushed again.
        using var failed = await emulator.EventAsync("user_leave_org");
        var failedFrame = await client.NextAsync(f => f.Topic == "user_leave_org");
        await client.AckAsync(failedFrame, new { status = "LATER", message = "later" }, code: 500);
        var repeat = await client.NextAsync(f => f.Topic == "user_leave_org");
        Assert.Equal(failedFrame.MessageId, repeat.MessageId);
        await WaitUntilAsync(() => emulator.DeliveriesOf(failedFrame.MessageId).Any(d => d.Outcome == "gave-up"), "the failed event given up");

        var taken = emulator.DeliveriesOf(pythonFrame.MessageId).Single(d => d.Direction == "in");
        Assert.Equal("ack", taken.Outcome);
        Assert.DoesNotContain(emulator.DeliveriesOf(pythonFrame.MessageId), d => d.Direction == "out" && d.Seq > taken.Seq);
        Assert.DoesNotContain(emulator.DeliveriesOf(pythonFrame.MessageId), d => d.Outcome == "gave-up");
        Assert.Equal("nack", emulator.DeliveriesOf(failedFrame.MessageId).First(d => d.Direction == "in").Outcome);
    }

    /// <summary>
    /// The org's own app (the one whose token, users and HTTP callbacks the other endpoints serve) is in the org's corp:
    /// its EVENTs name that corp in <c>eventCorpId</c>, as its HTTP callbacks do in <c>CorpId</c>, and its robot messages
    /// in <c>senderCorpId</c> and <c>chatbotCorpId</c>.
    /// </summary>
    [Fact]
    public async Task The_orgs_app_gets_events_and_robot_messages_naming_the_orgs_corp()
    {
        await using var emulator = await StartAsync();
        var appKey = emulator.Options.DingTalkAppKey;
        using var ticket = await StreamTestClient.OpenAsync(emulator, StreamTestClient.GatewayBody(emulator, clientId: appKey, clientSecret: emulator.Options.DingTalkAppSecret));
        Assert.Equal(200, ticket.Status);
        await using var client = await StreamTestClient.ConnectAsync(emulator, new Uri($"{ticket.Json.GetProperty("endpoint").GetString()}?ticket={ticket.Json.GetProperty("ticket").GetString()}"));
        Assert.NotEqual(emulator.Options.DingTalkStream.CorpId, emulator.Options.DingTalkCorpId);

        using var pushed = await emulator.PostJsonAsync("/_emulator/dingtalk/stream/events", new { eventType = "user_add_org", appKey, data = new { userId = new[] { "erin" } } });
        var frame = await client.NextAsync(f => f.Type == "EVENT");
        await client.AckAsync(frame, new { status = "SUCCESS" });
        Assert.Equal(emulator.Options.DingTalkCorpId, frame.Header("eventCorpId"));
        Assert.Equal(emulator.Options.DingTalkStream.UnifiedAppId, frame.Header("eventUnifiedAppId"));
        Assert.Equal(appKey, frame.Header("appId"));

        using var message = await emulator.PostJsonAsync("/_emulator/dingtalk/stream/robot-messages", new { appKey, conversationType = "1", senderStaffId = "manager4821", senderNick = "张三", text = "hi" });
        var robot = await client.NextAsync(f => f.Topic == StreamTopics.RobotMessage);
        await client.AckAsync(robot, new { status = "SUCCESS" });
        Assert.Equal(emulator.Options.DingTalkCorpId, robot.DataJson.GetProperty("senderCorpId").GetString());
        Assert.Equal(emulator.Options.DingTalkCorpId, robot.DataJson.GetProperty("chatbotCorpId").GetString());
    }

    [Fact]
    public async Task An_event_is_pushed_again_with_the_same_message_id_until_an_ack_takes_it()
    {
        await using var emulator = await StartAsync(o => o.RedeliveryDelays = [.. Enumerable.Repeat(TimeSpan.FromMilliseconds(500), 4)]);
        await using var client = await StreamTestClient.ConnectAsync(emulator);

        using var pushed = await emulator.EventAsync("user_add_org", new { userId = new[] { "manager4821" }, eventTime = 1 });
        var first = await client.NextAsync();
        Assert.Equal("EVENT", first.Type);
        Assert.Equal("user_add_org", first.Topic);
        Assert.Equal("user_add_org", first.Header("eventType"));
        Assert.Matches("^[0-9a-f]{32}$", first.Header("eventId"));
        Assert.True(long.TryParse(first.Header("eventBornTime"), out _));
        Assert.Equal(emulator.Options.DingTalkStream.CorpId, first.Header("eventCorpId"));
        Assert.Equal(emulator.Options.DingTalkStream.UnifiedAppId, first.Header("eventUnifiedAppId"));
        Assert.Equal("manager4821", first.DataJson.GetProperty("userId")[0].GetString());

        await client.AckAsync(first, new { status = "LATER", message = "busy" });
        var second = await client.NextAsync();   // after LATER
        var third = await client.NextAsync();    // after no ack at all
        await client.AckAsync(third, new { status = "SUCCESS", message = "ok" });

        Assert.Equal([first.MessageId, first.MessageId], [second.MessageId, third.MessageId]);
        Assert.Equal(first.Header("eventId"), third.Header("eventId"));
        Assert.Equal(first.Data, third.Data);

        // Settled: an event pushed later (and redelivered) goes by without the first one coming back.
        using var later = await emulator.EventAsync("user_leave_org");
        await client.NextAsync(f => f.Topic == "user_leave_org");
        await client.NextAsync(f => f.Topic == "user_leave_org");
        Assert.DoesNotContain(client.Drain(), f => f.MessageId == first.MessageId);
        var outs = emulator.DeliveriesOf(first.MessageId).Where(d => d.Direction == "out").ToList();
        Assert.Equal([1, 2, 3], outs.Select(d => d.Attempt).Take(3));

        // On a loaded machine a fourth push may already be on its way when the SUCCESS ack lands; none comes after it.
        var settled = emulator.DeliveriesOf(first.MessageId).Single(d => d.Direction == "in" && d.Data!.Contains("SUCCESS", StringComparison.Ordinal));
        Assert.DoesNotContain(outs, d => d.Seq > settled.Seq);
        Assert.Contains(emulator.DeliveriesOf(first.MessageId), d => d.Direction == "in" && d.Data!.Contains("LATER", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_event_nobody_acks_is_given_up_after_the_maximum_pushes()
    {
        await using var emulator = await StartAsync(o =>
        {
            // Two pushes in all: one repeat, then one more wait.
            o.RedeliveryDelays = [TimeSpan.FromMilliseconds(80)];
        });
        await using var client = await StreamTestClient.ConnectAsync(emulator);
        using var pushed = await emulator.EventAsync();
        var messageId = pushed.Json.GetProperty("messageId").GetString()!;

        await WaitUntilAsync(() => emulator.DeliveriesOf(messageId).Any(d => d.Outcome == "gave-up"), "giving up");

        Assert.Equal(["sent", "sent", "gave-up"], emulator.DeliveriesOf(messageId).Select(d => d.Outcome));
    }

    [Fact]
    public async Task Pushes_go_only_to_connections_subscribed_to_their_topic()
    {
        await using var emulator = await StartAsync();
        await using var robotsOnly = await StreamTestClient.ConnectAsync(emulator, [new { type = "CALLBACK", topic = StreamTopics.RobotMessage }]);
        await using var oneEvent = await StreamTestClient.ConnectAsync(emulator, [new { type = "EVENT", topic = "user_add_org" }]);
        var eventConnection = emulator.Server.DingTalkStream.Connections().Single(c => c.Subscriptions[0].Type == "EVENT").Id;

        for (var i = 0; i < 5; i++)
        {
            using var robot = await emulator.RobotMessageAsync();
            Assert.NotEqual(eventConnection, robot.Json.GetProperty("connectionId").GetString());
            using var subscribed = await emulator.EventAsync("user_add_org");
            Assert.Equal(eventConnection, subscribed.Json.GetProperty("connectionId").GetString());
        }

        using var other = await emulator.EventAsync("user_leave_org");
        Assert.Equal(JsonValueKind.Null, other.Json.GetProperty("connectionId").ValueKind);
        Assert.Contains(emulator.DeliveriesOf(other.Json.GetProperty("messageId").GetString()!), d => d.Outcome == "no-connection");
    }

    [Fact]
    public async Task Each_push_goes_to_one_connection_chosen_among_the_subscribed_ones()
    {
        await using var emulator = await StartAsync();
        await using var a = await StreamTestClient.ConnectAsync(emulator);
        await using var b = await StreamTestClient.ConnectAsync(emulator);

        var chosen = new HashSet<string>();
        for (var i = 0; i < 40 && chosen.Count < 2; i++)
        {
            using var robot = await emulator.RobotMessageAsync();
            chosen.Add(robot.Json.GetProperty("connectionId").GetString()!);
        }

        // 40 fair coin flips all landing on one side: about 1e-12.
        Assert.Equal(2, chosen.Count);
        var outs = emulator.Deliveries().Where(d => d.Direction == "out").ToList();
        Assert.Equal(outs.Count, outs.Select(d => d.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task A_card_callback_is_acked_with_a_response_that_is_recorded()
    {
        await using var emulator = await StartAsync();
        await using var client = await StreamTestClient.ConnectAsync(emulator);

        using var pushed = await emulator.PostJsonAsync("/_emulator/dingtalk/stream/card-callbacks", new { outTrackId = "track-42", userId = "manager4821", actionId = "approve", @params = new { comment = "ok" } });
        var frame = await client.NextAsync();

        Assert.Equal("CALLBACK", frame.Type);
        Assert.Equal("/v1.0/card/instances/callback", frame.Topic);
        var data = frame.DataJson;
        Assert.Equal("track-42", data.GetProperty("outTrackId").GetString());
        Assert.Equal("manager4821", data.GetProperty("userId").GetString());
        var content = JsonDocument.Parse(data.GetProperty("content").GetString()!).RootElement.GetProperty("cardPrivateData");
        Assert.Equal("approve", content.GetProperty("actionIds")[0].GetString());
        Assert.Equal("ok", content.GetProperty("params").GetProperty("comment").GetString());

        await client.AckAsync(frame, new { response = new { cardData = new { cardParamMap = new { status = "approved" } } } });

        await WaitUntilAsync(() => emulator.DeliveriesOf(frame.MessageId).Any(d => d.Direction == "in"), "the ack");
        var ack = emulator.DeliveriesOf(frame.MessageId).Single(d => d.Direction == "in");
        var response = JsonDocument.Parse(ack.Data!).RootElement.GetProperty("response");
        Assert.Equal("approved", response.GetProperty("cardData").GetProperty("cardParamMap").GetProperty("status").GetString());
        Assert.Single(emulator.DeliveriesOf(frame.MessageId), d => d.Direction == "out");
    }

    [Fact]
    public async Task Disconnect_sends_the_frame_stops_delivery_and_closes_after_the_grace()
    {
        await using var emulator = await StartAsync(o => o.DisconnectGrace = TimeSpan.FromMilliseconds(300));
        await using var client = await StreamTestClient.ConnectAsync(emulator);
        var id = emulator.OnlyConnectionId();

        using var reply = await emulator.PostJsonAsync($"/_emulator/dingtalk/stream/connections/{id}/disconnect", new { });
        var frame = await client.NextAsync();

        Assert.Equal(200, reply.Status);
        Assert.Equal("disconnecting", reply.Json.GetProperty("state").GetString());
        Assert.Equal("SYSTEM", frame.Type);
        Assert.Equal("disconnect", frame.Topic);
        using var during = await emulator.RobotMessageAsync();
        Assert.Equal(JsonValueKind.Null, during.Json.GetProperty("connectionId").ValueKind);

        await client.WaitClosedAsync();

        Assert.True(client.ClosedWithCloseFrame);
        var view = emulator.ConnectionView(id);
        Assert.Equal("closed", view.State);
        Assert.Equal("disconnect grace over", view.CloseReason);
        Assert.DoesNotContain(client.Drain(), f => f.Type == "CALLBACK");
        using var again = await emulator.PostJsonAsync($"/_emulator/dingtalk/stream/connections/{id}/disconnect", new { });
        Assert.Equal(404, again.Status);
    }

    [Fact]
    public async Task Disconnect_can_come_on_a_schedule()
    {
        await using var emulator = await StartAsync(o =>
        {
            o.DisconnectEvery = TimeSpan.FromMilliseconds(150);
            o.DisconnectGrace = TimeSpan.FromMilliseconds(100);
        });
        await using var client = await StreamTestClient.ConnectAsync(emulator);

        var frame = await client.NextAsync();
        await client.WaitClosedAsync();

        Assert.Equal("disconnect", frame.Topic);
        Assert.Equal("closed", emulator.ConnectionView(emulator.OnlyConnectionId()).State);
    }

    [Fact]
    public async Task A_reply_to_the_session_webhook_is_recorded_until_the_session_expires()
    {
        await using var emulator = await StartAsync();
        await using var client = await StreamTestClient.ConnectAsync(emulator);
        using var pushed = await emulator.RobotMessageAsync();
        var message = (await client.NextAsync()).DataJson;
        var webhook = new Uri(message.GetProperty("sessionWebhook").GetString()!);

        using var text = await emulator.PostJsonAsync(webhook.PathAndQuery, new { msgtype = "text", text = new { content = "收到" } });
        using var markdown = await emulator.PostJsonAsync(webhook.PathAndQuery, new { msgtype = "markdown", markdown = new { title = "t", text = "**done**" } });
        using var invalid = await emulator.PostJsonAsync(webhook.PathAndQuery, new { msgtype = "text", text = new { } });

        Assert.Equal(0, text.Json.GetProperty("errcode").GetInt32());
        Assert.Equal("ok", text.Json.GetProperty("errmsg").GetString());
        Assert.Equal(0, markdown.Json.GetProperty("errcode").GetInt32());
        Assert.NotEqual(0, invalid.Json.GetProperty("errcode").GetInt32());
        Assert.Contains("text.content", invalid.Json.GetProperty("errmsg").GetString(), StringComparison.Ordinal);
        using var replies = await emulator.GetAsync("/_emulator/dingtalk/stream/session-replies", null);
        var items = replies.Json.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["text", "markdown"], items.Select(i => i.GetProperty("msgType").GetString()));
        Assert.Equal(message.GetProperty("conversationId").GetString(), items[0].GetProperty("conversationId").GetString());
        Assert.Equal("收到", JsonDocument.Parse(items[0].GetProperty("body").GetString()!).RootElement.GetProperty("text").GetProperty("content").GetString());

        emulator.Clock.Advance(TimeSpan.FromMinutes(90));
        using var expired = await emulator.PostJsonAsync(webhook.PathAndQuery, new { msgtype = "text", text = new { content = "late" } });
        using var unknown = await emulator.PostJsonAsync("/dingtalk/robot/sendBySession?session=nope", new { msgtype = "text", text = new { content = "x" } });

        Assert.Equal(300005, expired.Json.GetProperty("errcode").GetInt32());
        Assert.Contains("expired", expired.Json.GetProperty("errmsg").GetString(), StringComparison.Ordinal);
        Assert.Equal(300005, unknown.Json.GetProperty("errcode").GetInt32());
        using var after = await emulator.GetAsync("/_emulator/dingtalk/stream/session-replies", null);
        Assert.Equal(2, after.Json.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task The_delivery_log_is_readable_over_http_by_message()
    {
        await using var emulator = await StartAsync();
        await using var client = await StreamTestClient.ConnectAsync(emulator);
        using var pushed = await emulator.RobotMessageAsync();
        var frame = await client.NextAsync();
        await client.AckAsync(frame, new { response = (object?)null });
        await WaitUntilAsync(() => emulator.DeliveriesOf(frame.MessageId).Count == 2, "the ack");

        using var log = await emulator.GetAsync($"/_emulator/dingtalk/stream/deliveries?messageId={frame.MessageId}", null);

        var items = log.Json.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["out", "in"], items.Select(i => i.GetProperty("direction").GetString()));
        Assert.All(items, i => Assert.Equal(frame.Header("connectionId"), i.GetProperty("connectionId").GetString()));
        Assert.Equal("CALLBACK", items[0].GetProperty("type").GetString());
        Assert.Equal(frame.Data, items[0].GetProperty("data").GetString());
    }
}
