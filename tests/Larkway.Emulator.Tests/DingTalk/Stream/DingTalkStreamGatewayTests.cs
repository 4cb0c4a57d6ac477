using System.Text.Json;
using Larkway.Emulator.Tests.Infrastructure;
using static Larkway.Emulator.Tests.DingTalk.Stream.StreamTestHelpers;

namespace Larkway.Emulator.Tests.DingTalk.Stream;

/// <summary>The gateway (<c>POST /dingtalk/v1.0/gateway/connections/open</c>) and the tickets it hands out.</summary>
public sealed class DingTalkStreamGatewayTests
{
    [Fact]
    public async Task Open_answers_an_endpoint_on_the_requests_own_host_and_a_fresh_ticket()
    {
        await using var emulator = await StartAsync();

        using var first = await StreamTestClient.OpenAsync(emulator);
        using var second = await StreamTestClient.OpenAsync(emulator);

        Assert.Equal(200, first.Status);
        Assert.Equal($"ws://{emulator.Server.BaseUrl.Authority}/dingtalk/stream/connect", first.Json.GetProperty("endpoint").GetString());
        var ticket = first.Json.GetProperty("ticket").GetString()!;
        Assert.Matches("^[0-9a-f]{32}$", ticket);
        Assert.NotEqual(ticket, second.Json.GetProperty("ticket").GetString());
        Assert.False(string.IsNullOrEmpty(first.Header("x-acs-request-id")));
    }

    [Theory]
    [InlineData("dingemulatorstream01", "wrong-secret")]
    [InlineData("dingnotanapp00000001", "larkway-emulator-dingtalk-stream-dev-secret-0001")]
    public async Task Bad_credentials_are_refused_with_401_authFailed(string clientId, string clientSecret)
    {
        await using var emulator = await StartAsync();

        using var reply = await StreamTestClient.OpenAsync(emulator, StreamTestClient.GatewayBody(emulator, clientId: clientId, clientSecret: clientSecret));

        Assert.Equal(401, reply.Status);
        Assert.Equal("authFailed", reply.Json.GetProperty("code").GetString());
        Assert.Equal("鉴权失败", reply.Json.GetProperty("message").GetString());
        var requestId = reply.Json.GetProperty("requestid").GetString();
        Assert.False(string.IsNullOrEmpty(requestId));
        Assert.Equal(requestId, reply.Header("x-acs-request-id"));
        Assert.False(reply.Json.TryGetProperty("ticket", out _));
    }

