using System.Net;
using System.Text.Json;
using Larkway.Feishu.Authen;
using Larkway.Feishu.Tests.Infrastructure;

namespace Larkway.Feishu.Tests.Authen;

/// <summary>Refresh with rotation: one request per refresh token however many callers, the request body, no resending.</summary>
public sealed class UserTokenRefreshTests
{
    [Fact]
    public async Task A_refresh_posts_the_refresh_grant_with_the_apps_credentials_and_no_bearer()
    {
        var stub = new StubHandler((_, _) => OAuthResponses.Token("u-2", "ur-2"));
        using var client = TestClients.Create(stub);

        var token = await client.Authen.RefreshUserTokenAsync("ur-1", ["contact:user.base:readonly", "offline_access"]);

        var call = Assert.Single(stub.Requests);
        Assert.Equal(HttpMethod.Post, call.Method);
        Assert.Equal("/open-apis/authen/v2/oauth/token", call.Path);
        Assert.Null(call.Authorization);
        Assert.Equal(
            $$"""{"grant_type":"refresh_token","client_id":"cli_test","client_secret":"{{TestClients.AppSecret}}","refresh_token":"ur-1","scope":"contact:user.base:readonly offline_access"}""",
            call.Body);
        Assert.Equal(("u-2", "ur-2"), (token.AccessToken, token.RefreshToken));
    }

    [Fact]
    public async Task Fifty_concurrent_refreshes_of_one_refresh_token_make_one_request_and_all_get_its_answer_then_it_is_forgotten()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stub = new StubHandler(async (r, n, _) =>
        {
            await gate.Task;
            return OAuthResponses.Token($"u-from-{RefreshTokenIn(r)}-{n}", $"ur-next-{n}");
        });
        using var client = TestClients.Create(stub);

        var calls = Enumerable.Range(0, 50).Select(_ => client.Authen.RefreshUserTokenAsync("ur-1")).ToArray();
        gate.SetResult();
        var tokens = await Task.WhenAll(calls);

        Assert.Equal(1, stub.ApiRequests);
        Assert.All(tokens, t => Assert.Equal(("u-from-ur-1-1", "ur-next-1"), (t.AccessToken, t.RefreshToken)));

        // Done means forgotten: the next refresh of that token is a request of its own (which Feishu would refuse).
        var again = await client.Authen.RefreshUserTokenAsync("ur-1");
        Assert.Equal(2, stub.ApiRequests);
        Assert.Equal("u-from-ur-1-2", again.AccessToken);
    }

    [Fact]
    public async Task Concurrent_refreshes_of_different_refresh_tokens_make_one_request_each()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stub = new StubHandler(async (r, _, _) =>
        {
            await gate.Task;
            return OAuthResponses.Token($"u-from-{RefreshTokenIn(r)}", $"{RefreshTokenIn(r)}-next");
        });
        using var client = TestClients.Create(stub);

        var calls = Enumerable.Range(0, 50).Select(i => (Sent: $"ur-{i % 5}", Call: client.Authen.RefreshUserTokenAsync($"ur-{i % 5}"))).ToArray();
        gate.SetResult();
        await Task.WhenAll(calls.Select(c => c.Call));

        Assert.Equal(5, stub.ApiRequests);
        Assert.Equal(5, stub.ApiCalls.Select(RefreshTokenIn).Distinct().Count());
        Assert.All(calls, c => Assert.Equal($"u-from-{c.Sent}", c.Call.Result.AccessToken));
    }

    [Fact]
    public async Task A_failed_refresh_fails_every_caller_that_shared_it_with_one_request()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stub = new StubHandler(async (_, _, _) =>
        {
            await gate.Task;
            return OAuthResponses.Error("20064", "invalid_grant", "The refresh token has been revoked.");
        });
        using var client = TestClients.Create(stub);

        var calls = Enumerable.Range(0, 50).Select(_ => client.Authen.RefreshUserTokenAsync("ur-revoked")).ToArray();
        gate.SetResult();

        foreach (var call in calls)
        {
            Assert.Equal(FeishuErrorCodes.OAuthRefreshTokenRevoked, (await Assert.ThrowsAsync<FeishuApiException>(() => call)).Code);
        }

        Assert.Equal(1, stub.ApiRequests);
    }

    [Fact]
    public async Task A_caller_that_gives_up_does_not_cancel_the_refresh_the_others_wait_for()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stub = new StubHandler(async (_, _, _) =>
        {
            await gate.Task;
            return OAuthResponses.Token("u-2", "ur-2");
        });
        using var client = TestClients.Create(stub);
        using var impatient = new CancellationTokenSource();

        var first = client.Authen.RefreshUserTokenAsync("ur-1", cancellationToken: impatient.Token);
        var second = client.Authen.RefreshUserTokenAsync("ur-1");
        await impatient.CancelAsync();
        gate.SetResult();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.Equal("ur-2", (await second).RefreshToken);
        Assert.Equal(1, stub.ApiRequests);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, "20050")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "20072")]
    [InlineData(HttpStatusCode.TooManyRequests, "99991400")]
    public async Task Exchange_and_refresh_are_never_resent_even_on_transient_failures_that_other_calls_retry(HttpStatusCode status, string code)
    {
        var stub = new StubHandler((_, _) => OAuthResponses.Error(code, "server_error", "Please retry your request.", status, ("x-ogw-ratelimit-reset", "0")));
        using var client = TestClients.Create(stub, o => o.Retry.MaxRetries = 3);

        Assert.True((await Assert.ThrowsAsync<FeishuApiException>(() => client.Authen.ExchangeCodeAsync("code-1"))).IsTransient);
        Assert.True((await Assert.ThrowsAsync<FeishuApiException>(() => client.Authen.RefreshUserTokenAsync("ur-1"))).IsTransient);
        Assert.Equal(2, stub.ApiRequests);

        // The same answer to a read is retried: the pipeline's retries are on, the token calls opt out.
        await Assert.ThrowsAsync<FeishuApiException>(() => client.Authen.GetUserInfoAsync("u-1"));
        Assert.Equal(2 + 4, stub.ApiRequests);
    }

    private static string RefreshTokenIn(RecordedRequest request) =>
        JsonDocument.Parse(request.Body!).RootElement.GetProperty("refresh_token").GetString()!;
}
