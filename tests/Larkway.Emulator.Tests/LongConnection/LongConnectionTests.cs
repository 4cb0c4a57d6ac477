using System.Net.WebSockets;
using System.Text.Json;
using Larkway.Emulator.Events;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.LongConnection;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.LongConnection;

/// <summary>The long-connection endpoint driven by a raw ClientWebSocket and the tests' own protobuf copy.</summary>
public sealed class LongConnectionTests
{
    private const string Token = "vt_lc_5bE2q";

    [Fact]
    public async Task Discovery_with_good_credentials_returns_a_ws_url_and_the_client_config()
    {
        await using var emulator = await StartAsync(o => o.LongConnection.PingIntervalSeconds = 7);
        using var reply = await LcTestClient.DiscoverAsync(emulator);

        Assert.Equal(200, reply.Status);
        Assert.Equal(0, reply.Code);
        var url = new Uri(reply.Data.GetProperty("URL").GetString()!);
        Assert.Equal("ws", url.Scheme);
        Assert.Equal(emulator.Server.BaseUrl.Authority, url.Authority);
        Assert.Equal("/ws/v2", url.AbsolutePath);
        var query = url.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.False(string.IsNullOrEmpty(query["device_id"]));
        Assert.True(int.TryParse(query["service_id"], out _));
        Assert.False(string.IsNullOrEmpty(query["ticket"]));
        Assert.NotEqual("device_id", query.Keys.First());

        var config = reply.Data.GetProperty("ClientConfig");
        Assert.Equal(-1, config.GetProperty("ReconnectCount").GetInt32());
        Assert.Equal(120, config.GetProperty("ReconnectInterval").GetInt32());
        Assert.Equal(30, config.GetProperty("ReconnectNonce").GetInt32());
        Assert.Equal(7, config.GetProperty("PingInterval").GetInt32());

        using var again = await LcTestClient.DiscoverAsync(emulator);
        Assert.NotEqual(reply.Data.GetProperty("URL").GetString(), again.Data.GetProperty("URL").GetString());
    }

    [Theory]
    [InlineData(null, "wrong-secret", 1000040345)]
    [InlineData("cli_0000000000000000", null, 1000040345)]
    [InlineData(null, "", 1000040344)]
    public async Task Discovery_with_bad_credentials_answers_a_fatal_code(string? appId, string? secret, int code)
    {
        await using var emulator = await StartAsync();
        using var reply = await LcTestClient.DiscoverAsync(emulator, appId, secret);

        Assert.Equal(200, reply.Status);
        Assert.Equal(code, reply.Code);
        Assert.Equal(JsonValueKind.Object, reply.Data.ValueKind);
        Assert.False(reply.Data.TryGetProperty("URL", out _));
    }

    [Fact]
    public async Task A_ticket_admits_one_connection_only()
    {
        await using var emulator = await StartAsync();
        var url = await LcTestClient.DiscoverUrlAsync(emulator);
        await using var first = await LcTestClient.ConnectAsync(url);

        var (status, headers) = await LcTestClient.RefusedHandshakeAsync(url);

        Assert.Equal(514, status);
        Assert.Equal("514", headers["Handshake-Status"].Single());
        Assert.NotEqual("1000040350", headers["Handshake-Autherrcode"].Single());
        Assert.False(string.IsNullOrEmpty(headers["Handshake-Msg"].Single()));
    }

    [Fact]
    public async Task An_unknown_ticket_is_refused_with_the_handshake_headers()
    {
        await using var emulator = await StartAsync();
        var url = new Uri(emulator.Server.BaseUrl, "/ws/v2?device_id=1&service_id=2&ticket=nope");
        var (status, headers) = await LcTestClient.RefusedHandshakeAsync(new UriBuilder(url) { Scheme = "ws" }.Uri);

        Assert.Equal(514, status);
        Assert.Contains("Handshake-Autherrcode", headers.Keys);
    }

