using System.Net;
using System.Security.Claims;
using System.Text.Json;
using System.Text.RegularExpressions;
using Larkway.Emulator.Hosting;
using Larkway.Feishu;
using Larkway.Feishu.AspNetCore.Authentication;
using Larkway.Feishu.Authen;
using Larkway.Integration.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Larkway.Integration.Tests.Authen;

/// <summary>
/// AddFeishu in a real web host on loopback, signing people in through the Emulator end to end: the challenge, the
/// Emulator's authorize page (its click through the control API) or QR login, the callback, and the signed-in cookie
/// with the person's claims — over HTTP, with a cookie jar, never following redirects on its own.
/// </summary>
public sealed partial class FeishuSignInEndToEndTests : IAsyncLifetime
{
    private EmulatorServer _emulator = null!;
    private AuthenControl _authen = null!;
    private EmulatorOptions _options = null!;

    public async Task InitializeAsync()
    {
        _options = new EmulatorOptions { Port = 0, EnforceRateLimits = false };
        _emulator = await EmulatorServer.StartAsync(_options);
        _authen = new AuthenControl(_emulator.BaseUrl);
    }

    public async Task DisposeAsync()
    {
        _authen.Dispose();
        await _emulator.DisposeAsync();
    }

    private Larkway.Emulator.State.EmulatorUser User(string email) => _emulator.State.FindUser("email", email)!;

