using System.Globalization;
using System.Text.RegularExpressions;
using Larkway.Hub.Directory;
using Larkway.Hub.Identity.Clients;
using Larkway.Hub.Identity.Sessions;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Identity.Provider;

/// <summary>Where an authorization request goes next.</summary>
internal abstract record AuthorizeOutcome
{
    /// <summary>The client or its redirect URI cannot be trusted: the browser is told, never sent anywhere (RFC 6749 §4.1.2.1).</summary>
    public sealed record ErrorPage(string Title, string Detail) : AuthorizeOutcome;

    /// <summary>
    /// Back to the client with a code or an error: in the redirect URI's query, or — <c>response_mode=form_post</c> (OAuth
    /// 2.0 Form Post Response Mode) — as a form the browser posts to it.
    /// </summary>
    public sealed record Redirect(string RedirectUri, IReadOnlyDictionary<string, string?> Answer, bool FormPost = false) : AuthorizeOutcome
    {
        /// <summary>The redirect URI with the answer in its query.</summary>
        public string Location => QueryHelpers.AddQueryString(RedirectUri, Answer);
    }

    /// <summary>The person must sign in first; the request waits for it.</summary>
    public sealed record SignIn(ClientRow Client, IReadOnlyDictionary<string, string> Parameters) : AuthorizeOutcome;
}

