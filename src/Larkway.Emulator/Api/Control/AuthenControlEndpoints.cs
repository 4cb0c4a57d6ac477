using Larkway.Emulator.Authen;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Control;

/// <summary>
/// Test control for sign-in: an app's OAuth settings, the authorize page's click, and the codes the Feishu client
/// makes in-app (tt.requestAccess) and in mini programs (tt.login).
/// </summary>
internal static class AuthenControlEndpoints
{
    public static void MapAuthenControlEndpoints(this IEndpointRouteBuilder routes)
    {
        var control = routes.MapGroup("/_emulator");
        control.MapPut("apps/{app_id}/oauth", SetSettingsAsync);
        control.MapGet("apps/{app_id}/oauth", ([FromRoute(Name = "app_id")] string appId, EmulatorState state, OAuthSettingsStore settings) =>
            Envelope.Ok(View(settings, ControlLookups.RequireApp(state, appId).AppId)));
        control.MapDelete("apps/{app_id}/oauth", ([FromRoute(Name = "app_id")] string appId, EmulatorState state, OAuthSettingsStore settings) =>
        {
            settings.Remove(ControlLookups.RequireApp(state, appId).AppId);
            return Envelope.Ok(View(settings, appId));
        });
        control.MapPost("authen/authorize", AuthorizeAsync);
        control.MapPost("authen/in-client-codes", (HttpContext context, EmulatorState state, AuthorizeFlow flow, AuthorizationCodes codes) =>
            MintAsync(context, state, flow, codes, CodeKind.InClient));
        control.MapPost("authen/mina-codes", (HttpContext context, EmulatorState state, AuthorizeFlow flow, AuthorizationCodes codes) =>
            MintAsync(context, state, flow, codes, CodeKind.Mina));
        control.MapPost("authen/qr-logins/{qr_id}/scan", ScanAsync);
    }

    private static async Task<IResult> SetSettingsAsync(HttpContext context, [FromRoute(Name = "app_id")] string appId, EmulatorState state, OAuthSettingsStore settings)
    {
        var app = ControlLookups.RequireApp(state, appId);
        var body = await RequestJson.ReadObjectAsync(context.Request, ErrorCodes.BadRequest);
        var redirects = body.OptionalStringArray("redirect_urls", ErrorCodes.BadRequest) ?? [];
        if (redirects.FirstOrDefault(u => !OAuthSettingsStore.IsRedirectUrl(u)) is { } bad)
        {
            throw ApiErrorException.BadRequest(ErrorCodes.BadRequest, $"redirect_urls: '{bad}' is not an absolute http(s) URL");
        }

        var scopes = body.OptionalStringArray("scopes", ErrorCodes.BadRequest);
        if (scopes?.FirstOrDefault(s => !ScopeList.IsWellFormed(s) || s.Length == 0) is { } badScope)
        {
            throw ApiErrorException.BadRequest(ErrorCodes.BadRequest, $"scopes: '{badScope}' is not a scope name (letters, digits, : . _ -)");
        }

        settings.Set(new OAuthAppSettings(app.AppId)
        {
            RedirectUrls = redirects,
            Scopes = scopes,
            UserInfoFieldScopes = body.OptionalStringArray("user_info_field_scopes", ErrorCodes.BadRequest),
            AvailableTo = body.OptionalStringArray("available_to", ErrorCodes.BadRequest),
        });
        return Envelope.Ok(View(settings, app.AppId));
    }

    private static object View(OAuthSettingsStore settings, string appId)
    {
        var current = settings.For(appId);
        return new
        {
            app_id = appId,
            configured = settings.Configured(appId) is not null,
            redirect_urls = current.RedirectUrls,
            scopes = current.Scopes,
            user_info_field_scopes = current.UserInfoFieldScopes ?? UserInfoFields.All,
            available_to = current.AvailableTo,
        };
    }

    /// <summary>The authorize page's Allow (or Deny) without a browser: the same checks, and where the browser would go.</summary>
    private static async Task<IResult> AuthorizeAsync(HttpContext context, EmulatorState state, AuthorizeFlow flow)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, ErrorCodes.BadRequest);
        var request = flow.Read(name => name == "response_type"
            ? body.OptionalString(name, ErrorCodes.BadRequest) ?? "code"
            : body.OptionalString(name, ErrorCodes.BadRequest) is { Length: > 0 } value ? value : null);
        var decision = body.OptionalString("decision", ErrorCodes.BadRequest) ?? "allow";
        if (decision is not ("allow" or "deny"))
        {
            throw ApiErrorException.BadRequest(ErrorCodes.BadRequest, "decision must be allow or deny");
        }

        var user = decision == "allow" ? ControlLookups.RequireUser(state, body.RequiredString("user", ErrorCodes.BadRequest)) : null;
        var location = flow.Decide(request, user, decision == "allow");
        return Envelope.Ok(new { location, code = QueryValue(location, "code") });
    }

    /// <summary>A code the Feishu client would hand the page (tt.requestAccess) or the mini program (tt.login): 3 minutes.</summary>
    private static async Task<IResult> MintAsync(HttpContext context, EmulatorState state, AuthorizeFlow flow, AuthorizationCodes codes, CodeKind kind)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, ErrorCodes.BadRequest);
        var app = ControlLookups.RequireApp(state, body.RequiredString("app_id", ErrorCodes.BadRequest));
        var user = ControlLookups.RequireUser(state, body.RequiredString("user", ErrorCodes.BadRequest));
        var scopes = ScopeList.Parse(body.OptionalString("scope", ErrorCodes.BadRequest));

        // A mini program's tt.login works for anyone who can open it; 10228 is the exchange's answer, not this one's.
        var subject = kind == CodeKind.Mina ? user : flow.CheckUser(app, user);
        var code = codes.Mint(kind, app.AppId, subject.OpenId, scopes);
        return Envelope.Ok(new { code = code.Value, expires_in = (int)AuthorizationCodes.ClientLifetime.TotalSeconds });
    }

    /// <summary>A phone scans a QR login as a user and (unless <c>confirm</c> is false) confirms it.</summary>
    private static async Task<IResult> ScanAsync(HttpContext context, [FromRoute(Name = "qr_id")] string id, EmulatorState state, QrLogins logins)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, ErrorCodes.BadRequest);
        var user = ControlLookups.RequireUser(state, body.RequiredString("user", ErrorCodes.BadRequest));
        var confirm = body.OptionalBool("confirm", ErrorCodes.BadRequest) ?? true;
        if (!logins.Scan(id, user.OpenId) || (confirm && !logins.Decide(id, user.OpenId, confirm: true)))
        {
            throw ApiErrorException.BadRequest(ErrorCodes.BadRequest, $"QR login '{id}' is unknown, expired or already confirmed");
        }

        return Envelope.Ok(new { qr_id = id, status = (confirm ? QrStatus.Confirmed : QrStatus.Scanned).ToString().ToLowerInvariant() });
    }

    private static string? QueryValue(string location, string name)
    {
        var query = location.Split('#')[0].Split('?', 2) is [_, var q] ? q : string.Empty;
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query).TryGetValue(name, out var value) ? value.ToString() : null;
    }
}
