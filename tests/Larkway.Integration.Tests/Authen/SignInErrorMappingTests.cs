using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.Hosting;
using Larkway.Feishu;
using Larkway.Feishu.Authen;
using Larkway.Integration.Tests.Infrastructure;

namespace Larkway.Integration.Tests.Authen;

/// <summary>
/// Every error the Emulator's sign-in endpoints give, as the client reports it: one FeishuApiException with the code the
/// Emulator sent, its OAuth error and HTTP status, and the token endpoint never asked twice. Errors the client never
/// provokes on its own (a missing parameter, an unknown grant type, a malformed body, two ways of client
/// authentication) are provoked by rewriting the client's request on its way out, so the client still reads the answer.
/// </summary>
public sealed class SignInErrorMappingTests : IAsyncLifetime
{
    private const string TokenPath = "/open-apis/authen/v2/oauth/token";
    private const string SecondAppId = "cli_9e8d7c6b5a4f3e21";
    private const string SecondAppSecret = "second-sign-in-app-secret-000002";
    private const string DisabledAppId = "cli_0d15ab1ed0000001";
    private const string DisabledAppSecret = "disabled-sign-in-app-secret-0003";
    private static readonly Uri Callback = new("http://127.0.0.1:5055/signin-feishu");

    private readonly ShiftableTimeProvider _clock = new();
    private readonly SocketsHttpHandler _network = new();
    private readonly string _seedPath = Path.Combine(Path.GetTempPath(), $"larkway-signin-seed-{Guid.NewGuid():N}.json");
    private EmulatorServer _emulator = null!;
    private AuthenControl _authen = null!;
    private EmulatorControl _control = null!;
    private string _appId = null!;
    private string _appSecret = null!;

