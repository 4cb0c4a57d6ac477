using System.Text;
using Larkway.Emulator.Web;
using Larkway.Emulator.WeCom.Platform;
using Larkway.Emulator.WeCom.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.WeCom.SignIn;

/// <summary>
/// WeCom's two login pages and the call that reads their code, under <c>/wecom</c>:
/// <list type="bullet">
/// <item>web login, <c>login.work.weixin.qq.com/wwlogin/sso/login</c> (document 98152): <c>login_type=CorpApp</c>, <c>appid</c>
/// (the corp id), <c>agentid</c>, <c>redirect_uri</c>, <c>state</c> — where a real person scans a QR code or confirms in the
/// desktop app;</item>
/// <item>web authorization, <c>open.weixin.qq.com/connect/oauth2/authorize</c> (document 91022), inside WeCom's browser:
/// <c>appid</c>, <c>redirect_uri</c>, <c>response_type=code</c>, <c>scope</c> (<c>snsapi_base</c> or <c>snsapi_privateinfo</c>,
/// which needs <c>agentid</c>), <c>state</c>;</item>
/// <item><c>GET /cgi-bin/auth/getuserinfo?access_token=&amp;code=</c> (document 91023): the member's <c>userid</c>; 40029 for a
/// code unknown, used, expired or another app's.</item>
/// </list>
/// Here the person picks which member they are. Agreeing sends the browser to <c>redirect_uri?code=CODE&amp;state=STATE</c>,
/// refusing to <c>redirect_uri?state=STATE</c> (no code, as WeCom documents a refusal). Only active members in the app's
/// visible range may log in, as WeCom tells others they have no permission. <c>state</c> must be letters and digits, at most
/// 128. A bad parameter is shown on the page; the browser is never sent anywhere it did not name. Plain form posts, no
/// script; a post from another site is refused.
/// </summary>
/// <remarks>WeCom sends the browser back only to the app's trusted domain; the Emulator has no such setting and takes any absolute http(s) URI.</remarks>
internal static class WeComLoginPages
{
    public const string WebLoginPath = WeComApiExtensions.Prefix + "/wwlogin/sso/login";
    public const string AuthorizePath = WeComApiExtensions.Prefix + "/connect/oauth2/authorize";

    private static readonly string[] WebLoginFields = ["login_type", "appid", "agentid", "redirect_uri", "state", "lang"];
    private static readonly string[] AuthorizeFields = ["appid", "redirect_uri", "response_type", "scope", "state", "agentid"];

    private const string Css = """
        body{margin:0;font:14px/1.6 "PingFang SC","Microsoft YaHei",-apple-system,"Segoe UI",sans-serif;background:#eef1f5;color:#1f2329}
        main{max-width:440px;margin:56px auto;background:#fff;border:1px solid #dde1e6;border-radius:10px;padding:24px 30px}
        header{color:#0082ef;font-weight:600;letter-spacing:.02em;margin-bottom:10px}h1{font-size:19px;margin:0 0 4px}
        .hint{color:#86909c;font-size:12px;word-break:break-all}ul{list-style:none;padding:0;margin:14px 0;border-top:1px solid #eef0f3}
        li{border-bottom:1px solid #eef0f3}li label{display:flex;gap:10px;align-items:center;padding:8px 2px;cursor:pointer}
        .row{display:flex;gap:10px;justify-content:flex-end;margin-top:14px}button{padding:7px 18px;border-radius:4px;border:1px solid #c9cdd4;background:#fff;cursor:pointer}
        button.go{background:#0082ef;border-color:#0082ef;color:#fff}.problem{background:#fff1f0;color:#c4281c;border-radius:4px;padding:9px 12px}
        """;

