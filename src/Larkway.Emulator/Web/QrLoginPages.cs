using System.Text;
using Larkway.Emulator.Authen;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using QRCoder;

namespace Larkway.Emulator.Web;

/// <summary>
/// QR login (the QR SDK's <c>goto</c>): <c>/suite/passport/oauth/authorize</c> shows a QR code encoding the scan URL and
/// re-checks itself with a meta refresh (no script). A phone — or a person using "Scan as" — scans, the scanner confirms
/// on the phone page, and the computer's page goes on to <c>goto&amp;tmp_code=…</c> as the SDK would, then to
/// <c>redirect_uri?code=…&amp;state=…</c> with a code the v2 token endpoint takes.
/// </summary>
internal static class QrLoginPages
{
    private const string GotoPath = "/suite/passport/oauth/authorize";
    private const string PhonePath = "/suite/passport/qr";

    public static void MapQrLoginPages(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(GotoPath, Goto);
        routes.MapGet(PhonePath + "/{qr_id}", Phone);
        routes.MapPost(PhonePath + "/{qr_id}/scan", ScanAsync);
        routes.MapPost(PhonePath + "/{qr_id}/confirm", ConfirmAsync);
    }

    private static IResult Goto(HttpContext context, AuthorizeFlow flow, QrLogins logins, AuthorizationCodes codes, EmulatorState state)
    {
        var query = context.Request.Query;
        EmulatorApp app;
        string redirect;
        try
        {
            (app, redirect) = flow.ReadClient(name => query[name].ToString() is { Length: > 0 } value ? value : null);
            if (query["response_type"].ToString() != "code")
            {
                throw ApiErrorException.BadRequest(OAuthErrors.MalformedRequest, "response_type must be 'code'.");
            }

            if (query["tmp_code"].ToString() is { Length: > 0 } tmpCode)
            {
                return Results.Redirect(Finish(flow, logins, codes, state, app, redirect, tmpCode, query["state"].ToString()));
            }
        }
        catch (ApiErrorException e)
        {
            return SignInPages.Error(context, e.Code, e.Message);
        }

        var login = query["qr_session"].ToString() is { Length: > 0 } id && logins.Find(id) is { } found && found.AppId == app.AppId && found.RedirectUri == redirect
            ? found
            : null;
        return login?.Status switch
        {
            QrStatus.Confirmed => Results.Redirect(GotoUrl(context, ("tmp_code", login.TmpCode))),
            QrStatus.Cancelled => SignInPages.Page(context, "Sign-in cancelled", $"<h1>Sign-in cancelled</h1><p>The sign-in was cancelled on the phone.</p><p><a href=\"{Html.Encode(GotoUrl(context))}\">Show a new QR code</a></p>"),
            _ => QrPage(context, app, login ?? logins.Start(app.AppId, redirect), state),
        };
    }

    /// <summary>The tmp_code step: the confirmed user, checked again, gets a 5-minute web code sent to the redirect URI.</summary>
    private static string Finish(AuthorizeFlow flow, QrLogins logins, AuthorizationCodes codes, EmulatorState state, EmulatorApp app, string redirect, string tmpCode, string? requestState)
    {
        var login = logins.TakeTmpCode(tmpCode, app.AppId, redirect)
            ?? throw ApiErrorException.BadRequest(OAuthErrors.CodeNotFound, "The tmp_code is unknown, used, expired, or was made for another app or redirect_uri. Scan a new QR code.");
        var user = flow.CheckUser(app, state.FindUser("open_id", login.UserKey!));
        var code = codes.Mint(CodeKind.Web, app.AppId, user.OpenId, [], c => c with { RedirectUri = redirect });
        return AuthorizeFlow.WithQuery(redirect, ("code", code.Value), ("state", requestState is { Length: > 0 } s ? s : null));
    }

    private static IResult QrPage(HttpContext context, EmulatorApp app, QrLogin login, EmulatorState state)
    {
        var self = GotoUrl(context, ("qr_session", login.Id));
        var scanUrl = new Uri(new Uri($"{context.Request.Scheme}://{context.Request.Host.Value}/"), $"{PhonePath}/{login.Id}").AbsoluteUri;
        var body = new StringBuilder("<h1>Sign in to ").Append(Html.Encode(app.BotName)).Append("</h1><p class=\"meta\">Scan with the Feishu app</p>")
            .Append("<img class=\"qr\" alt=\"QR code to scan with Feishu\" data-qr-session=\"").Append(Html.Encode(login.Id)).Append("\" data-scan-url=\"").Append(Html.Encode(scanUrl))
            .Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(QrPng(scanUrl))).Append("\">");
        if (login.Status == QrStatus.Scanned)
        {
            var who = state.FindUser("open_id", login.UserKey!)?.Name ?? "someone";
            body.Append("<p class=\"status\" role=\"status\">Scanned by ").Append(Html.Encode(who)).Append(": confirm on the phone. <a href=\"")
                .Append(Html.Encode($"{PhonePath}/{login.Id}")).Append("\">Open the phone page</a></p>");
        }
        else
        {
            body.Append("<p class=\"status\" role=\"status\">Waiting for a scan…</p><p class=\"meta\">Or scan as:</p>");
            AppendScanButtons(body, login.Id, state, "Scan as ");
        }