    [Fact]
    public async Task An_expired_ticket_is_refused()
    {
        await using var emulator = await StartAsync(o => o.LongConnection.TicketLifetime = TimeSpan.FromSeconds(30));
        var url = await LcTestClient.DiscoverUrlAsync(emulator);
        emulator.Clock.Advance(TimeSpan.FromSeconds(31));

        var (status, headers) = await LcTestClient.RefusedHandshakeAsync(url);

        Assert.Equal(514, status);
        Assert.Equal("514", headers["Handshake-Status"].Single());
    }

    [Fact]
    public async Task One_connection_over_the_limit_is_refused_with_514_and_1000040350()
    {
        await using var emulator = await StartAsync(o => o.LongConnection.MaxConnectionsPerApp = 2);
        await using var one = await LcTestClient.ConnectAsync(emulator);
        await using var two = await LcTestClient.ConnectAsync(emulator);

        var (status, headers) = await LcTestClient.RefusedHandshakeAsync(await LcTestClient.DiscoverUrlAsync(emulator));

        Assert.Equal(514, status);
        Assert.Equal("514", headers["Handshake-Status"].Single());
        Assert.Equal("1000040350", headers["Handshake-Autherrcode"].Single());

        // A slot frees up when a connection goes.
        await one.DisposeAsync();
        await WaitUntilAsync(() => emulator.Server.LongConnections.StatusOf(emulator.Options.AppId).Connections.Count == 1);
        await using var three = await LcTestClient.ConnectAsync(emulator);
    }

    [Fact]
    public async Task A_ping_gets_a_pong_with_all_four_client_config_fields()
    {
        await using var emulator = await StartAsync(o =>
        {
            o.LongConnection.PingIntervalSeconds = 3;
            o.LongConnection.ReconnectIntervalSeconds = 4;
            o.LongConnection.ReconnectNonceSeconds = 5;
        });
        await using var client = await LcTestClient.ConnectAsync(emulator);

        await client.PingAsync();
        var pong = await client.NextFrameAsync();

        Assert.Equal(0, pong.Method);
        Assert.Equal(client.ServiceId, pong.Service);
        Assert.Equal("pong", LcTestClient.Header(pong, "type"));
        var config = JsonDocument.Parse(pong.Payload.ToStringUtf8()).RootElement;
        Assert.Equal(3, config.GetProperty("PingInterval").GetInt32());
        Assert.Equal(4, config.GetProperty("ReconnectInterval").GetInt32());
        Assert.Equal(5, config.GetProperty("ReconnectNonce").GetInt32());
        Assert.Equal(-1, config.GetProperty("ReconnectCount").GetInt32());
    }

    [Fact]
    public async Task An_event_arrives_with_all_five_headers_and_the_plaintext_v2_body_and_its_ack_is_logged()
    {
        await using var emulator = await StartAsync();
        await SubscribeAsync(emulator);
        await using var client = await LcTestClient.ConnectAsync(emulator);
        var messageId = await PostP2pAsync(emulator, "hello over ws");

        var received = await client.NextEventAsync();

        var frame = Assert.Single(received.Frames);
        Assert.Equal(1, frame.Method);
        Assert.Equal(client.ServiceId, frame.Service);
        Assert.Equal(["type", "message_id", "sum", "seq", "trace_id"], frame.Headers.Select(h => h.Key));
        Assert.Equal("event", received.Header("type"));
        Assert.Equal("1", received.Header("sum"));
        Assert.Equal("0", received.Header("seq"));
        Assert.False(string.IsNullOrEmpty(received.Header("message_id")));
        Assert.False(string.IsNullOrEmpty(received.Header("trace_id")));

        var body = received.Body;
        Assert.Equal("2.0", body.GetProperty("schema").GetString());
        var header = body.GetProperty("header");
        Assert.Equal("im.message.receive_v1", header.GetProperty("event_type").GetString());
        Assert.Equal(Token, header.GetProperty("token").GetString());
        Assert.Equal(emulator.Options.AppId, header.GetProperty("app_id").GetString());
        Assert.Equal(messageId, body.GetProperty("event").GetProperty("message").GetProperty("message_id").GetString());
        var eventId = header.GetProperty("event_id").GetString()!;

        await client.AckAsync(received);
        var attempt = await WaitForAttemptAsync(emulator, eventId, a => a.Success);
        Assert.Equal(200, attempt.StatusCode);
        Assert.Equal(client.DeviceId, attempt.Connection);

        // The control view shows the same attempt.
        using var events = await emulator.GetAsync("/_emulator/events", null);
        var item = events.Data.GetProperty("items").EnumerateArray().First(i => i.GetProperty("event_id").GetString() == eventId);
        Assert.Equal(client.DeviceId, item.GetProperty("connection").GetString());
    }

