using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Larkway.Browser.Tests;

/// <summary>
/// The office software's sample internal web app, "Timesheets": its only sign-in is the Hub, through ASP.NET Core's own
/// OpenID Connect handler configured as docs/hub-signin.md shows (code flow with PKCE, SaveTokens, userinfo, claims
/// kept as the Hub names them). Its home page shows who is signed in; "Refresh session" redeems the saved refresh token
/// at the Hub, and a refusal ends the app's session — how an app learns at its next refresh that a person left.
/// On 127.0.0.1 (any port) over plain http; everything shown is HTML-encoded.
/// </summary>
internal sealed class TimesheetsApp(WebApplication app) : LoopbackApp(app)
{
    /// <summary>
    /// Starts the app, then registers it with the Hub through <paramref name="register"/> (given the app's address, for
    /// its redirect URIs); the handler reads the client id and secret at the first request.
    /// </summary>
    public static async Task<TimesheetsApp> StartAsync(Uri hub, Func<Uri, Task<(string ClientId, string Secret)>> register)
    {
        (string Id, string Secret) client = default;
        var builder = CreateBuilder();
        builder.Services.AddAuthorization();
        builder.Services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(o => o.Cookie.Name = "timesheets")
            .AddOpenIdConnect(o =>
            {
                o.Authority = hub.AbsoluteUri;
                o.RequireHttpsMetadata = false; // the Hub on loopback http
                o.ClientId = client.Id;
                o.ClientSecret = client.Secret;
                o.ResponseType = OpenIdConnectResponseType.Code; // PKCE is on by default
                // ResponseMode left at the handler's default, form_post: the Hub posts the code back.
                o.Scope.Add("email");
                o.Scope.Add("groups");
                o.Scope.Add("offline_access");
                o.SaveTokens = true;
                o.GetClaimsFromUserInfoEndpoint = true;
                o.MapInboundClaims = false; // keep sub, email, groups, amr as they are
                o.TokenValidationParameters.NameClaimType = "name";
                o.SignedOutRedirectUri = "/signed-out";
                // Plain http on loopback: the handler's SameSite=None; Secure cookies would be dropped.
                o.CorrelationCookie.SameSite = o.NonceCookie.SameSite = SameSiteMode.Lax;
                o.CorrelationCookie.SecurePolicy = o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.Events.OnRemoteFailure = context => ShowFailure(context, "/signed-out?reason=");
            });

        var app = builder.Build();
        app.MapGet("/", (Delegate)Home).RequireAuthorization();
        app.MapPost("/refresh", (Delegate)RefreshAsync).RequireAuthorization();
        app.MapPost("/sign-out", () => Results.SignOut(new AuthenticationProperties { RedirectUri = "/signed-out" },
            [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]));
        app.MapGet("/signed-out", (Delegate)SignedOut);
        await app.StartAsync();
        var started = new TimesheetsApp(app);
        client = await register(started.Address);
        return started;
    }

    private static async Task<IResult> Home(HttpContext http)
    {
        var signedIn = await http.AuthenticateAsync();
        string Claims(string type) => E(string.Join(' ', http.User.FindAll(type).Select(c => c.Value)));
        var body = new StringBuilder("<h1>Timesheets</h1>");
        if (http.Request.Query.ContainsKey("refreshed"))
        {
            body.Append("<p id=\"flash\" role=\"status\">Session refreshed.</p>");
        }

        body.Append("<p>Signed in as <strong id=\"name\">").Append(Claims("name")).Append("</strong></p><dl>")
            .Append("<dt>sub</dt><dd id=\"sub\">").Append(Claims("sub")).Append("</dd>")
            .Append("<dt>Email</dt><dd id=\"email\">").Append(Claims("email")).Append("</dd>")
            .Append("<dt>Groups</dt><dd id=\"groups\">").Append(Claims("groups")).Append("</dd>")
            .Append("<dt>Signed in by</dt><dd id=\"amr\">").Append(Claims("amr")).Append("</dd>")
            .Append("<dt>Access token until</dt><dd id=\"expires-at\">").Append(E(signedIn.Properties?.GetTokenValue("expires_at") ?? "")).Append("</dd>")
            .Append("<dt>Refresh token</dt><dd id=\"refresh-token\">").Append(signedIn.Properties?.GetTokenValue("refresh_token") is null ? "none" : "saved").Append("</dd></dl>")
            .Append("<form method=\"post\" action=\"/refresh\"><button type=\"submit\">Refresh session</button></form>")
            .Append("<form method=\"post\" action=\"/sign-out\"><button type=\"submit\">Sign out</button></form>");
        return Page(body.ToString());
    }

