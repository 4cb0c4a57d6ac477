using System.Text;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Http;

namespace Larkway.Emulator.Web;

/// <summary>
/// The frame of the sign-in pages (authorize, QR login): Feishu's accounts look, no script, never framed by another
/// site (clickjacking an Allow button), never cached.
/// </summary>
internal static class SignInPages
{
    public const string Css = """
        body{font:14px/1.5 -apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f2f3f5;color:#1f2329}
        .box{max-width:440px;margin:48px auto;background:#fff;border-radius:12px;padding:28px 32px;box-shadow:0 4px 16px rgba(0,0,0,.08)}
        .brand{color:#3370ff;font-weight:600;margin-bottom:12px}h1{font-size:20px;margin:0 0 6px}
        .meta{color:#646a73;font-size:12px;word-break:break-all}ul.scopes{padding-left:18px}ul.scopes code{background:#f2f3f5;border-radius:3px;padding:0 4px}
        fieldset{border:1px solid #dee0e3;border-radius:8px;margin:16px 0;padding:8px 12px}legend{padding:0 4px;color:#646a73}
        label.user{display:block;padding:6px 0}.actions{display:flex;gap:12px;margin-top:16px}
        button{flex:1;padding:8px 12px;border-radius:6px;border:1px solid #dee0e3;background:#fff;font-size:14px;cursor:pointer}
        button.primary{background:#3370ff;border-color:#3370ff;color:#fff}
        .error{background:#fde2e2;color:#a1260d;border-radius:6px;padding:10px 12px;margin:12px 0}.code{font-weight:600}
        .qr{display:block;margin:12px auto;width:250px;height:250px;image-rendering:pixelated}
        .status{text-align:center;margin:8px 0}.scan-as{display:flex;flex-wrap:wrap;gap:8px}.scan-as form{flex:1 1 45%}.scan-as button{width:100%}
        label.user input{margin:0 8px 0 0;vertical-align:middle}
        """;

    public static IResult Page(HttpContext context, string title, string body, int status = 200, string? refresh = null)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["X-Frame-Options"] = "DENY";
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self' http: https:; frame-ancestors 'none'";
        var meta = refresh is null ? string.Empty : $"<meta http-equiv=\"refresh\" content=\"{Html.Encode(refresh)}\">";
        var html = $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">{meta}<title>{Html.Encode(title)}</title><style>{Css}</style></head>"
            + $"<body><div class=\"box\"><div class=\"brand\">Feishu · Larkway Emulator</div>{body}</div></body></html>";
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    /// <summary>A refusal that says what is wrong and what to fix; the browser stays here.</summary>
    public static IResult Error(HttpContext context, int code, string message, int status = 400) =>
        Page(context, "Sign-in error", $"<h1>Sign-in cannot continue</h1><div class=\"error\" role=\"alert\" data-error-code=\"{code}\"><span class=\"code\">Error {code}</span>: {Html.Encode(message)}</div>", status);

    /// <summary>The people of the tenant who could be signed in (resigned users cannot).</summary>
    public static List<EmulatorUser> People(EmulatorState state) =>
        [.. state.Users.Where(u => !u.IsResigned).OrderBy(u => u.Name, StringComparer.Ordinal)];

    public static void AppendHidden(StringBuilder body, string name, string? value)
    {
        if (value is not null)
        {
            body.Append("<input type=\"hidden\" name=\"").Append(Html.Encode(name)).Append("\" value=\"").Append(Html.Encode(value)).Append("\">");
        }
    }
}
