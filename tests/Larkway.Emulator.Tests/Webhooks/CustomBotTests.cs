using System.Text.Json;
using Larkway.Emulator.Api.Webhooks;
using Larkway.Emulator.State;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Webhooks;

public sealed class CustomBotTests
{
    private static readonly JsonElement Vectors = SharedVectors.Load("feishu-custom-bot.json");

    public static TheoryData<string> SignVectorIds() => [.. Vectors.GetProperty("sign_vectors").EnumerateArray().Select(v => v.GetProperty("id").GetString()!)];

    public static TheoryData<string> NegativeVectorIds() => [.. Vectors.GetProperty("sign_negative_vectors").EnumerateArray().Select(v => v.GetProperty("id").GetString()!)];

    private static JsonElement Vector(string list, string id) => Vectors.GetProperty(list).EnumerateArray().Single(v => v.GetProperty("id").GetString() == id);

    [Theory]
    [MemberData(nameof(SignVectorIds))]
    public void Signature_matches_the_shared_vectors(string id)
    {
        var vector = Vector("sign_vectors", id);

        Assert.Equal(vector.GetProperty("expected_sign").GetString(), WebhookSignature.Compute(vector.GetProperty("timestamp").GetString()!, vector.GetProperty("secret").GetString()!));
    }

    [Theory]
    [MemberData(nameof(SignVectorIds))]
    public async Task Signed_request_from_a_vector_is_accepted_at_its_timestamp(string id)
    {
        var vector = Vector("sign_vectors", id);
        var timestamp = vector.GetProperty("timestamp").GetString()!;
        await using var emulator = await StartAtAsync(long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture));
        AddHook(emulator, "signed", secret: vector.GetProperty("secret").GetString());

        using var reply = await emulator.PostJsonAsync("/open-apis/bot/v2/hook/signed", new { timestamp, sign = vector.GetProperty("expected_sign").GetString(), msg_type = "text", content = new { text = "signed hello" } });

