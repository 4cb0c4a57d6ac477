using System.Net;
using System.Security.Claims;
using Larkway.Feishu.AspNetCore.Authentication;
using Larkway.Feishu.Authen;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using static Larkway.Feishu.AspNetCore.Tests.SignIn.ChallengeTests;

namespace Larkway.Feishu.AspNetCore.Tests.SignIn;

/// <summary>The callback: state and correlation checks, the code exchange, the user, the claims and the tokens.</summary>
public sealed class CallbackTests
{
    private const string Code = "code-from-feishu-6b1c0f2e9d8a7b6c5d4e3f2a1b0c9d8e";

    [Fact]
    public async Task The_code_is_exchanged_once_with_the_verifier_of_the_challenge_and_the_user_signs_in_with_feishus_claims()
    {
        var feishu = new FakeFeishu();
        await using var app = await SignInApp.StartAsync(OwnApp(feishu));

        var (authorize, callback) = await app.SignInAsync(Code);

        callback.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        callback.Headers.Location!.OriginalString.ShouldBe("/me");
        callback.Headers.GetValues("Set-Cookie").ShouldContain(c => c.StartsWith(".AspNetCore.Cookies=", StringComparison.Ordinal));

        var exchange = feishu.To("/open-apis/authen/v2/oauth/token").ShouldHaveSingleItem();
        exchange.Host.ShouldBe("open.feishu.cn");
        exchange.Authorization.ShouldBeNull();
        var body = exchange.Json;
        body.GetProperty("grant_type").GetString().ShouldBe("authorization_code");
        body.GetProperty("client_id").GetString().ShouldBe(AppId);
        body.GetProperty("client_secret").GetString().ShouldBe(AppSecret);
        body.GetProperty("code").GetString().ShouldBe(Code);
        body.GetProperty("redirect_uri").GetString().ShouldBe("http://localhost/signin-feishu");
        Wire.S256(body.GetProperty("code_verifier").GetString()!).ShouldBe(SignInApp.Query(authorize, "code_challenge"));
        feishu.To("/open-apis/authen/v1/user_info").ShouldHaveSingleItem().Authorization.ShouldBe("Bearer " + FakeFeishu.AccessToken);

        var (claims, tokens, issuers) = await app.MeAsync();
        claims[ClaimTypes.NameIdentifier].ShouldBe(["ou_alice"]);
        claims[ClaimTypes.Name].ShouldBe(["Alice Chen"]);
        claims[FeishuClaimTypes.EnName].ShouldBe(["Alice"]);
        claims[FeishuClaimTypes.UnionId].ShouldBe(["on_alice"]);
        claims[FeishuClaimTypes.UserId].ShouldBe(["alice01"]);
        claims[FeishuClaimTypes.TenantKey].ShouldBe(["t_acme"]);
        claims[ClaimTypes.Email].ShouldBe(["alice@example.com"]);
        claims[FeishuClaimTypes.EnterpriseEmail].ShouldBe(["alice@corp.example"]);
        claims[FeishuClaimTypes.AvatarUrl].ShouldBe(["https://avatars.example/alice.png"]);
        claims[FeishuClaimTypes.EmployeeNo].ShouldBe(["E-1001"]);
        claims.Contains(ClaimTypes.MobilePhone).ShouldBeFalse();
        issuers.ShouldBe([FeishuAuthenticationDefaults.AuthenticationScheme]);
        tokens.ShouldBeEmpty();
    }

    [Fact]
    public async Task The_mobile_number_is_a_claim_only_when_asked_for_and_empty_fields_make_no_claim()
    {
        var feishu = new FakeFeishu
        {
            UserInfo = () => (HttpStatusCode.OK, """{"code":0,"msg":"success","data":{"name":"Bob Li","open_id":"ou_bob","union_id":"on_bob","tenant_key":"t_acme","email":"","mobile":"+8613900000000","employee_no":""}}"""),
        };
        await using var app = await SignInApp.StartAsync(OwnApp(feishu, o => o.IncludeMobile = true));

        (await app.SignInAsync()).Callback.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var (claims, _, _) = await app.MeAsync();
        claims[ClaimTypes.MobilePhone].ShouldBe(["+8613900000000"]);
        claims[ClaimTypes.NameIdentifier].ShouldBe(["ou_bob"]);
        claims.Contains(ClaimTypes.Email).ShouldBeFalse();
        claims.Contains(FeishuClaimTypes.UserId).ShouldBeFalse();
        claims.Contains(FeishuClaimTypes.EmployeeNo).ShouldBeFalse();
    }

