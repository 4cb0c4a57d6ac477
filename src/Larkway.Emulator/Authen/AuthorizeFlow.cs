using System.Text;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Authen;

/// <summary>The authorize page's parameters once checked: the app, where to send the browser back, and what was asked.</summary>
internal sealed record AuthorizeRequest(EmulatorApp App, string RedirectUri, IReadOnlyList<string> Scopes, string? State)
{
    public string? Challenge { get; init; }

    public string? ChallengeMethod { get; init; }
}

/// <summary>
/// Reads and answers an authorize request — for the page, the QR login and the control API alike. Problems are
/// <see cref="ApiErrorException"/>s with the code the page shows; nothing here ever sends the browser to a redirect URI
/// that is not on the app's allow-list.
/// </summary>
internal sealed class AuthorizeFlow(EmulatorState state, OAuthSettingsStore settings, AuthorizationCodes codes)
{
    /// <summary>Checks the parameters (by name, from a query, a form or a JSON body) in the order a person would fix them.</summary>
    public AuthorizeRequest Read(Func<string, string?> parameter)
    {
        var app = AppOf(parameter("client_id"));
        var redirect = RedirectOf(app, parameter("redirect_uri"));
        if (parameter("response_type") != "code")
        {
            throw Problem(OAuthErrors.MalformedRequest, $"response_type must be 'code' (it is '{parameter("response_type")}').");
        }

        var scopes = ScopesOf(app, parameter("scope"));
        var (challenge, method) = ChallengeOf(parameter("code_challenge"), parameter("code_challenge_method"));
        return new AuthorizeRequest(app, redirect, scopes, parameter("state")) { Challenge = challenge, ChallengeMethod = method };
    }

    /// <summary>The app and its redirect URI only (the QR login's checks before it shows a code).</summary>
    public (EmulatorApp App, string RedirectUri) ReadClient(Func<string, string?> parameter)
    {
        var app = AppOf(parameter("client_id"));
        return (app, RedirectOf(app, parameter("redirect_uri")));
    }

    /// <summary>Where the browser goes after the person's choice: the code (and state), or <c>error=access_denied</c>.</summary>
    public string Decide(AuthorizeRequest request, EmulatorUser? user, bool allow)
    {
        if (!allow)
        {
            return WithQuery(request.RedirectUri, ("error", "access_denied"), ("state", request.State));
        }

        var code = codes.Mint(CodeKind.Web, request.App.AppId, CheckUser(request.App, user).OpenId, request.Scopes, c => c with
        {
            RedirectUri = request.RedirectUri,
            Challenge = request.Challenge,
            ChallengeMethod = request.ChallengeMethod,
        });
        return WithQuery(request.RedirectUri, ("code", code.Value), ("state", request.State));
    }

    /// <summary>A user who may sign in to the app: known, active, and one the app is available to.</summary>
    public EmulatorUser CheckUser(EmulatorApp app, EmulatorUser? user)
    {
        if (user is null)
        {
            throw Problem(OAuthErrors.UserNotFound, "Choose a user of the tenant to sign in as.");
        }

        if (user.IsResigned || user.IsFrozen || !user.IsActivated)
        {
            throw Problem(OAuthErrors.UserStatusInvalid, $"{user.Name} cannot sign in: the account is resigned, suspended or not activated.");
        }

        return settings.IsAvailableTo(app.AppId, user)
            ? user
            : throw Problem(OAuthErrors.UserNoPermission, $"{user.Name} cannot use app {app.AppId}: it is not available to them (the app's available_to list).");
    }

    /// <summary>
    /// <paramref name="uri"/> with the pairs added to its query (null values left out); a #fragment stays last, as the
    /// authorize page doc shows (<c>…/callback?code=…&amp;state=…#/login</c>).
    /// </summary>
    public static string WithQuery(string uri, params (string Name, string? Value)[] pairs)
    {
        var hash = uri.IndexOf('#', StringComparison.Ordinal);
        var (head, fragment) = hash < 0 ? (uri, string.Empty) : (uri[..hash], uri[hash..]);
        var query = new StringBuilder();
        foreach (var (name, value) in pairs.Where(p => p.Value is not null))
        {
            query.Append(query.Length == 0 ? string.Empty : "&").Append(name).Append('=').Append(Uri.EscapeDataString(value!));
        }

        var separator = !head.Contains('?', StringComparison.Ordinal) ? "?" : head.EndsWith('?') || head.EndsWith('&') ? string.Empty : "&";
        return head + separator + query + fragment;
    }

