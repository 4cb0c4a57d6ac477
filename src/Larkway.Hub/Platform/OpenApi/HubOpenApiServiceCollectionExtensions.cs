using System.Text.Json;
using System.Text.Json.Serialization;
using Larkway.Hub.Platform.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Hub API's OpenAPI document.</summary>
public static class HubOpenApiServiceCollectionExtensions
{
    /// <summary>
    /// Adds the OpenAPI document of the <c>/api/v1</c> endpoints (<see cref="HubOpenApi"/>). The schemas are read with the
    /// names and null policy every Hub answer is written with (snake_case members, a member without a value left out), so
    /// the document says what the wire says.
    /// </summary>
    public static IServiceCollection AddHubOpenApi(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        services.AddOpenApi(HubOpenApi.DocumentName, o =>
        {
            o.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            o.ShouldInclude = description => HubOpenApi.Describes(description.RelativePath);
            o.AddSchemaTransformer(HubOpenApi.DescribeSchemaAsync);
            o.AddOperationTransformer(HubOpenApi.DescribeOperationAsync);
            o.AddDocumentTransformer(HubOpenApi.DescribeDocumentAsync);
        });
        return services;
    }
}
