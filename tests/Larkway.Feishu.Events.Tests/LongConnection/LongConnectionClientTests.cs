using System.Text;
using Larkway.Feishu.Events.Ingest;
using Larkway.Feishu.Events.LongConnection;
using Larkway.Feishu.Events.Models.Cards;
using Larkway.Feishu.Events.Tests.LongConnection.FakeServer;
using Larkway.Feishu.Events.Tests.LongConnection.FakeServer.Wire;

namespace Larkway.Feishu.Events.Tests.LongConnection;

/// <summary>The long-connection client against a fake Feishu server on Kestrel.</summary>
public sealed class LongConnectionClientTests
{
    [Fact]
    public async Task Discovery_posts_the_credentials_with_the_locale_header_and_connects()
    {
        await using var h = await LongConnectionHarness.StartAsync();

        var connection = await h.Server.NextConnectionAsync();
        await connection.NextPingAsync();

        h.Server.DiscoveryRequests.TryPeek(out var request).ShouldBeTrue();
        request!.Method.ShouldBe("POST");
        request.Path.ShouldBe("/callback/ws/endpoint");
        request.Locale.ShouldBe("zh");
        request.ContentType.ShouldNotBeNull().ShouldStartWith("application/json");
        request.Body.EnumerateObject().Select(p => p.Name).ShouldBe(["AppID", "AppSecret"]);
        request.Body.GetProperty("AppID").GetString().ShouldBe(LongConnectionHarness.AppId);
        request.Body.GetProperty("AppSecret").GetString().ShouldBe(LongConnectionHarness.AppSecret);

        connection.DeviceId.ShouldBe("dev-1");
        h.Client.State.ShouldBe(FeishuLongConnectionState.Connected);
        h.Client.ConnectionCount.ShouldBe(1);
        h.Client.Config.ShouldBe(new FeishuLongConnectionConfig(-1, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_fatal_discovery_code_stops_RunAsync_with_a_clear_error()
    {
        await using var h = await LongConnectionHarness.StartAsync(
            prepare: s => s.DiscoveryReplies.Enqueue(new DiscoveryReply(Code: 10003, Msg: "invalid app_secret")));

        var error = await h.RunFailureAsync();

        error.IsFatal.ShouldBeTrue();
        error.Reason.ShouldBe(FeishuLongConnectionErrorReason.DiscoveryRejected);
        error.Code.ShouldBe(10003);
        error.Message.ShouldContain("10003");
        error.Message.ShouldContain("invalid app_secret");
        h.Server.DiscoveryCount.ShouldBe(1);
        h.Client.State.ShouldBe(FeishuLongConnectionState.Stopped);
        AssertNothingSecretLogged(h);
    }

    [Fact]
    public async Task Retryable_discovery_failures_are_retried_until_one_succeeds()
    {
        await using var h = await LongConnectionHarness.StartAsync(prepare: s =>
        {
            s.DiscoveryReplies.Enqueue(new DiscoveryReply(Code: 1, Msg: "system busy"));
            s.DiscoveryReplies.Enqueue(new DiscoveryReply(Code: 1000040343, Msg: "internal error"));
            s.DiscoveryReplies.Enqueue(new DiscoveryReply(HttpStatus: 503));
        });

        var connection = await h.Server.NextConnectionAsync();
        await connection.NextPingAsync();

        h.Server.DiscoveryCount.ShouldBe(4);
        h.Client.ConnectionCount.ShouldBe(1);
    }

    [Fact]
    public async Task Reconnect_attempts_are_limited_by_ReconnectCount()
    {
        await using var h = await LongConnectionHarness.StartAsync(
            configure: o => o.InitialConfig = LongConnectionHarness.FastConfig with { ReconnectCount = 2 },
            prepare: s =>
            {
                for (var i = 0; i < 5; i++)
                {
                    s.DiscoveryReplies.Enqueue(new DiscoveryReply(Code: 1, Msg: "system busy"));
                }
            });

        var error = await h.RunFailureAsync();

        error.Reason.ShouldBe(FeishuLongConnectionErrorReason.ReconnectAttemptsExhausted);
        error.IsFatal.ShouldBeFalse();
        error.InnerException.ShouldBeOfType<FeishuLongConnectionException>().Code.ShouldBe(1);
        h.Server.DiscoveryCount.ShouldBe(3); // the first connect and two reconnect attempts
    }

    [Fact]
    public async Task Without_AutoReconnect_a_retryable_failure_ends_RunAsync()
    {
        await using var h = await LongConnectionHarness.StartAsync(
            configure: o => o.AutoReconnect = false,
            prepare: s => s.DiscoveryReplies.Enqueue(new DiscoveryReply(HttpStatus: 502)));

        var error = await h.RunFailureAsync();

        error.Reason.ShouldBe(FeishuLongConnectionErrorReason.DiscoveryFailed);
        error.Code.ShouldBe(502);
        h.Server.DiscoveryCount.ShouldBe(1);
    }

    [Theory]
    [InlineData(514, "1000040350", FeishuLongConnectionErrorReason.ConnectionLimitExceeded, 1000040350)]
    [InlineData(403, null, FeishuLongConnectionErrorReason.Forbidden, 403)]
    public async Task Fatal_handshake_refusals_stop_RunAsync(int status, string? authErrorCode, FeishuLongConnectionErrorReason reason, int code)
    {
        await using var h = await LongConnectionHarness.StartAsync(
            prepare: s => s.HandshakeRefusals.Enqueue(new HandshakeRefusal(status, authErrorCode, "refused")));

        var error = await h.RunFailureAsync();

        error.IsFatal.ShouldBeTrue();
        error.Reason.ShouldBe(reason);
        error.Code.ShouldBe(code);
        error.Message.ShouldContain($"status {status}");
        h.Server.DiscoveryCount.ShouldBe(1);
        AssertNothingSecretLogged(h);
    }

    [Theory]
    [InlineData(514, "1000040351")]
    [InlineData(514, null)]
    [InlineData(502, null)]
    public async Task Other_handshake_refusals_are_retried_with_a_new_discovery(int status, string? authErrorCode)
    {
        await using var h = await LongConnectionHarness.StartAsync(
            prepare: s => s.HandshakeRefusals.Enqueue(new HandshakeRefusal(status, authErrorCode, "try later")));

        var connection = await h.Server.NextConnectionAsync();
        await connection.NextPingAsync();

        h.Server.DiscoveryCount.ShouldBe(2);
        connection.DeviceId.ShouldBe("dev-2");
    }

    [Fact]
    public async Task The_client_pings_at_once_with_the_service_id()
    {
        await using var h = await LongConnectionHarness.StartAsync();
        var connection = await h.Server.NextConnectionAsync();

        var ping = await connection.NextPingAsync();

        ping.Method.ShouldBe(0);
        ping.Service.ShouldBe(FakeLongConnectionServer.ServiceId);
        ping.SeqID.ShouldBe(0UL);
        ping.LogID.ShouldBe(0UL);
        ping.Headers.Select(x => (x.Key, x.Value)).ShouldBe([("type", "ping")]);
        ping.HasPayload.ShouldBeFalse();
    }

    [Fact]
    public async Task A_pong_config_overwrites_the_settings_live()
    {
        await using var h = await LongConnectionHarness.StartAsync(prepare: s =>
        {
            s.ClientConfig = new FakeClientConfig(PingInterval: 3600);
            s.FirstPongPayload = new FakeClientConfig(ReconnectCount: 7, ReconnectInterval: 3, ReconnectNonce: 2, PingInterval: 1).ToJson();
        });
        var connection = await h.Server.NextConnectionAsync();

        await connection.NextPingAsync();
        // With the discovery's 3600 s this second ping would not come: it comes because the pong said 1 s.
        await connection.NextPingAsync();

        h.Client.Config.ShouldBe(new FeishuLongConnectionConfig(7, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task An_event_frame_reaches_the_sink_and_is_acknowledged_with_the_same_frame()
    {
        await using var h = await LongConnectionHarness.StartAsync();
        var connection = await h.Server.NextConnectionAsync();
        var payload = Payloads.Message("ev-1");

        var sent = await connection.SendDataAsync(payload, "msg-1");

        var inbound = await h.Sink.NextAsync();
        inbound.Envelope.EventType.ShouldBe("im.message.receive_v1");
        inbound.Envelope.DedupKey.ShouldBe("ev-1");
        inbound.Transport.ShouldBe(FeishuEventTransport.LongConnection);
        inbound.AppName.ShouldBe("ops");
        inbound.Body.ToArray().ShouldBe(payload);

        var ack = await connection.NextAckAsync();
        ack.ShouldAcknowledge(sent);
        var body = ack.AckBody();
        body.GetProperty("code").GetInt32().ShouldBe(200);
        body.GetProperty("headers").EnumerateObject().ShouldBeEmpty();
        body.TryGetProperty("data", out _).ShouldBeFalse();
        AssertNothingSecretLogged(h);
    }

    [Fact]
    public async Task A_card_action_ack_carries_the_sinks_response_as_base64_json()
    {
        await using var h = await LongConnectionHarness.StartAsync();
        var response = CardActionResponse.WithToast(CardToastType.Success, "Approved");
        h.Sink.Handler = (e, _) => ValueTask.FromResult(new FeishuIngestResult(FeishuIngestStatus.Accepted, e.IsCardAction ? response : null));
        var connection = await h.Server.NextConnectionAsync();

        var sent = await connection.SendDataAsync(Payloads.CardAction(), "msg-card");

        (await h.Sink.NextAsync()).IsCardAction.ShouldBeTrue();
        var ack = await connection.NextAckAsync();
        ack.ShouldAcknowledge(sent);
        var body = ack.AckBody();
        body.GetProperty("code").GetInt32().ShouldBe(200);
        Encoding.UTF8.GetString(body.GetProperty("data").GetBytesFromBase64()).ShouldBe(response.ToJson());
    }

    [Fact]
    public async Task A_card_action_without_a_response_answers_an_empty_object()
    {
        await using var h = await LongConnectionHarness.StartAsync();
        var connection = await h.Server.NextConnectionAsync();

        await connection.SendDataAsync(Payloads.CardAction(), "msg-card");

        var body = (await connection.NextAckAsync()).AckBody();
        Encoding.UTF8.GetString(body.GetProperty("data").GetBytesFromBase64()).ShouldBe("{}");
    }

    [Fact]
    public async Task Frames_of_type_card_are_handled_like_events()
    {
        await using var h = await LongConnectionHarness.StartAsync();
        var connection = await h.Server.NextConnectionAsync();

        var sent = await connection.SendDataAsync(Payloads.CardAction(), "msg-card", type: "card");

        (await h.Sink.NextAsync()).Envelope.EventType.ShouldBe("card.action.trigger");
        var ack = await connection.NextAckAsync();
        ack.ShouldAcknowledge(sent);
        ack.AckCode().ShouldBe(200);
    }

    [Fact]
    public async Task A_sink_failure_is_acknowledged_with_500_so_that_the_server_redelivers()
    {
        await using var h = await LongConnectionHarness.StartAsync();
        h.Sink.Handler = (_, _) => throw new InvalidOperationException("database down");
        var connection = await h.Server.NextConnectionAsync();

        var sent = await connection.SendDataAsync(Payloads.Message(), "msg-1");

        var ack = await connection.NextAckAsync();
        ack.ShouldAcknowledge(sent);
        ack.AckCode().ShouldBe(500);
        h.Logs.Lines.ShouldContain(l => l.Contains(" 1811 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_wrong_verification_token_is_refused_with_500_and_never_reaches_the_sink()
    {
        await using var h = await LongConnectionHarness.StartAsync(configure: o => o.VerificationToken = LongConnectionHarness.VerificationToken);
        var connection = await h.Server.NextConnectionAsync();

        var wrong = await connection.SendDataAsync(Payloads.Message("ev-wrong", token: "forged"), "msg-1");
        var right = await connection.SendDataAsync(Payloads.Message("ev-right"), "msg-2");

        var acks = new[] { await connection.NextAckAsync(), await connection.NextAckAsync() }.ToDictionary(a => a.SeqID);
        acks[wrong.SeqID].AckCode().ShouldBe(500);
        acks[right.SeqID].AckCode().ShouldBe(200);
        (await h.Sink.NextAsync()).Envelope.DedupKey.ShouldBe("ev-right");
        h.Sink.Count.ShouldBe(1);
        AssertNothingSecretLogged(h);
    }

    [Fact]
    public async Task A_payload_that_is_not_an_event_is_acknowledged_without_reaching_the_sink()
    {
        await using var h = await LongConnectionHarness.StartAsync();
        var connection = await h.Server.NextConnectionAsync();

        var sent = await connection.SendDataAsync(Encoding.UTF8.GetBytes("{\"not\":\"" + Payloads.SecretText + "\"}"), "msg-bad");

        var ack = await connection.NextAckAsync();
        ack.ShouldAcknowledge(sent);
        ack.AckCode().ShouldBe(200);
        h.Sink.Count.ShouldBe(0);
        h.Logs.Lines.ShouldContain(l => l.Contains(" 1809 ", StringComparison.Ordinal));
        AssertNothingSecretLogged(h);
    }

    [Fact]
    public async Task Fragments_arriving_out_of_order_are_reassembled_and_the_last_one_is_acknowledged()
    {
        await using var h = await LongConnectionHarness.StartAsync();
        var connection = await h.Server.NextConnectionAsync();
        var payload = Payloads.Message("ev-frag");
        var third = payload.Length / 3;
        Frame[] parts =
        [
            connection.DataFrame(payload[..third], "msg-frag", sum: 3, seq: 0),
            connection.DataFrame(payload[third..(2 * third)], "msg-frag", sum: 3, seq: 1),
            connection.DataFrame(payload[(2 * third)..], "msg-frag", sum: 3, seq: 2),
        ];

        await connection.SendAsync(parts[2]);
        await connection.SendAsync(parts[0]);
        await connection.SendAsync(parts[1]);

        (await h.Sink.NextAsync()).Body.ToArray().ShouldBe(payload);
        var ack = await connection.NextAckAsync();
        ack.ShouldAcknowledge(parts[1]);
        ack.AckCode().ShouldBe(200);
    }

    [Fact]
    public async Task Incomplete_fragmented_messages_beyond_the_cap_are_dropped()
    {
        await using var h = await LongConnectionHarness.StartAsync(configure: o => o.MaxPendingFragmentedMessages = 2);
        var connection = await h.Server.NextConnectionAsync();
        Frame[][] messages = [.. new[] { "ev-a", "ev-b", "ev-c" }.Select(id =>
        {
            var payload = Payloads.Message(id);
            var half = payload.Length / 2;
            return new[]
            {
                connection.DataFrame(payload[..half], "msg-" + id, sum: 2, seq: 0),
                connection.DataFrame(payload[half..], "msg-" + id, sum: 2, seq: 1),
            };
        })];

        // Three first halves with room for two: the oldest (a) is dropped.
        await connection.SendAsync(messages[0][0]);
        await connection.SendAsync(messages[1][0]);
        await connection.SendAsync(messages[2][0]);
        // a's second half alone cannot complete it; c's completes c.
        await connection.SendAsync(messages[0][1]);
        await connection.SendAsync(messages[2][1]);

        var ack = await connection.NextAckAsync();
        ack.ShouldAcknowledge(messages[2][1]);
        (await h.Sink.NextAsync()).Envelope.DedupKey.ShouldBe("ev-c");
        h.Sink.Count.ShouldBe(1);
        h.Logs.Lines.ShouldContain(l => l.Contains(" 1812 ", StringComparison.Ordinal) && l.Contains("msg-ev-a", StringComparison.Ordinal));
    }

    [Fact]
    public async Task When_the_server_closes_the_socket_the_client_rediscovers_and_reconnects()
    {
        var states = new List<FeishuLongConnectionState>();
        await using var h = await LongConnectionHarness.StartAsync(run: false);
        h.Client.StateChanged += (_, state) =>
        {
            lock (states)
            {
                states.Add(state);
            }
        };
        var run = h.Client.RunAsync(CancellationToken.None);
        var first = await h.Server.NextConnectionAsync();
        await first.NextPingAsync();

        await first.CloseAsync();

        var second = await h.Server.NextConnectionAsync();
        await second.NextPingAsync();
        await first.Closed.WaitAsync(TestTimeouts.HangGuard);
        h.Server.DiscoveryCount.ShouldBe(2);
        second.DeviceId.ShouldBe("dev-2");
        h.Client.ConnectionCount.ShouldBe(2);

        var sent = await second.SendDataAsync(Payloads.Message(), "msg-after");
        (await second.NextAckAsync()).ShouldAcknowledge(sent);

        await h.Client.DisposeAsync();
        await run.WaitAsync(TestTimeouts.HangGuard);
        lock (states)
        {
            states.ShouldBe([
                FeishuLongConnectionState.Connecting,
                FeishuLongConnectionState.Connected,
                FeishuLongConnectionState.Reconnecting,
                FeishuLongConnectionState.Connected,
                FeishuLongConnectionState.Stopped,
            ]);
        }
    }

    [Fact]
    public async Task Without_AutoReconnect_a_lost_connection_ends_RunAsync()
    {
        await using var h = await LongConnectionHarness.StartAsync(configure: o => o.AutoReconnect = false);
        var connection = await h.Server.NextConnectionAsync();
        await connection.NextPingAsync();

        await connection.CloseAsync();

        var error = await h.RunFailureAsync();
        error.Reason.ShouldBe(FeishuLongConnectionErrorReason.ConnectionLost);
        error.IsFatal.ShouldBeFalse();
        h.Server.DiscoveryCount.ShouldBe(1);
    }

    [Fact]
    public async Task The_watchdog_drops_a_silent_connection_and_reconnects()
    {
        await using var h = await LongConnectionHarness.StartAsync(prepare: s =>
        {
            s.ClientConfig = new FakeClientConfig(PingInterval: 1);
            s.RespondToPings = false;
        });
        var first = await h.Server.NextConnectionAsync();
        await first.NextPingAsync();

        // The server never answers: after three ping intervals of silence the client gives up on it.
        var second = await h.Server.NextConnectionAsync();

        await first.Closed.WaitAsync(TestTimeouts.HangGuard);
        second.DeviceId.ShouldBe("dev-2");
        h.Logs.Lines.ShouldContain(l => l.Contains(" 1806 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_ping_left_unanswered_has_the_connection_replaced_make_before_break()
    {
        await using var h = await LongConnectionHarness.StartAsync(
            configure: o =>
            {
                o.PongTimeout = TimeSpan.FromSeconds(1);
                o.WatchdogTimeout = Timeout.InfiniteTimeSpan; // only the pong deadline may act
            },
            prepare: s => s.RespondToPings = false);
        var first = await h.Server.NextConnectionAsync();
        await first.NextPingAsync();
        var acceptedWhenFirstClosed = first.Closed.ContinueWith(_ => h.Server.AcceptedCount, TaskScheduler.Default);

        var second = await h.Server.NextConnectionAsync();

        (await acceptedWhenFirstClosed.WaitAsync(TestTimeouts.HangGuard)).ShouldBe(2);
        second.DeviceId.ShouldBe("dev-2");
        h.Client.LastReplaceReason.ShouldNotBeNull().ShouldContain("of a ping");
        h.Logs.Lines.ShouldContain(l => l.Contains(" 1823 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_two_connections_one_that_misses_the_deaf_streak_is_replaced()
    {
        await using var h = await LongConnectionHarness.StartAsync(configure: o =>
        {
            o.Connections = 2;
            o.DeafStreak = 3;
            o.DeafConfirmation = TimeSpan.Zero; // the streak alone; the confirmation has its own tests (LongConnectionDeafRuleTests)
        });
        var a = await h.Server.NextConnectionAsync();
        var b = await h.Server.NextConnectionAsync();

        // Events only on a: b misses the streak. On a loaded machine b may not count as open for the first few, so a
        // keeps sending until the client replaces b (a hang guard bounds it, not a timing assertion).
        var next = h.Server.NextConnectionAsync();
        for (var i = 0; !next.IsCompleted && i < 200; i++)
        {
            var sent = await a.SendDataAsync(Payloads.Message($"ev-{i}"), $"msg-{i}");
            (await a.NextAckAsync()).ShouldAcknowledge(sent);
        }

        var third = await next;
        await b.Closed.WaitAsync(TestTimeouts.HangGuard);
        third.DeviceId.ShouldBe("dev-3");
        a.Closed.IsCompleted.ShouldBeFalse();
        h.Client.LastReplaceReason.ShouldNotBeNull().ShouldStartWith("deaf");
    }

    [Fact]
    public async Task Cancellation_stops_cleanly_and_cancels_handlers_in_progress()
    {
        await using var h = await LongConnectionHarness.StartAsync();
        var handlerStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handlerCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Sink.Handler = async (_, ct) =>
        {
            handlerStarted.TrySetResult();
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            }
            catch (OperationCanceledException)
            {
                handlerCancelled.TrySetResult();
                throw;
            }

            return FeishuIngestResult.Accepted;
        };
        var connection = await h.Server.NextConnectionAsync();
        await connection.SendDataAsync(Payloads.Message(), "msg-slow");
        await handlerStarted.Task.WaitAsync(TestTimeouts.HangGuard);

        await h.StopAsync(); // returns normally

        handlerCancelled.Task.IsCompleted.ShouldBeTrue();
        h.Client.State.ShouldBe(FeishuLongConnectionState.Stopped);
        await connection.Closed.WaitAsync(TestTimeouts.HangGuard);
        connection.TryReadAck(out _).ShouldBeFalse(); // not acknowledged: the server redelivers it
    }

    [Fact]
    public async Task Text_messages_are_ignored()
    {
        await using var h = await LongConnectionHarness.StartAsync();
        var connection = await h.Server.NextConnectionAsync();

        await connection.SendTextAsync("{\"hello\":\"world\"}");
        var sent = await connection.SendDataAsync(Payloads.Message(), "msg-1");

        (await connection.NextAckAsync()).ShouldAcknowledge(sent);
        h.Sink.Count.ShouldBe(1);
        h.Client.ConnectionCount.ShouldBe(1);
        h.Logs.Lines.ShouldContain(l => l.Contains(" 1818 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Card_actions_are_not_queued_behind_slow_events()
    {
        await using var h = await LongConnectionHarness.StartAsync(configure: o => o.MaxConcurrentHandlers = 1);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Sink.Handler = async (e, ct) =>
        {
            if (!e.IsCardAction)
            {
                await release.Task.WaitAsync(ct);
            }

            return FeishuIngestResult.Accepted;
        };
        var connection = await h.Server.NextConnectionAsync();

        var slow1 = await connection.SendDataAsync(Payloads.Message("ev-1"), "msg-1");
        var slow2 = await connection.SendDataAsync(Payloads.Message("ev-2"), "msg-2");
        var card = await connection.SendDataAsync(Payloads.CardAction(), "msg-card");

        (await connection.NextAckAsync()).SeqID.ShouldBe(card.SeqID);
        release.SetResult();
        var rest = new[] { (await connection.NextAckAsync()).SeqID, (await connection.NextAckAsync()).SeqID };
        rest.ShouldBe([slow1.SeqID, slow2.SeqID], ignoreOrder: true);
    }

    [Fact]
    public async Task Frames_beyond_the_handler_backlog_are_refused_with_500_at_once()
    {
        await using var h = await LongConnectionHarness.StartAsync(configure: o =>
        {
            o.MaxConcurrentHandlers = 1;
            o.HandlerBacklog = 0;
        });
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Sink.Handler = async (_, ct) =>
        {
            await release.Task.WaitAsync(ct);
            return FeishuIngestResult.Accepted;
        };
        var connection = await h.Server.NextConnectionAsync();
        var busy = await connection.SendDataAsync(Payloads.Message("ev-1"), "msg-1");
        await h.Sink.NextAsync();

        var refused = await connection.SendDataAsync(Payloads.Message("ev-2"), "msg-2");

        var first = await connection.NextAckAsync();
        first.ShouldAcknowledge(refused);
        first.AckCode().ShouldBe(500);
        release.SetResult();
        var second = await connection.NextAckAsync();
        second.ShouldAcknowledge(busy);
        second.AckCode().ShouldBe(200);
        h.Sink.Count.ShouldBe(1);
    }

    [Fact]
    public async Task RunAsync_cannot_run_twice_at_once()
    {
        await using var h = await LongConnectionHarness.StartAsync();
        await (await h.Server.NextConnectionAsync()).NextPingAsync();

        await Should.ThrowAsync<InvalidOperationException>(() => h.Client.RunAsync());
    }

    [Fact]
    public void Options_without_credentials_are_refused()
    {
        Should.Throw<ArgumentException>(() => new FeishuLongConnectionClient(new FeishuLongConnectionOptions { AppId = "cli_x" }, new RecordingSink()));
        Should.Throw<ArgumentException>(() => new FeishuLongConnectionClient(new FeishuLongConnectionOptions { AppSecret = "s" }, new RecordingSink()));
    }

    private static void AssertNothingSecretLogged(LongConnectionHarness h)
    {
        h.Logs.Lines.ShouldNotBeEmpty();
        foreach (var line in h.Logs.Lines)
        {
            line.ShouldNotContain(LongConnectionHarness.AppSecret);
            line.ShouldNotContain(LongConnectionHarness.VerificationToken);
            line.ShouldNotContain(Payloads.SecretText);
            line.ShouldNotContain("ak-secret");
            line.ShouldNotContain("tk-secret");
        }
    }
}