        Assert.Equal(200, reply.Status);
        Assert.Equal(0, reply.Code);
        Assert.Equal(0, reply.Json.GetProperty("StatusCode").GetInt32());
        Assert.Equal("success", reply.Json.GetProperty("StatusMessage").GetString());
        Assert.Equal(JsonValueKind.Object, reply.Data.ValueKind);
        Assert.Single(emulator.State.MessagesIn(emulator.GeneralChat.ChatId));
    }

    [Theory]
    [MemberData(nameof(NegativeVectorIds))]
    public async Task Negative_vectors_are_refused_with_19021(string id)
    {
        var vector = Vector("sign_negative_vectors", id);
        var timestamp = vector.GetProperty("timestamp").GetString()!;
        await using var emulator = await StartAtAsync(1_599_360_473);
        emulator.Clock.Set(DateTimeOffset.FromUnixTimeSeconds(Math.Min(long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture), 1_718_003_600)));
        AddHook(emulator, "signed", secret: vector.GetProperty("secret").GetString());

        using var reply = await emulator.PostJsonAsync("/open-apis/bot/v2/hook/signed", new { timestamp, sign = vector.GetProperty("sign_presented").GetString(), msg_type = "text", content = new { text = "x" } });

        Assert.Equal(200, reply.Status);
        Assert.Equal(19021, reply.Code);
        Assert.Empty(emulator.State.MessagesIn(emulator.GeneralChat.ChatId));
    }

    [Theory]
    [InlineData(3601, 19021)]
    [InlineData(-3601, 19021)]
    [InlineData(3600, 0)]
    [InlineData(-3600, 0)]
    public async Task Timestamp_must_be_within_one_hour(int skewSeconds, int code)
    {
        await using var emulator = await StartAtAsync(1_718_000_000);
        AddHook(emulator, "signed", secret: "demo");
        var timestamp = (1_718_000_000 + skewSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);

        using var reply = await emulator.PostJsonAsync("/open-apis/bot/v2/hook/signed", new { timestamp, sign = WebhookSignature.Compute(timestamp, "demo"), msg_type = "text", content = new { text = "x" } });

        Assert.Equal(code, reply.Code);
    }

    [Fact]
    public async Task Missing_sign_on_a_secured_hook_is_19021()
    {
        await using var emulator = await TestEmulator.StartAsync();
        AddHook(emulator, "signed", secret: "demo");

        using var reply = await emulator.PostJsonAsync("/open-apis/bot/v2/hook/signed", new { msg_type = "text", content = new { text = "x" } });

        Assert.Equal(19021, reply.Code);
    }

    [Fact]
    public async Task Unknown_token_is_19001_with_http_200()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var reply = await emulator.PostJsonAsync("/open-apis/bot/v2/hook/nope", new { msg_type = "text", content = new { text = "x" } });

        Assert.Equal(200, reply.Status);
        Assert.Equal(19001, reply.Code);
    }

    [Fact]
    public async Task Keywords_must_appear_in_visible_text()
    {
        await using var emulator = await TestEmulator.StartAsync();
        AddHook(emulator, "kw", keywords: ["deploy"]);

        using (var missing = await emulator.PostJsonAsync("/open-apis/bot/v2/hook/kw", new { msg_type = "post", content = new { post = new { zh_cn = new { title = "Hello", content = new[] { new object[] { new { tag = "a", text = "link", href = "https://x.test/deploy" } } } } } } }))
        {
            Assert.Equal(19024, missing.Code);
        }

        using var present = await emulator.PostJsonAsync("/open-apis/bot/v2/hook/kw", new { msg_type = "text", content = new { text = "deploy finished" } });
        Assert.Equal(0, present.Code);
    }

    [Theory]
    [InlineData("10.0.0.1", 19022)]
    [InlineData("127.0.0.0/8", 0)]
    [InlineData("127.0.0.*", 0)]
    [InlineData("127.0.0.1", 0)]
    public async Task Ip_allowlist_is_enforced(string entry, int code)
    {
        await using var emulator = await TestEmulator.StartAsync();
        AddHook(emulator, "ip", ipAllowlist: [entry]);

        using var reply = await emulator.PostJsonAsync("/open-apis/bot/v2/hook/ip", new { msg_type = "text", content = new { text = "x" } });

        Assert.Equal(code, reply.Code);
    }

    [Fact]
    public async Task Five_per_second_then_11232()
    {
        await using var emulator = await TestEmulator.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            using var ok = await emulator.PostJsonAsync("/open-apis/bot/v2/hook/dev-hook", new { msg_type = "text", content = new { text = "n" + i } });
            Assert.Equal(0, ok.Code);
        }

        using (var limited = await emulator.PostJsonAsync("/open-apis/bot/v2/hook/dev-hook", new { msg_type = "text", content = new { text = "sixth" } }))
        {
            Assert.Equal(200, limited.Status);
            Assert.Equal(11232, limited.Code);
        }

        emulator.Clock.Advance(TimeSpan.FromSeconds(1));
        using var next = await emulator.PostJsonAsync("/open-apis/bot/v2/hook/dev-hook", new { msg_type = "text", content = new { text = "next second" } });
        Assert.Equal(0, next.Code);
    }

    [Fact]
    public async Task Hundred_per_minute_then_11232()
    {
        await using var emulator = await TestEmulator.StartAsync();
        for (var i = 0; i < 100; i++)
        {
            if (i % 5 == 0)
            {
                emulator.Clock.Advance(TimeSpan.FromMilliseconds(500));
            }

            using var ok = await emulator.PostJsonAsync("/open-apis/bot/v2/hook/dev-hook", new { msg_type = "text", content = new { text = "n" + i } });
            Assert.True(ok.Code == 0, $"#{i}: {ok.Text}");
            if (i % 5 == 4)
            {
                emulator.Clock.Advance(TimeSpan.FromMilliseconds(500));
            }
        }

        using var limited = await emulator.PostJsonAsync("/open-apis/bot/v2/hook/dev-hook", new { msg_type = "text", content = new { text = "101st" } });
        Assert.Equal(11232, limited.Code);
    }

    [Fact]
    public async Task Body_over_20_KB_is_refused()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var reply = await emulator.PostJsonAsync("/open-apis/bot/v2/hook/dev-hook", new { msg_type = "text", content = new { text = new string('x', 20 * 1024) } });

        Assert.Equal(200, reply.Status);
        Assert.Equal(19036, reply.Code);
    }

    [Theory]
    [InlineData("{\"msg_type\":\"video\",\"content\":{}}", 19002)]
    [InlineData("{\"msg_type\":\"interactive\",\"content\":{}}", 19002)]
    [InlineData("{\"msg_type\":\"text\",\"content\":{\"txt\":\"typo\"}}", 19002)]
    [InlineData("{broken", 9499)]
    public async Task Bad_bodies_are_refused_with_http_200(string body, int code)
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var reply = await emulator.SendAsync(HttpMethod.Post, "/open-apis/bot/v2/hook/dev-hook", body, token: null);

        Assert.Equal(200, reply.Status);
        Assert.Equal(code, reply.Code);
    }

    [Fact]
    public async Task Post_share_chat_and_card_are_stored_in_im_shapes()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var card = new { schema = "2.0", header = new { title = new { tag = "plain_text", content = "Build" }, template = "red" }, body = new { elements = new object[] { new { tag = "markdown", content = "failed" } } } };

        using (var post = await emulator.PostJsonAsync("/open-apis/bot/v2/hook/dev-hook", new { msg_type = "post", content = new { post = new { en_us = new { title = "T", content = new[] { new object[] { new { tag = "text", text = "body" } } } } } } }))
        {
            Assert.Equal(0, post.Code);
        }

        emulator.Clock.Advance(TimeSpan.FromSeconds(1));
        using (var share = await emulator.PostJsonAsync("/open-apis/bot/v2/hook/dev-hook", new { msg_type = "share_chat", content = new { share_chat_id = emulator.EngineeringChat.ChatId } }))
        {
            Assert.Equal(0, share.Code);
        }

        using (var interactive = await emulator.PostJsonAsync("/open-apis/bot/v2/hook/dev-hook", new { msg_type = "interactive", card }))
        {
            Assert.Equal(0, interactive.Code);
        }

        var messages = emulator.State.MessagesIn(emulator.GeneralChat.ChatId);
        Assert.Equal(["post", "share_chat", "interactive"], messages.Select(m => m.MsgType));
        Assert.Contains("\"title\":\"T\"", messages[0].Content, StringComparison.Ordinal);
        Assert.Contains(emulator.EngineeringChat.ChatId, messages[1].Content, StringComparison.Ordinal);
        Assert.Equal("Dev Hook", messages[2].Sender.Name);
    }

    private static async Task<TestEmulator> StartAtAsync(long unixSeconds) =>
        await TestEmulator.StartAsync(clock: new ManualClock(DateTimeOffset.FromUnixTimeSeconds(unixSeconds)));

    private static void AddHook(TestEmulator emulator, string token, string? secret = null, string[]? keywords = null, string[]? ipAllowlist = null) =>
        emulator.State.AddWebhook(new CustomBotWebhook(token, emulator.GeneralChat.ChatId, "Test Hook", secret, keywords ?? [], ipAllowlist ?? []));
}
