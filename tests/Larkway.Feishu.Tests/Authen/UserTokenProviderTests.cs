using System.Net;
using System.Text.Json;
using Larkway.Feishu.Authen;
using Larkway.Feishu.Tests.Infrastructure;

namespace Larkway.Feishu.Tests.Authen;

/// <summary>FeishuUserTokenProvider over the in-memory store: fresh tokens as stored, near-expiry ones refreshed once and saved.</summary>
public sealed class UserTokenProviderTests
{
    private const string User = "ou_alice";

    private readonly FakeTimeProvider _time = new();
    private readonly CountingStore _store = new();

    [Fact]
    public async Task A_fresh_token_is_handed_out_as_stored_without_a_request()
    {
        var stub = new StubHandler((_, _) => OAuthResponses.Token("u-new", "ur-new"));
        using var client = TestClients.Create(stub, time: _time);
        await _store.SaveAsync(client.AppId, User, Token("u-1", "ur-1", TimeSpan.FromHours(1)));

        Assert.Equal("u-1", await Provider(client).GetAccessTokenAsync(User));
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task A_token_within_the_margin_is_refreshed_with_its_refresh_token_and_the_rotated_pair_saved()
    {
        var stub = new StubHandler((_, _) => OAuthResponses.Token("u-2", "ur-2"));
        using var client = TestClients.Create(stub, time: _time);
        await _store.SaveAsync(client.AppId, User, Token("u-1", "ur-1", TimeSpan.FromMinutes(4)));

        var token = await Provider(client).GetAccessTokenAsync(User);

        Assert.Equal("u-2", token);
        Assert.Equal("ur-1", RefreshTokenIn(Assert.Single(stub.Requests)));
        var saved = await _store.GetAsync(client.AppId, User);
        Assert.Equal(("u-2", "ur-2", _time.GetUtcNow().AddSeconds(7200)), (saved!.AccessToken, saved.RefreshToken, saved.ExpiresAt));
    }

    [Fact]
    public async Task Fifty_concurrent_callers_for_one_user_cause_one_refresh_and_one_save()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stub = new StubHandler(async (_, n, _) =>
        {
            await gate.Task;
            return OAuthResponses.Token($"u-{n + 1}", $"ur-{n + 1}");
        });
        using var client = TestClients.Create(stub, time: _time);
        await _store.SaveAsync(client.AppId, User, Token("u-1", "ur-1", TimeSpan.FromMinutes(-1)));
        var provider = Provider(client);
        var savesBefore = _store.Saves;

        var calls = Enumerable.Range(0, 50).Select(_ => provider.GetAccessTokenAsync(User)).ToArray();
        gate.SetResult();
        var tokens = await Task.WhenAll(calls);

        Assert.All(tokens, t => Assert.Equal("u-2", t));
        Assert.Equal(1, stub.ApiRequests);
        Assert.Equal(savesBefore + 1, _store.Saves);
    }