    public static TheoryData<string, string> BadBodies => new()
    {
        { "{not json", "body" },
        { "[1,2]", "body" },
        { """{"clientId":"dingemulatorstream01","clientSecret":"larkway-emulator-dingtalk-stream-dev-secret-0001"}""", "subscriptions" },
        { """{"clientId":"dingemulatorstream01","clientSecret":"larkway-emulator-dingtalk-stream-dev-secret-0001","subscriptions":[]}""", "subscriptions" },
        { """{"clientId":"dingemulatorstream01","clientSecret":"larkway-emulator-dingtalk-stream-dev-secret-0001","subscriptions":[{"type":"PUSH","topic":"*"}]}""", "subscriptions[0].type" },
        { """{"clientId":"dingemulatorstream01","clientSecret":"larkway-emulator-dingtalk-stream-dev-secret-0001","subscriptions":[{"type":"EVENT","topic":"*"},{"type":"CALLBACK"}]}""", "subscriptions[1].topic" },
        { """{"clientSecret":"x","subscriptions":[{"type":"EVENT","topic":"*"}]}""", "clientId" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_malformed_request_is_a_400_naming_what_is_wrong(string body, string named)
    {
        await using var emulator = await StartAsync();

        using var reply = await emulator.SendAsync(HttpMethod.Post, "/dingtalk/v1.0/gateway/connections/open", body, null);

        Assert.Equal(400, reply.Status);
        Assert.Contains(named, reply.Json.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(reply.Json.GetProperty("code").GetString()));
        Assert.False(string.IsNullOrEmpty(reply.Json.GetProperty("requestid").GetString()));
    }

    [Fact]
    public async Task A_ticket_admits_one_connection_only()
    {
        await using var emulator = await StartAsync();
        var url = await StreamTestClient.TicketUrlAsync(emulator);
        await using var first = await StreamTestClient.ConnectAsync(emulator, url);

        Assert.Equal(403, await StreamTestClient.RefusedStatusAsync(url));
        using var reason = await StreamTestClient.RefusedUpgradeAsync(emulator, url);
        Assert.Equal(403, reason.Status);
        Assert.Equal("ticketUsed", reason.Json.GetProperty("code").GetString());
        Assert.Single(emulator.Server.DingTalkStream.Connections());
    }

    [Fact]
    public async Task A_ticket_expires_90_seconds_after_it_was_issued()
    {
        await using var emulator = await StartAsync();
        var early = await StreamTestClient.TicketUrlAsync(emulator);
        var late = await StreamTestClient.TicketUrlAsync(emulator);

        emulator.Clock.Advance(TimeSpan.FromSeconds(89));
        await using var inTime = await StreamTestClient.ConnectAsync(emulator, early);
        emulator.Clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(403, await StreamTestClient.RefusedStatusAsync(late));
        using var reason = await StreamTestClient.RefusedUpgradeAsync(emulator, await TicketUrlExpiredAsync(emulator));
        Assert.Equal("ticketExpired", reason.Json.GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_unknown_or_missing_ticket_is_refused_with_401_and_a_reason()
    {
        await using var emulator = await StartAsync();
        var unknown = new Uri($"ws://{emulator.Server.BaseUrl.Authority}/dingtalk/stream/connect?ticket=0123456789abcdef0123456789abcdef");
        var missing = new Uri($"ws://{emulator.Server.BaseUrl.Authority}/dingtalk/stream/connect");

        Assert.Equal(401, await StreamTestClient.RefusedStatusAsync(unknown));
        Assert.Equal(401, await StreamTestClient.RefusedStatusAsync(missing));
        using var reason = await StreamTestClient.RefusedUpgradeAsync(emulator, unknown);
        Assert.Equal("invalidTicket", reason.Json.GetProperty("code").GetString());
        Assert.Contains("ticket", reason.Json.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_connection_list_shows_the_app_its_subscriptions_and_its_counters()
    {
        await using var emulator = await StartAsync();
        object[] subscriptions = [new { type = "CALLBACK", topic = "/v1.0/im/bot/messages/get" }];
        await using var client = await StreamTestClient.ConnectAsync(emulator, subscriptions);
        using var sent = await emulator.RobotMessageAsync();
        await client.AckAsync(await client.NextAsync(), new { response = (object?)null });
        await WaitUntilAsync(() => emulator.Deliveries().Any(d => d.Direction == "in"), "the ack");

        using var list = await emulator.GetAsync("/_emulator/dingtalk/stream/connections", null);

        var item = Assert.Single(list.Json.GetProperty("items").EnumerateArray());
        Assert.Equal(emulator.Options.DingTalkStream.ClientId, item.GetProperty("appKey").GetString());
        Assert.Equal("open", item.GetProperty("state").GetString());
        Assert.Equal(1, item.GetProperty("framesOut").GetInt64());
        Assert.Equal(1, item.GetProperty("acksIn").GetInt64());
        Assert.Equal(emulator.Clock.GetUtcNow().ToUnixTimeMilliseconds(), item.GetProperty("openedAtMs").GetInt64());
        Assert.Equal("larkway-tests/1.0", item.GetProperty("ua").GetString());
        Assert.Equal("127.0.0.1", item.GetProperty("localIp").GetString());
        var subscription = Assert.Single(item.GetProperty("subscriptions").EnumerateArray());
        Assert.Equal("CALLBACK", subscription.GetProperty("type").GetString());
        Assert.Equal("/v1.0/im/bot/messages/get", subscription.GetProperty("topic").GetString());
        Assert.Equal(sent.Json.GetProperty("connectionId").GetString(), item.GetProperty("id").GetString());
    }

    /// <summary>A ticket issued now and already past its lifetime (the clock moves 91 s).</summary>
    private static async Task<Uri> TicketUrlExpiredAsync(TestEmulator emulator)
    {
        var url = await StreamTestClient.TicketUrlAsync(emulator);
        emulator.Clock.Advance(TimeSpan.FromSeconds(91));
        return url;
    }
}
