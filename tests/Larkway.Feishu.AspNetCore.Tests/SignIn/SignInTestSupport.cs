using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Larkway.Feishu.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Larkway.Feishu.AspNetCore.Tests.SignIn;

/// <summary>
/// Feishu's side of the wire for the handler's tests, where the wire itself is not the point: the app token, the OAuth
/// token endpoint, user_info and the JSAPI ticket, with answers a test can replace. Records every request.
/// </summary>
internal sealed class FakeFeishu : HttpMessageHandler
{
    public const string AccessToken = "u-access-7f3c2a9e4b1d4c6f8a0e5b7d9c1f3a5e";
    public const string RefreshToken = "ur-refresh-2b4d6f8a0c1e3a5c7e9b1d3f5a7c9e1b";
    public const string Ticket = "jsapi-ticket-0560604568baf296731aa37f0c8ebe3e";

    private readonly ConcurrentQueue<Recorded> _requests = new();

    public IReadOnlyList<Recorded> Requests => [.. _requests];

    public IReadOnlyList<Recorded> To(string path) => [.. _requests.Where(r => r.Path == path)];

    /// <summary>The OAuth token endpoint's answer (HTTP status, top-level JSON body).</summary>
    public Func<(HttpStatusCode Status, string Body)> Token { get; set; } = () => (HttpStatusCode.OK,
        $$"""{"code":0,"access_token":"{{AccessToken}}","expires_in":7200,"refresh_token":"{{RefreshToken}}","refresh_token_expires_in":604800,"token_type":"Bearer","scope":"contact:user.base:readonly offline_access"}""");

    /// <summary>user_info's answer (HTTP status, envelope).</summary>
    public Func<(HttpStatusCode Status, string Body)> UserInfo { get; set; } = () => (HttpStatusCode.OK, """
        {"code":0,"msg":"success","data":{"name":"Alice Chen","en_name":"Alice","avatar_url":"https://avatars.example/alice.png",
         "avatar_thumb":"https://avatars.example/alice-72.png","avatar_middle":"","avatar_big":"",
         "open_id":"ou_alice","union_id":"on_alice","email":"alice@example.com","enterprise_email":"alice@corp.example",
         "user_id":"alice01","mobile":"+8613800000000","tenant_key":"t_acme","employee_no":"E-1001"}}
        """);

    /// <summary>The JSAPI ticket endpoint's answer (HTTP status, envelope).</summary>
    public Func<(HttpStatusCode Status, string Body)> JsapiTicket { get; set; } = () => (HttpStatusCode.OK,
        $$$"""{"code":0,"msg":"ok","data":{"expire_in":7200,"ticket":"{{{Ticket}}}"}}""");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var recorded = new Recorded(request.Method.Method, request.RequestUri!.AbsolutePath, request.RequestUri.Host, request.Headers.Authorization?.ToString(), body);
        _requests.Enqueue(recorded);
        var (status, json) = recorded.Path switch
        {
            "/open-apis/auth/v3/tenant_access_token/internal" => (HttpStatusCode.OK, """{"code":0,"msg":"ok","tenant_access_token":"t-tenant-token","expire":7200}"""),
            "/open-apis/auth/v3/app_access_token/internal" => (HttpStatusCode.OK, """{"code":0,"msg":"ok","app_access_token":"a-app-token","expire":7200}"""),
            "/open-apis/authen/v2/oauth/token" => Token(),
            "/open-apis/authen/v1/user_info" => UserInfo(),
            "/open-apis/jssdk/ticket/get" => JsapiTicket(),
            _ => (HttpStatusCode.NotFound, """{"code":99991201,"msg":"not found"}"""),
        };
        return new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
    }

    internal sealed record Recorded(string Method, string Path, string Host, string? Authorization, string? Body)
    {
        public JsonElement Json => JsonDocument.Parse(Body!).RootElement;
    }
}

