using System.Net;
using System.Text.Json;
using Larkway.Feishu.Im;
using Larkway.Feishu.Tests.Infrastructure;

namespace Larkway.Feishu.Tests.Http;

public class RetryTests
{
    [Fact]
    public async Task Http_429_waits_the_ratelimit_reset_seconds_then_retries()
    {
        var time = new FakeTimeProvider();
        var stub = new StubHandler((_, n) => n == 1
            ? Responses.Json("""{"code":99991400,"msg":"request trigger frequency limit"}""", HttpStatusCode.TooManyRequests,
                ("x-ogw-ratelimit-limit", "100"), ("x-ogw-ratelimit-reset", "7"))
            : Responses.Ok("""{"chat_id":"oc_1"}"""));
        using var client = TestClients.Create(stub, o =>
        {
            o.Timeout = Timeout.InfiniteTimeSpan;
            o.Retry.BaseDelay = TimeSpan.FromMilliseconds(100);
        }, time);

        var call = client.Im.Chats.GetAsync("oc_1");

        Assert.Equal(TimeSpan.FromSeconds(7), await time.WaitForTimerAsync());
        Assert.Equal(1, stub.ApiRequests);
        time.Advance(TimeSpan.FromSeconds(7));
        var chat = await call;

        Assert.Equal("oc_1", chat.ChatId);
        Assert.Equal(2, stub.ApiRequests);
    }

    [Fact]
    public async Task Legacy_rate_limit_code_with_http_400_is_retried_too()
    {
        var stub = new StubHandler((_, n) => n == 1
            ? Responses.Error(FeishuErrorCodes.RateLimited, "request trigger frequency limit", HttpStatusCode.BadRequest, ("x-ogw-ratelimit-reset", "0"))
            : Responses.Ok("""{"chat_id":"oc_1"}"""));
        using var client = TestClients.Create(stub);

        await client.Im.Chats.GetAsync("oc_1");

        Assert.Equal(2, stub.ApiRequests);
    }

    [Fact]
    public async Task A_reset_longer_than_MaxRetryAfter_is_not_waited_for_and_RetryAfter_is_reported()
    {
        var stub = new StubHandler((_, _) => Responses.Error(FeishuErrorCodes.RateLimited, "request trigger frequency limit", HttpStatusCode.TooManyRequests, ("x-ogw-ratelimit-reset", "3600")));
        using var client = TestClients.Create(stub, o => o.Retry.MaxRetryAfter = TimeSpan.FromSeconds(60));

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Im.Chats.GetAsync("oc_1"));

        Assert.Equal(1, stub.ApiRequests);
        Assert.Equal(TimeSpan.FromHours(1), ex.RetryAfter);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task Server_errors_are_retried_with_back_off_until_success()
    {
        var stub = new StubHandler((_, n) => n <= 2 ? Responses.Error(500, "internal error", HttpStatusCode.InternalServerError) : Responses.Ok("""{"chat_id":"oc_1"}"""));
        using var client = TestClients.Create(stub);

        await client.Im.Chats.GetAsync("oc_1");

        Assert.Equal(3, stub.ApiRequests);
    }

    [Fact]
    public async Task Retries_stop_at_MaxRetries()
    {
        var stub = new StubHandler((_, _) => Responses.Error(500, "internal error", HttpStatusCode.ServiceUnavailable));
        using var client = TestClients.Create(stub, o => o.Retry.MaxRetries = 2);

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Im.Chats.GetAsync("oc_1"));

        Assert.Equal(3, stub.ApiRequests);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.HttpStatus);
    }

    [Fact]
    public async Task Client_errors_are_not_retried()
    {
        var stub = new StubHandler((_, _) => Responses.Error(FeishuErrorCodes.InvalidChatId, "invalid chat_id"));
        using var client = TestClients.Create(stub);

        await Assert.ThrowsAsync<FeishuApiException>(() => client.Im.Chats.GetAsync("oc_1"));

        Assert.Equal(1, stub.ApiRequests);
    }

    [Fact]
    public async Task A_post_without_uuid_is_never_retried()
    {
        var stub = new StubHandler((_, _) => Responses.Error(500, "internal error", HttpStatusCode.InternalServerError));
        using var client = TestClients.Create(stub);

        await Assert.ThrowsAsync<FeishuApiException>(() => client.Im.Chats.CreateAsync(new CreateChatRequest { Name = "ops" }));
        await Assert.ThrowsAsync<FeishuApiException>(() => client.Im.ChatMembers.AddAsync("oc_1", ["ou_1"]));

        Assert.Equal(2, stub.ApiRequests);
    }

    [Fact]
    public async Task A_post_with_uuid_is_retried()
    {
        var stub = new StubHandler((_, n) => n == 1 ? Responses.Error(500, "internal error", HttpStatusCode.InternalServerError) : Responses.Ok("""{"chat_id":"oc_new"}"""));
        using var client = TestClients.Create(stub);

        var chat = await client.Im.Chats.CreateAsync(new CreateChatRequest { Name = "ops" }, uuid: "create-ops-1");

        Assert.Equal("oc_new", chat.ChatId);
        Assert.Equal(2, stub.ApiRequests);
    }

    [Fact]
    public async Task Send_carries_a_generated_uuid_and_every_retry_reuses_it()
    {
        var stub = new StubHandler((_, n) => n <= 2 ? Responses.Error(500, "internal error", HttpStatusCode.BadGateway) : Responses.Ok(Responses.Message()));
        using var client = TestClients.Create(stub);

        var sent = await client.Im.Messages.SendAsync(ReceiveId.Chat("oc_1"), MessageContent.Text("hi"));

        var uuids = stub.ApiCalls.Select(r => JsonDocument.Parse(r.Body!).RootElement.GetProperty("uuid").GetString()).ToArray();
        Assert.Equal(3, uuids.Length);
        Assert.False(string.IsNullOrEmpty(uuids[0]));
        Assert.All(uuids, u => Assert.Equal(uuids[0], u));
        Assert.Equal(uuids[0], sent.Uuid);
    }

    [Fact]
    public async Task Each_send_gets_its_own_uuid_and_a_given_one_is_kept()
    {
        var stub = new StubHandler((_, _) => Responses.Ok(Responses.Message()));
        using var client = TestClients.Create(stub);

        var first = await client.Im.Messages.SendAsync(ReceiveId.Chat("oc_1"), MessageContent.Text("a"));
        var second = await client.Im.Messages.SendAsync(ReceiveId.Chat("oc_1"), MessageContent.Text("b"));
        var given = await client.Im.Messages.SendAsync(ReceiveId.Chat("oc_1"), MessageContent.Text("c"), uuid: "order-42");

        Assert.NotEqual(first.Uuid, second.Uuid);
        Assert.Equal("order-42", given.Uuid);
    }

    [Fact]
    public async Task Network_errors_on_idempotent_calls_are_retried()
    {
        var stub = new StubHandler((_, n, _) => n == 1
            ? throw new HttpRequestException("connection reset")
            : Task.FromResult(Responses.Ok("""{"chat_id":"oc_1"}""")));
        using var client = TestClients.Create(stub);

        await client.Im.Chats.GetAsync("oc_1");

        Assert.Equal(2, stub.ApiRequests);
    }
}
