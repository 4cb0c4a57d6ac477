using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Feishu;
using Larkway.Feishu.Authen;
using Larkway.Integration.Tests.Infrastructure;

namespace Larkway.Integration.Tests.Authen;

/// <summary>
/// The client's sign-in calls against the Emulator's endpoints, over the real wire: the v2 code exchange with PKCE,
/// user_info, refresh with rotation, the historical v1 endpoints and mini-program code2session.
/// </summary>
public sealed class UserSignInWireTests : IAsyncLifetime
{
    private static readonly Uri Callback = new("http://127.0.0.1:5055/signin-feishu");

    private readonly ShiftableTimeProvider _clock = new();
    private readonly RecordingHandler _recorder = new();
    private EmulatorServer _emulator = null!;
    private AuthenControl _authen = null!;
    private FeishuClient _client = null!;
    private EmulatorOptions _options = null!;

    public async Task InitializeAsync()
    {
        _options = new EmulatorOptions { Port = 0, TimeProvider = _clock, EnforceRateLimits = false };
        _emulator = await EmulatorServer.StartAsync(_options);
        _authen = new AuthenControl(_emulator.BaseUrl);
        _client = new FeishuClient(new FeishuAppOptions { AppId = _options.AppId, AppSecret = _options.AppSecret, BaseUrl = _emulator.BaseUrl }, timeProvider: _clock, handler: _recorder);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        _recorder.Dispose();
        _authen.Dispose();
        await _emulator.DisposeAsync();
    }

    private Larkway.Emulator.State.EmulatorUser Alice => _emulator.State.FindUser("email", "alice@example.com")!;

    [Fact]
    public async Task A_pkce_code_is_exchanged_for_a_token_set_whose_access_token_reads_the_user()
    {
        var pkce = Pkce.Create();
        var (location, code) = await _authen.AuthorizeAsync(_options.AppId, Callback, "alice@example.com", "contact:user.base:readonly offline_access", "st-4711", pkce.Challenge, Pkce.Method);
        location.GetLeftPart(UriPartial.Path).ShouldBe(Callback.AbsoluteUri);
        location.Query.ShouldContain("state=st-4711");

        var token = await _client.Authen.ExchangeCodeAsync(code!, Callback, pkce.Verifier);

        token.AccessToken.ShouldStartWith("u-");
        token.RefreshToken.ShouldNotBeNull().ShouldStartWith("ur-");
        token.Scope.ShouldBe("contact:user.base:readonly offline_access");
        token.TokenType.ShouldBe("Bearer");
        token.RefreshTokenExpiresAt.ShouldNotBeNull().ShouldBeGreaterThan(token.ExpiresAt);
        var answer = JsonDocument.Parse(_recorder.To("POST", "/open-apis/authen/v2/oauth/token").Single().ResponseBody!).RootElement;
        answer.GetProperty("expires_in").GetInt32().ShouldBe(7200);
        answer.GetProperty("refresh_token_expires_in").GetInt32().ShouldBe(604800);

        var me = await _client.Authen.GetUserInfoAsync(token.AccessToken);

        me.OpenId.ShouldBe(Alice.OpenId);
        me.UnionId.ShouldBe(Alice.UnionId);
        me.UserId.ShouldBe(Alice.UserId);
        me.Name.ShouldBe("Alice Chen");
        me.Email.ShouldBe("alice@example.com");
        me.Mobile.ShouldBe("+8613800000001");
        me.TenantKey.ShouldBe(_emulator.State.Tenant.TenantKey);
        me.AvatarThumb.ShouldBe(new Uri(_emulator.BaseUrl, $"/_emulator/avatars/{Alice.OpenId}?size=72").AbsoluteUri);
        _recorder.To("GET", "/open-apis/authen/v1/user_info").Single().Bearer.ShouldBe(token.AccessToken);
        _recorder.To("POST", "/open-apis/auth/v3/tenant_access_token/internal").ShouldBeEmpty();
    }

    [Fact]
    public async Task Without_offline_access_there_is_no_refresh_token_and_fields_without_permission_are_left_out()
    {
        await _authen.SetOAuthAsync(_options.AppId, new { user_info_field_scopes = new[] { "contact:user.email:readonly" } });
        var (_, code) = await _authen.AuthorizeAsync(_options.AppId, Callback, "bob@example.com", "contact:user.base:readonly");

        var token = await _client.Authen.ExchangeCodeAsync(code!, Callback);
        var me = await _client.Authen.GetUserInfoAsync(token.AccessToken);

        token.RefreshToken.ShouldBeNull();
        token.RefreshTokenExpiresAt.ShouldBeNull();
        token.CanRefreshAt(_clock.GetUtcNow()).ShouldBeFalse();
        me.Email.ShouldBe("bob@example.com");
        me.Mobile.ShouldBeNull();
        me.UserId.ShouldBeNull();
        me.EnterpriseEmail.ShouldBeNull();
    }