    public async Task InitializeAsync()
    {
        var defaults = new EmulatorOptions();
        _appId = defaults.AppId;
        _appSecret = defaults.AppSecret;
        await File.WriteAllTextAsync(_seedPath, JsonSerializer.Serialize(new
        {
            tenant = new { tenant_key = "t_signin", name = "Sign-in Inc" },
            users = new object[]
            {
                new { name = "Erin Park", email = "erin@signin.test", user_id = "erin", mobile = "13900000001" },
                new { name = "Frank Moss", email = "frank@signin.test", user_id = "frank" },
            },
            apps = new object[]
            {
                new { app_id = SecondAppId, app_secret = SecondAppSecret, bot_name = "Second Bot" },
                new { app_id = DisabledAppId, app_secret = DisabledAppSecret, bot_name = "Disabled Bot", disabled = true },
            },
        }));
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0, SeedFile = _seedPath, TimeProvider = _clock, EnforceRateLimits = false });
        _authen = new AuthenControl(_emulator.BaseUrl);
        _control = new EmulatorControl(_emulator.BaseUrl);
    }

    public async Task DisposeAsync()
    {
        _authen.Dispose();
        _control.Dispose();
        await _emulator.DisposeAsync();
        _network.Dispose();
        File.Delete(_seedPath);
    }

    [Fact]
    public async Task A_wrong_secret_an_unknown_app_and_a_disabled_app_are_the_clients_fault()
    {
        await AssertRefusedAsync(Client(_appId, "not-the-secret-0000000000000000"), c => c.Authen.ExchangeCodeAsync("any-code"), FeishuErrorCodes.OAuthInvalidClientSecret, "invalid_client");
        await AssertRefusedAsync(Client("cli_00000000000000ff", "whatever-secret-0000000000000000"), c => c.Authen.ExchangeCodeAsync("any-code"), FeishuErrorCodes.OAuthAppNotFound, "invalid_client");
        await AssertRefusedAsync(Client(DisabledAppId, DisabledAppSecret), c => c.Authen.ExchangeCodeAsync("any-code"), FeishuErrorCodes.OAuthAppNotEnabled, "invalid_client");
    }

    [Fact]
    public async Task Codes_unknown_used_expired_of_another_app_or_of_a_mini_program_are_refused_with_their_codes()
    {
        await AssertRefusedAsync(Client(), c => c.Authen.ExchangeCodeAsync("not-a-code-the-emulator-issued", Callback), FeishuErrorCodes.OAuthCodeNotFound, "invalid_grant");

        var used = await CodeAsync();
        using (var client = Client())
        {
            await client.Authen.ExchangeCodeAsync(used, Callback);
        }

        await AssertRefusedAsync(Client(), c => c.Authen.ExchangeCodeAsync(used, Callback), FeishuErrorCodes.OAuthCodeAlreadyUsed, "invalid_grant");

        var secondAppsCode = await CodeAsync(SecondAppId);
        await AssertRefusedAsync(Client(), c => c.Authen.ExchangeCodeAsync(secondAppsCode, Callback), FeishuErrorCodes.OAuthClientMismatch, "invalid_grant");

        var minaCode = await _authen.MinaCodeAsync(_appId, "erin@signin.test");
        await AssertRefusedAsync(Client(), c => c.Authen.ExchangeCodeAsync(minaCode), FeishuErrorCodes.OAuthTokenGenerationFailed, "invalid_grant");

        var stale = await CodeAsync();
        _clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        await AssertRefusedAsync(Client(), c => c.Authen.ExchangeCodeAsync(stale, Callback), FeishuErrorCodes.OAuthCodeExpired, "invalid_grant");
    }

    [Fact]
    public async Task A_wrong_redirect_uri_and_a_missing_or_wrong_verifier_are_refused_and_leave_the_code_usable()
    {
        var pkce = Pkce.Create();
        var code = await CodeAsync(challenge: pkce);

        await AssertRefusedAsync(Client(), c => c.Authen.ExchangeCodeAsync(code, new Uri("http://127.0.0.1:5055/elsewhere"), pkce.Verifier), FeishuErrorCodes.OAuthRedirectUriMismatch, "invalid_grant");
        await AssertRefusedAsync(Client(), c => c.Authen.ExchangeCodeAsync(code, Callback), FeishuErrorCodes.OAuthPkceFailed, "invalid_grant");
        await AssertRefusedAsync(Client(), c => c.Authen.ExchangeCodeAsync(code, Callback, Pkce.Create().Verifier), FeishuErrorCodes.OAuthPkceFailed, "invalid_grant");

        using var client = Client();
        (await client.Authen.ExchangeCodeAsync(code, Callback, pkce.Verifier)).AccessToken.ShouldStartWith("u-");
    }

    [Fact]
    public async Task A_narrowing_scope_outside_the_grant_is_refused_and_a_repeated_one_is_refused_before_sending()
    {
        var code = await CodeAsync(scope: "contact:user.base:readonly");

        await AssertRefusedAsync(Client(), c => c.Authen.ExchangeCodeAsync(code, Callback, scopes: ["bitable:app"]), FeishuErrorCodes.OAuthScopeNotPermitted, "invalid_scope");

        using var recorder = new RecordingHandler();
        using var client = Client(recorder: recorder);
        await Should.ThrowAsync<ArgumentException>(() => client.Authen.ExchangeCodeAsync(code, Callback, scopes: ["a:b", "a:b"]));
        recorder.To("POST", TokenPath).ShouldBeEmpty();

        // The Emulator's own answer to a repeated scope, reached by rewriting the request.
        await AssertRefusedAsync(Client(rewrite: body => body["scope"] = "contact:user.base:readonly contact:user.base:readonly"),
            c => c.Authen.ExchangeCodeAsync(code, Callback), FeishuErrorCodes.OAuthDuplicateScopes, "invalid_request");
    }

    [Fact]
    public async Task A_user_who_can_no_longer_sign_in_between_the_click_and_the_exchange_is_refused()
    {
        var resigned = await CodeAsync(user: "frank@signin.test");
        var frank = _emulator.State.FindUser("email", "frank@signin.test")!;
        _emulator.State.AddUser(frank with { IsResigned = true });
        await AssertRefusedAsync(Client(), c => c.Authen.ExchangeCodeAsync(resigned, Callback), FeishuErrorCodes.OAuthInvalidUserStatus, "invalid_grant");

        var shutOut = await CodeAsync(user: "erin@signin.test");
        await _authen.SetOAuthAsync(_appId, new { available_to = new[] { "nobody@signin.test" } });
        await AssertRefusedAsync(Client(), c => c.Authen.ExchangeCodeAsync(shutOut, Callback), FeishuErrorCodes.OAuthUserNoAppPermission, "invalid_grant");
    }

    [Fact]
    public async Task Refresh_tokens_unknown_used_of_another_app_or_lapsed_are_refused_with_their_codes()
    {
        await AssertRefusedAsync(Client(), c => c.Authen.RefreshUserTokenAsync("ur-not-a-refresh-token"), FeishuErrorCodes.OAuthRefreshTokenInvalid, "invalid_grant");

        var token = await SignInAsync(_appId, _appSecret);
        using (var client = Client())
        {
            await client.Authen.RefreshUserTokenAsync(token.RefreshToken!);
        }

        await AssertRefusedAsync(Client(), c => c.Authen.RefreshUserTokenAsync(token.RefreshToken!), FeishuErrorCodes.OAuthRefreshTokenRevoked, "invalid_grant");

        var secondApps = await SignInAsync(SecondAppId, SecondAppSecret);
        await AssertRefusedAsync(Client(), c => c.Authen.RefreshUserTokenAsync(secondApps.RefreshToken!), FeishuErrorCodes.OAuthClientMismatch, "invalid_grant");

        var lapsing = await SignInAsync(_appId, _appSecret);
        _clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        await AssertRefusedAsync(Client(), c => c.Authen.RefreshUserTokenAsync(lapsing.RefreshToken!), FeishuErrorCodes.OAuthRefreshTokenExpired, "invalid_grant");
    }

    [Fact]
    public async Task The_authorization_lapses_for_good_after_365_days_however_often_it_was_refreshed()
    {
        var token = await SignInAsync(_appId, _appSecret);
        using var client = Client();
        for (var day = 6; day <= 360; day += 6)
        {
            _clock.Advance(TimeSpan.FromDays(6));
            token = await client.Authen.RefreshUserTokenAsync(token.RefreshToken!);
        }

        // Day 360: the new refresh token is given the five days left of the authorization, not its usual seven.
        token.RefreshTokenExpiresAt.ShouldNotBeNull().ShouldBeLessThan(_clock.GetUtcNow() + TimeSpan.FromDays(6));
        _clock.Advance(TimeSpan.FromDays(5) + TimeSpan.FromMinutes(1));
        await AssertRefusedAsync(Client(), c => c.Authen.RefreshUserTokenAsync(token.RefreshToken!), FeishuErrorCodes.OAuthRefreshTokenExpired, "invalid_grant");
    }

    public static TheoryData<string, string, int, HttpStatusCode> FaultsAnswered => new()
    {
        { "server_error", "server_error", FeishuErrorCodes.OAuthServerError, HttpStatusCode.InternalServerError },
        { "unavailable", "temporarily_unavailable", FeishuErrorCodes.OAuthTemporarilyUnavailable, HttpStatusCode.ServiceUnavailable },
    };

    [Theory]
    [MemberData(nameof(FaultsAnswered))]
    public async Task A_server_failure_is_transient_with_its_status_and_the_exchange_is_not_resent(string fault, string error, int code, HttpStatusCode status)
    {
        var exchange = await CodeAsync();
        await _control.ArmFaultAsync("POST " + TokenPath, fault);
        using var recorder = new RecordingHandler();
        using var client = Client(recorder: recorder);

        var refused = await Should.ThrowAsync<FeishuApiException>(() => client.Authen.ExchangeCodeAsync(exchange, Callback));

        refused.Code.ShouldBe(code);
        refused.OAuthError.ShouldBe(error);
        refused.HttpStatus.ShouldBe(status);
        refused.IsTransient.ShouldBeTrue();
        recorder.To("POST", TokenPath).Count.ShouldBe(1);

        // The fault answered before the code was looked at: it is still good.
        (await client.Authen.ExchangeCodeAsync(exchange, Callback)).AccessToken.ShouldStartWith("u-");
    }

    public static TheoryData<string, int, string> Rewrites => new()
    {
        { "no-client-secret", FeishuErrorCodes.OAuthMissingParameter, "invalid_request" },
        { "no-code", FeishuErrorCodes.OAuthMissingParameter, "invalid_request" },
        { "grant-type", FeishuErrorCodes.OAuthUnsupportedGrantType, "unsupported_grant_type" },
        { "not-a-string", FeishuErrorCodes.OAuthMalformedRequest, "invalid_request" },
        { "basic-and-secret", FeishuErrorCodes.OAuthMultipleAuthenticationMethods, "invalid_request" },
    };

    [Theory]
    [MemberData(nameof(Rewrites))]
    public async Task Requests_the_client_would_never_send_are_answered_with_codes_it_still_reports(string rewrite, int code, string error)
    {
        var exchange = await CodeAsync();
        Action<JsonObject> change = rewrite switch
        {
            "no-client-secret" => body => body.Remove("client_secret"),
            "no-code" => body => body.Remove("code"),
            "grant-type" => body => body["grant_type"] = "password",
            "not-a-string" => body => body["code"] = 42,
            _ => _ => { },
        };

        await AssertRefusedAsync(Client(rewrite: change, basic: rewrite == "basic-and-secret"), c => c.Authen.ExchangeCodeAsync(exchange, Callback), code, error);
    }

    [Fact]
    public async Task User_info_refuses_an_unknown_token_and_a_tenant_token()
    {
        using var client = Client();

        var unknown = await Should.ThrowAsync<FeishuApiException>(() => client.Authen.GetUserInfoAsync("u-not-a-token-the-emulator-issued"));
        unknown.Code.ShouldBe(FeishuErrorCodes.UserAccessTokenInvalid);
        unknown.OAuthError.ShouldBeNull();

        var tenantToken = await Should.ThrowAsync<FeishuApiException>(() => client.Authen.GetUserInfoAsync("t-0000000000000000000000000000000000000000"));
        tenantToken.Code.ShouldBeOneOf(FeishuErrorCodes.TenantAccessTokenInvalid, FeishuErrorCodes.UserAccessTokenInvalid);
    }

    [Fact]
    public async Task The_legacy_endpoints_answer_errors_in_the_envelope_with_the_same_codes()
    {
        await AssertRefusedAsync(Client(), c => c.Authen.ExchangeCodeLegacyAsync("not-a-code-the-emulator-issued"), FeishuErrorCodes.OAuthCodeNotFound, null);
        await AssertRefusedAsync(Client(), c => c.Authen.RefreshUserTokenLegacyAsync("ur-not-a-refresh-token"), FeishuErrorCodes.OAuthRefreshTokenInvalid, null);
        var v2 = await SignInAsync(_appId, _appSecret);
        await AssertRefusedAsync(Client(), c => c.Authen.RefreshUserTokenLegacyAsync(v2.RefreshToken!), FeishuErrorCodes.OAuthRefreshTokenInvalid, null);
    }

    [Fact]
    public async Task Mini_program_codes_unknown_reused_of_another_app_or_for_a_user_shut_out_are_refused_with_their_codes()
    {
        var refusals = new List<FeishuApiException>
        {
            await AssertRefusedAsync(Client(), c => c.Authen.Code2SessionAsync("not-a-tt-login-code"), FeishuErrorCodes.MiniProgramInvalidCode, null),
        };

        var webCode = await CodeAsync();
        refusals.Add(await AssertRefusedAsync(Client(), c => c.Authen.Code2SessionAsync(webCode), FeishuErrorCodes.MiniProgramInvalidCode, null));

        var secondApps = await _authen.MinaCodeAsync(SecondAppId, "erin@signin.test");
        refusals.Add(await AssertRefusedAsync(Client(), c => c.Authen.Code2SessionAsync(secondApps), FeishuErrorCodes.MiniProgramCodeMismatch, null));

        await _authen.SetOAuthAsync(_appId, new { available_to = new[] { "frank@signin.test" } });
        var shutOut = await _authen.MinaCodeAsync(_appId, "erin@signin.test");
        refusals.Add(await AssertRefusedAsync(Client(), c => c.Authen.Code2SessionAsync(shutOut), FeishuErrorCodes.MiniProgramUserNotVisible, null));

        // The code2session page's error table gives its errors with HTTP 200 (the Emulator answered 400 until this was found).
        refusals.ShouldAllBe(r => r.HttpStatus == HttpStatusCode.OK);
    }

    private static async Task<FeishuApiException> AssertRefusedAsync<T>(FeishuClient client, Func<FeishuClient, Task<T>> call, int code, string? oauthError)
    {
        using (client)
        {
            var refused = await Should.ThrowAsync<FeishuApiException>(() => call(client));
            refused.Code.ShouldBe(code, refused.Message);
            refused.OAuthError.ShouldBe(oauthError);
            refused.ErrorMessage.ShouldNotBeNullOrWhiteSpace();
            refused.HttpStatus.ShouldNotBeNull();
            return refused;
        }
    }

    private async Task<string> CodeAsync(string? appId = null, string user = "erin@signin.test", string? scope = "offline_access", Pkce? challenge = null)
    {
        var (_, code) = await _authen.AuthorizeAsync(appId ?? _appId, Callback, user, scope, codeChallenge: challenge?.Challenge, challengeMethod: challenge is null ? null : Pkce.Method);
        return code!;
    }

    private async Task<FeishuUserToken> SignInAsync(string appId, string appSecret)
    {
        var code = await CodeAsync(appId);
        using var client = Client(appId, appSecret);
        return await client.Authen.ExchangeCodeAsync(code, Callback);
    }

    private FeishuClient Client(string? appId = null, string? appSecret = null, RecordingHandler? recorder = null, Action<JsonObject>? rewrite = null, bool basic = false)
    {
        HttpMessageHandler network = recorder ?? (HttpMessageHandler)_network;
        if (rewrite is not null || basic)
        {
            network = new RewritingHandler(network, rewrite ?? (_ => { }), basic ? (appId ?? _appId, appSecret ?? _appSecret) : null);
        }

        return new FeishuClient(new FeishuAppOptions { AppId = appId ?? _appId, AppSecret = appSecret ?? _appSecret, BaseUrl = _emulator.BaseUrl }, timeProvider: _clock, handler: network);
    }

    /// <summary>Changes the token request's JSON body (and may add HTTP Basic) on its way to the Emulator.</summary>
    private sealed class RewritingHandler(HttpMessageHandler inner, Action<JsonObject> rewrite, (string Id, string Secret)? basic) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath == TokenPath && request.Content is not null)
            {
                var body = JsonNode.Parse(await request.Content.ReadAsStringAsync(cancellationToken))!.AsObject();
                rewrite(body);
                request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
                if (basic is { } credentials)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.Id}:{credentials.Secret}")));
                }
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
