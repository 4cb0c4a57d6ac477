using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Larkway.Feishu.AspNetCore.Tests;

/// <summary>
/// What an attacker (or a broken client) can send the event and card endpoints: each class is a 4xx
/// problem that says what is wrong, never reaches the sink, and logs at most one Warning line without a
/// stack trace.
/// </summary>
public sealed class HostileInputTests
{
    private const string Key = "hostile-encrypt-key";
    private const string Token = "hostile-verification-token";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private static readonly byte[] InvalidUtf8 = [0xff, 0xfe];

    private sealed class Receiver(ReceiverHost host, RecordingSink sink, CapturingLoggerProvider logs) : IAsyncDisposable
    {
        public ReceiverHost Host { get; } = host;

        public RecordingSink Sink { get; } = sink;

        public CapturingLoggerProvider Logs { get; } = logs;

        public HttpClient Client => Host.Client;

        public ValueTask DisposeAsync() => Host.DisposeAsync();
    }

    private static async Task<Receiver> StartAsync(bool kestrel = false, bool withEncryptKey = true)
    {
        var sink = new RecordingSink();
        var logs = new CapturingLoggerProvider();
        var host = await ReceiverHost.StartAsync(
            services => services.AddFeishuEventReceiver(o =>
            {
                o.EncryptKey = withEncryptKey ? Key : null;
                o.VerificationToken = Token;
            }).UseSink(_ => sink),
            app =>
            {
                app.MapFeishuEvents("/feishu/events");
                app.MapFeishuCardActions("/feishu/cards");
            },
            new ManualTime(Now),
            logs,
            kestrel);
        return new Receiver(host, sink, logs);
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    private static string CardTrigger(string actionJson) => FeishuWire.V2Event("card.action.trigger", Token, "ev_card_" + Guid.NewGuid().ToString("N"),
        """{"operator":{"open_id":"ou_1","tenant_key":"t1"},"token":"c-upd","action":""" + actionJson
        + ""","host":"im_message","context":{"open_message_id":"om_1","open_chat_id":"oc_1"}}""");

    /// <summary>Asserts a problem answer and that the request did nothing but log one Warning line without an exception.</summary>
    private static async Task<string> ShouldBeRefusedAsync(Receiver receiver, HttpResponseMessage response, HttpStatusCode status, string slug, int requestsSoFar = 1)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, text);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = JsonDocument.Parse(text).RootElement;
        problem.GetProperty("type").GetString().ShouldBe("https://larkway.dev/problems/feishu/" + slug, text);
        var detail = problem.GetProperty("detail").GetString();
        detail.ShouldNotBeNullOrWhiteSpace();
        receiver.Sink.Received.ShouldBeEmpty();
        ShouldHaveLoggedOneWarningAtMost(receiver.Logs, requestsSoFar);
        return detail!;
    }

    private static void ShouldHaveLoggedOneWarningAtMost(CapturingLoggerProvider logs, int requests = 1)
    {
        var entries = logs.Entries.Where(e => e.Level >= LogLevel.Information).ToList();
        entries.ShouldAllBe(e => e.Level <= LogLevel.Warning && e.Exception == null, string.Join("\n", entries.Select(e => $"{e.Level} {e.Category}: {e.Message}")));
        entries.Count(e => e.Level == LogLevel.Warning).ShouldBeLessThanOrEqualTo(requests);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Invalid_utf8_inside_the_encrypt_field_is_400_malformed_body(bool signed)
    {
        await using var receiver = await StartAsync();
        var body = Concat(Utf8("{\"encrypt\":\""), InvalidUtf8, Utf8("\"}"));

        using var response = await receiver.Client.SendAsync(FeishuWire.RawRequest("/feishu/events", body, Now, signed ? Key : null));

        (await ShouldBeRefusedAsync(receiver, response, HttpStatusCode.BadRequest, "malformed-body")).ShouldContain("not valid UTF-8");
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public async Task Invalid_utf8_inside_a_plaintext_body_is_400_malformed_body(bool signed, bool withEncryptKey)
    {
        await using var receiver = await StartAsync(withEncryptKey: withEncryptKey);
        var body = Concat(Utf8(FeishuWire.MessageEvent(Token, "ev_1", "om_1")[..^2]), Utf8(""","x":" """), InvalidUtf8, Utf8("\"}}"));

        using var response = await receiver.Client.SendAsync(FeishuWire.RawRequest("/feishu/events", body, Now, signed ? Key : null));

        (await ShouldBeRefusedAsync(receiver, response, HttpStatusCode.BadRequest, "malformed-body")).ShouldContain("not valid UTF-8");
    }

    [Fact]
    public async Task Invalid_utf8_inside_a_correctly_signed_encrypted_body_is_400_malformed_body()
    {
        await using var receiver = await StartAsync();
        var plaintext = Concat(Utf8(FeishuWire.MessageEvent(Token, "ev_1", "om_1")[..^2]), Utf8(""","x":" """), InvalidUtf8, Utf8("\"}}"));

        using var response = await receiver.Client.SendAsync(FeishuWire.RawRequest("/feishu/events", FeishuWire.EncryptedBody(Key, plaintext), Now, Key));

        (await ShouldBeRefusedAsync(receiver, response, HttpStatusCode.BadRequest, "malformed-body")).ShouldContain("decrypted body is not valid UTF-8");
    }

    [Theory]
    [InlineData("plain-signed")]
    [InlineData("plain-unsigned")]
    [InlineData("encrypt-field-signed")]
    [InlineData("encrypt-field-unsigned")]
    [InlineData("decrypted")]
    [InlineData("property-name")]
    public async Task An_unpaired_escaped_surrogate_is_400_malformed_body(string where)
    {
        await using var receiver = await StartAsync();
        var eventWithBadString = FeishuWire.MessageEvent(Token, "ev_1", "om_1")[..^2] + ""","x":"a\ud800b"}}""";
        var body = where switch
        {
            "plain-signed" or "plain-unsigned" => Utf8(eventWithBadString),
            "encrypt-field-signed" or "encrypt-field-unsigned" => Utf8("""{"encrypt":"\udc00"}"""),
            "decrypted" => FeishuWire.EncryptedBody(Key, Utf8(eventWithBadString)),
            _ => Utf8(FeishuWire.MessageEvent(Token, "ev_1", "om_1")[..^2] + ""","\ud800":1}}"""),
        };

        using var response = await receiver.Client.SendAsync(FeishuWire.RawRequest("/feishu/events", body, Now, where.EndsWith("unsigned", StringComparison.Ordinal) ? null : Key));

        (await ShouldBeRefusedAsync(receiver, response, HttpStatusCode.BadRequest, "malformed-body")).ShouldContain("unpaired surrogate");
    }

    [Fact]
    public async Task A_property_named_twice_is_400_malformed_body()
    {
        await using var receiver = await StartAsync();
        var body = FeishuWire.MessageEvent(Token, "ev_1", "om_1")[..^1] + ""","event":{}}""";

        using var response = await receiver.Client.SendAsync(FeishuWire.RawRequest("/feishu/events", Utf8(body), Now, Key));

        (await ShouldBeRefusedAsync(receiver, response, HttpStatusCode.BadRequest, "malformed-body")).ShouldContain("same property more than once");
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("{\"schema\":\"2.0\",\"header\":{}}")]
    [InlineData("{\"encrypt\":42}")]
    [InlineData("{\"encrypt\":\"\\ud800\"}")]
    public async Task A_wrong_signature_is_401_before_the_body_is_read(string body)
    {
        // Each body would be a 400 if it were parsed: the 401 shows the signature is checked first.
        await using var receiver = await StartAsync();

        using var response = await receiver.Client.SendAsync(FeishuWire.RawRequest("/feishu/events", Utf8(body), Now, "not-the-key"));

        (await ShouldBeRefusedAsync(receiver, response, HttpStatusCode.Unauthorized, "bad-signature")).ShouldContain("does not match");
    }

    [Fact]
    public async Task The_unnamed_app_is_called_default_in_the_log_line_of_a_refused_request()
    {
        await using var receiver = await StartAsync();

        using var response = await receiver.Client.SendAsync(FeishuWire.RawRequest("/feishu/events", Utf8("{}"), Now, "not-the-key"));

        await ShouldBeRefusedAsync(receiver, response, HttpStatusCode.Unauthorized, "bad-signature");
        receiver.Logs.Entries.Single(e => e.Level == LogLevel.Warning).Message.ShouldContain("for app 'default'");
    }

    [Fact]
    public async Task A_plaintext_event_with_a_wrong_signature_is_401_and_one_with_the_right_one_is_accepted()
    {
        await using var receiver = await StartAsync();
        var body = Utf8(FeishuWire.MessageEvent(Token, "ev_1", "om_1"));

        using var forged = await receiver.Client.SendAsync(FeishuWire.RawRequest("/feishu/events", body, Now, Token));
        await ShouldBeRefusedAsync(receiver, forged, HttpStatusCode.Unauthorized, "bad-signature");

        using var genuine = await receiver.Client.SendAsync(FeishuWire.RawRequest("/feishu/events", body, Now, Key));
        genuine.StatusCode.ShouldBe(HttpStatusCode.OK);
        receiver.Sink.Received.ShouldHaveSingleItem();
    }

    [Theory]
    [InlineData("null", "$.action")]
    [InlineData("\"click\"", "$.action")]
    [InlineData("""{"tag":5}""", "$.action.tag")]
    [InlineData("""{"options":[1]}""", "$.action.options")]
    [InlineData("""{"checked":"yes"}""", "$.action.checked")]
    public async Task A_signed_new_style_card_action_with_a_wrongly_shaped_action_is_400_naming_the_field(string action, string field)
    {
        await using var receiver = await StartAsync();

        using var encrypted = await receiver.Client.SendAsync(FeishuWire.Signed("/feishu/cards", FeishuWire.EncryptedBody(Key, CardTrigger(action)), Key, Now));
        (await ShouldBeRefusedAsync(receiver, encrypted, HttpStatusCode.BadRequest, "malformed-body")).ShouldContain(field);

        using var plain = await receiver.Client.SendAsync(FeishuWire.Signed("/feishu/events", CardTrigger(action), Key, Now));
        (await ShouldBeRefusedAsync(receiver, plain, HttpStatusCode.BadRequest, "malformed-body", requestsSoFar: 2)).ShouldContain(field);
    }

    [Theory]
    [InlineData("null", "action")]
    [InlineData("[]", "action")]
    [InlineData("\"click\"", "action")]
    [InlineData("""{"value":{"k":"v"},"tag":["button"]}""", "$.action.tag")]
    public async Task A_signed_old_style_card_callback_with_a_wrongly_shaped_action_is_400_naming_the_field(string action, string field)
    {
        await using var receiver = await StartAsync();
        var body = """{"open_id":"ou_1","open_message_id":"om_1","tenant_key":"t1","token":"c-1","action":""" + action + "}";

        using var response = await receiver.Client.SendAsync(FeishuWire.Signed("/feishu/cards", body, Token, Now, sha1WithToken: true));

        (await ShouldBeRefusedAsync(receiver, response, HttpStatusCode.BadRequest, "malformed-body")).ShouldContain(field);
    }

    [Fact]
    public async Task A_card_action_with_a_value_of_any_json_type_is_still_accepted()
    {
        // value is "any JSON" on the wire (usually an object, sometimes a string): not a wrong shape.
        await using var receiver = await StartAsync();

        using var response = await receiver.Client.SendAsync(FeishuWire.Signed("/feishu/cards",
            FeishuWire.EncryptedBody(Key, CardTrigger("""{"tag":"button","value":"plain"}""")), Key, Now));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        receiver.Sink.Received.ShouldHaveSingleItem();
    }

    [Theory]
    [InlineData("plain-signed")]
    [InlineData("plain-unsigned")]
    [InlineData("encrypted-signed")]
    [InlineData("card-signed")]
    public async Task A_body_nested_ten_thousand_levels_deep_is_400(string how)
    {
        await using var receiver = await StartAsync();
        var deep = new string('[', 10_000) + new string(']', 10_000);
        var eventJson = FeishuWire.MessageEvent(Token, "ev_1", "om_1")[..^2] + ""","x":""" + deep + "}}";
        var (path, body) = how switch
        {
            "encrypted-signed" => ("/feishu/events", FeishuWire.EncryptedBody(Key, Utf8(eventJson))),
            "card-signed" => ("/feishu/cards", Utf8(CardTrigger("""{"tag":"button","value":""" + deep + "}"))),
            _ => ("/feishu/events", Utf8(eventJson)),
        };

        using var response = await receiver.Client.SendAsync(FeishuWire.RawRequest(path, body, Now, how.EndsWith("unsigned", StringComparison.Ordinal) ? null : Key));

        (await ShouldBeRefusedAsync(receiver, response, HttpStatusCode.BadRequest, "malformed-body")).ShouldContain("deeper than 128 levels");
    }

    [Fact]
    public async Task A_card_value_nested_within_the_body_limit_but_past_the_models_depth_is_400_not_a_later_failure()
    {
        await using var receiver = await StartAsync();
        var deep = new string('[', 100) + new string(']', 100);

        using var response = await receiver.Client.SendAsync(FeishuWire.Signed("/feishu/cards",
            FeishuWire.EncryptedBody(Key, CardTrigger("""{"tag":"button","value":""" + deep + "}")), Key, Now));

        (await ShouldBeRefusedAsync(receiver, response, HttpStatusCode.BadRequest, "malformed-body")).ShouldContain("$.action.value");
    }

    [Fact]
    public async Task A_chunked_body_with_a_garbage_chunk_header_is_400_over_a_real_socket()
    {
        await using var receiver = await StartAsync(kestrel: true);
        var request = "POST /feishu/events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "zz-not-hex\r\n{}\r\n0\r\n\r\n";

        var answer = await RawExchangeAsync(receiver.Host.Address!, Utf8(request), halfClose: false);

        answer.ShouldStartWith("HTTP/1.1 400", customMessage: answer);
        answer.ShouldContain("malformed-body");
        answer.ShouldContain("could not be read");
        receiver.Sink.Received.ShouldBeEmpty();
        ShouldHaveLoggedOneWarningAtMost(receiver.Logs);
    }

    [Fact]
    public async Task A_body_shorter_than_its_content_length_is_400_or_no_answer_never_500()
    {
        await using var receiver = await StartAsync(kestrel: true);
        var request = "POST /feishu/events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"schema\":";

        var answer = await RawExchangeAsync(receiver.Host.Address!, Utf8(request), halfClose: true);

        if (answer.Length > 0)
        {
            answer.ShouldStartWith("HTTP/1.1 400", customMessage: answer);
        }

        receiver.Sink.Received.ShouldBeEmpty();
        ShouldHaveLoggedOneWarningAtMost(receiver.Logs);
    }

    [Fact]
    public async Task A_client_that_resets_the_connection_mid_body_gets_no_answer_and_logs_no_error()
    {
        await using var receiver = await StartAsync(kestrel: true);
        using var hangGuard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync(receiver.Host.Address!.Host, receiver.Host.Address.Port, hangGuard.Token);
            await socket.SendAsync(Utf8("POST /feishu/events HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5000\r\n\r\n{\"schema\":\"2.0\""), hangGuard.Token);

            // Wait until the endpoint is reading the body, then reset (linger 0 sends RST).
            while (!receiver.Logs.Entries.Any(e => e.Message.Contains("Request starting", StringComparison.Ordinal)))
            {
                await Task.Delay(10, hangGuard.Token);
            }

            socket.LingerState = new LingerOption(true, 0);
        }

        while (!receiver.Logs.Entries.Any(e => e.EventId.Id == 1910 || e.Level >= LogLevel.Warning))
        {
            await Task.Delay(10, hangGuard.Token);
        }

        receiver.Logs.Entries.ShouldContain(e => e.EventId.Id == 1910 && e.Level == LogLevel.Debug);
        receiver.Sink.Received.ShouldBeEmpty();
        ShouldHaveLoggedOneWarningAtMost(receiver.Logs);
    }

    /// <summary>Sends raw bytes and reads what comes back until the server closes or has sent a complete answer.</summary>
    private static async Task<string> RawExchangeAsync(Uri address, byte[] request, bool halfClose)
    {
        using var hangGuard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(address.Host, address.Port, hangGuard.Token);
        await socket.SendAsync(request, hangGuard.Token);
        if (halfClose)
        {
            socket.Shutdown(SocketShutdown.Send);
        }

        var received = new List<byte>();
        var buffer = new byte[4096];
        while (true)
        {
            int read;
            try
            {
                read = await socket.ReceiveAsync(buffer, hangGuard.Token);
            }
            catch (SocketException)
            {
                break; // reset by the server: no (further) answer
            }

            if (read == 0)
            {
                break;
            }

            received.AddRange(buffer.AsSpan(0, read));
            if (IsCompleteAnswer(Encoding.UTF8.GetString([.. received])))
            {
                break;
            }
        }

        return Encoding.UTF8.GetString([.. received]);
    }

    private static bool IsCompleteAnswer(string text)
    {
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        var lengthHeader = text[..end].Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        return lengthHeader is not null
            && Encoding.UTF8.GetByteCount(text[(end + 4)..]) >= int.Parse(lengthHeader["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