    [Fact]
    public async Task A_person_who_allows_on_the_authorize_page_is_signed_in_with_their_claims_and_working_tokens()
    {
        using var recorder = new RecordingHandler();
        var logs = new CapturingLogs();
        await using var app = await WebApp.StartAsync(EmulatorApp(o =>
        {
            o.BackchannelHttpHandler = recorder;
            o.Scope.Add("contact:user.base:readonly");
            o.SaveTokens = true;
        }), logs: logs);

        // The challenge sends the browser to the Emulator's authorize page, which shows the app and the scopes.
        var authorize = await app.GetRedirectAsync("/login");
        authorize.GetLeftPart(UriPartial.Path).ShouldBe(new Uri(_emulator.BaseUrl, "/open-apis/authen/v1/authorize").AbsoluteUri);
        var page = await app.Browser.GetStringAsync(authorize);
        page.ShouldContain("Sign in to Larkway Bot");
        page.ShouldContain("offline_access");

        // Alice clicks Allow; the browser follows the Emulator back to the app.
        var (callback, code) = await _authen.AuthorizeAsync(authorize, "alice@example.com");
        callback.GetLeftPart(UriPartial.Path).ShouldBe(app.Url("/signin-feishu").AbsoluteUri);
        (await app.GetRedirectAsync(callback)).OriginalString.ShouldBe("/me");

        var me = await app.MeAsync();
        var alice = User("alice@example.com");
        me.Claim(ClaimTypes.NameIdentifier).ShouldBe(alice.OpenId);
        me.Claim(ClaimTypes.Name).ShouldBe("Alice Chen");
        me.Claim(ClaimTypes.Email).ShouldBe("alice@example.com");
        me.Claim(FeishuClaimTypes.UnionId).ShouldBe(alice.UnionId);
        me.Claim(FeishuClaimTypes.UserId).ShouldBe(alice.UserId);
        me.Claim(FeishuClaimTypes.TenantKey).ShouldBe(_emulator.State.Tenant.TenantKey);
        me.Claim(FeishuClaimTypes.AvatarUrl).ShouldStartWith(new Uri(_emulator.BaseUrl, "/_emulator/avatars/").AbsoluteUri);
        me.Claim(ClaimTypes.MobilePhone).ShouldBeNull();
        me.Claim(FeishuClaimTypes.EmployeeNo).ShouldBeNull();

        // The saved tokens are Alice's: user_info answers with them, and the refresh token rotates at the Emulator.
        using var client = new FeishuClient(new FeishuAppOptions { AppId = _options.AppId, AppSecret = _options.AppSecret, BaseUrl = _emulator.BaseUrl });
        (await client.Authen.GetUserInfoAsync(me.Tokens["access_token"])).OpenId.ShouldBe(alice.OpenId);
        (await client.Authen.RefreshUserTokenAsync(me.Tokens["refresh_token"])).RefreshToken.ShouldNotBe(me.Tokens["refresh_token"]);
        DateTimeOffset.Parse(me.Tokens["expires_at"], System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(DateTimeOffset.UtcNow);

        // Nothing secret was logged by the app, the handlers or the Larkway client.
        var verifier = JsonDocument.Parse(recorder.To("POST", "/open-apis/authen/v2/oauth/token").Single().Body!).RootElement.GetProperty("code_verifier").GetString()!;
        logs.AssertNoneContain(me.Tokens["access_token"], me.Tokens["refresh_token"], code!, verifier, _options.AppSecret);
    }

    [Fact]
    public async Task The_default_app_of_AddFeishu_signs_people_in_and_keeps_their_tokens_for_its_token_provider()
    {
        await using var app = await WebApp.StartAsync(o => o.StoreUserTokens = true, services => services.AddFeishu(o =>
        {
            o.AppId = _options.AppId;
            o.AppSecret = _options.AppSecret;
            o.BaseUrl = _emulator.BaseUrl;
        }));

        var authorize = await app.GetRedirectAsync("/login");
        var (callback, _) = await _authen.AuthorizeAsync(authorize, "bob@example.com");
        (await app.GetRedirectAsync(callback)).OriginalString.ShouldBe("/me");

        var bob = User("bob@example.com");
        (await app.MeAsync()).Claim(ClaimTypes.NameIdentifier).ShouldBe(bob.OpenId);
        var tokens = app.Services.GetRequiredService<FeishuUserTokenProvider>();
        var asBob = await tokens.GetTokenAsync(bob.OpenId);
        asBob.Scopes.ShouldContain(FeishuAuthenticationDefaults.OfflineAccessScope);
        var client = app.Services.GetRequiredService<FeishuClient>();
        (await client.Authen.GetUserInfoAsync(asBob.AccessToken)).Name.ShouldBe("Bob Li");
    }

    [Fact]
    public async Task A_person_who_scans_the_qr_code_and_confirms_on_the_phone_is_signed_in()
    {
        await using var app = await WebApp.StartAsync(EmulatorApp());

        var qrPage = await app.GetRedirectAsync("/login/qr");
        qrPage.GetLeftPart(UriPartial.Path).ShouldBe(new Uri(_emulator.BaseUrl, "/suite/passport/oauth/authorize").AbsoluteUri);
        var html = await app.Browser.GetStringAsync(qrPage);
        var qrId = QrSession().Match(html).Groups[1].Value;
        qrId.ShouldNotBeNullOrEmpty();

        // Carol's phone scans and confirms; the computer's page, re-checking itself, goes on with a tmp_code, then to the app.
        using (var control = new HttpClient { BaseAddress = _emulator.BaseUrl })
        using (var scanned = await control.PostAsync(new Uri($"/_emulator/authen/qr-logins/{qrId}/scan", UriKind.Relative), new StringContent("""{"user":"carol@example.com"}""", System.Text.Encoding.UTF8, "application/json")))
        {
            scanned.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var withTmpCode = await app.GetRedirectAsync(new Uri(qrPage + "&qr_session=" + Uri.EscapeDataString(qrId)));
        withTmpCode.Query.ShouldContain("tmp_code=");
        var callback = await app.GetRedirectAsync(withTmpCode);
        callback.GetLeftPart(UriPartial.Path).ShouldBe(app.Url("/signin-feishu").AbsoluteUri);
        (await app.GetRedirectAsync(callback)).OriginalString.ShouldBe("/me");

        (await app.MeAsync()).Claim(ClaimTypes.NameIdentifier).ShouldBe(User("carol@example.com").OpenId);
    }

    [Fact]
    public async Task A_person_who_denies_comes_back_through_the_remote_failure_event_and_is_not_signed_in()
    {
        await using var app = await WebApp.StartAsync(EmulatorApp());

        var authorize = await app.GetRedirectAsync("/login");
        var (callback, code) = await _authen.AuthorizeAsync(authorize, "alice@example.com", allow: false);

        code.ShouldBeNull();
        callback.Query.ShouldContain("error=access_denied");
        (await app.GetRedirectAsync(callback)).OriginalString.ShouldBe("/failed?error=access_denied");
        (await app.Browser.GetAsync(app.Url("/me"))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task A_failed_exchange_comes_back_through_the_remote_failure_event_with_feishus_code_and_a_replayed_callback_is_refused()
    {
        await using var app = await WebApp.StartAsync(EmulatorApp());
        using var control = new EmulatorControl(_emulator.BaseUrl);
        await control.ArmFaultAsync("POST /open-apis/authen/v2/oauth/token", "unavailable");

        var authorize = await app.GetRedirectAsync("/login");
        var (callback, _) = await _authen.AuthorizeAsync(authorize, "alice@example.com");

        (await app.GetRedirectAsync(callback)).OriginalString.ShouldBe($"/failed?code={FeishuErrorCodes.OAuthTemporarilyUnavailable}");

        // The correlation cookie went with the first try: the same callback again is not exchanged.
        (await app.GetRedirectAsync(callback)).OriginalString.ShouldBe("/failed?error=Correlation%20failed.");
    }

    /// <summary>Sign-in with the Emulator's default app, given by its id and secret.</summary>
    private Action<FeishuAuthenticationOptions> EmulatorApp(Action<FeishuAuthenticationOptions>? more = null) => o =>
    {
        o.ClientId = _options.AppId;
        o.ClientSecret = _options.AppSecret;
        o.BaseUrl = _emulator.BaseUrl;
        more?.Invoke(o);
    };

    [GeneratedRegex("data-qr-session=\"([^\"]+)\"")]
    private static partial Regex QrSession();

    /// <summary>A web app on Kestrel (127.0.0.1, any port) that signs people in with Feishu, and a browser for it.</summary>
    private sealed class WebApp : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly HttpClientHandler _handler = new() { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() };

        private WebApp(WebApplication app, Uri address)
        {
            _app = app;
            Address = address;
            Browser = new HttpClient(_handler) { BaseAddress = address };
        }

        public Uri Address { get; }

        public HttpClient Browser { get; }

        public IServiceProvider Services => _app.Services;

        public static async Task<WebApp> StartAsync(Action<FeishuAuthenticationOptions> configure, Action<IServiceCollection>? services = null, CapturingLogs? logs = null)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            if (logs is not null)
            {
                builder.Logging.SetMinimumLevel(LogLevel.Trace);
                builder.Logging.AddProvider(logs);
            }

            services?.Invoke(builder.Services);
            builder.Services.AddAuthentication(o =>
                {
                    o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                    o.DefaultChallengeScheme = FeishuAuthenticationDefaults.AuthenticationScheme;
                })
                .AddCookie()
                .AddFeishu(o =>
                {
                    // Plain http on loopback: the correlation cookie must not be Secure-only.
                    o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                    o.Events.OnRemoteFailure = context =>
                    {
                        var code = context.Failure?.Data["feishu_code"];
                        context.Response.Redirect(code is not null
                            ? $"/failed?code={code}"
                            : $"/failed?error={Uri.EscapeDataString(context.Failure?.Data["error"] as string ?? context.Failure?.Message ?? "unknown")}");
                        context.HandleResponse();
                        return Task.CompletedTask;
                    };
                    configure(o);
                });
            builder.Services.AddAuthorization();

            var app = builder.Build();
            app.UseAuthentication();
            app.UseAuthorization();
            app.MapGet("/login", () => Results.Challenge(new AuthenticationProperties { RedirectUri = "/me" }, [FeishuAuthenticationDefaults.AuthenticationScheme]));
            app.MapGet("/login/qr", () => Results.Challenge(new FeishuChallengeProperties { RedirectUri = "/me", QrLogin = true }, [FeishuAuthenticationDefaults.AuthenticationScheme]));
            app.MapGet("/me", async (HttpContext context) => await context.Response.WriteAsJsonAsync(new
            {
                claims = context.User.Claims.Select(c => new[] { c.Type, c.Value }),
                tokens = (await context.AuthenticateAsync()).Properties!.GetTokens().ToDictionary(t => t.Name, t => t.Value),
            })).RequireAuthorization();
            await app.StartAsync();
            return new WebApp(app, new Uri(app.Urls.First()));
        }

        public Uri Url(string path) => new(Address, path);

        /// <summary>GET, expecting a redirect; the Location, as given.</summary>
        public async Task<Uri> GetRedirectAsync(string path) => await GetRedirectAsync(Url(path));

        /// <summary>GET, expecting a redirect; the Location, made absolute against <paramref name="url"/> when it is a path of another site.</summary>
        public async Task<Uri> GetRedirectAsync(Uri url)
        {
            using var response = await Browser.GetAsync(url);
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
            var location = response.Headers.Location!;
            return location.IsAbsoluteUri || url.Authority == Address.Authority ? location : new Uri(url, location);
        }

        public async Task<Me> MeAsync()
        {
            using var response = await Browser.GetAsync(Url("/me"));
            var text = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
            text.ShouldNotBeEmpty(string.Join(" | ", response.Headers.Select(h => $"{h.Key}: {string.Join(",", h.Value)}")));
            using var json = JsonDocument.Parse(text);
            return new Me(
                [.. json.RootElement.GetProperty("claims").EnumerateArray().Select(c => (c[0].GetString()!, c[1].GetString()!))],
                json.RootElement.GetProperty("tokens").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!));
        }

        public async ValueTask DisposeAsync()
        {
            Browser.Dispose();
            _handler.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private sealed record Me(IReadOnlyList<(string Type, string Value)> Claims, IReadOnlyDictionary<string, string> Tokens)
    {
        public string? Claim(string type) => Claims.Where(c => c.Type == type).Select(c => c.Value).SingleOrDefault();
    }

    /// <summary>Every log line of the web host, the authentication handlers and the Larkway client, from Trace up.</summary>
    private sealed class CapturingLogs : ILoggerProvider
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<(string Category, string Text)> _lines = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        /// <summary>
        /// ASP.NET Core's request log (Microsoft.AspNetCore.Hosting.Diagnostics) writes each URL with its query, the
        /// callback's code included — docs/aspnetcore-signin.md says to keep it at Warning — so it is the one exception.
        /// </summary>
        public void AssertNoneContain(params string[] secrets)
        {
            _lines.ShouldNotBeEmpty();
            _lines.ShouldContain(l => l.Category.StartsWith("Larkway.Feishu", StringComparison.Ordinal), "the Larkway client logs to the host");
            foreach (var (category, text) in _lines.Where(l => l.Category != "Microsoft.AspNetCore.Hosting.Diagnostics"))
            {
                foreach (var secret in secrets)
                {
                    text.ShouldNotContain(secret, Case.Sensitive, $"{category} logged a secret");
                }
            }
        }

        private sealed class Logger(CapturingLogs owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner._lines.Enqueue((category, formatter(state, exception) + exception));
        }
    }
}
