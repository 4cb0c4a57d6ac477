using Larkway.Emulator.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Emulator.Api.Jssdk;

/// <summary>
/// <c>POST /open-apis/jssdk/ticket/get</c>: the calling app's JSAPI ticket, as <c>{"ticket", "expire_in"}</c> — Feishu's
/// field is <c>expire_in</c>, not <c>expires_in</c>.
/// </summary>
internal static class JssdkEndpoints
{
    public static void MapJssdkEndpoints(this IEndpointRouteBuilder routes) =>
        routes.MapGroup("/open-apis/jssdk").AsOpenApi().MapPost("ticket/get", (HttpContext context) =>
        {
            var (ticket, expireIn) = context.RequestServices.GetRequiredService<JsapiTickets>().For(context.CallerApp().AppId);
            return Envelope.Ok(new { expire_in = expireIn, ticket });
        });
}
