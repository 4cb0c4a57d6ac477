using System.Text;
using Larkway.Emulator.DingTalk.Platform;
using Larkway.Emulator.DingTalk.SignIn;
using Larkway.Emulator.DingTalk.State;
using Larkway.Emulator.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.DingTalk.Web;

/// <summary>
/// DingTalk's login page (<c>login.dingtalk.com/oauth2/auth</c>, here <c>/dingtalk/oauth2/auth</c>): the person picks which
/// member of the org they are and agrees or cancels; the browser goes back to <c>redirect_uri</c> with <c>authCode</c> and
/// <c>state</c>, or with <c>error</c> and <c>state</c>. Parameters as documented: <c>client_id</c> (the AppKey),
/// <c>response_type=code</c>, <c>scope</c> with <c>openid</c> (and <c>corpid</c> for the organisation in the token answer),
/// <c>prompt=consent</c>. A bad parameter is shown on the page; the browser is never sent anywhere it did not name. Plain
/// form posts, no script; posts from another site are refused.
/// </summary>
/// <remarks>
/// DingTalk sends the browser back only to a domain registered in the app's login settings; the Emulator has no such
/// settings and takes any absolute http(s) redirect URI.
/// </remarks>
internal static class LoginPage
{
    public const string Path = DingTalkApiExtensions.Prefix + "/oauth2/auth";

    private static readonly string[] Parameters = ["client_id", "response_type", "redirect_uri", "scope", "state", "prompt"];

    private const string Style = """
        body{font:14px/1.5 -apple-system,"PingFang SC","Segoe UI",Roboto,sans-serif;margin:0;background:#f2f4f7;color:#171a1d}
        .box{max-width:420px;margin:48px auto;background:#fff;border-radius:12px;padding:28px 32px;box-shadow:0 4px 16px rgba(0,0,0,.08)}
        .brand{color:#0089ff;font-weight:600;margin-bottom:12px}h1{font-size:20px;margin:0 0 6px}.meta{color:#747677;font-size:12px;word-break:break-all}
        fieldset{border:1px solid #e5e6e8;border-radius:8px;margin:16px 0;padding:8px 12px}legend{padding:0 4px;color:#747677}
        label.user{display:block;padding:6px 0}label.user input{margin:0 8px 0 0;vertical-align:middle}.actions{display:flex;gap:12px;margin-top:16px}
        button{flex:1;padding:8px 12px;border-radius:6px;border:1px solid #e5e6e8;background:#fff;font-size:14px;cursor:pointer}
        button.primary{background:#0089ff;border-color:#0089ff;color:#fff}.error{background:#ffece8;color:#b42318;border-radius:6px;padding:10px 12px;margin:12px 0}
        """;

