using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.WeCom.AiBot;
using Larkway.WeCom.Callbacks;
using Microsoft.Extensions.Time.Testing;

namespace Larkway.WeCom.Tests.AiBot;

/// <summary>The AI bot's URL-callback mode: JSON envelope, ReceiveId "", stream replies and WeCom's polls, response_url.</summary>
public sealed class AiBotUrlCallbackTests
{
    // The official sample's EncodingAESKey and a token; an internal AI bot's ReceiveId is "".
    private const string Token = "QDG6eK";
    private const string AesKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";

    private readonly FakeTimeProvider _time;
    private readonly WeComCallbackCrypto _wecom;

    public AiBotUrlCallbackTests()
    {
        _time = new(DateTimeOffset.Parse("2026-11-25T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        _wecom = new(Token, AesKey, receiveId: "", new WeComCallbackOptions { TimeProvider = _time });
    }

    private (string Signature, string Timestamp, string Nonce, string Body) FromWeCom(string json)
    {
        // Stamped now, as WeCom does: the bot's window is checked against the same clock.
        var encrypted = _wecom.Encrypt(json, _time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), "nonce123");
        return (encrypted.MsgSignature, encrypted.TimeStamp, encrypted.Nonce, JsonSerializer.Serialize(new Dictionary<string, string> { ["encrypt"] = encrypted.Encrypt }));
    }

    [Fact]
    public void A_message_is_decrypted_and_typed_as_on_the_long_connection()
    {
        var bot = new WeComAiBotUrlCallback(Token, AesKey, timeProvider: _time);
        var (signature, timestamp, nonce, body) = FromWeCom("""{"msgid":"m1","aibotid":"bot","chattype":"single","from":{"userid":"lisi"},"response_url":"https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=x","msgtype":"text","text":{"content":"hi"}}""");

        var request = bot.Read(signature, timestamp, nonce, body);

        request.MsgType.ShouldBe("text");
        request.MsgId.ShouldBe("m1");
        request.Message!.PlainText.ShouldBe("hi");
        request.Message.From!.UserId.ShouldBe("lisi");
        request.IsStreamPoll.ShouldBeFalse();
    }

    [Fact]
    public void A_stream_poll_and_an_event_are_told_apart()
    {
        var bot = new WeComAiBotUrlCallback(Token, AesKey, timeProvider: _time);
        var poll = FromWeCom("""{"msgid":"p1","aibotid":"bot","chattype":"single","from":{"userid":"lisi"},"msgtype":"stream","stream":{"id":"stream_abc"}}""");
        var @event = FromWeCom("""{"msgid":"e1","aibotid":"bot","from":{"userid":"lisi"},"msgtype":"event","event":{"eventtype":"enter_chat"}}""");

        var pollRequest = bot.Read(poll.Signature, poll.Timestamp, poll.Nonce, poll.Body);
        var eventRequest = bot.Read(@event.Signature, @event.Timestamp, @event.Nonce, @event.Body);

        pollRequest.IsStreamPoll.ShouldBeTrue();
        pollRequest.StreamId.ShouldBe("stream_abc");
        eventRequest.Event!.EventType.ShouldBe(WeComAiBotEventTypes.EnterChat);
    }

    [Fact]
    public void A_wrong_signature_is_refused()
    {
        var bot = new WeComAiBotUrlCallback(Token, AesKey, timeProvider: _time);
        var (_, timestamp, nonce, body) = FromWeCom("""{"msgid":"m1","msgtype":"text","text":{"content":"hi"}}""");

        Should.Throw<WeComCallbackException>(() => bot.Read(new string('0', 40), timestamp, nonce, body));
    }

    [Fact]
    public void A_callback_stamped_two_days_ago_is_refused_as_stale_on_the_bots_clock()
    {
        var bot = new WeComAiBotUrlCallback(Token, AesKey, timeProvider: _time);
        var (signature, timestamp, nonce, body) = FromWeCom("""{"msgid":"m1","msgtype":"text","text":{"content":"hi"}}""");
        _time.Advance(TimeSpan.FromDays(2));

        Should.Throw<WeComCallbackException>(() => bot.Read(signature, timestamp, nonce, body)).Error.ShouldBe(WeComCallbackError.StaleTimestamp);
    }

    [Fact]
    public void A_passive_reply_is_the_encrypted_json_envelope_that_decrypts_to_the_stream_frame()
    {
        var bot = new WeComAiBotUrlCallback(Token, AesKey, timeProvider: _time);

        var envelope = JsonNode.Parse(bot.Reply(WeComAiBotReply.Stream("stream_1", "thinking…", finish: false)))!.AsObject();

        envelope.Select(p => p.Key).Order(StringComparer.Ordinal).ShouldBe(["encrypt", "msgsignature", "nonce", "timestamp"]);
        ((long)envelope["timestamp"]!).ShouldBe(_time.GetUtcNow().ToUnixTimeSeconds());
        var plain = _wecom.Decrypt((string)envelope["msgsignature"]!, envelope["timestamp"]!.ToString(), (string)envelope["nonce"]!, (string)envelope["encrypt"]!);
        JsonNode.DeepEquals(JsonNode.Parse(plain), JsonNode.Parse("""{"msgtype":"stream","stream":{"id":"stream_1","finish":false,"content":"thinking…"}}""")).ShouldBeTrue();
    }

    [Fact]
    public void Polls_are_answered_with_the_text_so_far_then_finish_and_a_redelivered_message_keeps_its_stream()
    {
        var streams = new WeComAiBotStreamBuffers(_time);

        var id = streams.Begin("m1", feedbackId: "fb");
        streams.Begin("m1").ShouldBe(id);
        var first = streams.Poll(id)!.BodyForTests();
        streams.Append(id, "Hello");
        var second = streams.Poll(id)!.BodyForTests();
        streams.Append(id, ", world");
        streams.Finish(id, "!");
        var last = streams.Poll(id)!.BodyForTests();

        ((string?)first["stream"]!["content"]).ShouldBe("");
        ((string?)first["stream"]!["feedback"]!["id"]).ShouldBe("fb");
        ((string?)second["stream"]!["content"]).ShouldBe("Hello");
        second["stream"]!["feedback"].ShouldBeNull();
        ((bool)second["stream"]!["finish"]!).ShouldBeFalse();
        ((string?)last["stream"]!["content"]).ShouldBe("Hello, world!");
        ((bool)last["stream"]!["finish"]!).ShouldBeTrue();
        Should.Throw<WeComApiException>(() => streams.Append(id, "more")).Message.ShouldContain("finished");
    }

    [Fact]
    public void A_stream_is_forgotten_after_WeComs_6_minutes_and_its_text_is_held_to_20480_bytes()
    {
        var streams = new WeComAiBotStreamBuffers(_time);
        var id = streams.Begin("m2");

        Should.Throw<WeComApiException>(() => streams.Append(id, new string('x', 20481))).Code.ShouldBe(WeComErrorCodes.InvalidRequest);
        _time.Advance(TimeSpan.FromMinutes(6) + TimeSpan.FromSeconds(1));

        streams.Poll(id).ShouldBeNull();
        streams.Count.ShouldBe(0);
        Should.Throw<WeComApiException>(() => streams.Append(id, "late")).Message.ShouldContain("6 minutes");
    }

    [Fact]
    public async Task A_response_url_gets_one_markdown_post_and_a_second_call_is_refused_here()
    {
        var handler = new RecordingHandler("""{"errcode":0,"errmsg":"ok"}""");
        using var http = new HttpClient(handler);
        var client = new WeComAiBotResponseUrlClient(http, _time);
        const string url = "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RC1";

        await client.SendAsync(url, WeComAiBotReply.Markdown("**done**"));
        var again = await Should.ThrowAsync<WeComApiException>(() => client.SendAsync(url, WeComAiBotReply.Markdown("again")));

        handler.Requests.Count.ShouldBe(1);
        handler.Requests[0].Method.ShouldBe(HttpMethod.Post);
        handler.Requests[0].Uri.ShouldBe(new Uri(url));
        JsonNode.DeepEquals(JsonNode.Parse(handler.Requests[0].Body), JsonNode.Parse("""{"msgtype":"markdown","markdown":{"content":"**done**"}}""")).ShouldBeTrue();
        again.Message.ShouldContain("one reply per response_url");
    }

    [Fact]
    public async Task A_response_url_refusal_is_typed_and_only_markdown_or_cards_are_sent()
    {
        using var http = new HttpClient(new RecordingHandler("""{"errcode":40035,"errmsg":"invalid parameter"}"""));
        var client = new WeComAiBotResponseUrlClient(http, _time);

        var refused = await Should.ThrowAsync<WeComApiException>(() => client.SendAsync("https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RC2", WeComAiBotReply.Markdown("x")));
        var wrongType = await Should.ThrowAsync<WeComApiException>(() => client.SendAsync("https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RC3", WeComAiBotReply.Stream("s", "x", true)));

        refused.ErrCode.ShouldBe(40035);
        wrongType.Code.ShouldBe(WeComErrorCodes.InvalidRequest);
    }

    [Fact]
    public async Task A_response_url_whose_reply_failed_can_be_tried_again()
    {
        var handler = new RecordingHandler("""{"errcode":0,"errmsg":"ok"}""") { FailFirst = true };
        using var http = new HttpClient(handler);
        var client = new WeComAiBotResponseUrlClient(http, _time);
        const string url = "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RC4";

        var unreachable = await Should.ThrowAsync<WeComApiException>(() => client.SendAsync(url, WeComAiBotReply.Markdown("first try")));
        await client.SendAsync(url, WeComAiBotReply.Markdown("second try"));
        var third = await Should.ThrowAsync<WeComApiException>(() => client.SendAsync(url, WeComAiBotReply.Markdown("third")));

        unreachable.Code.ShouldBe(WeComErrorCodes.NetworkError);
        handler.Requests.Count.ShouldBe(2, "the failed try and the one WeCom took; the third is refused here");
        third.Message.ShouldContain("one reply per response_url");
    }

    private sealed class RecordingHandler(string answer) : HttpMessageHandler
    {
        public List<(HttpMethod Method, Uri Uri, string Body)> Requests { get; } = [];

        /// <summary>The first request fails as an unreachable host does.</summary>
        public bool FailFirst { get; init; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add((request.Method, request.RequestUri!, await request.Content!.ReadAsStringAsync(cancellationToken)));
            if (FailFirst && Requests.Count == 1)
            {
                throw new HttpRequestException("connection refused");
            }

            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(answer, Encoding.UTF8, "application/json") };
        }
    }
}
