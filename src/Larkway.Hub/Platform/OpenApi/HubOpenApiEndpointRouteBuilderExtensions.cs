using Larkway.Hub.Platform.OpenApi;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Serves the Hub API's OpenAPI document.</summary>
public static class HubOpenApiEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <see cref="HubOpenApi.DocumentPath"/>: the document, to anyone — it describes the API's shapes, holds no data,
    /// and is what a client generator is pointed at. Needs <c>AddHubOpenApi</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapHubOpenApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapOpenApi(HubOpenApi.DocumentPath).AllowAnonymous();
        return endpoints;
    }
}
