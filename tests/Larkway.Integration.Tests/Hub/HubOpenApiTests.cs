using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// The Hub's API describes itself: an OpenAPI 3.1 document at /api/v1/openapi.json, read without a key, that a standard
/// reader (Microsoft.OpenApi) finds no error in, naming every /api/v1 route the Hub maps with the statuses each declares.
/// </summary>
public sealed partial class HubOpenApiTests
{
    [Fact]
    public async Task The_document_is_valid_OpenAPI_3_1_names_every_api_route_and_says_what_each_one_answers()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var anonymous = new HttpClient { BaseAddress = hub.Host.BaseUrl };

        using var served = await anonymous.GetAsync(new Uri("/api/v1/openapi.json", UriKind.Relative));
        served.StatusCode.ShouldBe(HttpStatusCode.OK);
        var json = await served.Content.ReadAsStringAsync();
        var read = OpenApiDocument.Parse(json, "json");
        read.Diagnostic.ShouldNotBeNull();
        read.Diagnostic.Errors.ShouldBeEmpty(string.Join("\n", read.Diagnostic.Errors.Select(e => $"{e.Pointer}: {e.Message}")));
        read.Diagnostic.SpecificationVersion.ShouldBe(OpenApiSpecVersion.OpenApi3_1);
        var document = read.Document.ShouldNotBeNull();
        document.Validate(ValidationRuleSet.GetDefaultRuleSet()).ShouldBeEmpty();

        // Every /api/v1 route of the running Hub, and nothing else, is in the document.
        var routes = hub.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => (e.RoutePattern.RawText ?? "").TrimStart('/').StartsWith("api/v1/", StringComparison.Ordinal) && e.RoutePattern.RawText!.TrimStart('/') != "api/v1/openapi.json")
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => $"{m} /{RouteConstraint().Replace(e.RoutePattern.RawText!.Trim('/'), "{$1}")}"))
            .ToHashSet(StringComparer.Ordinal);
        using var parsed = JsonDocument.Parse(json);
        var operations = parsed.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Where(o => o.Value.ValueKind == JsonValueKind.Object && o.Name is "get" or "post" or "put" or "patch" or "delete")
                .Select(o => (Key: $"{o.Name.ToUpperInvariant()} {p.Name}", Operation: o.Value)))
            .ToList();
        operations.Select(o => o.Key).ToHashSet(StringComparer.Ordinal).ShouldBe(routes, ignoreOrder: true);

        // Every operation declares each success with its shape (or no body), and says what it refuses with.
        foreach (var (key, operation) in operations)
        {
            var responses = operation.GetProperty("responses").EnumerateObject().ToList();
            var successes = responses.Where(r => r.Name.StartsWith('2')).ToList();
            successes.ShouldNotBeEmpty(key);
            successes.Where(r => r.Name != "204" && !r.Value.TryGetProperty("content", out var _)).Select(r => r.Name).ShouldBeEmpty($"{key}: every success with a body says its shape");
            responses.ShouldContain(r => r.Name == "401", key);
            operation.GetProperty("summary").GetString().ShouldNotBeNullOrWhiteSpace(key);
            operation.GetProperty("tags").GetArrayLength().ShouldBe(1, key);

            // An operation that refuses another content type reads JSON, and says its shape (a named schema, for generators).
            if (responses.Any(r => r.Name == "415"))
            {
                var body = operation.GetProperty("requestBody");
                (body.TryGetProperty("required", out var required) && required.GetBoolean()).ShouldBe(key != "POST /api/v1/notification-types/{name}/preview", key);
                body.GetProperty("content").GetProperty("application/json").GetProperty("schema").TryGetProperty("$ref", out _).ShouldBeTrue(key);
            }
        }
    }

    /// <summary>A route parameter's constraint (<c>{id:long}</c>), which the document's path does not carry.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"\{(\w+):[^}]+\}")]
    private static partial System.Text.RegularExpressions.Regex RouteConstraint();
}
