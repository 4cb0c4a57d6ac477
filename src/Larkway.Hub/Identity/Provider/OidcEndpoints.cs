using System.Security.Claims;
using Larkway.Hub.Identity.Clients;
using Larkway.Hub.Identity.Keys;
using Larkway.Hub.Identity.Sessions;
using Larkway.Hub.Identity.SignIn;
using Larkway.Hub.Platform;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Larkway.Hub.Identity.Provider;

/// <summary>
/// The OpenID Connect provider's endpoints. They only translate HTTP: read the parameters (refusing repeats and wrong
/// content types), call <see cref="AuthorizeService"/>, <see cref="TokenService"/> or the session store, and answer as
/// the RFCs say — JSON errors with <c>error</c>/<c>error_description</c> and <c>Cache-Control: no-store</c> at the token
/// and revocation endpoints, <c>WWW-Authenticate: Bearer error=…</c> at userinfo, redirects with <c>error</c>, <c>state</c>
/// and <c>iss</c> from the authorization endpoint, and a page (never a redirect) when the client or redirect URI is wrong.
/// </summary>
internal static partial class OidcEndpoints
{
    /// <summary>The largest form the token, revocation and logout endpoints read.</summary>
    private const int MaxFormBytes = 16 * 1024;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(IdentitySite.DiscoveryPath, Discovery).AllowAnonymous().WithName("OidcDiscovery");
        endpoints.MapGet(IdentitySite.JwksPath, JwksAsync).AllowAnonymous().WithName("OidcJwks");
        endpoints.MapMethods(IdentitySite.AuthorizePath, [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync).AllowAnonymous().WithName("OidcAuthorize");
        endpoints.MapPost(IdentitySite.TokenPath, TokenAsync).AllowAnonymous().WithName("OidcToken");
        endpoints.MapMethods(IdentitySite.UserInfoPath, [HttpMethods.Get, HttpMethods.Post], UserInfoAsync).AllowAnonymous().WithName("OidcUserInfo");
        endpoints.MapPost(IdentitySite.RevocationPath, RevokeAsync).AllowAnonymous().WithName("OidcRevoke");
        endpoints.MapMethods(IdentitySite.EndSessionPath, [HttpMethods.Get, HttpMethods.Post], EndSessionAsync).AllowAnonymous().WithName("OidcEndSession");
    }

    /// <summary>OpenID Connect Discovery 1.0 §3: every required and recommended member, and the optional ones that apply.</summary>
    private static JsonHttpResult<Dictionary<string, object>> Discovery(HttpContext http, [FromServices] IOptions<IdentityOptions> options)
    {
        var issuer = IdentitySite.IssuerOf(http, options.Value);
        var algorithms = options.Value.SigningAlgorithm == "ES256" ? new[] { "ES256", "RS256" } : ["RS256", "ES256"];
        string[] authMethods = ["client_secret_basic", "client_secret_post", "none"];
        var document = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["issuer"] = issuer,
            ["authorization_endpoint"] = issuer + IdentitySite.AuthorizePath,
            ["token_endpoint"] = issuer + IdentitySite.TokenPath,
            ["userinfo_endpoint"] = issuer + IdentitySite.UserInfoPath,
            ["jwks_uri"] = issuer + IdentitySite.JwksPath,
            ["scopes_supported"] = IdentityScopes.All.ToArray(),
            ["response_types_supported"] = new[] { "code" },
            ["response_modes_supported"] = new[] { "query", AuthorizeService.FormPostMode },
            ["grant_types_supported"] = new[] { "authorization_code", "refresh_token" },
            ["acr_values_supported"] = Array.Empty<string>(),
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = algorithms,
            ["userinfo_signing_alg_values_supported"] = new[] { "none" },
            ["token_endpoint_auth_methods_supported"] = authMethods,
            ["display_values_supported"] = new[] { "page" },
            ["claim_types_supported"] = new[] { "normal" },
            ["claims_supported"] = IdentityScopes.Claims.ToArray(),
            ["service_documentation"] = issuer + "/console",
            ["ui_locales_supported"] = new[] { "en" },
            ["claims_parameter_supported"] = false,
            ["request_parameter_supported"] = false,
            ["request_uri_parameter_supported"] = false,
            ["require_request_uri_registration"] = false,
            ["code_challenge_methods_supported"] = new[] { "S256" },
            ["revocation_endpoint"] = issuer + IdentitySite.RevocationPath,
            ["revocation_endpoint_auth_methods_supported"] = authMethods,
            ["end_session_endpoint"] = issuer + IdentitySite.EndSessionPath,
            ["authorization_response_iss_parameter_supported"] = true,
            ["prompt_values_supported"] = new[] { "none", "login", "consent", "select_account" },
        };
        if (options.Value.DynamicRegistration)
        {
            document["registration_endpoint"] = issuer + IdentitySite.RegistrationPath;
        }