        return SignInPages.Page(context, "Sign in with Feishu", body.ToString(), refresh: "2;url=" + self);
    }

    /// <summary>The scan URL: the phone's view — who is scanning, then confirm or cancel.</summary>
    private static IResult Phone(HttpContext context, [FromRoute(Name = "qr_id")] string id, QrLogins logins, EmulatorState state)
    {
        if (logins.Find(id) is not { } login || state.FindApp(login.AppId) is not { } app)
        {
            return SignInPages.Error(context, OAuthErrors.CodeExpired, "This QR code has expired or is unknown: show a new one on the computer.", 404);
        }

        var body = new StringBuilder("<h1>Sign in to ").Append(Html.Encode(app.BotName)).Append(" on a computer?</h1>");
        if (login.Status == QrStatus.Scanned && state.FindUser("open_id", login.UserKey!) is { } user)
        {
            body.Append("<p>You are <strong>").Append(Html.Encode(user.Name)).Append("</strong>.</p><form method=\"post\" action=\"")
                .Append(Html.Encode($"{PhonePath}/{id}/confirm")).Append("\">");
            SignInPages.AppendHidden(body, "user", user.OpenId);
            body.Append("<div class=\"actions\"><button type=\"submit\" name=\"decision\" value=\"cancel\">Cancel</button><button type=\"submit\" name=\"decision\" value=\"confirm\" class=\"primary\">Confirm sign-in</button></div></form>");
        }
        else if (login.Status == QrStatus.Waiting)
        {
            body.Append("<p>Who is scanning?</p>");
            AppendScanButtons(body, id, state, string.Empty);
        }
        else
        {
            body.Append("<p role=\"status\">").Append(login.Status == QrStatus.Confirmed ? "Confirmed: go back to the computer." : "Cancelled.").Append("</p>");
        }

        return SignInPages.Page(context, "Feishu · confirm sign-in", body.ToString());
    }

    /// <summary>One button per person who could scan: each posts that person to the scan URL.</summary>
    private static void AppendScanButtons(StringBuilder body, string id, EmulatorState state, string label)
    {
        body.Append("<div class=\"scan-as\">");
        foreach (var person in SignInPages.People(state))
        {
            body.Append("<form method=\"post\" action=\"").Append(Html.Encode($"{PhonePath}/{id}/scan")).Append("\">");
            SignInPages.AppendHidden(body, "user", person.OpenId);
            body.Append("<button type=\"submit\">").Append(Html.Encode(label + person.Name)).Append("</button></form>");
        }

        body.Append("</div>");
    }

    private static async Task<IResult> ScanAsync(HttpContext context, [FromRoute(Name = "qr_id")] string id, QrLogins logins, EmulatorState state)
    {
        if (WebEndpoints.IsCrossSite(context))
        {
            return CrossSite(context);
        }

        var user = await PostedUserAsync(context, state);
        if (user is null)
        {
            return SignInPages.Error(context, OAuthErrors.UserNotFound, "Choose a user of the tenant to scan as.");
        }

        return logins.Scan(id, user.OpenId)
            ? Results.Redirect($"{PhonePath}/{Uri.EscapeDataString(id)}", permanent: false, preserveMethod: false)
            : SignInPages.Error(context, OAuthErrors.CodeExpired, "This QR code can no longer be scanned: show a new one on the computer.");
    }

    private static async Task<IResult> ConfirmAsync(HttpContext context, [FromRoute(Name = "qr_id")] string id, QrLogins logins, EmulatorState state)
    {
        if (WebEndpoints.IsCrossSite(context))
        {
            return CrossSite(context);
        }

        var user = await PostedUserAsync(context, state);
        var confirm = context.Request.HasFormContentType && (await context.Request.ReadFormAsync(context.RequestAborted))["decision"].ToString() == "confirm";
        return user is not null && logins.Decide(id, user.OpenId, confirm)
            ? Results.Redirect($"{PhonePath}/{Uri.EscapeDataString(id)}", permanent: false, preserveMethod: false)
            : SignInPages.Error(context, OAuthErrors.CodeExpired, "This QR login cannot be confirmed any more: show a new QR code on the computer.");
    }

    private static IResult CrossSite(HttpContext context) =>
        SignInPages.Error(context, 403, "This form was posted from another site; scan the QR code again.", 403);

    /// <summary>The form's user (open_id): a person of the tenant who has not resigned.</summary>
    private static async Task<EmulatorUser?> PostedUserAsync(HttpContext context, EmulatorState state)
    {
        if (!context.Request.HasFormContentType)
        {
            return null;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        return state.FindUser("open_id", form["user"].ToString()) is { IsResigned: false } user ? user : null;
    }

    /// <summary>This page's own URL (the QR SDK's goto) with some parameters replaced or added.</summary>
    private static string GotoUrl(HttpContext context, params (string Name, string? Value)[] replace)
    {
        var names = new HashSet<string>(replace.Select(r => r.Name).Append("qr_session").Append("tmp_code"), StringComparer.Ordinal);
        var kept = context.Request.Query.Where(p => !names.Contains(p.Key)).SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v)));
        return QueryHelpers.AddQueryString(GotoPath, kept.Concat(replace.Where(r => r.Value is not null).Select(r => new KeyValuePair<string, string?>(r.Name, r.Value))));
    }

    private static byte[] QrPng(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return new PngByteQRCode(data).GetGraphic(5);
    }
}