    [Fact]
    public async Task Saved_tokens_are_the_access_and_refresh_token_with_the_moment_the_access_token_lapses()
    {
        // Near the real time: the browser's cookie jar drops cookies that expired by its own clock.
        var time = new ManualTime(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        await using var app = await SignInApp.StartAsync(OwnApp(new FakeFeishu(), o => o.SaveTokens = true), time: time);

        (await app.SignInAsync()).Callback.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var (_, tokens, _) = await app.MeAsync();
        tokens["access_token"].ShouldBe(FakeFeishu.AccessToken);
        tokens["refresh_token"].ShouldBe(FakeFeishu.RefreshToken);
        tokens["token_type"].ShouldBe("Bearer");
        DateTimeOffset.Parse(tokens["expires_at"], System.Globalization.CultureInfo.InvariantCulture).ShouldBe(time.Now.AddSeconds(7200));
    }

    [Fact]
    public async Task Stored_user_tokens_are_kept_under_the_app_and_the_users_open_id()
    {
        await using var app = await SignInApp.StartAsync(OwnApp(new FakeFeishu(), o => o.StoreUserTokens = true));

        var (authorize, callback) = await app.SignInAsync();

        callback.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        SignInApp.Query(authorize, "scope").ShouldBe("offline_access");
        var stored = await app.Services.GetRequiredService<IFeishuUserTokenStore>().GetAsync(AppId, "ou_alice");
        stored.ShouldNotBeNull();
        stored.AccessToken.ShouldBe(FakeFeishu.AccessToken);
        stored.RefreshToken.ShouldBe(FakeFeishu.RefreshToken);
        (await app.MeAsync()).Tokens.ShouldBeEmpty();
    }

    [Fact]
    public async Task The_creating_ticket_event_gets_the_typed_user_token_set_and_client_and_the_ticket_event_follows()
    {
        FeishuCreatingTicketContext? seen = null;
        string? userJsonOpenId = null;
        var ticketReceived = false;
        await using var app = await SignInApp.StartAsync(OwnApp(new FakeFeishu(), o =>
        {
            o.Events.OnCreatingTicket = context =>
            {
                seen = (FeishuCreatingTicketContext)context;
                userJsonOpenId = context.User.GetProperty("open_id").GetString();
                context.Identity!.AddClaim(new Claim("role", "approver"));
                return Task.CompletedTask;
            };
            o.Events.OnTicketReceived = context =>
            {
                ticketReceived = context.Principal!.HasClaim("role", "approver");
                return Task.CompletedTask;
            };
        }));

        (await app.SignInAsync()).Callback.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        seen.ShouldNotBeNull();
        seen.UserInfo.AvatarThumb.ShouldBe("https://avatars.example/alice-72.png");
        seen.UserToken.AccessToken.ShouldBe(FakeFeishu.AccessToken);
        seen.UserToken.RefreshToken.ShouldBe(FakeFeishu.RefreshToken);
        seen.AccessToken.ShouldBe(FakeFeishu.AccessToken);
        seen.Client.AppId.ShouldBe(AppId);
        userJsonOpenId.ShouldBe("ou_alice");
        ticketReceived.ShouldBeTrue();
        (await app.MeAsync()).Claims["role"].ShouldBe(["approver"]);
    }

    [Fact]
    public async Task A_qr_login_code_is_exchanged_without_a_verifier()
    {
        var feishu = new FakeFeishu();
        await using var app = await SignInApp.StartAsync(OwnApp(feishu));

        (await app.SignInAsync(query: "?qr=1")).Callback.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        feishu.To("/open-apis/authen/v2/oauth/token").ShouldHaveSingleItem().Json.TryGetProperty("code_verifier", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task A_callback_without_the_correlation_cookie_fails_and_feishu_is_never_asked()
    {
        var feishu = new FakeFeishu();
        await using var app = await SignInApp.StartAsync(OwnApp(feishu));
        var authorize = await app.ChallengeAsync();

        // Another browser (an attacker's page) brings the code and the state, but not this browser's cookie.
        using var stranger = app.NewBrowser();
        using var response = await stranger.GetAsync(new Uri($"/signin-feishu?code={Code}&state={Uri.EscapeDataString(SignInApp.Query(authorize, "state")!)}", UriKind.Relative));

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        app.Failures.ShouldHaveSingleItem().Failure!.Message.ShouldBe("Correlation failed.");
        feishu.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_callback_with_a_state_this_app_did_not_make_fails_and_feishu_is_never_asked()
    {
        var feishu = new FakeFeishu();
        await using var app = await SignInApp.StartAsync(OwnApp(feishu));
        await app.ChallengeAsync();

        using var response = await app.CallbackAsync(("code", Code), ("state", "CfDJ8forged-state"));

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        app.Failures.ShouldHaveSingleItem().Failure!.Message.ShouldBe("The oauth state was missing or invalid.");
        feishu.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_user_who_denies_fails_through_the_remote_failure_event_and_feishu_is_never_asked()
    {
        var feishu = new FakeFeishu();
        await using var app = await SignInApp.StartAsync(OwnApp(feishu));
        var authorize = await app.ChallengeAsync();

        using var response = await app.CallbackAsync(("error", "access_denied"), ("state", SignInApp.Query(authorize, "state")!));

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var failure = app.Failures.ShouldHaveSingleItem();
        failure.Failure!.Data["error"].ShouldBe("access_denied");
        failure.Properties!.RedirectUri.ShouldBe("/me");
        feishu.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_user_who_denies_goes_to_the_access_denied_path_when_there_is_one()
    {
        await using var app = await SignInApp.StartAsync(OwnApp(new FakeFeishu(), o => o.AccessDeniedPath = "/denied"));
        var authorize = await app.ChallengeAsync();

        using var response = await app.CallbackAsync(("error", "access_denied"), ("state", SignInApp.Query(authorize, "state")!));

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.PathAndQuery.ShouldBe("/denied?ReturnUrl=%2Fme");
        app.Failures.ShouldBeEmpty();
    }

    [Fact]
    public async Task Another_oauth_error_on_the_callback_fails_with_its_error_and_description()
    {
        var feishu = new FakeFeishu();
        await using var app = await SignInApp.StartAsync(OwnApp(feishu));
        var authorize = await app.ChallengeAsync();

        using var response = await app.CallbackAsync(("error", "invalid_scope"), ("error_description", "scope not applied"), ("state", SignInApp.Query(authorize, "state")!));

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var failure = app.Failures.ShouldHaveSingleItem().Failure!;
        failure.Data["error"].ShouldBe("invalid_scope");
        failure.Message.ShouldContain("scope not applied");
        feishu.Requests.ShouldBeEmpty();
    }

    public static TheoryData<HttpStatusCode, string, int, string> Refusals => new()
    {
        { HttpStatusCode.BadRequest, """{"code":20003,"error":"invalid_grant","error_description":"The code is not one Feishu issued."}""", 20003, "invalid_grant" },
        { HttpStatusCode.BadRequest, """{"code":"20065","error":"invalid_grant","error_description":"The code has been used."}""", 20065, "invalid_grant" },
        { HttpStatusCode.BadRequest, """{"code":20049,"error":"invalid_grant","error_description":"PKCE verification failed."}""", 20049, "invalid_grant" },
        { HttpStatusCode.InternalServerError, """{"code":20050,"error":"server_error","error_description":"An unexpected server error occurred."}""", 20050, "server_error" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_refused_exchange_fails_through_the_remote_failure_event_with_feishus_code_and_message(HttpStatusCode status, string answer, int code, string error)
    {
        var feishu = new FakeFeishu { Token = () => (status, answer) };
        await using var app = await SignInApp.StartAsync(OwnApp(feishu, o => o.SaveTokens = true));

        var (_, callback) = await app.SignInAsync(Code);

        callback.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (callback.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : []).ShouldNotContain(c => c.StartsWith(".AspNetCore.Cookies=", StringComparison.Ordinal));
        var context = app.Failures.ShouldHaveSingleItem();
        var failure = context.Failure.ShouldBeOfType<AuthenticationFailureException>();
        failure.Message.ShouldContain($"code {code} ({error})");
        failure.Data["feishu_code"].ShouldBe(code);
        failure.Data["error"].ShouldBe(error);
        failure.InnerException.ShouldBeOfType<FeishuApiException>().Code.ShouldBe(code);
        failure.Message.ShouldNotContain(Code);
        context.Properties!.RedirectUri.ShouldBe("/me");
        feishu.To("/open-apis/authen/v2/oauth/token").Count.ShouldBe(1);
        feishu.To("/open-apis/authen/v1/user_info").ShouldBeEmpty();
    }

    [Fact]
    public async Task A_refused_user_info_fails_through_the_remote_failure_event_with_feishus_code_and_the_return_url()
    {
        var feishu = new FakeFeishu { UserInfo = () => (HttpStatusCode.BadRequest, """{"code":20005,"msg":"the user access token is invalid"}""") };
        await using var app = await SignInApp.StartAsync(OwnApp(feishu, o => o.StoreUserTokens = true));

        var (_, callback) = await app.SignInAsync();

        callback.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var context = app.Failures.ShouldHaveSingleItem();
        context.Failure!.Message.ShouldContain("code 20005");
        context.Failure.Data["feishu_code"].ShouldBe(20005);
        context.Failure.Message.ShouldNotContain(FakeFeishu.AccessToken);
        context.Properties!.RedirectUri.ShouldBe("/me");
        (await app.Services.GetRequiredService<IFeishuUserTokenStore>().GetAsync(AppId, "ou_alice")).ShouldBeNull();
    }

    [Fact]
    public async Task No_token_code_verifier_or_secret_reaches_any_log_of_the_sign_in_or_the_libraries()
    {
        var logs = new CapturingLoggerProvider();
        var feishu = new FakeFeishu();
        await using (var app = await SignInApp.StartAsync(OwnApp(feishu, o => { o.SaveTokens = true; o.StoreUserTokens = true; }), logs: logs))
        {
            (await app.SignInAsync(Code)).Callback.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            await app.MeAsync();
        }

        await using (var refusing = await SignInApp.StartAsync(OwnApp(new FakeFeishu { Token = () => (HttpStatusCode.BadRequest, """{"code":20003,"error":"invalid_grant","error_description":"unknown code"}""") }), logs: logs))
        {
            await refusing.SignInAsync(Code);
        }

        var verifier = feishu.To("/open-apis/authen/v2/oauth/token").Single().Json.GetProperty("code_verifier").GetString()!;
        logs.Entries.ShouldContain(e => e.EventId.Id == 1920, "the refusal is logged");
        logs.Entries.ShouldContain(e => e.EventId.Id == 1921, "keeping the tokens is logged");
        foreach (var entry in logs.Entries.Where(e => !AspNetCoreRequestLog(e.Category)))
        {
            var text = entry.Message + entry.Exception;
            foreach (var secret in new[] { FakeFeishu.AccessToken, FakeFeishu.RefreshToken, Code, verifier, AppSecret })
            {
                text.ShouldNotContain(secret, Case.Sensitive, $"{entry.Category} ({entry.EventId}) logged a secret: {entry.Message}");
            }
        }
    }

    /// <summary>
    /// ASP.NET Core's own request log writes every URL with its query — the callback's code included — at Information:
    /// docs/aspnetcore-signin.md says to keep that category at Warning. Nothing of Larkway or the authentication handlers.
    /// </summary>
    private static bool AspNetCoreRequestLog(string category) => category == "Microsoft.AspNetCore.Hosting.Diagnostics";
}