        if (IdentitySite.IsIssuerConfigured(http, options.Value))
        {
            http.Response.Headers.CacheControl = "public, max-age=300";
        }
        else
        {
            // The issuer came from the Host header: a shared cache keeping this answer would hand one caller's issuer
            // (and endpoints) to everyone.
            NoStore(http);
            http.Response.Headers.Vary = "Host";
            WarnIssuerFromRequest(http);
        }

        return TypedResults.Json(document, IdentityJsonContext.Default.DictionaryStringObject);
    }

    /// <summary>The published keys (RFC 7517): the signing key, the next one, and retired ones whose tokens may still live.</summary>
    private static async Task<ContentHttpResult> JwksAsync(HttpContext http, [FromServices] SigningKeys keys, CancellationToken cancellationToken)
    {
        var published = await keys.PublishedAsync(cancellationToken).ConfigureAwait(false);
        var json = "{\"keys\":[" + string.Join(',', published.Select(k => SigningKeys.PublicJson(k.PublicJwk))) + "]}";
        http.Response.Headers.CacheControl = "public, max-age=300";
        return TypedResults.Text(json, "application/json; charset=utf-8");
    }

    private static async Task<IResult> AuthorizeAsync(
        HttpContext http, [FromServices] AuthorizeService authorize, [FromServices] SignInState state, [FromServices] IOptions<IdentityOptions> options, CancellationToken cancellationToken)
    {
        var (parameters, problem) = await ReadParametersAsync(http, "authorization", cancellationToken).ConfigureAwait(false);
        if (parameters is null)
        {
            return SignInPages.Error("Invalid sign-in request", problem!);
        }

        var session = await CurrentSessionAsync(http).ConfigureAwait(false);
        var issuer = IdentitySite.IssuerOf(http, options.Value);
        var outcome = await authorize.AuthorizeAsync(issuer, parameters, session, freshSignIn: false, cancellationToken).ConfigureAwait(false);
        return outcome switch
        {
            AuthorizeOutcome.Redirect r => SignInPages.Answer(r),
            AuthorizeOutcome.SignIn s => NoStoreRedirect(http, QueryHelpers.AddQueryString(IdentitySite.SignInPath, "r",
                state.Protect(new SignInContinuation(SignInContinuation.AuthorizeKind, new Dictionary<string, string>(s.Parameters, StringComparer.Ordinal), null)))),
            AuthorizeOutcome.ErrorPage e => SignInPages.Error(e.Title, e.Detail),
            _ => throw new InvalidOperationException("Unknown outcome."),
        };
    }

    private static async Task<IResult> TokenAsync(
        HttpContext http, [FromServices] ClientAuthentication authentication, [FromServices] TokenService tokens, [FromServices] IOptions<IdentityOptions> options, CancellationToken cancellationToken)
    {
        var (form, client, basic, refused) = await ReadClientFormAsync(http, authentication, cancellationToken).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        var issuer = IdentitySite.IssuerOf(http, options.Value);
        var (response, error) = form["grant_type"] switch
        {
            null => (null, OidcError.Request("grant_type is missing; send authorization_code or refresh_token.")),
            "authorization_code" => await tokens.ExchangeCodeAsync(issuer, client, form, cancellationToken).ConfigureAwait(false),
            "refresh_token" => await tokens.RefreshAsync(issuer, client, form, cancellationToken).ConfigureAwait(false),
            var other => (null, new OidcError(OidcError.UnsupportedGrantType, $"grant_type '{Shorten(other)}' is not supported; the Hub takes authorization_code and refresh_token.")),
        };
        if (response is null)
        {
            return Error(http, error!, basic);
        }

        var body = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["access_token"] = response.AccessToken,
            ["token_type"] = "Bearer",
            ["expires_in"] = response.ExpiresIn,
            ["id_token"] = response.IdToken,
            ["scope"] = response.Scope,
        };
        if (response.RefreshToken is { } refresh)
        {
            body["refresh_token"] = refresh;
        }

        return TypedResults.Json(body, IdentityJsonContext.Default.DictionaryStringObject);
    }

    private static async Task<IResult> UserInfoAsync(HttpContext http, [FromServices] TokenService tokens, [FromServices] IOptions<IdentityOptions> options, CancellationToken cancellationToken)
    {
        NoStore(http);
        string? token = null;
        var header = http.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = header["Bearer ".Length..].Trim();
        }
        else if (HttpMethods.IsPost(http.Request.Method) && http.Request.HasFormContentType && header.Length == 0)
        {
            // RFC 6750 §2.2: the form body may carry it instead.
            var (form, _) = await ReadFormAsync(http, cancellationToken).ConfigureAwait(false);
            token = form?["access_token"];
        }

        var result = await tokens.UserInfoAsync(IdentitySite.IssuerOf(http, options.Value), string.IsNullOrEmpty(token) ? null : token, cancellationToken).ConfigureAwait(false);
        if (result.Error is { } error)
        {
            // RFC 6750 §3: no error code when no token came at all.
            var challenge = token is null ? "Bearer" : $"Bearer error=\"{error.Error}\", error_description=\"{error.WireDescription}\"";
            http.Response.Headers.WWWAuthenticate = challenge;
            return TypedResults.Json(ErrorBody(error), IdentityJsonContext.Default.DictionaryStringObject, statusCode: error.Status);
        }

        return TypedResults.Json(result.Claims!, IdentityJsonContext.Default.DictionaryStringObject);
    }

    private static async Task<IResult> RevokeAsync(
        HttpContext http, [FromServices] ClientAuthentication authentication, [FromServices] TokenService tokens, [FromServices] IOptions<IdentityOptions> options, CancellationToken cancellationToken)
    {
        var (form, client, basic, refused) = await ReadClientFormAsync(http, authentication, cancellationToken).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        var error = await tokens.RevokeAsync(IdentitySite.IssuerOf(http, options.Value), client, form, cancellationToken).ConfigureAwait(false);
        return error is null ? TypedResults.Ok() : Error(http, error, basic);
    }

    /// <summary>
    /// RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): ends the broker's session — the person is signed
    /// out of every app — and returns to the app's registered <c>post_logout_redirect_uri</c> (exact match) with its
    /// <c>state</c>. Without a valid <c>id_token_hint</c> of the signed-in person, the person is asked first.
    /// </summary>
    private static async Task<IResult> EndSessionAsync(
        HttpContext http,
        [FromServices] TokenIssuer issuer,
        [FromServices] ClientStore clients,
        [FromServices] SessionStore sessions,
        [FromServices] SignInState state,
        [FromServices] IOptions<IdentityOptions> options,
        CancellationToken cancellationToken)
    {
        var (parameters, problem) = await ReadParametersAsync(http, "logout", cancellationToken).ConfigureAwait(false);
        if (parameters is null)
        {
            return SignInPages.Error("Invalid sign-out request", problem!);
        }

        if (parameters.Repeated is { } repeated)
        {
            return SignInPages.Error("Invalid sign-out request", $"The parameter '{repeated}' was sent more than once.");
        }

        var issuerUrl = IdentitySite.IssuerOf(http, options.Value);
        (string ClientId, string Subject, string? SessionId)? hint = null;
        if (parameters["id_token_hint"] is { } hintText)
        {
            hint = await issuer.ReadIdTokenHintAsync(issuerUrl, hintText, cancellationToken).ConfigureAwait(false);
            if (hint is null)
            {
                return SignInPages.Error("Invalid sign-out request", "id_token_hint is not an id_token this Hub issued. The app should send the id_token it got at sign-in, or none.");
            }
        }

        var clientId = parameters["client_id"];
        if (hint is { } h && clientId is not null && clientId != h.ClientId)
        {
            return SignInPages.Error("Invalid sign-out request", "client_id differs from the audience of id_token_hint.");
        }

        clientId ??= hint?.ClientId;
        var client = clientId is null || clientId.Length > 64 ? null : await clients.FindAsync(clientId, cancellationToken).ConfigureAwait(false);
        if (clientId is not null && client is null)
        {
            return SignInPages.Error("Unknown app", $"No app with client_id '{Shorten(clientId)}' is registered with this Hub.");
        }

        var returnTo = parameters["post_logout_redirect_uri"];
        if (returnTo is not null)
        {
            if (client is null)
            {
                return SignInPages.Error("Invalid sign-out request", "post_logout_redirect_uri needs the app named: send client_id or id_token_hint too.");
            }

            if (!ClientService.Lines(client.PostLogoutRedirectUris).Contains(returnTo, StringComparer.Ordinal))
            {
                return SignInPages.Error("Sign-out address not registered",
                    $"The app '{client.Name}' asked to return to '{Shorten(returnTo)}' after sign-out, which is not one of its registered post-logout redirect URIs (compared exactly).");
            }

            if (parameters["state"] is { } s)
            {
                returnTo = QueryHelpers.AddQueryString(returnTo, "state", s);
            }
        }

        var session = await CurrentSessionAsync(http).ConfigureAwait(false);
        var confirmed = HttpMethods.IsPost(http.Request.Method) && parameters["confirm"] == "yes"
            && session is not null && state.ReadLogout(parameters[LogoutTokenField]) == session.Id;
        var hinted = hint is { } known && (session is null || session.PersonId == known.Subject);
        if (session is not null && !confirmed && !hinted)
        {
            var fields = parameters.All.Where(p => p.Key is "client_id" or "post_logout_redirect_uri" or "state").ToDictionary(StringComparer.Ordinal);
            var origin = returnTo is null ? null : new Uri(returnTo).GetLeftPart(UriPartial.Authority);
            return SignInPages.ConfirmSignOut(client?.Name, fields, LogoutTokenField, state.ProtectLogout(session.Id), origin);
        }

        if (session is not null)
        {
            await sessions.EndAsync(session.Id, "sign_out", cancellationToken).ConfigureAwait(false);
        }

        await http.SignOutAsync(IdentitySite.Scheme).ConfigureAwait(false);
        return returnTo is null ? SignInPages.SignedOut() : NoStoreRedirect(http, returnTo);
    }

    private const string LogoutTokenField = "logout_token";

    private static int _warnedIssuer;

    /// <summary>Once per process: the issuer is taken from requests because neither setting names it.</summary>
    private static void WarnIssuerFromRequest(HttpContext http)
    {
        if (Interlocked.Exchange(ref _warnedIssuer, 1) == 0)
        {
            LogIssuerFromRequest(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OidcEndpoints).FullName!));
        }
    }

    [LoggerMessage(EventId = LogEvents.IdentityIssuerFromRequest, Level = LogLevel.Warning,
        Message = "Larkway:Identity:Issuer (or LARKWAY_PUBLIC_URL) is not set, so the sign-in broker's issuer is taken from each request's Host header and discovery is answered with Cache-Control: no-store. Set it to the Hub's public origin.")]
    private static partial void LogIssuerFromRequest(ILogger logger);

    /// <summary>The live broker session of the request's cookie, or null.</summary>
    public static async Task<SessionRow?> CurrentSessionAsync(HttpContext http)
    {
        var result = await http.AuthenticateAsync(IdentitySite.Scheme).ConfigureAwait(false);
        if (result.Principal?.FindFirstValue(IdentitySite.SessionClaim) is not { } id)
        {
            return null;
        }

        var sessions = http.RequestServices.GetRequiredService<SessionStore>();
        return await sessions.FindActiveAsync(id, http.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// What the token and revocation endpoints read first: <c>no-store</c> on the answer, the form (RFC 6749 §3.2), then
    /// the client's authentication. Either the form and the client, or the error answer.
    /// </summary>
    private static async Task<(ProtocolParameters Form, ClientRow Client, bool Basic, IResult? Refused)> ReadClientFormAsync(HttpContext http, ClientAuthentication authentication, CancellationToken cancellationToken)
    {
        NoStore(http);
        var (form, problem) = await ReadProtocolFormAsync(http, cancellationToken).ConfigureAwait(false);
        if (form is null)
        {
            return (null!, null!, false, Error(http, OidcError.Request(problem!), basic: false));
        }

        var (client, failed, basic) = await authentication.AuthenticateAsync(Credentials(http, form), cancellationToken).ConfigureAwait(false);
        return client is null ? (form, null!, basic, Error(http, failed!, basic)) : (form, client, basic, null);
    }

    /// <summary>A GET's query, or a POST's form (which must be one); null and the page's sentence when it cannot be read.</summary>
    private static async Task<(ProtocolParameters? Parameters, string? Problem)> ReadParametersAsync(HttpContext http, string endpoint, CancellationToken cancellationToken)
    {
        if (!HttpMethods.IsPost(http.Request.Method))
        {
            return (ProtocolParameters.From(http.Request.Query), null);
        }

        return http.Request.HasFormContentType
            ? await ReadFormAsync(http, cancellationToken).ConfigureAwait(false)
            : (null, $"A POST to the {endpoint} endpoint must be an HTML form (application/x-www-form-urlencoded).");
    }

    private static ClientCredentials Credentials(HttpContext http, ProtocolParameters form)
    {
        var header = http.Request.Headers.Authorization.ToString();
        return new ClientCredentials(header.Length > 0 ? header : null, form["client_id"], form["client_secret"]);
    }

    /// <summary>The token and revocation endpoints take only a form (RFC 6749 §3.2), each parameter once.</summary>
    private static async Task<(ProtocolParameters? Form, string? Problem)> ReadProtocolFormAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (!http.Request.HasFormContentType || !http.Request.ContentType!.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return (null, "Send the parameters as application/x-www-form-urlencoded (RFC 6749 §3.2), not JSON or a multipart body.");
        }

        var (form, problem) = await ReadFormAsync(http, cancellationToken).ConfigureAwait(false);
        if (form?.Repeated is { } repeated)
        {
            return (null, $"The parameter '{repeated}' was sent more than once.");
        }

        return (form, problem);
    }

    private static async Task<(ProtocolParameters? Form, string? Problem)> ReadFormAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (http.Request.ContentLength > MaxFormBytes)
        {
            return (null, $"The form is larger than {MaxFormBytes / 1024} KiB.");
        }

        try
        {
            var form = await http.Request.ReadFormAsync(new Microsoft.AspNetCore.Http.Features.FormOptions { ValueLengthLimit = MaxFormBytes, KeyLengthLimit = 256, ValueCountLimit = 64, BufferBody = false }, cancellationToken).ConfigureAwait(false);
            return (ProtocolParameters.From(form), null);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException or InvalidOperationException)
        {
            return (null, "The form could not be read (malformed, or larger than the endpoint takes).");
        }
    }

    private static IResult Error(HttpContext http, OidcError error, bool basic)
    {
        if (error.Status == StatusCodes.Status401Unauthorized || basic && error.Error == OidcError.InvalidClient)
        {
            // RFC 6749 §5.2: invalid_client answers 401 with WWW-Authenticate naming the scheme clients use (Basic).
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"larkway\"";
        }

        return TypedResults.Json(ErrorBody(error), IdentityJsonContext.Default.DictionaryStringObject, statusCode: error.Status);
    }

    private static Dictionary<string, object> ErrorBody(OidcError error) =>
        new(StringComparer.Ordinal) { ["error"] = error.Error, ["error_description"] = error.WireDescription };

    private static void NoStore(HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
    }

    private static IResult NoStoreRedirect(HttpContext http, string location)
    {
        NoStore(http);
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        return TypedResults.Redirect(location);
    }

    private static string Shorten(string value) => value.Length > 80 ? value[..80] + "…" : value;
}
