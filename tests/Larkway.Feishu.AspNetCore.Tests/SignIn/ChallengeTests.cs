using System.Net;
using Larkway.Feishu.AspNetCore.Authentication;

namespace Larkway.Feishu.AspNetCore.Tests.SignIn;

/// <summary>The challenge: where the browser is sent, with what, and the correlation cookie it gets.</summary>
public sealed class ChallengeTests
{
    internal const string AppId = "cli_a5d611352af9d00b";
    internal const string AppSecret = "app-secret-for-sign-in-tests-0001";

    internal static Action<FeishuAuthenticationOptions> OwnApp(FakeFeishu feishu, Action<FeishuAuthenticationOptions>? more = null) => o =>
    {
        o.ClientId = AppId;
        o.ClientSecret = AppSecret;
        o.BackchannelHttpHandler = feishu;
        more?.Invoke(o);
    };

    [Fact]
    public async Task The_browser_goes_to_the_accounts_host_with_the_app_the_callback_the_scopes_a_state_and_an_S256_challenge()
    {
        var feishu = new FakeFeishu();
        await using var app = await SignInApp.StartAsync(OwnApp(feishu, o => o.Scope.Add("contact:user.base:readonly")));

        using var response = await app.Browser.GetAsync(new Uri("/login", UriKind.Relative));

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var location = response.Headers.Location!;
        location.GetLeftPart(UriPartial.Path).ShouldBe("https://accounts.feishu.cn/open-apis/authen/v1/authorize");
        SignInApp.Query(location, "client_id").ShouldBe(AppId);
        SignInApp.Query(location, "response_type").ShouldBe("code");
        SignInApp.Query(location, "redirect_uri").ShouldBe("http://localhost/signin-feishu");
        SignInApp.Query(location, "scope").ShouldBe("contact:user.base:readonly");
        SignInApp.Query(location, "state").ShouldNotBeNullOrEmpty();
        SignInApp.Query(location, "code_challenge_method").ShouldBe("S256");
        var challenge = SignInApp.Query(location, "code_challenge")!;
        challenge.Length.ShouldBe(43);
        challenge.ShouldAllBe(c => char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_');
        response.Headers.GetValues("Set-Cookie").ShouldContain(c => c.StartsWith(".AspNetCore.Correlation.", StringComparison.Ordinal) && c.Contains("httponly", StringComparison.OrdinalIgnoreCase));

        // Nothing is asked of Feishu before the user comes back, and no secret is in the URL.
        feishu.Requests.ShouldBeEmpty();
        location.ToString().ShouldNotContain(AppSecret);
    }

    public static TheoryData<string?, string> Hosts => new()
    {
        { null, "https://accounts.feishu.cn/open-apis/authen/v1/authorize" },
        { "https://open.feishu.cn", "https://accounts.feishu.cn/open-apis/authen/v1/authorize" },
        { "https://open.larksuite.com", "https://accounts.larksuite.com/open-apis/authen/v1/authorize" },
        { "http://127.0.0.1:8787", "http://127.0.0.1:8787/open-apis/authen/v1/authorize" },
    };

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task The_authorize_page_is_on_the_accounts_host_of_the_base_url(string? baseUrl, string authorizeUrl)
    {
        await using var app = await SignInApp.StartAsync(OwnApp(new FakeFeishu(), o => o.BaseUrl = baseUrl is null ? null : new Uri(baseUrl)));

        var location = await app.ChallengeAsync();

        location.GetLeftPart(UriPartial.Path).ShouldBe(authorizeUrl);
    }

    [Fact]
    public async Task Without_scopes_none_are_sent_and_keeping_tokens_asks_for_offline_access_once()
    {
        await using (var plain = await SignInApp.StartAsync(OwnApp(new FakeFeishu())))
        {
            SignInApp.Query(await plain.ChallengeAsync(), "scope").ShouldBeNull();
        }

        await using (var saving = await SignInApp.StartAsync(OwnApp(new FakeFeishu(), o => { o.SaveTokens = true; o.Scope.Add("contact:contact"); })))
        {
            SignInApp.Query(await saving.ChallengeAsync(), "scope").ShouldBe("contact:contact offline_access");
        }

        await using var storing = await SignInApp.StartAsync(OwnApp(new FakeFeishu(), o => { o.StoreUserTokens = true; o.Scope.Add("offline_access"); }));
        SignInApp.Query(await storing.ChallengeAsync(), "scope").ShouldBe("offline_access");
    }

    [Fact]
    public async Task A_challenge_may_ask_for_its_own_scopes()
    {
        await using var app = await SignInApp.StartAsync(OwnApp(new FakeFeishu(), o => { o.Scope.Add("contact:contact"); o.SaveTokens = true; }));

        var location = await app.ChallengeAsync("?scope=bitable:app:readonly,task:task:read");

        SignInApp.Query(location, "scope").ShouldBe("bitable:app:readonly task:task:read offline_access");
    }

    [Fact]
    public async Task A_qr_login_goes_to_the_passport_page_with_the_app_the_callback_and_state_but_no_scope_or_challenge()
    {
        await using var app = await SignInApp.StartAsync(OwnApp(new FakeFeishu(), o => o.Scope.Add("contact:contact")));

        var location = await app.ChallengeAsync("?qr=1");

        location.GetLeftPart(UriPartial.Path).ShouldBe("https://passport.feishu.cn/suite/passport/oauth/authorize");
        SignInApp.Query(location, "client_id").ShouldBe(AppId);
        SignInApp.Query(location, "redirect_uri").ShouldBe("http://localhost/signin-feishu");
        SignInApp.Query(location, "response_type").ShouldBe("code");
        SignInApp.Query(location, "state").ShouldNotBeNullOrEmpty();
        SignInApp.Query(location, "scope").ShouldBeNull();
        SignInApp.Query(location, "code_challenge").ShouldBeNull();
    }

    [Fact]
    public async Task The_redirect_event_sees_the_authorize_url_and_may_send_the_browser_elsewhere()
    {
        Uri? seen = null;
        await using var app = await SignInApp.StartAsync(OwnApp(new FakeFeishu(), o => o.Events.OnRedirectToAuthorizationEndpoint = context =>
        {
            seen = new Uri(context.RedirectUri);
            context.Response.Redirect(context.RedirectUri + "&lang=en");
            return Task.CompletedTask;
        }));

        var location = await app.ChallengeAsync();

        seen.ShouldNotBeNull().Host.ShouldBe("accounts.feishu.cn");
        SignInApp.Query(location, "lang").ShouldBe("en");
        SignInApp.Query(location, "client_id").ShouldBe(AppId);
    }

    [Fact]
    public async Task Additional_authorization_parameters_are_added()
    {
        await using var app = await SignInApp.StartAsync(OwnApp(new FakeFeishu(), o => o.AdditionalAuthorizationParameters["prompt"] = "consent"));

        SignInApp.Query(await app.ChallengeAsync(), "prompt").ShouldBe("consent");
    }

    [Fact]
    public async Task Without_pkce_no_challenge_is_sent()
    {
        await using var app = await SignInApp.StartAsync(OwnApp(new FakeFeishu(), o => o.UsePkce = false));

        var location = await app.ChallengeAsync();

        SignInApp.Query(location, "code_challenge").ShouldBeNull();
        SignInApp.Query(location, "code_challenge_method").ShouldBeNull();
    }
}
