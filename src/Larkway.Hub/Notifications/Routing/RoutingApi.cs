using Larkway.Hub.Platform.Units;
using System.Text.Json.Serialization;
using Larkway.Hub.Apps;
using Larkway.Hub.Directory.Links;
using Larkway.Hub.Notifications.Routing;
using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Platform.Auth;
using Larkway.Hub.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Hub.Notifications.Routing
{
    /// <summary>Source-generated JSON for the routing settings.</summary>
    [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonSerializable(typeof(RoutingSettings))]
    internal sealed partial class RoutingJsonContext : JsonSerializerContext;
}

namespace Microsoft.AspNetCore.Builder
{
    /// <summary>
    /// Maps the routing settings, for the admin key: <c>GET|PUT /api/v1/directory/routing</c>. They live with the
    /// notifications that follow them; the path stays under the directory beside people's platforms.
    /// </summary>
    public static class HubRoutingEndpointRouteBuilderExtensions
    {
        public static IEndpointRouteBuilder MapHubRoutingApi(this IEndpointRouteBuilder endpoints)
        {
            ArgumentNullException.ThrowIfNull(endpoints);
            var group = endpoints.MapGroup("/api/v1/directory").WithTags("Notification routing");
            group.RequireHubAdmin("manages where people are reached");
            group.MapGet("/routing", GetRoutingAsync).WithName("GetDirectoryRouting")
                .WithSummary("Get the routing settings")
                .WithDescription("How the Hub picks the platform a person's notification goes to: the order of platforms for a person without a preference, "
                    + "the app that sends on each platform, and per notification type an order that replaces the person's preference.")
                .Answers<RoutingSettings>(StatusCodes.Status200OK);
            group.MapPut("/routing", PutRoutingAsync).WithName("SetDirectoryRouting")
                .WithSummary("Change the routing settings")
                .WithDescription("Replaces the routing settings and answers them as stored: order left out is every platform in the Hub's order; apps and types left out are none.")
                .ReadsJson<RoutingSettings>()
                .Answers<RoutingSettings>(StatusCodes.Status200OK);
            return endpoints;
        }

        private static async Task<JsonHttpResult<RoutingSettings>> GetRoutingAsync([FromServices] RoutingSettingsStore routing, CancellationToken cancellationToken) =>
            TypedResults.Json(await routing.GetAsync(cancellationToken).ConfigureAwait(false), RoutingJsonContext.Default.RoutingSettings);

        private static async Task<Results<JsonHttpResult<RoutingSettings>, ProblemHttpResult>> PutRoutingAsync(
            HttpContext http, [FromServices] RoutingSettingsStore routing, [FromServices] HubAppRegistry apps, [FromServices] PlatformPieces<IPersonAddressing> addressings,
            [FromServices] PersonPlatforms platforms, CancellationToken cancellationToken)
        {
            var (input, unreadable) = await JsonBody.ReadAsync(http.Request, RoutingJsonContext.Default.RoutingSettings,
                "order (platforms in order), apps (platform → app name) and types (type → platforms in order)", cancellationToken).ConfigureAwait(false);
            if (unreadable is not null || input is null)
            {
                return unreadable ?? JsonBody.BadBody("The body must be a JSON object.");
            }

            var settings = input with
            {
                Order = input.Order ?? platforms.All,
                Apps = input.Apps ?? new Dictionary<string, string>(StringComparer.Ordinal),
                Types = input.Types ?? new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal),
            };
            var all = await apps.AllAsync(cancellationToken).ConfigureAwait(false);
            var names = settings.Apps.Where(a => all.Any(x => x.Name == a.Value && x.Platform == a.Key)).Select(a => a.Value).ToList();
            var addressed = platforms.All.Select(p => (Platform: p, Addressing: addressings.Find(p))).Where(a => a.Addressing is not null).ToList();
            var takingAnApp = addressed.Where(a => !a.Addressing!.HasDefaultApp).Select(a => a.Platform).ToList();
            var withDefaultApp = addressed.Where(a => a.Addressing!.HasDefaultApp).Select(a => a.Platform).ToList();
            if (settings.Problems(names, takingAnApp, withDefaultApp, platforms) is { Count: > 0 } problems)
            {
                return FieldProblems.Result(StatusCodes.Status400BadRequest, "Invalid request", problems);
            }

            await routing.SaveAsync(settings, cancellationToken).ConfigureAwait(false);
            await ApiAudit.WriteAsync(http, "directory.routing", "routing", ("order", string.Join(',', settings.Order ?? platforms.All))).ConfigureAwait(false);
            return TypedResults.Json(settings, RoutingJsonContext.Default.RoutingSettings);
        }
    }
}
