using System.Net.Http.Headers;
using System.Text;

namespace Larkway.Integration.Tests.Hub.Fuzz;

/// <summary>
/// The sign-in broker's protocol routes attacked as a hostile relying party or browser would: every parameter of a
/// valid authorization, token, revocation, userinfo and logout request replaced in turn by hostile values, sent twice,
/// in the wrong content type, with broken Basic credentials, junk bearer tokens and forged cookies.
/// </summary>
internal static class OidcCases
{
    public const string RedirectUri = "https://fuzz.example.com/signin-oidc";

    private static readonly string[] Hostile =
    [
        "", "%FF%FE%C3%28", "%00", "-1", "99999999999999999999999", Uri.EscapeDataString("<script>alert(1)</script>\"'"),
        new string('A', 6000), "%E5%90%8D", Uri.EscapeDataString("https://evil.example.com/cb"), Uri.EscapeDataString("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."),
        "a.b.c", Uri.EscapeDataString("javascript:alert(1)"), "lkac_" + new string('x', 43), "lkrt_" + new string('x', 43),
    ];

    public static bool Covers(FuzzRoute route) =>
        route.Pattern.StartsWith("/oidc/", StringComparison.Ordinal) || route.Pattern.StartsWith("/.well-known/", StringComparison.Ordinal);

    public static IEnumerable<FuzzRequest> For(FuzzRoute route, FuzzTarget target, Random random)
    {
        var client = target.IdentityClientId;
        var secret = target.IdentityClientSecret;
        var challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        var (method, valid, basic) = route.Pattern switch
        {
            "/oidc/authorize" => ("GET", new Dictionary<string, string>
            {
                ["response_type"] = "code", ["client_id"] = client, ["redirect_uri"] = RedirectUri, ["scope"] = "openid profile email groups offline_access",
                ["state"] = "s", ["nonce"] = "n", ["code_challenge"] = challenge, ["code_challenge_method"] = "S256", ["prompt"] = "login", ["max_age"] = "60",
            }, false),
            "/oidc/token" => ("POST", new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code", ["code"] = "lkac_fuzz", ["redirect_uri"] = RedirectUri, ["code_verifier"] = new string('v', 43),
                ["refresh_token"] = "lkrt_fuzz", ["scope"] = "openid",
            }, true),
            "/oidc/revoke" => ("POST", new Dictionary<string, string> { ["token"] = "lkrt_fuzz", ["token_type_hint"] = "refresh_token" }, true),
            "/oidc/userinfo" => ("POST", new Dictionary<string, string> { ["access_token"] = "a.b.c" }, false),
            "/oidc/logout" => ("GET", new Dictionary<string, string>
            {
                ["id_token_hint"] = "a.b.c", ["client_id"] = client, ["post_logout_redirect_uri"] = "https://fuzz.example.com/signed-out", ["state"] = "s", ["confirm"] = "yes", ["logout_token"] = "x",
            }, false),
            "/oidc/sign-in" or "/oidc/feishu/start" or "/oidc/console" => ("GET", new Dictionary<string, string> { ["r"] = "CfDJ8" + new string('A', 100), ["via"] = "qr", ["returnUrl"] = "/console" }, false),
            "/oidc/feishu/callback" => ("GET", new Dictionary<string, string> { ["code"] = "c", ["state"] = "s", ["error"] = "access_denied" }, false),
            _ => ("GET", new Dictionary<string, string>(), false),
        };

        foreach (var name in valid.Keys)
        {
            foreach (var value in Hostile)
            {
                var values = valid.ToDictionary(v => v.Key, v => Uri.EscapeDataString(v.Value));
                values[name] = value;
                yield return Build(route, method, Encode(values), $"{name}={Short(value)}", basic ? Basic(client, secret) : null, random);
            }

            var twice = valid.ToDictionary(v => v.Key, v => Uri.EscapeDataString(v.Value));
            yield return Build(route, method, Encode(twice) + $"&{name}=again", $"{name} twice", basic ? Basic(client, secret) : null, random);
        }

        var form = Encode(valid.ToDictionary(v => v.Key, v => Uri.EscapeDataString(v.Value)));
        foreach (var authorization in new[] { "Basic", "Basic !!!", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("no-colon")), "Basic " + Convert.ToBase64String([0xff, 0xfe, 0x3a, 0x00]),
            Basic(client, "wrong"), Basic("%ZZ", "%ZZ"), Basic(new string('c', 5000), "x"), "Bearer", "Bearer " + new string('x', 20000), "Bearer a.b.c", "Bearer eyJhbGciOiJub25lIn0.e30.", "Digest x" })
        {
            yield return Build(route, method, form, "authorization " + Short(authorization), authorization, random);
        }

        foreach (var cookie in new[] { "larkway_sso=" + new string('A', 300), "larkway_sso_feishu=%FF%00", "larkway_sso=CfDJ8garbage; larkway_sso_feishu=CfDJ8garbage", "larkway_sso=" })
        {
            yield return Build(route, method, form, "cookie " + Short(cookie), null, random, cookie);
        }

        if (method == "POST")
        {
            foreach (var contentType in new[] { "application/json", "multipart/form-data; boundary=x", "text/plain", "application/x-www-form-urlencoded; charset=utf-16" })
            {
                yield return Build(route, method, form, "content-type " + contentType, basic ? Basic(client, secret) : null, random, contentType: contentType);
            }
        }
    }

    /// <summary>The body of a dynamic registration (RFC 7591), for the admin's mutations.</summary>
    public const string Registration = """
        {"redirect_uris": ["https://fuzz.example.com/cb"], "client_name": "Fuzz", "token_endpoint_auth_method": "client_secret_basic",
         "post_logout_redirect_uris": ["https://fuzz.example.com/out"], "scope": "openid profile", "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"]}
        """;

    private static FuzzRequest Build(FuzzRoute route, string method, string encoded, string what, string? authorization, Random random, string? cookie = null, string contentType = "application/x-www-form-urlencoded")
    {
        var get = method == "GET" || random.Next(4) == 0 && route.Methods.Contains("GET");
        var path = get ? route.Pattern + "?" + encoded : route.Pattern;
        var bytes = get ? [] : Encoding.ASCII.GetBytes(encoded);
        return new FuzzRequest(route.Pattern, $"{(get ? "GET" : "POST")} {route.Pattern} [oidc] {what}", bytes.Length, () =>
        {
            var request = new HttpRequestMessage(get ? HttpMethod.Get : HttpMethod.Post, path);
            if (!get)
            {
                request.Content = new ByteArrayContent(bytes);
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }

            if (authorization is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            if (cookie is not null)
            {
                request.Headers.TryAddWithoutValidation("Cookie", cookie);
            }

            return request;
        });
    }

    private static string Encode(Dictionary<string, string> values) => string.Join("&", values.Select(v => v.Key + "=" + v.Value));

    private static string Basic(string id, string secret) =>
        new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.EscapeDataString(id) + ":" + Uri.EscapeDataString(secret)))).ToString();

    private static string Short(string value) => value.Length > 40 ? value[..40] + "…" : value;
}
