using Larkway.Emulator.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Bot;

/// <summary><c>GET /open-apis/bot/v3/info</c>: the calling app's bot. Its payload sits in <c>bot</c>, not <c>data</c>.</summary>
internal static class BotEndpoints
{
    // activate_status 2 = activated, the state of a working bot.
    private const int Activated = 2;

    public static void MapBotEndpoints(this IEndpointRouteBuilder routes) =>
        routes.MapGroup("/open-apis/bot/v3").AsOpenApi().MapGet("info", (HttpContext context) =>
        {
            var app = context.CallerApp();
            return Envelope.Raw(new
            {
                code = 0,
                msg = "ok",
                bot = new
                {
                    activate_status = Activated,
                    app_name = app.BotName,
                    avatar_url = "https://emulator.invalid/avatars/" + app.AppId,
                    ip_white_list = Array.Empty<string>(),
                    open_id = app.BotOpenId,
                },
            });
        });
}