    [Fact]
    public async Task A_refresh_rotates_the_pair_the_old_refresh_token_is_refused_and_the_old_access_token_works_for_a_minute()
    {
        var first = await SignInAliceAsync("offline_access");

        var second = await _client.Authen.RefreshUserTokenAsync(first.RefreshToken!);

        second.AccessToken.ShouldNotBe(first.AccessToken);
        second.RefreshToken.ShouldNotBeNull().ShouldNotBe(first.RefreshToken);
        second.Scope.ShouldBe("offline_access");
        var reused = await Should.ThrowAsync<FeishuApiException>(() => _client.Authen.RefreshUserTokenAsync(first.RefreshToken!));
        reused.Code.ShouldBe(FeishuErrorCodes.OAuthRefreshTokenRevoked);
        reused.OAuthError.ShouldBe("invalid_grant");
        FeishuErrorCodes.IsRefreshTokenDead(reused.Code).ShouldBeTrue();

        // Right after the rotation the old access token still works (the grace period); a minute on it does not.
        (await _client.Authen.GetUserInfoAsync(first.AccessToken)).OpenId.ShouldBe(Alice.OpenId);
        _clock.Advance(TimeSpan.FromSeconds(61));
        var lapsed = await Should.ThrowAsync<FeishuApiException>(() => _client.Authen.GetUserInfoAsync(first.AccessToken));
        lapsed.Code.ShouldBe(FeishuErrorCodes.UserTokenExpired);
        (await _client.Authen.GetUserInfoAsync(second.AccessToken)).OpenId.ShouldBe(Alice.OpenId);

        // The successor rotates in turn.
        var third = await _client.Authen.RefreshUserTokenAsync(second.RefreshToken!);
        third.RefreshToken.ShouldNotBe(second.RefreshToken);
    }

    [Fact]
    public async Task A_refresh_may_narrow_the_scopes_but_not_widen_them()
    {
        var first = await SignInAliceAsync("contact:user.base:readonly task:task:read offline_access");

        var narrowed = await _client.Authen.RefreshUserTokenAsync(first.RefreshToken!, ["task:task:read", "offline_access"]);

        narrowed.Scope.ShouldBe("task:task:read offline_access");
        var widened = await Should.ThrowAsync<FeishuApiException>(() => _client.Authen.RefreshUserTokenAsync(narrowed.RefreshToken!, ["bitable:app"]));
        widened.Code.ShouldBe(FeishuErrorCodes.OAuthScopeNotPermitted);
    }

    [Fact]
    public async Task The_token_provider_refreshes_a_token_near_its_expiry_against_the_emulator_and_keeps_the_rotated_pair()
    {
        var store = new InMemoryFeishuUserTokenStore();
        var provider = new FeishuUserTokenProvider(_client, store);
        var first = await SignInAliceAsync("offline_access");
        await provider.SaveAsync(Alice.OpenId, first);

        (await provider.GetAccessTokenAsync(Alice.OpenId)).ShouldBe(first.AccessToken);
        _recorder.To("POST", "/open-apis/authen/v2/oauth/token").Count.ShouldBe(1);

        _clock.Advance(TimeSpan.FromSeconds(7200 - 60));
        var refreshed = await provider.GetAccessTokenAsync(Alice.OpenId);

        refreshed.ShouldNotBe(first.AccessToken);
        (await store.GetAsync(_options.AppId, Alice.OpenId))!.AccessToken.ShouldBe(refreshed);
        (await _client.Authen.GetUserInfoAsync(refreshed)).OpenId.ShouldBe(Alice.OpenId);
    }

