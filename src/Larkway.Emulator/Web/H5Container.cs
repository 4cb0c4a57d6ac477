using System.Text;
using System.Text.Json;
using Larkway.Emulator.Authen;
using Larkway.Emulator.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Web;

/// <summary>
/// The Feishu client's H5 container, played in a browser: <c>/h5?url=…</c> frames the app's page, and
/// <c>/h5/h5-js-sdk.js</c> is a small stand-in for Feishu's h5sdk whose <c>config</c> is checked by the Emulator
/// (<see cref="H5ConfigChecker"/>) at <c>POST /h5/config</c>. The app page loads the script from the Emulator in
/// place of Feishu's CDN copy.
/// </summary>
internal static class H5Container
{
    // Only config/ready/error are played; JSAPIs themselves (tt.*) are not emulated. The script posts text/plain, a
    // "simple" cross-origin request, so the app's origin needs no preflight.
    private const string Script = """
        (function () {
          var emulator = new URL(document.currentScript.src).origin;
          var readyCallbacks = [], errorCallbacks = [], state = null;
          function settle(result) {
            state = result;
            (result.code === 0 ? readyCallbacks : errorCallbacks).forEach(function (cb) { cb(result.code === 0 ? undefined : result); });
          }
          window.h5sdk = {
            emulated: true,
            config: function (options) {
              options = options || {};
              var body = JSON.stringify({ appId: options.appId, timestamp: options.timestamp == null ? null : String(options.timestamp),
                nonceStr: options.nonceStr, signature: options.signature, jsApiList: options.jsApiList || [], url: location.href.split('#')[0] });
              fetch(emulator + '/h5/config', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: body })
                .then(function (r) { return r.json(); })
                .then(function (result) {
                  if (result.code === 0) { if (options.onSuccess) options.onSuccess(result); }
                  else if (options.onFail) { options.onFail(result); }
                  settle(result);
                })
                .catch(function (e) { var result = { code: -1, msg: String(e) }; if (options.onFail) options.onFail(result); settle(result); });
            },
            ready: function (cb) { if (state && state.code === 0) cb(); else readyCallbacks.push(cb); },
            error: function (cb) { if (state && state.code !== 0) cb(state); else errorCallbacks.push(cb); }
          };
        })();
        """;

    public static void MapH5Container(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/h5", Frame);
        routes.MapGet("/h5/h5-js-sdk.js", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-cache";
            return Results.Text(Script, "text/javascript; charset=utf-8");
        });
        routes.MapPost("/h5/config", ConfigAsync);
        routes.MapMethods("/h5/config", ["OPTIONS"], (HttpContext context) =>
        {
            AllowAnyOrigin(context);
            context.Response.Headers.AccessControlAllowMethods = "POST";
            context.Response.Headers.AccessControlAllowHeaders = "Content-Type";
            return Results.NoContent();
        });
    }

    private static IResult Frame(HttpContext context)
    {
        var url = context.Request.Query["url"].ToString();
        if (!Uri.TryCreate(url, UriKind.Absolute, out var page) || page.Scheme is not ("http" or "https"))
        {
            return SignInPages.Error(context, ErrorCodes.BadRequest, "Give the app page to open: /h5?url=<absolute http(s) URL>.");
        }

        var html = new StringBuilder("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Feishu H5 · ").Append(Html.Encode(page.Host)).Append("</title><style>")
            .Append("body{margin:0;font:14px -apple-system,\"Segoe UI\",Roboto,sans-serif;background:#f2f3f5}")
            .Append(".bar{background:#fff;border-bottom:1px solid #dee0e3;padding:10px 16px;display:flex;gap:12px;align-items:center}")
            .Append(".bar strong{color:#3370ff}.bar .url{color:#646a73;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}")
            .Append("iframe{display:block;width:100%;height:calc(100vh - 42px);border:0;background:#fff}</style></head><body>")
            .Append("<div class=\"bar\"><strong>Feishu</strong><span>H5 app (Larkway Emulator)</span><span class=\"url\">").Append(Html.Encode(page.AbsoluteUri)).Append("</span></div>")
            .Append("<iframe title=\"app\" src=\"").Append(Html.Encode(page.AbsoluteUri)).Append("\"></iframe></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8);
    }

    private static async Task<IResult> ConfigAsync(HttpContext context, H5ConfigChecker checker)
    {
        AllowAnyOrigin(context);
        JsonElement body;
        try
        {
            body = await RequestJson.ReadObjectAsync(context.Request, H5ConfigChecker.WrongSignature);
        }
        catch (ApiErrorException e)
        {
            return Envelope.Raw(new { code = e.Code, msg = e.Message });
        }

        string? Text(string name) => body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        var (code, msg) = checker.Check(new H5Config(Text("appId"), Text("timestamp"), Text("nonceStr"), Text("signature"), Text("url")));
        return Envelope.Raw(new { code, msg });
    }

    private static void AllowAnyOrigin(HttpContext context) => context.Response.Headers.AccessControlAllowOrigin = "*";
}
