using Larkway.Feishu.AspNetCore;
using Larkway.Hub.Apps;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Feishu;

/// <summary>
/// <c>POST /feishu/apps/{name}/events</c> and <c>POST /feishu/apps/{name}/cards</c>: the event and card callbacks of a
/// stored Feishu app, received by the library's endpoints under the app's name (its keys: <see cref="FeishuStoredAppEndpointOptions"/>).
/// </summary>
internal static class FeishuStoredAppEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapFeishuEvents("/feishu/apps/{name}/events", AppNameOf).AddEndpointFilter(RequireReceivingAppAsync).ShortCircuit();
        endpoints.MapFeishuCardActions("/feishu/apps/{name}/cards", AppNameOf).AddEndpointFilter(RequireReceivingAppAsync).ShortCircuit();
    }

    private static string AppNameOf(HttpContext http) => http.Request.RouteValues["name"] as string ?? "";

    /// <summary>Feishu's requests for an app the Hub does not (or no longer) serve get a clear 404, before any verification.</summary>
    private static async ValueTask<object?> RequireReceivingAppAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var refusal = await http.RequestServices.GetRequiredService<HubAppService>().ReceivingRefusalAsync(AppNameOf(http), http.RequestAborted).ConfigureAwait(false);
        return refusal is null
            ? await next(context).ConfigureAwait(false)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown Feishu app", detail: refusal);
    }
}