    public static void MapDingTalkLoginPage(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, Show).AsDingTalkPage();
        routes.MapPost(Path, DecideAsync).AsDingTalkPage().DisableAntiforgery();
    }

    private sealed record LoginRequest(DingTalkApp App, Uri RedirectUri, bool CorpIdScope, string? State);

    private static IResult Show(HttpContext context, DingTalkOrg org)
    {
        var (request, problem) = Read(org, name => NonEmpty(context.Request.Query[name].ToString()));
        if (request is null)
        {
            return Error(context, problem!);
        }

        var body = new StringBuilder("<h1>Sign in to ").Append(Html.Encode(request.App.Name)).Append("</h1><p class=\"meta\">")
            .Append(Html.Encode($"{request.App.AppKey} · returns to {request.RedirectUri.GetLeftPart(UriPartial.Authority)}"))
            .Append("</p><p>The app will learn your name and DingTalk ids")
            .Append(request.CorpIdScope ? ", and which organisation you signed in to" : "").Append(".</p>")
            .Append("<form method=\"post\" action=\"").Append(Path).Append("\">");
        foreach (var name in Parameters)
        {
            var value = NonEmpty(context.Request.Query[name].ToString());
            if (value is not null)
            {
                body.Append("<input type=\"hidden\" name=\"").Append(name).Append("\" value=\"").Append(Html.Encode(value)).Append("\">");
            }
        }

        body.Append("<fieldset><legend>Who are you?</legend>");
        var first = true;
        foreach (var user in org.Users.OrderBy(u => u.Name, StringComparer.Ordinal))
        {
            body.Append("<label class=\"user\"><input type=\"radio\" name=\"user\" value=\"").Append(Html.Encode(user.UserId)).Append('"').Append(first ? " checked" : "")
                .Append("> ").Append(Html.Encode(user.Name)).Append(" <span class=\"meta\">").Append(Html.Encode(user.UserId)).Append("</span></label>");
            first = false;
        }

        body.Append("</fieldset><div class=\"actions\"><button type=\"submit\" name=\"decision\" value=\"cancel\">Cancel</button>")
            .Append("<button type=\"submit\" name=\"decision\" value=\"agree\" class=\"primary\">Agree</button></div></form>");
        return Page(context, "Sign in to " + request.App.Name, body.ToString());
    }

    private static async Task<IResult> DecideAsync(HttpContext context, DingTalkOrg org, DingTalkSignIns signIns)
    {
        if (WebEndpoints.IsCrossSite(context))
        {
            return Error(context, "This form was posted from another site; start the sign-in again from the app.", 403);
        }

        if (!context.Request.HasFormContentType)
        {
            return Error(context, "Post the login form (application/x-www-form-urlencoded).");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var (request, problem) = Read(org, name => NonEmpty(form[name].ToString()));
        if (request is null)
        {
            return Error(context, problem!);
        }

        var decision = form["decision"].ToString();
        if (decision == "cancel")
        {
            return Results.Redirect(WithQuery(request.RedirectUri, ("error", "access_denied"), ("state", request.State)));
        }

        if (decision != "agree")
        {
            return Error(context, "Choose Agree or Cancel.");
        }

        if (org.FindUser(form["user"].ToString()) is not { } user)
        {
            return Error(context, "Choose a member of the organisation to sign in as.");
        }

        var code = signIns.MintCode(request.App.AppKey, user.UserId, request.CorpIdScope);
        return Results.Redirect(WithQuery(request.RedirectUri, ("authCode", code.Value), ("state", request.State)));
    }

    /// <summary>The parameters checked in the order a developer would fix them; a problem in words otherwise.</summary>
    private static (LoginRequest? Request, string? Problem) Read(DingTalkOrg org, Func<string, string?> parameter)
    {
        if (parameter("client_id") is not { } clientId || org.FindApp(clientId) is not { } app)
        {
            return (null, $"client_id '{parameter("client_id")}' is not an app of this organisation: send the app's AppKey (Client ID).");
        }

        if (!Uri.TryCreate(parameter("redirect_uri"), UriKind.Absolute, out var redirect) || redirect.Scheme is not ("http" or "https") || redirect.Fragment.Length > 0)
        {
            return (null, "redirect_uri must be an absolute http(s) URL without a fragment, on a domain registered in the app's login settings.");
        }

        if (parameter("response_type") != "code")
        {
            return (null, $"response_type must be 'code' (it is '{parameter("response_type")}').");
        }

        var scopes = (parameter("scope") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (!scopes.Contains("openid", StringComparer.Ordinal) || scopes.Any(s => s is not ("openid" or "corpid")))
        {
            return (null, $"scope must be 'openid' or 'openid corpid' (it is '{parameter("scope")}').");
        }

        return parameter("prompt") != "consent"
            ? (null, $"prompt must be 'consent' (it is '{parameter("prompt")}').")
            : (new LoginRequest(app, redirect, scopes.Contains("corpid", StringComparer.Ordinal), parameter("state")), null);
    }

    private static string WithQuery(Uri uri, params (string Name, string? Value)[] pairs)
    {
        var added = string.Join('&', pairs.Where(p => p.Value is not null).Select(p => p.Name + "=" + Uri.EscapeDataString(p.Value!)));
        var text = uri.GetLeftPart(UriPartial.Query);
        return text + (uri.Query.Length > 1 ? "&" : "?") + added;
    }

    private static IResult Error(HttpContext context, string message, int status = 400) =>
        Page(context, "Sign-in error", $"<h1>Sign-in cannot continue</h1><div class=\"error\" role=\"alert\">{Html.Encode(message)}</div>", status);

    private static IResult Page(HttpContext context, string title, string body, int status = 200)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http: https:; frame-ancestors 'none'";
        var html = $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{Html.Encode(title)}</title><style>{Style}</style></head>"
            + $"<body><div class=\"box\"><div class=\"brand\">DingTalk · Larkway Emulator</div>{body}</div></body></html>";
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    private static string? NonEmpty(string value) => value.Length == 0 ? null : value;
}
