using System.Net;
using System.Text.Json;
using Larkway.Feishu.Events.Ingest;
using Larkway.Feishu.Events.Models.Cards;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Feishu.AspNetCore.Tests;

public sealed class CardActionEndpointTests
{
    private const string Key = "card-encrypt-key";
    private const string Token = "card-verification-token";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private static string CardTrigger(string eventId) => FeishuWire.V2Event("card.action.trigger", Token, eventId,
        """{"operator":{"open_id":"ou_1","tenant_key":"t1"},"token":"c-upd","action":{"tag":"button","value":{"approve":"yes"}},"host":"im_message","context":{"open_message_id":"om_1","open_chat_id":"oc_1"}}""");

    private static Task<ReceiverHost> StartAsync(RecordingSink sink, Action<FeishuEventEndpointOptions>? configure = null) =>
        ReceiverHost.StartAsync(
            services => services.AddFeishuEventReceiver(o =>
            {
                o.EncryptKey = Key;
                o.VerificationToken = Token;
                configure?.Invoke(o);
            }).UseSink(_ => sink),
            app =>
            {
                app.MapFeishuEvents("/feishu/events");
                app.MapFeishuCardActions("/feishu/cards");
            },
            new ManualTime(Now));

    [Theory]
    [InlineData("/feishu/events")]
    [InlineData("/feishu/cards")]
    public async Task A_new_style_card_action_is_answered_with_the_sinks_toast(string path)
    {
        var sink = new RecordingSink
        {
            Answer = _ => ValueTask.FromResult(new FeishuIngestResult(FeishuIngestStatus.Accepted, CardActionResponse.WithToast(CardToastType.Success, "Approved"))),
        };
        await using var host = await StartAsync(sink);

        using var response = await host.Client.SendAsync(FeishuWire.Signed(path, FeishuWire.EncryptedBody(Key, CardTrigger("ev_c1")), Key, Now));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        body.GetProperty("toast").GetProperty("type").GetString().ShouldBe("success");
        body.GetProperty("toast").GetProperty("content").GetString().ShouldBe("Approved");
        sink.Received.ShouldHaveSingleItem().IsCardAction.ShouldBeTrue();
    }

    [Fact]
    public async Task The_official_old_style_card_vector_is_verified_with_sha1_and_answered_with_the_raw_card_itself()
    {
        using var vectors = JsonDocument.Parse(File.ReadAllText(Path.Combine(EventEndpointTests.VectorsDirectory(), "feishu-signature.json")));
        var vector = vectors.RootElement.GetProperty("card_v1_signature_vectors")[0];
        var headers = vector.GetProperty("headers");
        var timestamp = headers.GetProperty("X-Lark-Request-Timestamp").GetString()!;
        var card = JsonDocument.Parse("""{"elements":[{"tag":"div","text":{"tag":"plain_text","content":"Done"}}]}""").RootElement;
        var sink = new RecordingSink
        {
            Answer = _ => ValueTask.FromResult(new FeishuIngestResult(FeishuIngestStatus.Accepted, CardActionResponse.WithRawCard(card))),
        };
        await using var host = await ReceiverHost.StartAsync(
            services => services.AddFeishuEventReceiver(o => o.VerificationToken = vector.GetProperty("verification_token").GetString()).UseSink(_ => sink),
            app => app.MapFeishuCardActions("/cards"),
            new ManualTime(DateTimeOffset.FromUnixTimeSeconds(long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture))));

        using var response = await host.Client.SendAsync(FeishuWire.Request("/cards", vector.GetProperty("raw_body").GetString()!,
            timestamp, headers.GetProperty("X-Lark-Request-Nonce").GetString(), headers.GetProperty("X-Lark-Signature").GetString()));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        body.GetProperty("elements")[0].GetProperty("text").GetProperty("content").GetString().ShouldBe("Done");
        sink.Received.ShouldHaveSingleItem().Envelope.EventType.ShouldBe("card.action.legacy");
    }

    [Fact]
    public async Task An_old_style_card_callback_signed_with_sha256_is_rejected()
    {
        var sink = new RecordingSink();
        await using var host = await StartAsync(sink);
        var body = """{"open_id":"ou_1","open_message_id":"om_1","tenant_key":"t1","token":"c-1","action":{"value":{"k":"v"},"tag":"button"}}""";

        using var response = await host.Client.SendAsync(FeishuWire.Signed("/feishu/cards", body, Token, Now));

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        sink.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_plain_event_on_the_card_endpoint_is_400_naming_the_events_endpoint()
    {
        var sink = new RecordingSink();
        await using var host = await StartAsync(sink);
        var body = FeishuWire.EncryptedBody(Key, FeishuWire.MessageEvent(Token, "ev_1", "om_1"));

        using var response = await host.Client.SendAsync(FeishuWire.Signed("/feishu/cards", body, Key, Now));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("MapFeishuEvents");
        sink.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_card_action_slower_than_the_deadline_is_answered_with_an_empty_object_and_keeps_running()
    {
        var release = new TaskCompletionSource<FeishuIngestResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var sink = new RecordingSink { Answer = _ => new ValueTask<FeishuIngestResult>(release.Task) };
        await using var host = await StartAsync(sink, o => o.CardActionDeadline = TimeSpan.FromMilliseconds(50));

        using var response = await host.Client.SendAsync(FeishuWire.Signed("/feishu/cards", FeishuWire.EncryptedBody(Key, CardTrigger("ev_slow")), Key, Now));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldBe("{}");
        release.SetResult(new FeishuIngestResult(FeishuIngestStatus.Accepted, CardActionResponse.WithToast(CardToastType.Info, "late")));
        sink.Received.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_card_action_without_a_response_is_answered_with_an_empty_object()
    {
        var sink = new RecordingSink();
        await using var host = await StartAsync(sink);

        using var response = await host.Client.SendAsync(FeishuWire.Signed("/feishu/cards", FeishuWire.EncryptedBody(Key, CardTrigger("ev_c2")), Key, Now));

        (await response.Content.ReadAsStringAsync()).ShouldBe("{}");
    }
}
