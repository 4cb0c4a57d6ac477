using System.Globalization;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Web;

/// <summary>The avatars user_info points at: the person's initial on a colour of their own, as an SVG of the asked size.</summary>
internal static class Avatars
{
    private static readonly string[] Colours = ["#3370ff", "#34c724", "#ff8800", "#7f3bf5", "#f54a45", "#14c0ff"];

    public static void MapAvatars(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/_emulator/avatars/{open_id}", ([FromRoute(Name = "open_id")] string openId, [FromQuery] int? size, EmulatorState state) =>
        {
            if (state.FindUser("open_id", openId) is not { } user)
            {
                return Results.NotFound();
            }

            var side = Math.Clamp(size ?? 240, 16, 1024).ToString(CultureInfo.InvariantCulture);
            var colour = Colours[user.UserId.Sum(c => c) % Colours.Length];
            var initial = Html.Encode(user.Name.Length > 0 ? user.Name[..1].ToUpperInvariant() : "?");
            var svg = $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{side}\" height=\"{side}\" viewBox=\"0 0 100 100\"><rect width=\"100\" height=\"100\" fill=\"{colour}\"/>"
                + $"<text x=\"50\" y=\"50\" dy=\".35em\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"48\" fill=\"#fff\">{initial}</text></svg>";
            return Results.Text(svg, "image/svg+xml");
        });
}
