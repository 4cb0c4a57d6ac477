using System.Net;
using Larkway.Feishu.Tests.Infrastructure;

namespace Larkway.Feishu.Tests.Auth;

public class TokenTests
{
    [Fact]
    public async Task Token_is_fetched_once_and_reused_with_the_app_credentials()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"chat_id":"oc_1"}"""));
        using var client = TestClients.Create(stub);

        await client.Im.Chats.GetAsync("oc_1");
        await client.Im.Chats.GetAsync("oc_1");

        Assert.Equal(1, stub.TokenRequests);
        var tokenRequest = Assert.Single(stub.Requests, r => r.IsToken);
        Assert.Equal(HttpMethod.Post, tokenRequest.Method);
        Assert.Equal("/open-apis/auth/v3/tenant_access_token/internal", tokenRequest.Path);
        Assert.Equal($$"""{"app_id":"{{TestClients.AppId}}","app_secret":"{{TestClients.AppSecret}}"}""", tokenRequest.Body);
        Assert.Null(tokenRequest.Authorization);
        Assert.All(stub.ApiCalls, r => Assert.Equal("Bearer t-token-1", r.Authorization));
    }

    [Fact]
    public async Task Token_is_refreshed_early_by_the_margin_and_not_before()
    {
        var time = new FakeTimeProvider();
        var stub = new StubHandler((_, _) => Responses.Ok("""{"chat_id":"oc_1"}"""));
        using var client = TestClients.Create(stub, o => o.TokenRefreshMargin = TimeSpan.FromMinutes(3), time: time);

        await client.Im.Chats.GetAsync("oc_1");

        // 7200 s token, 3 min margin: still good at 116 min 59 s...
        time.Advance(TimeSpan.FromMinutes(116) + TimeSpan.FromSeconds(59));
        await client.Im.Chats.GetAsync("oc_1");
        Assert.Equal(1, stub.TokenRequests);

        // ...treated as expired at 117 min, though it would live 3 more minutes.
        time.Advance(TimeSpan.FromSeconds(1));
        await client.Im.Chats.GetAsync("oc_1");
        Assert.Equal(2, stub.TokenRequests);
        Assert.Equal("Bearer t-token-2", stub.ApiCalls[^1].Authorization);
    }

    [Fact]
    public async Task A_short_lived_token_is_refreshed_at_half_its_life_not_on_every_call()
    {
        var time = new FakeTimeProvider();
        var stub = new StubHandler((_, _) => Responses.Ok("""{"chat_id":"oc_1"}""")) { TokenResponder = n => Responses.Token($"t-{n}", 120) };
        using var client = TestClients.Create(stub, time: time);

        await client.Im.Chats.GetAsync("oc_1");
        time.Advance(TimeSpan.FromSeconds(59));
        await client.Im.Chats.GetAsync("oc_1");
        Assert.Equal(1, stub.TokenRequests);

        time.Advance(TimeSpan.FromSeconds(1));
        await client.Im.Chats.GetAsync("oc_1");
        Assert.Equal(2, stub.TokenRequests);
    }

    [Fact]
    public async Task A_thousand_concurrent_calls_on_a_cold_cache_make_exactly_one_token_request()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stub = new StubHandler((_, _) => Responses.Ok("""{"chat_id":"oc_1"}"""));
        stub.TokenResponder = n =>
        {
            // Hold the token answer until every call is waiting for it.
            release.Task.Wait(TimeSpan.FromSeconds(30));
            return Responses.Token($"t-token-{n}", 7200);
        };
        using var client = TestClients.Create(stub);

        var calls = Enumerable.Range(0, 1000).Select(_ => Task.Run(() => client.Im.Chats.GetAsync("oc_1"))).ToArray();
        release.SetResult();
        await Task.WhenAll(calls);

        Assert.Equal(1, stub.TokenRequests);
        Assert.Equal(1000, stub.ApiRequests);
    }

    [Theory]
    [InlineData(FeishuErrorCodes.TenantAccessTokenInvalid)]
    [InlineData(FeishuErrorCodes.AppAccessTokenInvalid)]
    [InlineData(FeishuErrorCodes.InvalidTokenFormat)]
    public async Task Invalid_token_code_drops_the_token_fetches_a_new_one_and_retries_once(int code)
    {
        var stub = new StubHandler((r, n) => n == 1
            ? Responses.Error(code, "Invalid access token for authorization", HttpStatusCode.BadRequest)
            : Responses.Ok("""{"chat_id":"oc_1"}"""));
        using var client = TestClients.Create(stub);

        var chat = await client.Im.Chats.GetAsync("oc_1");

        Assert.Equal("oc_1", chat.ChatId);
        Assert.Equal(2, stub.TokenRequests);
        Assert.Equal(["Bearer t-token-1", "Bearer t-token-2"], stub.ApiCalls.Select(r => r.Authorization));
    }

    [Fact]
    public async Task Invalid_token_twice_in_a_row_is_retried_only_once()
    {
        var stub = new StubHandler((_, _) => Responses.Error(FeishuErrorCodes.TenantAccessTokenInvalid, "Invalid access token", HttpStatusCode.BadRequest));
        using var client = TestClients.Create(stub);

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Im.Chats.GetAsync("oc_1"));

        Assert.Equal(FeishuErrorCodes.TenantAccessTokenInvalid, ex.Code);
        Assert.Equal(2, stub.ApiRequests);
        Assert.Equal(2, stub.TokenRequests);

        // A later call renews the token again, so the caller may retry (an outbox does; a token can expire twice in one call).
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task User_access_token_is_sent_as_is_and_no_tenant_token_is_fetched()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"chat_id":"oc_1"}"""));
        using var client = TestClients.Create(stub);

        await client.AsUser("u-user-token").Im.Chats.GetAsync("oc_1");
        await client.WithOptions(new FeishuRequestOptions { UserAccessToken = "u-other" }).Im.Chats.GetAsync("oc_1");

        Assert.Equal(0, stub.TokenRequests);
        Assert.Equal(["Bearer u-user-token", "Bearer u-other"], stub.ApiCalls.Select(r => r.Authorization));
    }

    [Fact]
    public async Task Invalid_user_token_is_reported_not_refreshed()
    {
        var stub = new StubHandler((_, _) => Responses.Error(FeishuErrorCodes.UserAccessTokenInvalid, "user access token invalid", HttpStatusCode.BadRequest));
        using var client = TestClients.Create(stub);

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.AsUser("u-bad").Im.Chats.GetAsync("oc_1"));

        Assert.Equal(FeishuErrorCodes.UserAccessTokenInvalid, ex.Code);
        Assert.Equal(1, stub.ApiRequests);
        Assert.Equal(0, stub.TokenRequests);
    }

    [Fact]
    public async Task A_failed_token_fetch_is_not_cached()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"chat_id":"oc_1"}"""));
        stub.TokenResponder = n => n == 1 ? Responses.Error(FeishuErrorCodes.TenantAccessTokenFailed, "failed") : Responses.Token("t-good", 7200);
        using var client = TestClients.Create(stub);

        await Assert.ThrowsAsync<FeishuApiException>(() => client.Im.Chats.GetAsync("oc_1"));
        await client.Im.Chats.GetAsync("oc_1");

        Assert.Equal(2, stub.TokenRequests);
        Assert.Equal("Bearer t-good", stub.ApiCalls[^1].Authorization);
    }

    [Fact]
    public async Task Store_apps_are_reserved_and_say_so()
    {
        var stub = new StubHandler((_, _) => Responses.Ok());
        using var client = TestClients.Create(stub, o => o.AppType = FeishuAppType.Store);

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Im.Chats.GetAsync("oc_1"));

        Assert.Equal(FeishuErrorCodes.InvalidRequest, ex.Code);
        Assert.Contains("self-built", ex.ErrorMessage, StringComparison.Ordinal);
    }
}
