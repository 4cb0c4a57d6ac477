using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Feishu.AspNetCore.Tests;

/// <summary>
/// What a hostile caller sends the Feishu endpoints: bytes that are no UTF-8, escapes that are no UTF-16, bodies signed
/// wrongly around garbage, card actions without an action, absurd nesting. Each is a 4xx problem that says why, and
/// nothing reaches the sink.
/// </summary>
public sealed class HostileInputEndpointTests
{
    private const string Key = "hostile-encrypt-key";
    private const string Token = "hostile-verification-token";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private static Task<ReceiverHost> StartAsync(RecordingSink sink) =>
        ReceiverHost.StartAsync(
            services => services.AddFeishuEventReceiver(o =>
            {
                o.EncryptKey = Key;
                o.VerificationToken = Token;
            }).UseSink(_ => sink),
            app =>
            {
                app.MapFeishuEvents("/feishu/events");
                app.MapFeishuCardActions("/feishu/cards");
            },
            new ManualTime(Now));

    public static TheoryData<string, byte[]> InvalidText => new()
    {
        { "invalid UTF-8 in the encrypt field", [.. "{\"encrypt\":\""u8, 0xFF, .. "\"}"u8] },
        { "invalid UTF-8 in a plaintext body", [.. "{\"type\":\"url_verification\",\"challenge\":\""u8, 0xC3, 0x28, .. "\",\"token\":\"t\"}"u8] },
        { "an unpaired surrogate escape in the encrypt field", "{\"encrypt\":\"\\ud800\"}"u8.ToArray() },
        { "an unpaired surrogate escape in a plaintext challenge", "{\"type\":\"url_verification\",\"challenge\":\"\\udfff\",\"token\":\"hostile-verification-token\"}"u8.ToArray() },
    };

    [Theory]
    [MemberData(nameof(InvalidText))]
    public async Task Text_that_is_no_UTF8_or_no_UTF16_is_a_400_malformed_body_signed_or_not(string what, byte[] body)
    {
        var sink = new RecordingSink();
        await using var host = await StartAsync(sink);

        foreach (var path in new[] { "/feishu/events", "/feishu/cards" })
        {
            foreach (var signed in new[] { false, true })
            {
                using var response = await host.Client.SendAsync(Request(path, body, signed));
                response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, $"{what} to {path}, signed: {signed}");
                (await Problem(response)).GetProperty("type").GetString().ShouldEndWith("/malformed-body", Case.Sensitive, what);
            }
        }

        sink.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_unpaired_surrogate_escape_inside_a_signed_encrypted_event_is_refused_before_the_sink()
    {
        var sink = new RecordingSink();
        await using var host = await StartAsync(sink);
        var plaintext = FeishuWire.MessageEvent(Token, "ev_s1", "om_\\ud800");

        using var response = await host.Client.SendAsync(FeishuWire.Signed("/feishu/events", FeishuWire.EncryptedBody(Key, plaintext), Key, Now));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await Problem(response)).GetProperty("detail").GetString()!.ShouldContain("surrogate");
        sink.Received.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("not json {{{")]
    [InlineData("""{"schema":"2.0","header":{"event_type":"im.message.receive_v1","token":"hostile-verification-token"},"event":{}}""")]
    public async Task A_plaintext_body_with_a_wrong_signature_is_refused_for_its_signature_before_it_is_parsed(string body)
    {
        var sink = new RecordingSink();
        await using var host = await StartAsync(sink);

        // Signed with another key: were the body parsed first, the garbage one would be a 400 malformed-body.
        using var response = await host.Client.SendAsync(FeishuWire.Signed("/feishu/events", body, "some-other-key", Now));

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await Problem(response)).GetProperty("type").GetString().ShouldEndWith("/bad-signature");
        sink.Received.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("null")]
    [InlineData("5")]
    [InlineData("\"approve\"")]
    [InlineData("[]")]
    [InlineData("""{"tag":"button","value":{"a":1},"options":{"not":"a list"}}""")]
    public async Task A_signed_card_action_whose_action_its_handler_cannot_read_is_refused_at_the_door(string action)
    {
        var sink = new RecordingSink();
        await using var host = await StartAsync(sink);
        var plaintext = FeishuWire.V2Event("card.action.trigger", Token, "ev_a" + action.Length,
            """{"operator":{"open_id":"ou_1"},"token":"c-upd","action":""" + action + ""","context":{"open_message_id":"om_1"}}""");

        using var response = await host.Client.SendAsync(FeishuWire.Signed("/feishu/cards", FeishuWire.EncryptedBody(Key, plaintext), Key, Now));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, action);
        (await Problem(response)).GetProperty("detail").GetString()!.ShouldContain("card.action.trigger");
        sink.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_old_style_card_callback_whose_action_is_not_an_object_is_refused()
    {
        var sink = new RecordingSink();
        await using var host = await StartAsync(sink);
        const string body = """{"open_id":"ou_1","open_message_id":"om_1","tenant_key":"t1","token":"c-x","action":null}""";

        using var response = await host.Client.SendAsync(FeishuWire.Signed("/feishu/cards", body, Token, Now, sha1WithToken: true));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        sink.Received.ShouldBeEmpty();
    }

    [Theory]
    [InlineData('[', ']')]
    [InlineData('{', '}')]
    public async Task Ten_thousand_levels_of_nesting_are_a_400_not_a_stack_overflow(char open, char close)
    {
        var sink = new RecordingSink();
        await using var host = await StartAsync(sink);
        var deep = open == '['
            ? new string('[', 10_000) + new string(']', 10_000)
            : string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string(close, 10_000);
        var body = FeishuWire.V2Event("im.message.receive_v1", Token, "ev_deep", $$"""{"deep":{{deep}}}""");

        using var plain = await host.Client.SendAsync(FeishuWire.Signed("/feishu/events", body, Key, Now));
        using var encrypted = await host.Client.SendAsync(FeishuWire.Signed("/feishu/events", FeishuWire.EncryptedBody(Key, body), Key, Now));

        plain.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        encrypted.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        sink.Received.ShouldBeEmpty();
    }

    private static HttpRequestMessage Request(string path, byte[] body, bool signed)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (signed)
        {
            var timestamp = Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            const string nonce = "n1";
            var signature = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData([.. Encoding.UTF8.GetBytes(timestamp + nonce + Key), .. body]));
            request.Headers.Add("X-Lark-Request-Timestamp", timestamp);
            request.Headers.Add("X-Lark-Request-Nonce", nonce);
            request.Headers.Add("X-Lark-Signature", signature);
        }

        return request;
    }

    private static async Task<JsonElement> Problem(HttpResponseMessage response)
    {
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }
}
