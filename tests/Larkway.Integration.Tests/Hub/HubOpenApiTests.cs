using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform.Units;
using Larkway.Integration.Tests.Hub.Contract;
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
        var wrongRoles = new List<string>();
        foreach (var (key, operation) in operations)
        {
            var responses = operation.GetProperty("responses").EnumerateObject().ToList();
            var successes = responses.Where(r => r.Name.StartsWith('2')).ToList();
            successes.ShouldNotBeEmpty(key);
            successes.Where(r => r.Name != "204" && !r.Value.TryGetProperty("content", out var _)).Select(r => r.Name).ShouldBeEmpty($"{key}: every success with a body says its shape");
            responses.ShouldContain(r => r.Name == "401", key);
            operation.GetProperty("summary").GetString().ShouldNotBeNullOrWhiteSpace(key);

            // The roles the bearer requirement names are what the Hub enforces (HubRouteAuthorizationTests calls each route
            // with an API key): the admin key's for every route an API key is refused, none where either key is taken.
            var roles = operation.GetProperty("security").EnumerateArray().Single().GetProperty("bearer").EnumerateArray().Select(r => r.GetString()).ToList();
            if (!roles.SequenceEqual(HubRouteAuthorizationTests.ForApiKeys.ContainsKey(key) ? [] : ["admin"]))
            {
                wrongRoles.Add($"{key}: [{string.Join(", ", roles)}]");
            }
            operation.GetProperty("tags").GetArrayLength().ShouldBe(1, key);

            // An operation that refuses another content type reads JSON, and says its shape (a named schema, for generators).
            if (responses.Any(r => r.Name == "415"))
            {
                var body = operation.GetProperty("requestBody");
                (body.TryGetProperty("required", out var required) && required.GetBoolean()).ShouldBe(key != "POST /api/v1/notification-types/{name}/preview", key);
                body.GetProperty("content").GetProperty("application/json").GetProperty("schema").TryGetProperty("$ref", out _).ShouldBeTrue(key);
            }
        }

        wrongRoles.ShouldBeEmpty("the bearer requirement's roles say which key an operation takes");
    }

    /// <summary>
    /// The three calls an integrator starts with show an example body: each of its own request schema (read as strictly as
    /// the contract checker reads every call), and one the Hub takes as it is.
    /// </summary>
    [Fact]
    public async Task The_first_calls_show_an_example_body_of_their_schema_that_the_Hub_takes()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var admin = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        var json = await admin.GetStringAsync(new Uri("/api/v1/openapi.json", UriKind.Relative));
        var contract = OpenApiContract.Read(json);
        var paths = JsonNode.Parse(json)!["paths"]!;

        foreach (var (path, taken) in new[] { ("/api/v1/notifications", HttpStatusCode.Accepted), ("/api/v1/approvals", HttpStatusCode.Created), ("/api/v1/webhooks", HttpStatusCode.Created) })
        {
            var example = (paths[path]?["post"]?["requestBody"]?["content"]?["application/json"]?["example"]).ShouldBeOfType<JsonObject>(path);
            contract.CheckRequest("POST", path, "application/json", Encoding.UTF8.GetBytes(example.ToJsonString())).ShouldBeEmpty(path);

            // The check reads the example: a member the schema does not name fails it.
            var misspelt = example.DeepClone().AsObject();
            misspelt["recipents"] = new JsonArray();
            contract.CheckRequest("POST", path, "application/json", Encoding.UTF8.GetBytes(misspelt.ToJsonString())).ShouldHaveSingleItem(path).ShouldContain("recipents");

            using var sent = await admin.PostAsync(new Uri(path, UriKind.Relative), new StringContent(example.ToJsonString(), Encoding.UTF8, "application/json"));
            sent.StatusCode.ShouldBe(taken, $"{path}: {await sent.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>
    /// No member of the document says nothing: a free-form JSON member keeps its own description (and, where the Hub holds
    /// it to one, its kind) instead of naming a shared empty schema, and a type with a converter of its own is described as
    /// what the converter writes.
    /// </summary>
    [Fact]
    public async Task Every_member_says_what_it_holds_free_form_JSON_and_the_inbox_transport_too()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var anonymous = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        var document = JsonNode.Parse(await anonymous.GetStringAsync(new Uri("/api/v1/openapi.json", UriKind.Relative)))!.AsObject();
        var schemas = document["components"]!["schemas"]!.AsObject();

        schemas.Where(s => s.Value is JsonObject { Count: 0 }).Select(s => s.Key).ShouldBeEmpty("a component schema that says nothing");
        Members(document, "#").Where(m => SaysNothing(m.Schema, schemas)).Select(m => m.Where).ShouldBeEmpty("a member whose schema is {} or only a $ref to one, without a description");

        schemas.Where(s => s.Value?["enum"] is not null && s.Value["type"]?.GetValue<string>() != "string").Select(s => s.Key)
            .ShouldBeEmpty("an enum of strings that does not say it is a string");

        // The free-form members keep their descriptions, with the kind the parser holds them to.
        var form = schemas["ApprovalCreateBody"]!["properties"]!["form"]!;
        form["type"]!.GetValue<string>().ShouldBe("object");
        form["description"]!.GetValue<string>().ShouldStartWith("The form's values");
        foreach (var member in new[] { "card", "data" })
        {
            var schema = schemas["NotificationCreateBody"]!["properties"]![member]!;
            schema["type"]!.GetValue<string>().ShouldBe("object", member);
            schema["description"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace(member);
        }

        schemas["PlatformFailureDto"]!["properties"]!["code"]!["type"]!.AsArray().Select(t => t!.GetValue<string>()).ShouldBe(new[] { "number", "string" }, ignoreOrder: true);

        // The transport is what its converter writes: a string, one of the transports the platforms' inbox handlers read.
        var transport = schemas["InboxTransport"]!;
        transport["type"]!.GetValue<string>().ShouldBe("string");
        var handled = hub.Host.Services.GetRequiredService<PlatformPieces<IInboxPlatformHandler>>().Each.SelectMany(h => h.Transports).Select(t => t.WireName);
        transport["enum"]!.AsArray().Select(t => t!.GetValue<string>()).ShouldBe(handled, ignoreOrder: true);
        transport["enum"]!.AsArray().Select(t => t!.GetValue<string>()).ShouldContain("long_connection");
    }

    /// <summary>Every member of every object schema in <paramref name="node"/>, at any depth, with where it is.</summary>
    private static IEnumerable<(string Where, JsonNode? Schema)> Members(JsonNode? node, string where)
    {
        switch (node)
        {
            case JsonObject schema:
                if (schema["properties"] is JsonObject properties)
                {
                    foreach (var (name, member) in properties)
                    {
                        yield return ($"{where}/properties/{name}", member);
                    }
                }

                foreach (var (name, child) in schema)
                {
                    foreach (var member in Members(child, $"{where}/{name}"))
                    {
                        yield return member;
                    }
                }

                break;
            case JsonArray items:
                for (var i = 0; i < items.Count; i++)
                {
                    foreach (var member in Members(items[i], $"{where}/{i}"))
                    {
                        yield return member;
                    }
                }

                break;
        }
    }

    /// <summary>A schema with nothing but, at most, a reference to a component schema that itself says nothing.</summary>
    private static bool SaysNothing(JsonNode? schema, JsonObject components) => schema switch
    {
        JsonObject { Count: 0 } => true,
        JsonObject { Count: 1 } only when only["$ref"]?.GetValue<string>() is { } target =>
            components[target.Split('/')[^1]] is not JsonObject named || named.Count == 0,
        _ => false,
    };

    /// <summary>A route parameter's constraint (<c>{id:long}</c>), which the document's path does not carry.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"\{(\w+):[^}]+\}")]
    private static partial System.Text.RegularExpressions.Regex RouteConstraint();
}
