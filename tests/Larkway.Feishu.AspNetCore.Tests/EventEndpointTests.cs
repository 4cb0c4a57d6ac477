using System.Net;
using System.Text;
using System.Text.Json;
using Larkway.Feishu.Events.Ingest;
using Larkway.Feishu.Events.Models.Im;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Feishu.AspNetCore.Tests;

public sealed class EventEndpointTests
{
    private const string Key = "test-encrypt-key-0001";
    private const string Token = "test-verification-token";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private static Task<ReceiverHost> StartAsync(RecordingSink sink, Action<FeishuEventEndpointOptions>? configure = null, TimeProvider? time = null) =>
        ReceiverHost.StartAsync(
            services => services.AddFeishuEventReceiver(o =>
            {
                o.EncryptKey = Key;
                o.VerificationToken = Token;
                configure?.Invoke(o);
            }).UseSink(_ => sink),
            app => app.MapFeishuEvents("/feishu/events"),
            time ?? new ManualTime(Now));

    [Fact]
    public async Task A_signed_encrypted_event_reaches_the_sink_decrypted_and_is_acknowledged()
    {
        var sink = new RecordingSink();
        await using var host = await StartAsync(sink);
        var plaintext = FeishuWire.MessageEvent(Token, "ev_1", "om_1");

        using var response = await host.Client.SendAsync(FeishuWire.Signed("/feishu/events", FeishuWire.EncryptedBody(Key, plaintext), Key, Now));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldBe("""{"msg":"success"}""");
        var inbound = sink.Received.ShouldHaveSingleItem();
        inbound.Envelope.EventType.ShouldBe("im.message.receive_v1");
        inbound.Transport.ShouldBe(FeishuEventTransport.Http);
        inbound.AppName.ShouldBe("");
        Encoding.UTF8.GetString(inbound.Body.Span).ShouldBe(plaintext);
        inbound.DedupKeys.ShouldBe(["cli_a1b2c3d4e5f60001/event/ev_1", "cli_a1b2c3d4e5f60001/im.message/om_1"]);
    }

    [Fact]
    public async Task The_official_signature_vector_is_accepted_at_its_time()
    {
        using var vectors = JsonDocument.Parse(File.ReadAllText(Path.Combine(VectorsDirectory(), "feishu-signature.json")));
        var vector = vectors.RootElement.GetProperty("event_signature_vectors")[0];
        var headers = vector.GetProperty("headers");
        var timestamp = headers.GetProperty("X-Lark-Request-Timestamp").GetString()!;
        var sink = new RecordingSink();
        await using var host = await ReceiverHost.StartAsync(
            services => services.AddFeishuEventReceiver(o => o.EncryptKey = vector.GetProperty("encrypt_key").GetString()).UseSink(_ => sink),
            app => app.MapFeishuEvents("/e"),
            new ManualTime(DateTimeOffset.FromUnixTimeSeconds(long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture))));

