using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// Every route the Hub maps, read from its endpoint data source, called as nobody and with a business system's API key:
/// a route is public only when it is listed here with the reason, an API key reaches only the routes listed as a
/// business system's, and every other route is the admin key's. A route added later without its policy fails here.
/// </summary>
public sealed partial class HubRouteAuthorizationTests(ITestOutputHelper output)
{
    /// <summary>Routes anyone may call: each authenticates its caller its own way, or shows nothing that needs a key.</summary>
    private static readonly Dictionary<string, string> Public = new(StringComparer.Ordinal)
    {
        ["/feishu/events"] = "Feishu's event callback: verified by its signature and verification token",
        ["/feishu/cards"] = "Feishu's card callback: verified by its signature and verification token",
        ["/feishu/apps/{name}/events"] = "a stored app's event callback: verified by that app's signature",
        ["/feishu/apps/{name}/cards"] = "a stored app's card callback: verified by that app's signature",
        ["/dingtalk/apps/{name}/callback"] = "a DingTalk app's HTTP callback: verified by the robot's sign (AppSecret) or the event subscription's signature and crypto",
        ["/wecom/apps/{name}/callback"] = "a WeCom app's callback: verified by its msg_signature (Token) and decrypted with its EncodingAESKey",
        ["/dingtalk/actions/{token}"] = "a notification button on DingTalk: the token is the click, encrypted and authenticated for its recipient; it shows and acts only for a DingTalk sign-in of that recipient",
        ["/dingtalk/actions/signin"] = "DingTalk's return from its login for a button: bound to the browser that left (a sealed state and its cookie), it signs in only the button's recipient",
        ["/api/v1/openapi.json"] = "the API's OpenAPI document: the shapes of its calls, no data; what client generators read",
        ["/healthz"] = "liveness probe for orchestrators; says only up or down",
        ["/readyz"] = "readiness probe for orchestrators and load balancers",
        ["/"] = "a redirect to the console",
        ["/console/deliveries/{**rest}"] = "the page's old name, a redirect to /console/notifications (which asks for sign-in itself)",
        ["/favicon.ico"] = "the console's icon",
        ["/console/assets/{name}"] = "the console's style sheet and scripts, which the sign-in page needs",
        ["/console/api-reference/scalar.js"] = "the API reference's script bundle, as its NuGet package ships it: code, no data (the page itself asks for sign-in)",
        ["/console/api-reference/scalar.aspnetcore.js"] = "the API reference's start-up script: code, no data",
        ["/console/api-reference/favicon.svg"] = "the API reference's icon",
        ["/console/sign-in"] = "the console's sign-in page",
        ["/.well-known/openid-configuration"] = "OpenID Connect Discovery: public by the standard",
        ["/oidc/jwks"] = "the public signing keys relying parties verify tokens with",
        ["/oidc/authorize"] = "the OIDC authorization endpoint: the browser of someone not yet signed in",
        ["/oidc/token"] = "the token endpoint: authenticates the client itself (client_secret, PKCE)",
        ["/oidc/userinfo"] = "authenticates the caller by its access token",
        ["/oidc/revoke"] = "RFC 7009 revocation: authenticates the client itself",
        ["/oidc/logout"] = "RP-initiated logout: the browser, checked against the client's post-logout URIs",
        ["/oidc/sign-in"] = "the broker's sign-in page",
        ["/oidc/console"] = "starts the console's sign-in with Feishu",
        ["/oidc/{platform}/start"] = "starts a platform's leg of a sign-in (Feishu, DingTalk, WeCom)",
        ["/oidc/{platform}/done"] = "the end of that leg: the platform's redirect with its code and the state",
        ["/oidc/{platform}/denied"] = "that leg refused",
        ["/oidc/assets/qr-login.js"] = "the sign-in page's script",
        ["/oidc/assets/form-post.js"] = "the form_post response mode's script",
        ["/oidc/feishu/documents"] = "a person lets the assistant ask Feishu as them about documents (Feishu's sign-in with the docs scopes)",
        ["/oidc/feishu/documents/done"] = "the end of that sign-in: the person's token kept, a page saying so",
    };

    /// <summary>Routes a business system's API key may call (what it sends and follows, and the directory it resolves people in).</summary>
    internal static readonly Dictionary<string, string> ForApiKeys = new(StringComparer.Ordinal)
    {
        ["POST /api/v1/notifications"] = "sending is what an API key is for (its types are checked)",
        ["GET /api/v1/notifications"] = "its own notifications",
        ["GET /api/v1/notifications/{id}"] = "its own notification",
        ["PATCH /api/v1/notifications/{id}"] = "its own notification's content",
        ["POST /api/v1/notifications/{id}/retry"] = "its own notification",
        ["GET /api/v1/notification-types"] = "the types it may send",
        ["GET /api/v1/notification-types/{name}"] = "a type it may send",
        ["POST /api/v1/notification-types/{name}/preview"] = "renders a type with its data; stores nothing",
        ["POST /api/v1/approvals"] = "submitting is what an API key is for",
        ["GET /api/v1/approvals"] = "its own approvals",
        ["GET /api/v1/approvals/{id}"] = "its own approval",
        ["POST /api/v1/approvals/{id}/cancel"] = "its own approval",
        ["GET /api/v1/directory/people"] = "a business system resolves email → person (mobile numbers masked)",
        ["GET /api/v1/directory/people/{id}"] = "a business system resolves a person (mobile numbers masked)",
        ["GET /api/v1/directory/departments"] = "recipients by department",
        ["GET /api/v1/directory/departments/{id}"] = "recipients by department",
    };