    [Fact]
    public async Task Without_a_stored_token_or_with_a_lapsed_one_that_cannot_be_refreshed_the_user_must_sign_in()
    {
        var stub = new StubHandler((_, _) => OAuthResponses.Token("u-2", "ur-2"));
        using var client = TestClients.Create(stub, time: _time);
        var provider = Provider(client);

        Assert.Equal(FeishuErrorCodes.UserNotSignedIn, (await Assert.ThrowsAsync<FeishuApiException>(() => provider.GetAccessTokenAsync(User))).Code);

        await _store.SaveAsync(client.AppId, User, Token("u-1", refreshToken: null, TimeSpan.FromMinutes(-1)));
        Assert.Equal(FeishuErrorCodes.UserNotSignedIn, (await Assert.ThrowsAsync<FeishuApiException>(() => provider.GetAccessTokenAsync(User))).Code);

        await _store.SaveAsync(client.AppId, User, Token("u-1", "ur-lapsed", TimeSpan.FromMinutes(-1)) with { RefreshTokenExpiresAt = _time.GetUtcNow().AddSeconds(-1) });
        Assert.Equal(FeishuErrorCodes.UserNotSignedIn, (await Assert.ThrowsAsync<FeishuApiException>(() => provider.GetAccessTokenAsync(User))).Code);

        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task A_token_in_its_margin_without_a_refresh_token_is_still_handed_out_until_it_lapses()
    {
        var stub = new StubHandler((_, _) => OAuthResponses.Token("u-2", "ur-2"));
        using var client = TestClients.Create(stub, time: _time);
        await _store.SaveAsync(client.AppId, User, Token("u-1", refreshToken: null, TimeSpan.FromMinutes(2)));

        Assert.Equal("u-1", await Provider(client).GetAccessTokenAsync(User));
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task A_refused_refresh_token_is_forgotten_and_the_user_must_sign_in_again()
    {
        var stub = new StubHandler((_, _) => OAuthResponses.Error("20064", "invalid_grant", "The refresh token has been revoked."));
        using var client = TestClients.Create(stub, time: _time);
        await _store.SaveAsync(client.AppId, User, Token("u-1", "ur-1", TimeSpan.FromMinutes(-1)));

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => Provider(client).GetAccessTokenAsync(User));

        Assert.Equal(FeishuErrorCodes.UserNotSignedIn, ex.Code);
        Assert.Equal(FeishuErrorCodes.OAuthRefreshTokenRevoked, Assert.IsType<FeishuApiException>(ex.InnerException).Code);
        Assert.Null(await _store.GetAsync(client.AppId, User));
    }

    [Fact]
    public async Task When_another_process_used_the_refresh_token_first_its_saved_successor_is_taken()
    {
        var stub = new StubHandler((_, _) =>
        {
            // The other process refreshed first and saved its pair; Feishu refuses ours as used.
            _store.SaveAsync(TestClients.AppId, User, Token("u-theirs", "ur-theirs", TimeSpan.FromHours(2))).GetAwaiter().GetResult();
            return OAuthResponses.Error("20073", "invalid_grant", "The refresh token has been used.");
        });
        using var client = TestClients.Create(stub, time: _time);
        await _store.SaveAsync(client.AppId, User, Token("u-1", "ur-1", TimeSpan.FromMinutes(-1)));

        Assert.Equal("u-theirs", await Provider(client).GetAccessTokenAsync(User));
        Assert.Equal("ur-theirs", (await _store.GetAsync(client.AppId, User))!.RefreshToken);
    }

    [Fact]
    public async Task A_transient_refresh_failure_hands_out_the_still_valid_token_and_an_expired_one_fails()
    {
        var stub = new StubHandler((_, _) => OAuthResponses.Error("20050", "server_error", "Please retry your request.", HttpStatusCode.InternalServerError));
        using var client = TestClients.Create(stub, time: _time);
        var provider = Provider(client);
        await _store.SaveAsync(client.AppId, User, Token("u-1", "ur-1", TimeSpan.FromMinutes(2)));

        Assert.Equal("u-1", await provider.GetAccessTokenAsync(User));

        await _store.SaveAsync(client.AppId, User, Token("u-1", "ur-1", TimeSpan.FromMinutes(-1)));
        Assert.Equal(FeishuErrorCodes.OAuthServerError, (await Assert.ThrowsAsync<FeishuApiException>(() => provider.GetAccessTokenAsync(User))).Code);
        Assert.NotNull(await _store.GetAsync(client.AppId, User));
    }

    [Fact]
    public async Task AsUserAsync_calls_as_the_user_with_the_valid_token()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"chat_id":"oc_1"}"""));
        using var client = TestClients.Create(stub, time: _time);
        await _store.SaveAsync(client.AppId, User, Token("u-alice", "ur-1", TimeSpan.FromHours(1)));

        var asAlice = await Provider(client).AsUserAsync(User);
        await asAlice.Im.Chats.GetAsync("oc_1");

        Assert.Equal("Bearer u-alice", Assert.Single(stub.ApiCalls).Authorization);
        Assert.Equal(0, stub.TokenRequests);
    }

    private FeishuUserTokenProvider Provider(FeishuClient client) => new(client, _store);

    private FeishuUserToken Token(string accessToken, string? refreshToken, TimeSpan validFor) =>
        new(accessToken, _time.GetUtcNow() + validFor, refreshToken, refreshToken is null ? null : _time.GetUtcNow().AddDays(7), "offline_access");

    private static string RefreshTokenIn(RecordedRequest request) =>
        JsonDocument.Parse(request.Body!).RootElement.GetProperty("refresh_token").GetString()!;

    /// <summary>The in-memory store, counting saves.</summary>
    private sealed class CountingStore : IFeishuUserTokenStore
    {
        private readonly InMemoryFeishuUserTokenStore _inner = new();
        private int _saves;

        public int Saves => Volatile.Read(ref _saves);

        public Task<FeishuUserToken?> GetAsync(string appId, string userKey, CancellationToken cancellationToken = default) => _inner.GetAsync(appId, userKey, cancellationToken);

        public Task SaveAsync(string appId, string userKey, FeishuUserToken token, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _saves);
            return _inner.SaveAsync(appId, userKey, token, cancellationToken);
        }

        public Task RemoveAsync(string appId, string userKey, CancellationToken cancellationToken = default) => _inner.RemoveAsync(appId, userKey, cancellationToken);
    }
}