    public static void MapWeComLogin(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(WebLoginPath, (HttpContext c, WeComOrg org) => Show(c, org, webLogin: true)).AsWeComPage();
        routes.MapPost(WebLoginPath, (HttpContext c, WeComOrg org, WeComSignIns codes) => ConfirmAsync(c, org, codes, webLogin: true)).AsWeComPage().DisableAntiforgery();
        routes.MapGet(AuthorizePath, (HttpContext c, WeComOrg org) => Show(c, org, webLogin: false)).AsWeComPage();
        routes.MapPost(AuthorizePath, (HttpContext c, WeComOrg org, WeComSignIns codes) => ConfirmAsync(c, org, codes, webLogin: false)).AsWeComPage().DisableAntiforgery();
        routes.MapGet(WeComApiExtensions.Prefix + "/cgi-bin/auth/getuserinfo", GetUserInfo).AsWeCom();
    }

    /// <summary>A login request that checked out: the app, where to go back, and the state to carry.</summary>
    private sealed record Login(WeComApp App, Uri RedirectUri, string? State);

    private static IResult Show(HttpContext context, WeComOrg org, bool webLogin)
    {
        string? Query(string name) => context.Request.Query[name].ToString() is { Length: > 0 } v ? v : null;
        if (Check(org, Query, webLogin) is { Problem: { } problem })
        {
            return Page(context, "Login error", Problem(problem), 400);
        }

        var page = new StringBuilder("<h1>Log in with WeCom</h1><p class=\"hint\">")
            .Append(Html.Encode($"{org.Name} · {org.App.Name} (AgentId {org.App.AgentId}) · back to {new Uri(Query("redirect_uri")!).GetLeftPart(UriPartial.Authority)}"))
            .Append("</p><p>Pick the member you are; the app learns your userid.</p><form method=\"post\" action=\"")
            .Append(webLogin ? WebLoginPath : AuthorizePath).Append("\">");
        foreach (var field in webLogin ? WebLoginFields : AuthorizeFields)
        {
            if (Query(field) is { } value)
            {
                page.Append("<input type=\"hidden\" name=\"").Append(field).Append("\" value=\"").Append(Html.Encode(value)).Append("\">");
            }
        }

        page.Append("<ul>");
        var members = org.Users.Where(u => CanLogIn(org, u)).OrderBy(u => u.UserId, StringComparer.Ordinal).ToList();
        for (var i = 0; i < members.Count; i++)
        {
            page.Append("<li><label><input type=\"radio\" name=\"userid\" value=\"").Append(Html.Encode(members[i].UserId)).Append('"').Append(i == 0 ? " checked" : "")
                .Append("><span>").Append(Html.Encode(members[i].Name)).Append("</span><span class=\"hint\">").Append(Html.Encode(members[i].UserId)).Append("</span></label></li>");
        }

        page.Append("</ul><div class=\"row\"><button type=\"submit\" name=\"action\" value=\"refuse\">Refuse</button>")
            .Append("<button type=\"submit\" name=\"action\" value=\"confirm\" class=\"go\">Log in</button></div></form>");
        return Page(context, "Log in with WeCom", page.ToString());
    }