    [Fact]
    public async Task A_large_event_is_split_into_fragments_sent_out_of_order()
    {
        await using var emulator = await StartAsync(o =>
        {
            o.LongConnection.MaxFramePayloadBytes = 100;
            o.LongConnection.SendFragmentsOutOfOrder = true;
        });
        await SubscribeAsync(emulator);
        await using var client = await LcTestClient.ConnectAsync(emulator);
        var text = string.Concat(Enumerable.Repeat("长连接分片 fragment ", 40));
        await PostP2pAsync(emulator, text);

        var received = await client.NextEventAsync();

        var sum = int.Parse(received.Header("sum"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(sum > 1, $"expected fragments, got sum={sum}");
        Assert.Equal(sum, received.Frames.Count);
        Assert.All(received.Frames, f => Assert.True(f.Payload.Length <= 100));
        Assert.All(received.Frames, f => Assert.Equal(received.MessageId, LcTestClient.Header(f, "message_id")));
        Assert.Equal(
            Enumerable.Range(0, sum).Reverse().Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            received.Frames.Select(f => LcTestClient.Header(f, "seq")));
        var content = received.Body.GetProperty("event").GetProperty("message").GetProperty("content").GetString()!;
        Assert.Equal(text, JsonDocument.Parse(content).RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public async Task An_acked_event_is_settled_and_not_sent_again()
    {
        await using var emulator = await StartAsync();
        await SubscribeAsync(emulator);
        await using var client = await LcTestClient.ConnectAsync(emulator);
        await PostP2pAsync(emulator, "ack me");

        var received = await client.NextEventAsync();
        await client.AckAsync(received);
        var eventId = EventIdOf(received);
        await WaitForAttemptAsync(emulator, eventId, a => a.Success);

        // Nothing is in flight, so no timer can resend it; the next event is the next thing on the wire.
        Assert.Equal(0, emulator.Server.LongConnections.StatusOf(emulator.Options.AppId).InFlight);
        await PostP2pAsync(emulator, "second");
        var next = await client.NextEventAsync();
        Assert.NotEqual(eventId, EventIdOf(next));
        Assert.Single(emulator.Server.Deliveries.AttemptsOf(eventId));
    }

    [Fact]
    public async Task An_event_not_acked_in_time_is_sent_again_with_the_same_message_id()
    {
        await using var emulator = await StartAsync(o => o.LongConnection.AckTimeout = TimeSpan.FromMilliseconds(200));
        await SubscribeAsync(emulator);
        await using var client = await LcTestClient.ConnectAsync(emulator);
        await PostP2pAsync(emulator, "no ack");

        var first = await client.NextEventAsync();
        var second = await client.NextEventAsync();

        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal(first.Json, second.Json);
        await client.AckAsync(second);
        var eventId = EventIdOf(first);
        await WaitForAttemptAsync(emulator, eventId, a => a.Success);
        var attempts = emulator.Server.Deliveries.AttemptsOf(eventId);
        Assert.Contains(attempts, a => a is { Attempt: 1, Success: false } && a.Error!.Contains("no ack", StringComparison.Ordinal));
        Assert.Contains(attempts, a => a.Success && a.Attempt >= 2);
    }

    [Fact]
    public async Task An_event_is_given_up_after_the_maximum_number_of_sends()
    {
        await using var emulator = await StartAsync(o =>
        {
            o.LongConnection.AckTimeout = TimeSpan.FromMilliseconds(100);
            o.LongConnection.MaxDeliveryAttempts = 2;
        });
        await SubscribeAsync(emulator);
        await using var client = await LcTestClient.ConnectAsync(emulator);
        await PostP2pAsync(emulator, "never acked");
        var received = await client.NextEventAsync();
        var eventId = EventIdOf(received);

        var last = await WaitForAttemptAsync(emulator, eventId, a => a.Attempt == 2);

        Assert.False(last.Success);
        Assert.Null(last.NextRetryMs);
        Assert.NotNull(emulator.Server.Deliveries.AttemptsOf(eventId).Single(a => a.Attempt == 1).NextRetryMs);
        await WaitUntilAsync(() => emulator.Server.LongConnections.StatusOf(emulator.Options.AppId).InFlight == 0);
    }

    [Fact]
    public async Task A_500_ack_is_redelivered()
    {
        await using var emulator = await StartAsync();
        await SubscribeAsync(emulator);
        await using var client = await LcTestClient.ConnectAsync(emulator);
        await PostP2pAsync(emulator, "handler throws");

        var first = await client.NextEventAsync();
        await client.AckAsync(first, code: 500);
        var second = await client.NextEventAsync();
        await client.AckAsync(second);

        Assert.Equal(first.Json, second.Json);
        var eventId = EventIdOf(first);
        await WaitForAttemptAsync(emulator, eventId, a => a.Success);
        Assert.Contains(emulator.Server.Deliveries.AttemptsOf(eventId), a => a is { Attempt: 1, StatusCode: 500, Success: false });
    }

    [Fact]
    public async Task Dropping_the_connection_redelivers_the_unacked_event_on_the_next_connection()
    {
        await using var emulator = await StartAsync();
        await SubscribeAsync(emulator);
        var first = await LcTestClient.ConnectAsync(emulator);
        await PostP2pAsync(emulator, "survive a drop");
        var received = await first.NextEventAsync();

        using var dropped = await emulator.PostJsonAsync("/_emulator/long-connection/faults", new { app_id = emulator.Options.AppId, kind = "drop" });
        Assert.Equal(0, dropped.Code);
        Assert.Equal(1, dropped.Data.GetProperty("dropped").GetInt32());
        await first.Closed.WaitAsync(LcTestClient.Guard);
        await first.DisposeAsync();

        await using var second = await LcTestClient.ConnectAsync(emulator);
        var again = await second.NextEventAsync();
        Assert.Equal(received.Json, again.Json);
        await second.AckAsync(again);
        var attempt = await WaitForAttemptAsync(emulator, EventIdOf(again), a => a.Success);
        Assert.Equal(second.DeviceId, attempt.Connection);
        Assert.Contains(emulator.Server.Deliveries.AttemptsOf(EventIdOf(again)), a => !a.Success && a.Connection == first.DeviceId);
    }

    [Fact]
    public async Task Events_raised_with_no_connection_wait_for_one()
    {
        await using var emulator = await StartAsync();
        await SubscribeAsync(emulator);
        var messageId = await PostP2pAsync(emulator, "while offline");
        await WaitUntilAsync(() => emulator.Server.LongConnections.StatusOf(emulator.Options.AppId).Waiting == 1);

        await using var client = await LcTestClient.ConnectAsync(emulator);
        var received = await client.NextEventAsync();

        Assert.Equal(messageId, received.Body.GetProperty("event").GetProperty("message").GetProperty("message_id").GetString());
    }

    [Fact]
    public async Task Two_connections_share_the_stream_and_each_event_goes_to_exactly_one()
    {
        await using var emulator = await StartAsync();
        await SubscribeAsync(emulator);
        await using var a = await LcTestClient.ConnectAsync(emulator);
        await using var b = await LcTestClient.ConnectAsync(emulator);
        const int Count = 6;
        for (var i = 0; i < Count; i++)
        {
            await PostP2pAsync(emulator, "shared " + i);
        }

        var seen = new List<(string Client, string EventId)>();
        var readers = new[] { (Name: "a", Client: a), (Name: "b", Client: b) };
        var pending = readers.ToDictionary(r => r.Name, r => r.Client.NextEventAsync());
        while (seen.Count < Count)
        {
            var done = await Task.WhenAny(pending.Values).WaitAsync(LcTestClient.Guard);
            var name = pending.First(p => p.Value == done).Key;
            var client = readers.First(r => r.Name == name).Client;
            var received = await done;
            await client.AckAsync(received);
            seen.Add((name, EventIdOf(received)));
            pending[name] = client.NextEventAsync();
        }

        Assert.Equal(Count, seen.Select(s => s.EventId).Distinct().Count());
        Assert.Contains(seen, s => s.Client == "a");
        Assert.Contains(seen, s => s.Client == "b");
        foreach (var (_, eventId) in seen)
        {
            await WaitForAttemptAsync(emulator, eventId, x => x.Success);
            Assert.Single(emulator.Server.Deliveries.AttemptsOf(eventId));
        }
    }

    [Fact]
    public async Task A_callback_round_trips_through_SendCallbackAsync()
    {
        await using var emulator = await StartAsync();
        await using var client = await LcTestClient.ConnectAsync(emulator);
        var callback = JsonSerializer.Serialize(new
        {
            schema = "2.0",
            header = new { event_id = "cb0123456789abcdef0123456789abcd", event_type = "card.action.trigger", token = Token, app_id = emulator.Options.AppId },
            @event = new { action = new { value = new { choice = "approve" }, tag = "button" } },
        });

        var sending = emulator.Server.LongConnections.SendCallbackAsync(emulator.Options.AppId, callback, TimeSpan.FromSeconds(15));
        var received = await client.NextEventAsync();
        Assert.Equal("event", received.Header("type"));
        Assert.Equal("card.action.trigger", received.Body.GetProperty("header").GetProperty("event_type").GetString());
        await client.AckAsync(received, dataJson: "{\"toast\":{\"type\":\"success\",\"content\":\"done\"}}");
        var result = await sending.WaitAsync(LcTestClient.Guard);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(LongConnectionCallbackStatus.Acked, result.Status);
        Assert.Equal("done", JsonDocument.Parse(result.DataJson!).RootElement.GetProperty("toast").GetProperty("content").GetString());
    }

    [Fact]
    public async Task A_callback_without_an_ack_times_out_and_one_without_a_connection_fails_at_once()
    {
        await using var emulator = await StartAsync();
        var hub = emulator.Server.LongConnections;
        var none = await hub.SendCallbackAsync(emulator.Options.AppId, "{}", TimeSpan.FromSeconds(30)).WaitAsync(LcTestClient.Guard);
        Assert.Equal(LongConnectionCallbackStatus.NoConnection, none.Status);

        await using var client = await LcTestClient.ConnectAsync(emulator);

        // The client may see its socket open a moment before the Emulator lists the connection (a busy machine): a send
        // answered "no connection" then is tried again, until the frame goes out.
        Task<LongConnectionCallbackResult> sending;
        using (var guard = new CancellationTokenSource(LcTestClient.Guard))
        {
            while ((sending = hub.SendCallbackAsync(emulator.Options.AppId, "{\"schema\":\"2.0\",\"header\":{\"event_type\":\"card.action.trigger\"}}", TimeSpan.FromMilliseconds(200))).IsCompleted
                && (await sending).Status == LongConnectionCallbackStatus.NoConnection)
            {
                await Task.Delay(20, guard.Token);
            }
        }

        await client.NextEventAsync();
        var result = await sending.WaitAsync(LcTestClient.Guard);

        Assert.Equal(LongConnectionCallbackStatus.TimedOut, result.Status);
        Assert.False(result.Succeeded);
    }

    [Fact]
    public async Task Handshake_faults_fail_the_next_handshakes_then_clear()
    {
        await using var emulator = await StartAsync();
        using var armed = await emulator.PostJsonAsync("/_emulator/long-connection/faults", new { app_id = emulator.Options.AppId, kind = "handshake_failure", status = 403, count = 1 });
        Assert.Equal(0, armed.Code);
        using var fatal = await emulator.PostJsonAsync("/_emulator/long-connection/faults", new { app_id = emulator.Options.AppId, kind = "handshake_failure", status = 514, autherrcode = 1000040350, count = 1 });

        var (status, headers) = await LcTestClient.RefusedHandshakeAsync(await LcTestClient.DiscoverUrlAsync(emulator));
        Assert.Equal(403, status);
        Assert.Equal("403", headers["Handshake-Status"].Single());
        (status, headers) = await LcTestClient.RefusedHandshakeAsync(await LcTestClient.DiscoverUrlAsync(emulator));
        Assert.Equal(514, status);
        Assert.Equal("1000040350", headers["Handshake-Autherrcode"].Single());

        using var left = await emulator.GetAsync("/_emulator/long-connection/faults", null);
        Assert.Equal(0, left.Data.GetProperty("handshake_failures").GetArrayLength());
        await using var client = await LcTestClient.ConnectAsync(emulator);
    }

    [Fact]
    public async Task Ignoring_pings_stops_pongs_until_the_faults_are_cleared()
    {
        await using var emulator = await StartAsync();
        await using var client = await LcTestClient.ConnectAsync(emulator);
        using var armed = await emulator.PostJsonAsync("/_emulator/long-connection/faults", new { app_id = emulator.Options.AppId, kind = "ignore_pings" });
        Assert.Equal(emulator.Options.AppId, armed.Data.GetProperty("ignore_pings")[0].GetString());

        // Frames are handled in order, so once the callback's ack is processed the ping before it was too.
        var callback = emulator.Server.LongConnections.SendCallbackAsync(emulator.Options.AppId, "{}", TimeSpan.FromMinutes(1));
        var carrier = await client.NextEventAsync();
        await client.PingAsync(service: 111);
        await client.AckAsync(carrier);
        Assert.Equal(LongConnectionCallbackStatus.Acked, (await callback.WaitAsync(LcTestClient.Guard)).Status);

        using var cleared = await emulator.SendAsync(HttpMethod.Delete, "/_emulator/long-connection/faults", null, null);
        Assert.Equal(0, cleared.Code);
        await client.PingAsync(service: 222);

        // Had the first ping been answered, its pong would have come first on the same socket.
        var pong = await client.NextFrameAsync();
        Assert.Equal("pong", LcTestClient.Header(pong, "type"));
        Assert.Equal(222, pong.Service);
    }

    [Fact]
    public async Task Dropping_one_connection_by_device_id_leaves_the_others()
    {
        await using var emulator = await StartAsync();
        await using var a = await LcTestClient.ConnectAsync(emulator);
        await using var b = await LcTestClient.ConnectAsync(emulator);
        await WaitUntilAsync(() => emulator.Server.LongConnections.StatusOf(emulator.Options.AppId).Connections.Count == 2);

        using var dropped = await FaultAsync(emulator, new { app_id = emulator.Options.AppId, kind = "drop", device_id = a.DeviceId });

        Assert.Equal(1, dropped.Data.GetProperty("dropped").GetInt32());
        await a.Closed.WaitAsync(LcTestClient.Guard);
        Assert.Equal([b.DeviceId], emulator.Server.LongConnections.StatusOf(emulator.Options.AppId).Connections.Select(c => c.DeviceId));
        using var unknown = await FaultAsync(emulator, new { app_id = emulator.Options.AppId, kind = "drop", device_id = "nope" });
        Assert.Equal(400, unknown.Status);
    }

    [Fact]
    public async Task A_half_open_connection_swallows_events_and_pings_and_once_the_client_closes_it_the_event_goes_elsewhere()
    {
        await using var emulator = await StartAsync();
        await SubscribeAsync(emulator);
        var deaf = await LcTestClient.ConnectAsync(emulator);
        await WaitUntilAsync(() => emulator.Server.LongConnections.StatusOf(emulator.Options.AppId).Connections.Count == 1);
        using var armed = await FaultAsync(emulator, new { app_id = emulator.Options.AppId, kind = "half_open", device_id = deaf.DeviceId });
        Assert.Equal(1, armed.Data.GetProperty("half_open").GetInt32());
        Assert.True(Assert.Single(emulator.Server.LongConnections.StatusOf(emulator.Options.AppId).Connections).HalfOpen);

        var messageId = await PostP2pAsync(emulator, "into the void");
        await WaitUntilAsync(() => emulator.Server.LongConnections.StatusOf(emulator.Options.AppId).InFlight == 1);
        await deaf.PingAsync();

        // The client gives up on it; its close still reaches the server, which hands the event to the next connection.
        await deaf.DisposeAsync();
        await using var fresh = await LcTestClient.ConnectAsync(emulator);
        var received = await fresh.NextEventAsync();

        Assert.Equal(messageId, received.Body.GetProperty("event").GetProperty("message").GetProperty("message_id").GetString());
        Assert.Equal(0, deaf.Buffered); // neither the event nor a pong ever reached the half-open socket
    }

    [Fact]
    public async Task A_server_close_sends_a_close_frame_and_the_unacked_event_goes_to_another_connection()
    {
        await using var emulator = await StartAsync();
        await SubscribeAsync(emulator);
        await using var closing = await LcTestClient.ConnectAsync(emulator);
        await WaitUntilAsync(() => emulator.Server.LongConnections.StatusOf(emulator.Options.AppId).Connections.Count == 1);
        await PostP2pAsync(emulator, "moved");
        var first = await closing.NextEventAsync();
        await using var other = await LcTestClient.ConnectAsync(emulator);
        await WaitUntilAsync(() => emulator.Server.LongConnections.StatusOf(emulator.Options.AppId).Connections.Count == 2);

        using var closed = await FaultAsync(emulator, new { app_id = emulator.Options.AppId, kind = "close", device_id = closing.DeviceId });

        Assert.Equal(1, closed.Data.GetProperty("closed").GetInt32());
        await closing.Closed.WaitAsync(LcTestClient.Guard);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, closing.Socket.CloseStatus);
        var again = await other.NextEventAsync();
        Assert.Equal(first.Json, again.Json);
    }

    [Fact]
    public async Task While_the_endpoint_is_down_discovery_and_handshakes_are_refused_as_retryable_until_its_time_is_up()
    {
        await using var emulator = await StartAsync();
        var ticketed = await LcTestClient.DiscoverUrlAsync(emulator);
        using var armed = await FaultAsync(emulator, new { app_id = emulator.Options.AppId, kind = "endpoint_down", seconds = 10 });
        Assert.True(armed.Data.GetProperty("endpoint_down_until").GetInt64() > 0);

        using (var refused = await LcTestClient.DiscoverAsync(emulator))
        {
            Assert.Equal(503, refused.Status);
        }

        var (status, headers) = await LcTestClient.RefusedHandshakeAsync(ticketed);
        Assert.Equal(503, status);
        Assert.Equal("503", headers["Handshake-Status"].Single());

        emulator.Clock.Advance(TimeSpan.FromSeconds(11));
        await using var back = await LcTestClient.ConnectAsync(emulator);
    }

    [Fact]
    public async Task Refused_tickets_answer_system_busy_until_their_time_is_up()
    {
        await using var emulator = await StartAsync();
        using var armed = await FaultAsync(emulator, new { app_id = emulator.Options.AppId, kind = "refuse_tickets", seconds = 5 });

        using (var busy = await LcTestClient.DiscoverAsync(emulator))
        {
            Assert.Equal(200, busy.Status);
            Assert.Equal(1, busy.Code);
            Assert.False(busy.Data.TryGetProperty("URL", out _));
        }

        emulator.Clock.Advance(TimeSpan.FromSeconds(6));
        using var ok = await LcTestClient.DiscoverAsync(emulator);
        Assert.Equal(0, ok.Code);
    }

    [Fact]
    public async Task The_subscription_mode_is_long_connection_without_a_url()
    {
        await using var emulator = await StartAsync();
        await SubscribeAsync(emulator);

        using var get = await emulator.GetAsync($"/_emulator/apps/{emulator.Options.AppId}/event-subscription", null);
        var subscription = get.Data.GetProperty("subscription");
        Assert.Equal("long-connection", subscription.GetProperty("mode").GetString());
        Assert.False(subscription.TryGetProperty("url", out _));
        Assert.True(subscription.GetProperty("has_verification_token").GetBoolean());

        using var bad = await emulator.SendAsync(HttpMethod.Put, $"/_emulator/apps/{emulator.Options.AppId}/event-subscription", "{\"mode\":\"carrier-pigeon\"}", null);
        Assert.Equal(400, bad.Status);
    }

    [Fact]
    public async Task A_seed_can_subscribe_an_app_in_long_connection_mode()
    {
        var seed = Path.Combine(Path.GetTempPath(), $"larkway-lc-seed-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(seed, """
            {"apps":[{"app_id":"cli_0123456789abcdef","app_secret":"seed-secret-0001","events":{"mode":"long-connection","verification_token":"vt_seed"}}]}
            """);
        try
        {
            await using var emulator = await StartAsync(o => o.SeedFile = seed);
            var subscription = emulator.State.EventSubscriptionOf("cli_0123456789abcdef")!;
            Assert.Equal(Larkway.Emulator.State.EventDeliveryMode.LongConnection, subscription.Mode);
            Assert.Equal("vt_seed", subscription.VerificationToken);
        }
        finally
        {
            File.Delete(seed);
        }
    }

    [Fact]
    public async Task The_control_view_lists_live_connections()
    {
        await using var emulator = await StartAsync();
        await using var client = await LcTestClient.ConnectAsync(emulator);

        // The server registers the socket just after the handshake the client has already seen complete.
        await WaitUntilAsync(() => emulator.Server.LongConnections.StatusOf(emulator.Options.AppId).Connections.Count == 1);
        using var view = await emulator.GetAsync("/_emulator/long-connection", null);
        var app = view.Data.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("app_id").GetString() == emulator.Options.AppId);
        Assert.Equal(client.DeviceId, app.GetProperty("connections")[0].GetProperty("device_id").GetString());
    }

    private static Task<TestEmulator> StartAsync(Action<EmulatorOptions>? configure = null) =>
        TestEmulator.StartAsync(o =>
        {
            // Long by default: a test that wants a resend makes it short, the others must not see one.
            o.LongConnection.AckTimeout = TimeSpan.FromMinutes(5);
            configure?.Invoke(o);
        });

    private static Task<Reply> FaultAsync(TestEmulator emulator, object fault) => emulator.PostJsonAsync("/_emulator/long-connection/faults", fault);

    private static async Task SubscribeAsync(TestEmulator emulator)
    {
        using var reply = await emulator.SendAsync(HttpMethod.Put, $"/_emulator/apps/{emulator.Options.AppId}/event-subscription", JsonSerializer.Serialize(new { mode = "long-connection", verification_token = Token }), null);
        Assert.Equal(0, reply.Code);
    }

    private static async Task<string> PostP2pAsync(TestEmulator emulator, string text)
    {
        using var posted = await emulator.PostJsonAsync($"/_emulator/apps/{emulator.Options.AppId}/p2p-messages", new { sender = "alice@example.com", msg_type = "text", content = new { text } });
        Assert.Equal(0, posted.Code);
        return posted.Data.GetProperty("message_id").GetString()!;
    }

    private static string EventIdOf(ReceivedEvent received) => received.Body.GetProperty("header").GetProperty("event_id").GetString()!;

    private static async Task<DeliveryAttempt> WaitForAttemptAsync(TestEmulator emulator, string eventId, Func<DeliveryAttempt, bool> match)
    {
        DeliveryAttempt? found = null;
        await WaitUntilAsync(() => (found = emulator.Server.Deliveries.AttemptsOf(eventId).FirstOrDefault(match)) is not null);
        return found!;
    }

    /// <summary>Polls a condition; the bound is a hang guard, not a timing assertion.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 1000; i++)
        {
            if (condition())
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("the condition did not become true");
    }
}