    private EmulatorApp AppOf(string? clientId)
    {
        if (string.IsNullOrEmpty(clientId))
        {
            throw Problem(OAuthErrors.MissingParameter, "client_id is missing: give the app's App ID (cli_…).");
        }

        var app = state.FindApp(clientId) ?? throw Problem(OAuthErrors.AppNotFound, $"There is no app with client_id '{clientId}'.");
        return app.Disabled ? throw Problem(OAuthErrors.AppDisabled, $"App {app.AppId} is disabled.") : app;
    }

    private string RedirectOf(EmulatorApp app, string? redirectUri)
    {
        if (string.IsNullOrEmpty(redirectUri))
        {
            throw Problem(OAuthErrors.MissingParameter, "redirect_uri is missing: give the URL the code is sent back to.");
        }

        if (!OAuthSettingsStore.IsRedirectUrl(redirectUri) || !Uri.TryCreate(redirectUri, UriKind.Absolute, out var uri))
        {
            throw Problem(OAuthErrors.RedirectUriNotAllowed, $"redirect_uri '{redirectUri}' is not an absolute http(s) URL.");
        }

        if (!settings.AllowsRedirect(app.AppId, uri))
        {
            var allowed = settings.For(app.AppId).RedirectUrls;
            throw Problem(OAuthErrors.RedirectUriNotAllowed, allowed.Count == 0
                ? $"redirect_uri '{redirectUri}' is not allowed: app {app.AppId} has no redirect URL allow-list, which allows loopback URLs (127.0.0.1, localhost) only. Add it with PUT /_emulator/apps/{app.AppId}/oauth."
                : $"redirect_uri '{redirectUri}' is not on app {app.AppId}'s redirect URL allow-list ({string.Join(", ", allowed)}).");
        }

        return redirectUri;
    }

    private List<string> ScopesOf(EmulatorApp app, string? scope)
    {
        var scopes = ScopeList.Parse(scope).ToList();
        if (scopes.Count > ScopeList.MaxScopes)
        {
            throw Problem(OAuthErrors.MalformedRequest, $"scope has {scopes.Count} scopes; at most {ScopeList.MaxScopes} can be asked for at once.");
        }

        if (ScopeList.FirstRepeated(scopes) is { } repeated)
        {
            throw Problem(OAuthErrors.DuplicateScopes, $"scope names '{repeated}' twice.");
        }

        if (scopes.FirstOrDefault(s => !ScopeList.IsWellFormed(s) || !settings.HasApplied(app.AppId, s)) is { } unknown)
        {
            throw Problem(OAuthErrors.ScopeNotApplied, $"The app has not applied for the scope '{unknown}' (error 20027). Apply for it (the app's scopes list) or leave it out.");
        }

        return scopes;
    }

    private static (string? Challenge, string? Method) ChallengeOf(string? challenge, string? method)
    {
        if (challenge is null)
        {
            return method is null ? (null, null) : throw Problem(OAuthErrors.MalformedRequest, "code_challenge_method was sent without a code_challenge.");
        }

        method ??= PkceCheck.Plain;
        if (method is not (PkceCheck.S256 or PkceCheck.Plain))
        {
            throw Problem(OAuthErrors.MalformedRequest, $"code_challenge_method must be S256 or plain (it is '{method}').");
        }

        return PkceCheck.IsWellFormed(challenge)
            ? (challenge, method)
            : throw Problem(OAuthErrors.MalformedRequest, "code_challenge must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~.");
    }

    private static ApiErrorException Problem(int code, string message) => ApiErrorException.BadRequest(code, message);
}