    [Fact]
    public async Task The_legacy_v1_endpoints_exchange_and_refresh_with_the_app_token_and_their_refresh_tokens_stay_there()
    {
        var (_, code) = await _authen.AuthorizeAsync(_options.AppId, Callback, "alice@example.com", "contact:user.base:readonly");

        var token = await _client.Authen.ExchangeCodeLegacyAsync(code!);

        token.AccessToken.ShouldStartWith("u-");
        token.RefreshToken.ShouldNotBeNull();
        token.RefreshTokenExpiresAt.ShouldNotBeNull();
        _recorder.To("POST", "/open-apis/authen/v1/oidc/access_token").Single().Bearer.ShouldStartWith("a-");
        (await _client.Authen.GetUserInfoAsync(token.AccessToken)).OpenId.ShouldBe(Alice.OpenId);

        var refreshed = await _client.Authen.RefreshUserTokenLegacyAsync(token.RefreshToken!);
        refreshed.RefreshToken.ShouldNotBe(token.RefreshToken);
        (await Should.ThrowAsync<FeishuApiException>(() => _client.Authen.RefreshUserTokenLegacyAsync(token.RefreshToken!))).Code.ShouldBe(FeishuErrorCodes.OAuthRefreshTokenRevoked);

        // A v1 refresh token means nothing to the v2 endpoint.
        var v2 = await Should.ThrowAsync<FeishuApiException>(() => _client.Authen.RefreshUserTokenAsync(refreshed.RefreshToken!));
        v2.Code.ShouldBe(FeishuErrorCodes.OAuthRefreshTokenInvalid);
    }

    [Fact]
    public async Task A_pkce_code_is_refused_by_the_legacy_endpoint()
    {
        var pkce = Pkce.Create();
        var (_, code) = await _authen.AuthorizeAsync(_options.AppId, Callback, "alice@example.com", codeChallenge: pkce.Challenge, challengeMethod: Pkce.Method);

        var refused = await Should.ThrowAsync<FeishuApiException>(() => _client.Authen.ExchangeCodeLegacyAsync(code!));

        refused.Code.ShouldBe(FeishuErrorCodes.OAuthPkceFailed);
        refused.OAuthError.ShouldBeNull();

        // The code was not used up by the refusal: v2 takes it with its verifier.
        (await _client.Authen.ExchangeCodeAsync(code!, Callback, pkce.Verifier)).AccessToken.ShouldStartWith("u-");
    }

    [Fact]
    public async Task An_in_client_code_is_exchanged_without_a_redirect_uri()
    {
        using var http = new HttpClient { BaseAddress = _emulator.BaseUrl };
        using var minted = await http.PostAsync(new Uri("/_emulator/authen/in-client-codes", UriKind.Relative),
            JsonContent(new { app_id = _options.AppId, user = "alice@example.com", scope = "offline_access" }));
        var code = JsonDocument.Parse(await minted.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetProperty("code").GetString()!;

        var token = await _client.Authen.ExchangeCodeAsync(code);

        token.RefreshToken.ShouldNotBeNull();
        (await _client.Authen.GetUserInfoAsync(token.AccessToken)).OpenId.ShouldBe(Alice.OpenId);
        JsonDocument.Parse(_recorder.To("POST", "/open-apis/authen/v2/oauth/token").Single().Body!).RootElement.TryGetProperty("redirect_uri", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task A_mini_program_code_becomes_the_users_session_with_an_absolute_expiry_and_works_once()
    {
        var code = await _authen.MinaCodeAsync(_options.AppId, "alice@example.com");

        var session = await _client.Authen.Code2SessionAsync(code);

        session.OpenId.ShouldBe(Alice.OpenId);
        session.UserId.ShouldBe(Alice.UserId);
        session.TenantKey.ShouldBe(_emulator.State.Tenant.TenantKey);
        session.SessionKey.ShouldNotBeNullOrEmpty();
        session.AccessToken.ShouldStartWith("u-");
        var wire = JsonDocument.Parse(_recorder.To("POST", "/open-apis/mina/v2/tokenLoginValidate").Single().ResponseBody!).RootElement.GetProperty("data");
        session.ExpiresAt.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(wire.GetProperty("expires_in").GetInt64()));
        session.ExpiresAt.ShouldBeGreaterThan(_clock.GetUtcNow());
        session.ToString().ShouldNotContain(session.SessionKey);
        (await _client.Authen.GetUserInfoAsync(session.AccessToken)).OpenId.ShouldBe(Alice.OpenId);

        (await Should.ThrowAsync<FeishuApiException>(() => _client.Authen.Code2SessionAsync(code))).Code.ShouldBe(FeishuErrorCodes.MiniProgramCodeMismatch);

        // Its refresh token is a v1 one.
        var refreshed = await _client.Authen.RefreshUserTokenLegacyAsync(session.RefreshToken!);
        refreshed.AccessToken.ShouldStartWith("u-");
    }

    private static System.Net.Http.StringContent JsonContent(object body) =>
        new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");

    private async Task<FeishuUserToken> SignInAliceAsync(string scope)
    {
        var pkce = Pkce.Create();
        var (_, code) = await _authen.AuthorizeAsync(_options.AppId, Callback, "alice@example.com", scope, codeChallenge: pkce.Challenge, challengeMethod: Pkce.Method);
        return await _client.Authen.ExchangeCodeAsync(code!, Callback, pkce.Verifier);
    }
}