/// <summary>
/// The authorization endpoint's logic (OpenID Connect Core §3.1.2), apart from HTTP: checks the request in the order
/// the RFC sets (client and redirect URI first — an error about them is shown, not redirected; everything else goes
/// back to the client as <c>error</c> with <c>state</c> and <c>iss</c>), then uses the broker's session or asks for a
/// sign-in, then checks the person may use the client, then issues a code.
/// </summary>
internal sealed partial class AuthorizeService(
    ClientStore clients,
    PeopleStore people,
    PersonGroups groups,
    GrantStore grants,
    IOptions<IdentityOptions> options,
    TimeProvider time)
{
    public const int MaxStateLength = 2048;
    public const int MaxNonceLength = 512;

    /// <summary>OAuth 2.0 Form Post Response Mode: ASP.NET Core's OpenID Connect handler asks for it by default.</summary>
    public const string FormPostMode = "form_post";

    /// <summary>Checks the request and, with a live session (<paramref name="session"/>), answers it.</summary>
    /// <param name="freshSignIn">The person has just signed in for this very request (prompt=login and max_age are met).</param>
    public async Task<AuthorizeOutcome> AuthorizeAsync(string issuer, ProtocolParameters parameters, SessionRow? session, bool freshSignIn, CancellationToken cancellationToken)
    {
        var clientId = parameters["client_id"];
        var redirectUri = parameters["redirect_uri"];
        if (parameters.Repeated is "client_id" or "redirect_uri")
        {
            return new AuthorizeOutcome.ErrorPage("Invalid sign-in request", $"The app sent '{parameters.Repeated}' more than once. Ask its administrator to fix the app's sign-in request.");
        }

        if (clientId is null || clientId.Length > 64)
        {
            return new AuthorizeOutcome.ErrorPage("Invalid sign-in request", "The request names no app (client_id is missing). Start the sign-in from the app again.");
        }

        var client = await clients.FindAsync(clientId, cancellationToken).ConfigureAwait(false);
        if (client is null || !client.Enabled)
        {
            return new AuthorizeOutcome.ErrorPage("Unknown app", $"No app with client_id '{Shorten(clientId)}' is registered with this Hub{(client is null ? "" : " (it is disabled)")}. Ask the Hub's administrator to register or enable it.");
        }

        if (redirectUri is null || !ClientService.Lines(client.RedirectUris).Contains(redirectUri, StringComparer.Ordinal))
        {
            return new AuthorizeOutcome.ErrorPage("Redirect URI not registered",
                $"The app '{client.Name}' asked to return to '{Shorten(redirectUri ?? "")}', which is not one of its registered redirect URIs (they are compared exactly). Ask the Hub's administrator to add it.");
        }

        var state = parameters["state"];
        if (state is { Length: > MaxStateLength })
        {
            state = null;
        }

        // form_post is honoured for errors too, once the redirect URI is trusted; any other mode answers in the query.
        var formPost = parameters["response_mode"] == FormPostMode;
        AuthorizeOutcome Fail(string error, string description) => ErrorAnswer(redirectUri, issuer, error, description, state, formPost);

        if (parameters.Repeated is { } repeated)
        {
            return Fail(OidcError.InvalidRequest, $"The parameter '{repeated}' was sent more than once.");
        }

        if (parameters["state"] is { Length: > MaxStateLength })
        {
            return Fail(OidcError.InvalidRequest, $"state is longer than {MaxStateLength} characters.");
        }

        if (parameters["request"] is not null)
        {
            return Fail(OidcError.RequestNotSupported, "Request objects (the 'request' parameter) are not supported; send the parameters in the query.");
        }

        if (parameters["request_uri"] is not null)
        {
            return Fail(OidcError.RequestUriNotSupported, "'request_uri' is not supported; send the parameters in the query.");
        }

        if (parameters["response_type"] is not { } responseType)
        {
            return Fail(OidcError.InvalidRequest, "response_type is missing; send response_type=code.");
        }

        if (responseType != "code")
        {
            return Fail(OidcError.UnsupportedResponseType, $"response_type '{Shorten(responseType)}' is not supported; the Hub only does the authorization code flow (response_type=code).");
        }

        if (parameters["response_mode"] is { } mode && mode is not ("query" or FormPostMode))
        {
            return Fail(OidcError.InvalidRequest, $"response_mode '{Shorten(mode)}' is not supported; the Hub answers in the query (response_mode=query) or by form_post.");
        }

        var scopes = IdentityScopes.Split(parameters["scope"]);
        if (!scopes.Contains(IdentityScopes.OpenId, StringComparer.Ordinal))
        {
            return Fail(OidcError.InvalidScope, "scope must include 'openid': the Hub is an OpenID Connect provider.");
        }

        var allowed = IdentityScopes.Split(client.AllowedScopes);
        var refused = scopes.Where(s => !allowed.Contains(s, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
        if (refused.Count > 0)
        {
            var unknown = refused.Where(s => !IdentityScopes.IsKnown(s)).ToList();
            return Fail(OidcError.InvalidScope, unknown.Count > 0
                ? $"Unknown scope {string.Join(", ", unknown.Select(s => $"'{Shorten(s)}'"))}; the Hub knows {string.Join(", ", IdentityScopes.All)}."
                : $"The app may not ask for {string.Join(", ", refused)}; the Hub's administrator allows scopes per app.");
        }

        var challenge = parameters["code_challenge"];
        var method = parameters["code_challenge_method"];
        if (challenge is null && method is not null)
        {
            return Fail(OidcError.InvalidRequest, "code_challenge_method was sent without code_challenge.");
        }

        if (challenge is not null)
        {
            if ((method ?? "plain") != "S256")
            {
                return Fail(OidcError.InvalidRequest, "code_challenge_method must be S256; 'plain' is not accepted (it protects nothing if the request is seen).");
            }

            if (!ChallengePattern().IsMatch(challenge))
            {
                return Fail(OidcError.InvalidRequest, "code_challenge must be the 43-character BASE64URL SHA-256 of the code_verifier (RFC 7636 §4.2).");
            }
        }
        else if (client.RequirePkce)
        {
            return Fail(OidcError.InvalidRequest, "This app must use PKCE: send code_challenge and code_challenge_method=S256 (RFC 7636).");
        }

        var nonce = parameters["nonce"];
        if (nonce is { Length: > MaxNonceLength })
        {
            return Fail(OidcError.InvalidRequest, $"nonce is longer than {MaxNonceLength} characters.");
        }

        var prompts = IdentityScopes.Split(parameters["prompt"]);
        if (prompts.Any(p => p is not ("none" or "login" or "consent" or "select_account")))
        {
            return Fail(OidcError.InvalidRequest, "prompt takes none, login, consent or select_account.");
        }

        if (prompts.Contains("none") && prompts.Length > 1)
        {
            return Fail(OidcError.InvalidRequest, "prompt=none cannot be combined with other prompt values.");
        }

        long? maxAge = null;
        if (parameters["max_age"] is { } maxAgeText)
        {
            if (!long.TryParse(maxAgeText, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > int.MaxValue)
            {
                return Fail(OidcError.InvalidRequest, "max_age must be a whole number of seconds.");
            }

            maxAge = seconds;
        }

        // The request is good; now who is asking.
        var now = time.GetUtcNow();
        var needsSignIn = session is null
            || (!freshSignIn && (prompts.Contains("login") || prompts.Contains("select_account")))
            || (!freshSignIn && maxAge is { } age && now - session.AuthTime > TimeSpan.FromSeconds(age));
        if (needsSignIn)
        {
            return prompts.Contains("none")
                ? Fail(OidcError.LoginRequired, "The person is not signed in to the Hub (prompt=none asks not to show the sign-in page).")
                : new AuthorizeOutcome.SignIn(client, parameters.All);
        }

        var person = await people.FindAsync(session!.PersonId, cancellationToken).ConfigureAwait(false);
        if (person is null || person.Status != PersonStatus.Active)
        {
            return Fail(OidcError.AccessDenied, "The person's Feishu account is no longer active.");
        }

        var personGroups = await groups.OfAsync(person.Id, cancellationToken).ConfigureAwait(false);
        if (!await AllowsAsync(client, person, personGroups, cancellationToken).ConfigureAwait(false))
        {
            return Fail(OidcError.AccessDenied, $"{person.Name} may not sign in to {client.Name}; the Hub's administrator chooses who may, per app.");
        }

        var code = await grants.CreateCodeAsync(new AuthorizationCodeRow
        {
            ClientId = client.Id,
            SessionId = session.Id,
            PersonId = person.Id,
            RedirectUri = redirectUri,
            Scope = string.Join(' ', scopes.Distinct(StringComparer.Ordinal)),
            Nonce = nonce,
            CodeChallenge = challenge,
            AuthTime = session.AuthTime,
            Amr = session.Amr,
        }, cancellationToken).ConfigureAwait(false);
        var answer = new Dictionary<string, string?>(StringComparer.Ordinal) { ["code"] = code };
        if (state is not null)
        {
            answer["state"] = state;
        }

        answer["iss"] = issuer;
        return new AuthorizeOutcome.Redirect(redirectUri, answer, formPost);
    }

    /// <summary>
    /// Whether <paramref name="person"/> may sign in to <paramref name="client"/>: nobody named means everyone; else the
    /// person by Hub id, union_id or open_id under the sign-in app, or any of their departments.
    /// </summary>
    public async Task<bool> AllowsAsync(ClientRow client, PersonRow person, IReadOnlyList<string> personGroups, CancellationToken cancellationToken)
    {
        var allowedPeople = ClientService.Lines(client.AllowedPeople);
        var allowedDepartments = ClientService.Lines(client.AllowedDepartments);
        if (allowedPeople.Length == 0 && allowedDepartments.Length == 0)
        {
            return true;
        }

        if (allowedPeople.Contains(person.Id, StringComparer.Ordinal)
            || (person.UnionId is { } union && allowedPeople.Contains(union, StringComparer.Ordinal))
            || allowedDepartments.Intersect(personGroups, StringComparer.Ordinal).Any())
        {
            return true;
        }

        foreach (var openId in allowedPeople.Where(p => p.StartsWith("ou_", StringComparison.Ordinal)))
        {
            if ((await people.FindByOpenIdAsync(options.Value.FeishuAppName, openId, cancellationToken).ConfigureAwait(false))?.Id == person.Id)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>An error for the client (RFC 6749 §4.1.2.1) with the state and the issuer (RFC 9207).</summary>
    public static AuthorizeOutcome.Redirect ErrorAnswer(string redirectUri, string issuer, string error, string description, string? state, bool formPost)
    {
        var answer = new Dictionary<string, string?>(StringComparer.Ordinal) { ["error"] = error, ["error_description"] = OidcError.Clean(description) };
        if (state is not null)
        {
            answer["state"] = state;
        }

        answer["iss"] = issuer;
        return new AuthorizeOutcome.Redirect(redirectUri, answer, formPost);
    }

    private static string Shorten(string value) => value.Length > 80 ? value[..80] + "…" : value;

    [GeneratedRegex("^[A-Za-z0-9_-]{43}$")]
    private static partial Regex ChallengePattern();
}