    /// <summary>The refresh_token grant at the Hub's token endpoint; a refusal (invalid_grant) signs the person out of the app.</summary>
    private static async Task<IResult> RefreshAsync(HttpContext http, IOptionsMonitor<OpenIdConnectOptions> monitor)
    {
        var signedIn = await http.AuthenticateAsync();
        var options = monitor.Get(OpenIdConnectDefaults.AuthenticationScheme);
        var configuration = await options.ConfigurationManager!.GetConfigurationAsync(http.RequestAborted);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = signedIn.Properties?.GetTokenValue("refresh_token") ?? "",
            ["client_id"] = options.ClientId!,
            ["client_secret"] = options.ClientSecret!,
        });
        using var answer = await options.Backchannel.PostAsync(new Uri(configuration.TokenEndpoint), form, http.RequestAborted);
        var tokens = new OpenIdConnectMessage(await answer.Content.ReadAsStringAsync(http.RequestAborted));
        if (!answer.IsSuccessStatusCode || signedIn.Properties is null)
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/signed-out?reason=" + Uri.EscapeDataString(tokens.Error ?? ((int)answer.StatusCode).ToString(CultureInfo.InvariantCulture)));
        }

        signedIn.Properties.UpdateTokenValue("access_token", tokens.AccessToken);
        signedIn.Properties.UpdateTokenValue("refresh_token", tokens.RefreshToken ?? signedIn.Properties.GetTokenValue("refresh_token")!);
        if (tokens.IdToken is { } idToken)
        {
            signedIn.Properties.UpdateTokenValue("id_token", idToken);
        }

        var lifetime = int.Parse(tokens.ExpiresIn, NumberStyles.None, CultureInfo.InvariantCulture);
        signedIn.Properties.UpdateTokenValue("expires_at", DateTimeOffset.UtcNow.AddSeconds(lifetime).ToString("o", CultureInfo.InvariantCulture));
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, signedIn.Principal!, signedIn.Properties);
        return Results.Redirect("/?refreshed=1");
    }

    private static IResult SignedOut(HttpContext http)
    {
        var body = new StringBuilder("<h1>Signed out</h1>");
        if (http.Request.Query["reason"].ToString() is { Length: > 0 } reason)
        {
            body.Append("<p id=\"reason\" role=\"alert\">Your session ended: ").Append(E(reason)).Append("</p>");
        }

        return Page(body.Append("<p><a class=\"button\" href=\"/\">Sign in again</a></p>").ToString());
    }

    private static string E(string value) => WebUtility.HtmlEncode(value);

    private static IResult Page(string body) => Results.Content(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Timesheets</title><style>"
        + "body{font:15px -apple-system,'Segoe UI',Roboto,sans-serif;margin:40px auto;max-width:640px;color:#1f2329}"
        + ".button,button{display:inline-block;padding:8px 16px;border:0;border-radius:6px;background:#3370ff;color:#fff;text-decoration:none;font:inherit;cursor:pointer}"
        + "form{display:inline-block;margin-right:8px}dl{display:grid;grid-template-columns:max-content 1fr;gap:6px 16px}dt{color:#646a73}"
        + "dd{margin:0;word-break:break-all}#reason{color:#d83931}#flash{color:#2ea121}</style></head><body>" + body + "</body></html>",
        "text/html; charset=utf-8");
}