    [Fact]
    public async Task Every_route_not_listed_as_public_refuses_nobody_with_401_and_an_API_key_with_403_unless_listed_for_API_keys()
    {
        await using var hub = await HubSandbox.StartAsync();
        var routes = Routes(hub);
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = hub.Host.BaseUrl };
        using var withKey = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = hub.Host.BaseUrl };
        withKey.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await ApiKeyAsync(hub));
        using var withAdminKey = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = hub.Host.BaseUrl };
        withAdminKey.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);

        var failures = new List<string>();
        var (admin, apiKey, console) = (0, 0, 0);
        foreach (var (pattern, methods) in routes.Where(r => !Public.ContainsKey(r.Key)))
        {
            var path = Parameter().Replace(pattern, "1");
            if (pattern.StartsWith("/console", StringComparison.Ordinal))
            {
                // The console is the signed-in administrator's: nobody, and a bearer key (even the admin's), go to sign in.
                console++;
                foreach (var client in new[] { anonymous, withAdminKey })
                {
                    using var page = await client.GetAsync(path);
                    if (page.StatusCode != HttpStatusCode.Redirect || page.Headers.Location?.ToString().Contains("/console/sign-in", StringComparison.Ordinal) != true)
                    {
                        failures.Add($"GET {pattern} {(client == anonymous ? "as nobody" : "with the admin key")}: {(int)page.StatusCode} {page.Headers.Location}, not a redirect to the sign-in page");
                    }
                }

                continue;
            }

            foreach (var method in methods)
            {
                using (var response = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)))
                {
                    var body = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode != HttpStatusCode.Unauthorized
                        || !response.Headers.WwwAuthenticate.Any(h => h.Scheme == "Bearer")
                        || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    {
                        failures.Add($"{method} {pattern} as nobody: {(int)response.StatusCode} {response.Content.Headers.ContentType}, not 401 problem+json with WWW-Authenticate: Bearer");
                        continue;
                    }
                }

                if (ForApiKeys.ContainsKey($"{method} {pattern}"))
                {
                    apiKey++;
                    continue;
                }

                admin++;
                using (var response = await withKey.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)))
                {
                    var body = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode != HttpStatusCode.Forbidden
                        || response.Content.Headers.ContentType?.MediaType != "application/problem+json"
                        || !body.Contains("admin key", StringComparison.Ordinal))
                    {
                        failures.Add($"{method} {pattern} with an API key: {(int)response.StatusCode}, not 403 problem+json naming the admin key: {body[..Math.Min(200, body.Length)]}");
                    }
                }
            }
        }

        output.WriteLine($"{routes.Count} route patterns: {Public.Count} public, {console} console pages, {admin} admin-only method+route pairs, {apiKey} open to API keys");
        failures.ShouldBeEmpty(string.Join("\n", failures));

        // The lists name routes that exist: a renamed route is not silently left public.
        var mapped = routes.SelectMany(r => r.Value.Select(m => $"{m} {r.Key}")).ToHashSet(StringComparer.Ordinal);
        Public.Keys.Where(p => !routes.ContainsKey(p)).ShouldBeEmpty("public routes the Hub no longer maps");
        ForApiKeys.Keys.Where(k => !mapped.Contains(k)).ShouldBeEmpty("API-key routes the Hub no longer maps");
        (admin, apiKey, console).ShouldSatisfyAllConditions(
            () => admin.ShouldBeGreaterThan(40, "admin-only route methods checked"),
            () => apiKey.ShouldBe(ForApiKeys.Count),
            () => console.ShouldBeGreaterThan(20, "console pages checked"));
    }

    /// <summary>Every route pattern the Hub maps, with its methods (GET for the console's pages).</summary>
    private static Dictionary<string, List<string>> Routes(HubSandbox hub) =>
        hub.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Pattern: "/" + (e.RoutePattern.RawText ?? "").Trim('/'),
                Methods: e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]))
            .GroupBy(r => r.Pattern, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.SelectMany(r => r.Methods).Where(m => m is not ("HEAD" or "OPTIONS")).Distinct(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);

    private static async Task<string> ApiKeyAsync(HubSandbox hub)
    {
        using var admin = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        using var created = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "erp", types = new[] { "*" } });
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Parameter();
}