/// <summary>
/// A web app signing users in with Feishu, on the in-memory test server: <c>/login</c> challenges (<c>?qr=1</c> for QR
/// login, <c>?scope=a,b</c> for the challenge's own scopes), <c>/me</c> lists the signed-in user's claims and saved
/// tokens. A browser of its own (<see cref="Browser"/>) keeps cookies between requests and never follows redirects.
/// </summary>
internal sealed class SignInApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SignInApp(WebApplication app)
    {
        _app = app;
        Browser = new HttpClient(new CookieJar(app.GetTestServer().CreateHandler())) { BaseAddress = new Uri("http://localhost") };
    }

    public HttpClient Browser { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>A browser without this one's cookies.</summary>
    public HttpClient NewBrowser() => new(_app.GetTestServer().CreateHandler()) { BaseAddress = new Uri("http://localhost") };

    /// <summary>The failures seen by OnRemoteFailure (answered 401 with the message).</summary>
    public List<RemoteFailureContext> Failures { get; } = [];

    public static async Task<SignInApp> StartAsync(
        Action<FeishuAuthenticationOptions> configure,
        Action<IServiceCollection>? services = null,
        CapturingLoggerProvider? logs = null,
        TimeProvider? time = null,
        string scheme = FeishuAuthenticationDefaults.AuthenticationScheme)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
            builder.Logging.AddProvider(logs);
        }

        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        services?.Invoke(builder.Services);
        SignInApp? self = null;
        builder.Services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = scheme;
            })
            .AddCookie()
            .AddFeishu(scheme, o =>
            {
                // The test server speaks http: the correlation cookie must come back over it.
                o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.Events.OnRemoteFailure = context =>
                {
                    self!.Failures.Add(context);
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    context.HandleResponse();
                    return context.Response.WriteAsync("sign-in failed: " + context.Failure?.Message);
                };
                configure(o);
            });
        builder.Services.AddAuthorization();

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/login", (HttpContext context) =>
        {
            var properties = new FeishuChallengeProperties { RedirectUri = "/me" };
            if (context.Request.Query["qr"] == "1")
            {
                properties.QrLogin = true;
            }

            if (context.Request.Query["scope"].ToString() is { Length: > 0 } scopes)
            {
                properties.SetScope(scopes.Split(','));
            }

            return Results.Challenge(properties, [scheme]);
        });
        app.MapGet("/me", async (HttpContext context) =>
        {
            var claims = context.User.Claims.Select(c => new { type = c.Type, value = c.Value, issuer = c.Issuer }).ToList();
            var tokens = (await context.AuthenticateAsync()).Properties?.GetTokens().ToDictionary(t => t.Name, t => t.Value) ?? [];
            return Results.Json(new { claims, tokens });
        }).RequireAuthorization();
        await app.StartAsync();
        self = new SignInApp(app);
        return self;
    }

    /// <summary>GET /login: the redirect to Feishu.</summary>
    public async Task<Uri> ChallengeAsync(string query = "")
    {
        using var response = await Browser.GetAsync(new Uri("/login" + query, UriKind.Relative));
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        return response.Headers.Location!;
    }

    /// <summary>Feishu sends the browser back to the callback with these query values.</summary>
    public Task<HttpResponseMessage> CallbackAsync(params (string Name, string Value)[] query) =>
        Browser.GetAsync(new Uri(QueryHelpers.AddQueryString("/signin-feishu", query.Select(q => new KeyValuePair<string, string?>(q.Name, q.Value))), UriKind.Relative));

    /// <summary>The whole round: challenge, then the callback with a code and the state Feishu echoes.</summary>
    public async Task<(Uri Authorize, HttpResponseMessage Callback)> SignInAsync(string code = "code-from-feishu-6b1c", string query = "")
    {
        var authorize = await ChallengeAsync(query);
        var callback = await CallbackAsync(("code", code), ("state", Query(authorize, "state")!));
        return (authorize, callback);
    }

    /// <summary>The signed-in user's claims (type → values) and saved tokens.</summary>
    public async Task<(ILookup<string, string> Claims, IReadOnlyDictionary<string, string> Tokens, IReadOnlyList<string> Issuers)> MeAsync()
    {
        using var response = await Browser.GetAsync(new Uri("/me", UriKind.Relative));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var claims = json.RootElement.GetProperty("claims").EnumerateArray().Select(c => (Type: c.GetProperty("type").GetString()!, Value: c.GetProperty("value").GetString()!, Issuer: c.GetProperty("issuer").GetString()!)).ToList();
        var tokens = json.RootElement.GetProperty("tokens").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        return (claims.ToLookup(c => c.Type, c => c.Value), tokens, [.. claims.Select(c => c.Issuer).Distinct()]);
    }

    public static string? Query(Uri url, string name) =>
        QueryHelpers.ParseQuery(url.Query).TryGetValue(name, out var value) ? value.ToString() : null;

    public async ValueTask DisposeAsync()
    {
        Browser.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Keeps cookies as a browser would (by name; this test server has one host).</summary>
    private sealed class CookieJar(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private readonly System.Net.CookieContainer _cookies = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var header = _cookies.GetCookieHeader(request.RequestUri!);
            if (header.Length > 0)
            {
                request.Headers.Add("Cookie", header);
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            {
                foreach (var setCookie in setCookies)
                {
                    _cookies.SetCookies(request.RequestUri!, setCookie);
                }
            }

            return response;
        }
    }
}

/// <summary>Independent computations of what Feishu checks.</summary>
internal static class Wire
{
    public static string S256(string verifier) =>
        Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