        using var response = await host.Client.SendAsync(FeishuWire.Request("/e", vector.GetProperty("raw_body").GetString()!,
            timestamp, headers.GetProperty("X-Lark-Request-Nonce").GetString(), headers.GetProperty("X-Lark-Signature").GetString()));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        sink.Received.ShouldHaveSingleItem().Envelope.EventType.ShouldBe("im.message.receive_v1");
    }

    [Theory]
    [InlineData("tampered-body")]
    [InlineData("uppercase-hex")]
    [InlineData("missing")]
    [InlineData("other-key")]
    public async Task A_bad_signature_is_401_and_nothing_is_stored(string how)
    {
        var sink = new RecordingSink();
        await using var host = await StartAsync(sink);
        var body = FeishuWire.EncryptedBody(Key, FeishuWire.MessageEvent(Token, "ev_1", "om_1"));
        var ts = Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = FeishuWire.Sign(ts, "n", how == "other-key" ? "other" : Key, body);
        var request = how switch
        {
            "tampered-body" => FeishuWire.Request("/feishu/events", body.Replace("\"}", "A\"}", StringComparison.Ordinal), ts, "n", signature),
            "uppercase-hex" => FeishuWire.Request("/feishu/events", body, ts, "n", signature.ToUpperInvariant()),
            "missing" => FeishuWire.Request("/feishu/events", body, ts, "n"),
            _ => FeishuWire.Request("/feishu/events", body, ts, "n", signature),
        };

        using var response = await host.Client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadAsStringAsync()).ShouldContain("bad-signature");
        sink.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_stale_timestamp_is_401_even_with_a_valid_signature()
    {
        var sink = new RecordingSink();
        await using var host = await StartAsync(sink);
        var body = FeishuWire.EncryptedBody(Key, FeishuWire.MessageEvent(Token, "ev_1", "om_1"));

        using var response = await host.Client.SendAsync(FeishuWire.Signed("/feishu/events", body, Key, Now.AddMinutes(-6)));

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await response.Content.ReadAsStringAsync()).ShouldContain("stale-timestamp");
        sink.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_wrong_verification_token_is_401()
    {
        var sink = new RecordingSink();
        await using var host = await StartAsync(sink);
        var body = FeishuWire.EncryptedBody(Key, FeishuWire.MessageEvent("someone-elses-token", "ev_1", "om_1"));

        using var response = await host.Client.SendAsync(FeishuWire.Signed("/feishu/events", body, Key, Now));

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await response.Content.ReadAsStringAsync()).ShouldContain("wrong-verification-token");
        sink.Received.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"encrypt\":42}")]
    [InlineData("{\"encrypt\":\"!!!not-base64!!!\"}")]
    [InlineData("{\"schema\":\"2.0\",\"header\":{}}")]
    [InlineData("")]
    public async Task Malformed_bodies_are_400_with_a_reason_never_500(string body)
    {
        var sink = new RecordingSink();
        await using var host = await StartAsync(sink);

        using var response = await host.Client.SendAsync(FeishuWire.Signed("/feishu/events", body, Key, Now));

        ((int)response.StatusCode).ShouldBeInRange(400, 499);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        problem.GetProperty("detail").GetString().ShouldNotBeNullOrWhiteSpace();
        sink.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_and_not_read_into_the_sink()
    {
        var sink = new RecordingSink();
        await using var host = await StartAsync(sink, o => o.MaxRequestBodySize = 512);
        var body = FeishuWire.EncryptedBody(Key, FeishuWire.MessageEvent(Token, "ev_1", new string('m', 600)));

        using var response = await host.Client.SendAsync(FeishuWire.Signed("/feishu/events", body, Key, Now));

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        sink.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task Url_verification_is_answered_plain_and_encrypted_and_checks_the_token()
    {
        var sink = new RecordingSink();
        await using var host = await StartAsync(sink);
        var challenge = """{"challenge":"ch-42","token":"test-verification-token","type":"url_verification"}""";

        using var plain = await host.Client.SendAsync(FeishuWire.Request("/feishu/events", challenge));
        using var encrypted = await host.Client.SendAsync(FeishuWire.Request("/feishu/events", FeishuWire.EncryptedBody(Key, challenge)));
        using var wrong = await host.Client.SendAsync(FeishuWire.Request("/feishu/events", challenge.Replace(Token, "nope", StringComparison.Ordinal)));

        plain.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await plain.Content.ReadAsStringAsync()).ShouldBe("""{"challenge":"ch-42"}""");
        plain.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        (await encrypted.Content.ReadAsStringAsync()).ShouldBe("""{"challenge":"ch-42"}""");
        wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        sink.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_sink_failure_is_503_with_retry_after_so_Feishu_delivers_again()
    {
        var sink = new RecordingSink { Answer = _ => throw new InvalidOperationException("database is down") };
        await using var host = await StartAsync(sink);
        var body = FeishuWire.EncryptedBody(Key, FeishuWire.MessageEvent(Token, "ev_1", "om_1"));

        using var response = await host.Client.SendAsync(FeishuWire.Signed("/feishu/events", body, Key, Now));

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter.ShouldNotBeNull();
        (await response.Content.ReadAsStringAsync()).ShouldNotContain("database is down");
    }

    [Fact]
    public async Task An_old_style_card_callback_on_the_events_endpoint_is_400_naming_the_right_endpoint()
    {
        var sink = new RecordingSink();
        await using var host = await StartAsync(sink);
        var body = """{"open_id":"ou_1","open_message_id":"om_1","tenant_key":"t1","token":"c-1","action":{"value":{"k":"v"},"tag":"button"}}""";

        using var response = await host.Client.SendAsync(FeishuWire.Signed("/feishu/events", body, Token, Now, sha1WithToken: true));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("MapFeishuCardActions");
        sink.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task With_the_in_process_dispatcher_a_redelivery_and_a_new_event_id_for_the_same_message_run_the_handler_once()
    {
        var handled = new List<string>();
        await using var host = await ReceiverHost.StartAsync(
            services => services.AddFeishuEventReceiver(o => { o.EncryptKey = Key; o.VerificationToken = Token; })
                .UseDispatcher((_, d) => d.On<MessageReceivedEvent>((e, _, _) =>
                {
                    lock (handled)
                    {
                        handled.Add(e.Message.MessageId);
                    }

                    return Task.CompletedTask;
                })),
            app => app.MapFeishuEvents("/feishu/events"),
            new ManualTime(Now));

        foreach (var (eventId, messageId) in new[] { ("ev_1", "om_1"), ("ev_1", "om_1"), ("ev_2", "om_1"), ("ev_3", "om_2") })
        {
            var body = FeishuWire.EncryptedBody(Key, FeishuWire.MessageEvent(Token, eventId, messageId));
            using var response = await host.Client.SendAsync(FeishuWire.Signed("/feishu/events", body, Key, Now));
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        handled.ShouldBe(["om_1", "om_2"]);
    }

    [Fact]
    public async Task Two_apps_each_verify_with_their_own_key_on_their_own_path()
    {
        var sinkA = new RecordingSink();
        var sinkB = new RecordingSink();
        await using var host = await ReceiverHost.StartAsync(
            services =>
            {
                services.AddFeishuEventReceiver("a", o => o.EncryptKey = "key-a").UseSink(_ => sinkA);
                services.AddFeishuEventReceiver("b", o => o.EncryptKey = "key-b").UseSink(_ => sinkB);
            },
            app =>
            {
                app.MapFeishuEvents("/a/events", "a");
                app.MapFeishuEvents("/b/events", "b");
            },
            new ManualTime(Now));
        var body = FeishuWire.EncryptedBody("key-b", FeishuWire.MessageEvent("x", "ev_1", "om_1"));

        using var toA = await host.Client.SendAsync(FeishuWire.Signed("/a/events", body, "key-b", Now));
        using var toB = await host.Client.SendAsync(FeishuWire.Signed("/b/events", body, "key-b", Now));

        toA.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        toB.StatusCode.ShouldBe(HttpStatusCode.OK);
        sinkA.Received.ShouldBeEmpty();
        sinkB.Received.ShouldHaveSingleItem().AppName.ShouldBe("b");
    }

    [Fact]
    public async Task An_app_picked_from_the_route_verifies_with_its_named_options_and_a_rotated_key_applies_after_cache_eviction()
    {
        var sink = new RecordingSink();
        var keys = new Dictionary<string, string>(StringComparer.Ordinal) { ["ops"] = "key-ops-1" };
        await using var host = await ReceiverHost.StartAsync(
            services =>
            {
                services.AddFeishuEventReceiver(o => o.EncryptKey = Key).UseSink(_ => sink);
                services.AddSingleton<IFeishuEventSink>(sink); // the sink of apps without a keyed one

                // Apps known only at run time: named options configured from a lookup, as the Hub's store does.
                services.AddSingleton<Microsoft.Extensions.Options.IConfigureOptions<FeishuEventEndpointOptions>>(new KeysByName(keys));
            },
            app => app.MapFeishuEvents("/apps/{name}/events", http => (string)http.Request.RouteValues["name"]!),
            new ManualTime(Now));
        var first = FeishuWire.EncryptedBody("key-ops-1", FeishuWire.MessageEvent("x", "ev_1", "om_1"));

        using (var response = await host.Client.SendAsync(FeishuWire.Signed("/apps/ops/events", first, "key-ops-1", Now)))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        sink.Received.ShouldHaveSingleItem().AppName.ShouldBe("ops");

        keys["ops"] = "key-ops-2";
        var second = FeishuWire.EncryptedBody("key-ops-2", FeishuWire.MessageEvent("x", "ev_2", "om_2"));
        using (var stale = await host.Client.SendAsync(FeishuWire.Signed("/apps/ops/events", second, "key-ops-2", Now)))
        {
            stale.StatusCode.ShouldBe(HttpStatusCode.Unauthorized); // options and verifier are cached until evicted
        }

        host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitorCache<FeishuEventEndpointOptions>>().TryRemove("ops").ShouldBeTrue();
        using (var rotated = await host.Client.SendAsync(FeishuWire.Signed("/apps/ops/events", second, "key-ops-2", Now)))
        {
            rotated.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        sink.Received.Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_receiver_with_neither_key_nor_token_fails_at_start_saying_what_to_set()
    {
        var ex = await Should.ThrowAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => ReceiverHost.StartAsync(
            services => services.AddFeishuEventReceiver(_ => { }).UseSink(_ => new RecordingSink()),
            app => app.MapFeishuEvents("/e")));

        ex.Message.ShouldContain("EncryptKey");
    }

    [Fact]
    public async Task Mapping_without_registering_says_what_to_call()
    {
        var ex = await Should.ThrowAsync<InvalidOperationException>(() => ReceiverHost.StartAsync(_ => { }, app => app.MapFeishuEvents("/e")));

        ex.Message.ShouldContain("AddFeishuEventReceiver");
    }

    internal static string VectorsDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Larkway.slnx")))
            {
                return Path.Combine(dir.FullName, "tests", "fixtures", "vectors");
            }
        }

        throw new DirectoryNotFoundException("Larkway.slnx not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>Named endpoint options from a lookup (apps known only at run time).</summary>
internal sealed class KeysByName(Dictionary<string, string> keys) : Microsoft.Extensions.Options.IConfigureNamedOptions<FeishuEventEndpointOptions>
{
    public void Configure(string? name, FeishuEventEndpointOptions options)
    {
        if (name is { Length: > 0 } && keys.TryGetValue(name, out var key))
        {
            options.EncryptKey = key;
        }
    }

    public void Configure(FeishuEventEndpointOptions options) => Configure(Microsoft.Extensions.Options.Options.DefaultName, options);
}