    private static async Task<IResult> ConfirmAsync(HttpContext context, WeComOrg org, WeComSignIns codes, bool webLogin)
    {
        if (WebEndpoints.IsCrossSite(context))
        {
            return Page(context, "Login error", Problem("This form came from another site; start the login again from the app."), 403);
        }

        if (!context.Request.HasFormContentType)
        {
            return Page(context, "Login error", Problem("Post the login form (application/x-www-form-urlencoded)."), 400);
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var (login, problem) = Check(org, name => form[name].ToString() is { Length: > 0 } v ? v : null, webLogin);
        if (login is null)
        {
            return Page(context, "Login error", Problem(problem!), 400);
        }

        switch (form["action"].ToString())
        {
            case "refuse":
                return Results.Redirect(Back(login.RedirectUri, null, login.State));
            case "confirm":
                break;
            default:
                return Page(context, "Login error", Problem("Choose Log in or Refuse."), 400);
        }

        if (org.FindUser(form["userid"].ToString()) is not { } member || !CanLogIn(org, member))
        {
            return Page(context, "Login error", Problem("Pick an active member in the app's visible range: WeCom tells anyone else they have no permission to log in to this app."), 403);
        }

        return Results.Redirect(Back(login.RedirectUri, codes.Mint(login.App.AgentId, member.UserId).Value, login.State));
    }

    /// <summary><c>GET /cgi-bin/auth/getuserinfo</c>: the member a code was minted for, if the calling app's.</summary>
    private static IResult GetUserInfo(HttpContext context, WeComSignIns codes)
    {
        var value = context.Request.Query["code"].ToString();
        if (value.Length == 0)
        {
            throw WeComException.Of(WeComCodes.MissingCode, "pass ?code= as the login page gave it");
        }

        // Unknown, used, expired and another app's codes are one refusal, as WeCom gives.
        var code = codes.Spend(value);
        if (code is null || code.AgentId != context.WeComCaller().AgentId)
        {
            throw WeComException.Of(WeComCodes.InvalidCode);
        }

        return WeComJson.Ok(new Dictionary<string, object?> { ["userid"] = code.UserId });
    }

    /// <summary>The request's parameters, checked in the order a developer would fix them.</summary>
    private static (Login? Login, string? Problem) Check(WeComOrg org, Func<string, string?> get, bool webLogin)
    {
        if (webLogin && get("login_type") != "CorpApp")
        {
            return (null, $"login_type must be CorpApp for a corp's own app (it is '{get("login_type")}').");
        }

        if (get("appid") != org.CorpId)
        {
            return (null, $"appid must be the corp id {org.CorpId} (it is '{get("appid")}').");
        }

        if (!webLogin && get("response_type") != "code")
        {
            return (null, $"response_type must be code (it is '{get("response_type")}').");
        }

        var scope = get("scope");
        if (!webLogin && scope is not ("snsapi_base" or "snsapi_privateinfo"))
        {
            return (null, $"scope must be snsapi_base or snsapi_privateinfo (it is '{scope}').");
        }

        var agent = get("agentid");
        if ((webLogin || scope == "snsapi_privateinfo" || agent is not null) && agent != org.App.AgentId.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            return (null, $"agentid must be the app's AgentId {org.App.AgentId} (it is '{agent}').");
        }

        if (!Uri.TryCreate(get("redirect_uri"), UriKind.Absolute, out var redirect) || redirect.Scheme is not ("http" or "https") || redirect.Fragment.Length > 0)
        {
            return (null, "redirect_uri must be an absolute http(s) URL without a fragment, on the app's trusted domain.");
        }

        var state = get("state");
        return state is not null && (state.Length > 128 || !state.All(char.IsAsciiLetterOrDigit))
            ? (null, "state may hold letters a-z, A-Z and digits only, at most 128 of them.")
            : (new Login(org.App, redirect, state), null);
    }

    private static bool CanLogIn(WeComOrg org, WeComUser member)
    {
        var (_, users) = org.VisibleRange;
        return member.Status == 1 && (users.Contains(member.UserId, StringComparer.Ordinal) || member.Departments.Any(org.IsVisible));
    }

    private static string Back(Uri redirect, string? code, string? state)
    {
        var pairs = new List<string>();
        if (code is not null)
        {
            pairs.Add("code=" + Uri.EscapeDataString(code));
        }

        pairs.Add("state=" + Uri.EscapeDataString(state ?? ""));
        return redirect.GetLeftPart(UriPartial.Query) + (redirect.Query.Length > 1 ? "&" : "?") + string.Join('&', pairs);
    }

    private static string Problem(string text) => $"<h1>Cannot log in</h1><p class=\"problem\" role=\"alert\">{Html.Encode(text)}</p>";

    private static IResult Page(HttpContext context, string title, string body, int status = 200)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http: https:; frame-ancestors 'none'";
        return Results.Content(
            $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{Html.Encode(title)}</title><style>{Css}</style></head><body><main><header>WeCom · Larkway Emulator</header>{body}</main></body></html>",
            "text/html; charset=utf-8", Encoding.UTF8, status);
    }
}
