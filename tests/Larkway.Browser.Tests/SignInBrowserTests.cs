using System.Net;
using System.Security.Claims;
using System.Text;
using Larkway.Emulator.Hosting;
using Larkway.Feishu.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Larkway.Browser.Tests;

/// <summary>
/// A person signs in to a small web app with Feishu, through the Emulator, by clicking: once on the authorize page
/// (pick who you are, Allow), once by QR login (a phone scans the code, picks who it is, confirms; the computer's page
/// goes on by itself). Screenshots under artifacts/screenshots (signin-*.png).
/// </summary>
public sealed class SignInBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private EmulatorServer _emulator = null!;
    private SampleApp _app = null!;

    public async Task InitializeAsync()
    {
        var options = new EmulatorOptions { Port = 0 };
        _emulator = await EmulatorServer.StartAsync(options);
        _app = await SampleApp.StartAsync(options.AppId, options.AppSecret, _emulator.BaseUrl);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task A_person_picks_who_they_are_on_the_authorize_page_allows_and_lands_signed_in()
    {
        await using var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(_app.Url("/").AbsoluteUri);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Expenses");
        await Screenshots.SaveAsync(page, "signin-sample-signed-out");

        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in with Feishu" }).ClickAsync();

        // The Emulator's authorize page: the app, what it asks for, and who the person is.
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Sign in to Larkway Bot");
        new Uri(page.Url).Authority.ShouldBe(_emulator.BaseUrl.Authority);
        await Assertions.Expect(page.Locator("ul.scopes")).ToContainTextAsync("offline_access");
        await page.GetByLabel("Bob Li").CheckAsync();
        await Screenshots.SaveAsync(page, "signin-emulator-authorize");
        await page.GetByRole(AriaRole.Button, new() { Name = "Allow" }).ClickAsync();

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Hello, Bob Li");
        new Uri(page.Url).GetLeftPart(UriPartial.Path).ShouldBe(_app.Url("/").AbsoluteUri);
        var bob = _emulator.State.FindUser("email", "bob@example.com")!;
        await Assertions.Expect(page.Locator("#open-id")).ToHaveTextAsync(bob.OpenId);
        await Assertions.Expect(page.Locator("#email")).ToHaveTextAsync("bob@example.com");
        await Assertions.Expect(page.Locator("#tokens")).ToHaveTextAsync("access token saved, refresh token saved");
        await Screenshots.SaveAsync(page, "signin-sample-signed-in");

        // Signing out and in again as someone else works the same way.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in with Feishu" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_person_who_denies_is_told_so_and_stays_signed_out()
    {
        await using var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(_app.Url("/").AbsoluteUri);
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in with Feishu" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Deny" }).ClickAsync();

        await Assertions.Expect(page.Locator("#failure")).ToHaveTextAsync("Sign-in was not completed: access_denied");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in with Feishu" })).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "signin-sample-denied");
    }

    [Fact]
    public async Task A_person_scans_the_qr_code_confirms_on_the_phone_and_the_computer_lands_signed_in()
    {
        await using var computer = await browser.Browser.NewContextAsync();
        await using var phone = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 } });
        var page = await computer.NewPageAsync();
        await page.GotoAsync(_app.Url("/").AbsoluteUri);
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in with a QR code" }).ClickAsync();

        // The QR login page: a code to scan, and "Scan as" for people without a phone at hand.
        var qr = page.Locator("img.qr");
        await Assertions.Expect(qr).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Scan as Carol Wang" })).ToBeVisibleAsync();
        (await NaturalWidthAsync(qr)).ShouldBeGreaterThan(0);
        await Screenshots.SaveAsync(page, "signin-emulator-qr");

        // The phone opens what the code encodes, is Carol, and confirms.
        var scan = await phone.NewPageAsync();
        await scan.GotoAsync((await qr.GetAttributeAsync("data-scan-url"))!);
        await scan.GetByRole(AriaRole.Button, new() { Name = "Carol Wang" }).ClickAsync();
        await Assertions.Expect(scan.Locator("h1")).ToContainTextAsync("on a computer?");
        await Assertions.Expect(scan.Locator("body")).ToContainTextAsync("You are Carol Wang");
        await Screenshots.SaveAsync(scan, "signin-emulator-qr-phone", fullPage: false);
        await scan.GetByRole(AriaRole.Button, new() { Name = "Confirm sign-in" }).ClickAsync();
        await Assertions.Expect(scan.Locator("[role=status]")).ToHaveTextAsync("Confirmed: go back to the computer.");

        // The computer's page checks again on its own and goes on to the app.
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Hello, Carol Wang", new() { Timeout = 30_000 });
        var carol = _emulator.State.FindUser("email", "carol@example.com")!;
        await Assertions.Expect(page.Locator("#open-id")).ToHaveTextAsync(carol.OpenId);

        // QR login asks for no scopes: no refresh token comes with it.
        await Assertions.Expect(page.Locator("#tokens")).ToHaveTextAsync("access token saved, no refresh token");
        await Screenshots.SaveAsync(page, "signin-sample-signed-in-qr");
    }

    /// <summary>
    /// The sample: an expenses app whose only sign-in is Feishu (the Emulator's app), on Kestrel (127.0.0.1, any port).
    /// Everything a person typed or Feishu sent is HTML-encoded.
    /// </summary>
    private sealed class SampleApp(WebApplication app) : LoopbackApp(app)
    {
        public static async Task<SampleApp> StartAsync(string appId, string appSecret, Uri emulator)
        {
            var builder = CreateBuilder();
            builder.Services.AddAuthentication(o =>
                {
                    o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                    o.DefaultChallengeScheme = FeishuAuthenticationDefaults.AuthenticationScheme;
                })
                .AddCookie()
                .AddFeishu(o =>
                {
                    o.ClientId = appId;
                    o.ClientSecret = appSecret;
                    o.BaseUrl = emulator;
                    o.Scope.Add("contact:user.base:readonly");
                    o.SaveTokens = true;
                    o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                    o.Events.OnRemoteFailure = context => ShowFailure(context, "/?failure=");
                });

            var app = builder.Build();
            app.UseAuthentication();
            app.MapGet("/", (Delegate)Home);
            app.MapGet("/login", () => Results.Challenge(new AuthenticationProperties { RedirectUri = "/" }, [FeishuAuthenticationDefaults.AuthenticationScheme]));
            app.MapGet("/login/qr", () => Results.Challenge(new FeishuChallengeProperties { RedirectUri = "/", QrLogin = true }, [FeishuAuthenticationDefaults.AuthenticationScheme]));
            app.MapPost("/logout", async (HttpContext context) =>
            {
                await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                context.Response.Redirect("/");
            });
            await app.StartAsync();
            return new SampleApp(app);
        }

        private static async Task<IResult> Home(HttpContext context)
        {
            var body = new StringBuilder();
            if (context.User.Identity?.IsAuthenticated == true)
            {
                var result = await context.AuthenticateAsync();
                string Claim(string type) => WebUtility.HtmlEncode(context.User.FindFirstValue(type) ?? "");
                var refresh = result.Properties?.GetTokenValue("refresh_token") is null ? "no refresh token" : "refresh token saved";
                body.Append("<h1>Hello, ").Append(Claim(ClaimTypes.Name)).Append("</h1>")
                    .Append("<img class=\"avatar\" alt=\"\" width=\"72\" height=\"72\" src=\"").Append(Claim(FeishuClaimTypes.AvatarUrl)).Append("\">")
                    .Append("<dl><dt>open_id</dt><dd id=\"open-id\">").Append(Claim(ClaimTypes.NameIdentifier)).Append("</dd>")
                    .Append("<dt>Email</dt><dd id=\"email\">").Append(Claim(ClaimTypes.Email)).Append("</dd>")
                    .Append("<dt>Tenant</dt><dd id=\"tenant\">").Append(Claim(FeishuClaimTypes.TenantKey)).Append("</dd>")
                    .Append("<dt>Tokens</dt><dd id=\"tokens\">access token saved, ").Append(refresh).Append("</dd></dl>")
                    .Append("<form method=\"post\" action=\"/logout\"><button type=\"submit\">Sign out</button></form>");
            }
            else
            {
                body.Append("<h1>Expenses</h1><p>Sign in with your company's Feishu account.</p>");
                if (context.Request.Query["failure"].ToString() is { Length: > 0 } failure)
                {
                    body.Append("<p id=\"failure\" role=\"alert\">Sign-in was not completed: ").Append(WebUtility.HtmlEncode(failure)).Append("</p>");
                }

                body.Append("<p><a class=\"button\" href=\"/login\">Sign in with Feishu</a> <a class=\"button\" href=\"/login/qr\">Sign in with a QR code</a></p>");
            }

            var html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Expenses</title><style>"
                + "body{font:15px -apple-system,'Segoe UI',Roboto,sans-serif;margin:40px auto;max-width:640px;color:#1f2329}"
                + ".button{display:inline-block;padding:8px 16px;border-radius:6px;background:#3370ff;color:#fff;text-decoration:none;margin-right:8px}"
                + "dl{display:grid;grid-template-columns:max-content 1fr;gap:6px 16px}dt{color:#646a73}dd{margin:0;word-break:break-all}"
                + "#failure{color:#d83931}.avatar{border-radius:50%}</style></head><body>" + body + "</body></html>";
            return Results.Content(html, "text/html; charset=utf-8");
        }
    }

    /// <summary>
    /// The image's decoded width. The QR page re-checks itself with a meta refresh every 2 s, so an evaluation can land on a
    /// page that is navigating away: read it again on the next page then.
    /// </summary>
    private static async Task<int> NaturalWidthAsync(ILocator image)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await image.EvaluateAsync<int>("img => img.complete ? img.naturalWidth : -1") is var width and >= 0 ? width : throw new PlaywrightException("not loaded yet");
            }
            catch (PlaywrightException) when (attempt < 20)
            {
                await Task.Delay(250);
            }
        }
    }
}
