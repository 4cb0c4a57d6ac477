using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Larkway.Hub.Platform.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Larkway.Hub.Platform.OpenApi;

/// <summary>
/// The Hub's API described for its callers: one OpenAPI 3.1 document of every <c>/api/v1</c> endpoint, generated from the
/// endpoints themselves (their routes, the types they read and answer, the statuses each declares) and served where a
/// generator or a person finds it beside the API it describes.
/// </summary>
public static class HubOpenApi
{
    /// <summary>The document's name, the API's version.</summary>
    public const string DocumentName = "v1";

    /// <summary>Where the document is served: with the API it describes, versioned with it.</summary>
    public const string DocumentPath = "/api/v1/openapi.json";

    /// <summary>The name of the bearer security scheme in the document.</summary>
    public const string BearerSchemeName = "bearer";

    /// <summary>Only the API's own endpoints are described (not the console, the platforms' callbacks or the sign-in protocol).</summary>
    internal static bool Describes(string? relativePath) =>
        relativePath is not null && relativePath.StartsWith("api/v1/", StringComparison.Ordinal);

    /// <summary>The document's title, version and the bearer scheme every endpoint is called with.</summary>
    internal static async Task DescribeDocumentAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Larkway Hub API",
            Version = typeof(HubOpenApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? DocumentName,
            Description = "Notifications to people on Feishu, DingTalk and WeCom, approvals, webhooks, apps, assistants, the directory and "
                + "sign-in clients. Every call takes 'Authorization: Bearer <key>': the admin key, or an API key (lk_…) that may send "
                + "some notification types. Errors are application/problem+json; lists answer {items, next}, and 'after' = next reads the next page. "
                + "An answer leaves out a member that has no value (it is never null unless its description says so); in a request, an optional "
                + "member sent as null is the same as one left out.",
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
        document.Components.SecuritySchemes[BearerSchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The Hub's admin key, or an API key (lk_…) made by its administrator (POST /api/v1/api-keys), limited to the "
                + "notification types it may send. An operation that needs the admin key names the role 'admin' in its security "
                + "requirement (and says 'Admin key only'); it refuses an API key with 403. One with no role takes either key.",
        };

        // A nullable member of an object type is written as oneOf [null, the type] after the schema transformers ran: an
        // optional member is never null on the wire (see DescribeSchemaAsync), so it is the type alone.
        foreach (var component in document.Components.Schemas?.Values.OfType<OpenApiSchema>() ?? [])
        {
            foreach (var (name, member) in component.Properties?.ToList() ?? [])
            {
                if (component.Required?.Contains(name) != true && member is OpenApiSchema { OneOf: [OpenApiSchema { Type: JsonSchemaType.Null }, var type] })
                {
                    component.Properties![name] = type;
                }
            }
        }

        // The refusals every operation shares name the problem schema by reference.
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        if (!document.Components.Schemas.ContainsKey(nameof(HubProblemDto)))
        {
            document.Components.Schemas[nameof(HubProblemDto)] = await context.GetOrCreateSchemaAsync(typeof(HubProblemDto), null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// What every endpoint behind the bearer scheme may answer besides its own statuses: 401 without a valid key, 403 for
    /// an API key on an admin endpoint, 429 after too many wrong keys; and, anywhere, 400 for a body that cannot be read and
    /// 503 while the database is busy.
    /// </summary>
    internal static async Task DescribeOperationAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        foreach (var parameter in metadata.OfType<HubParameter>())
        {
            var location = parameter.In == HubParameter.InHeader ? ParameterLocation.Header : ParameterLocation.Query;
            operation.Parameters ??= [];
            var schema = await context.GetOrCreateSchemaAsync(parameter.Type, null, cancellationToken).ConfigureAwait(false);
            if (operation.Parameters.FirstOrDefault(p => p.Name == parameter.Name && p.In == location) is OpenApiParameter bound)
            {
                // A [FromQuery] string the handler reads itself to name every problem: the generator saw only the string.
                bound.Description ??= parameter.Description;
                bound.Schema = schema;
            }
            else if (!operation.Parameters.Any(p => p.Name == parameter.Name && p.In == location))
            {
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = parameter.Name,
                    In = location,
                    Description = parameter.Description,
                    Schema = schema,
                });
            }
        }

        if (metadata.OfType<HubRequestBody>().LastOrDefault() is { } body)
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = body.Required,
                Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
                {
                    // The example on the media type, not in the schema: it is where Scalar and client generators show a request's example.
                    ["application/json"] = new()
                    {
                        Schema = await NamedSchemaAsync(body.Type, context, cancellationToken).ConfigureAwait(false),
                        Example = body.Example?.DeepClone(),
                    },
                },
            };
        }

        var hint = metadata.OfType<HubKeyHint>().LastOrDefault();
        operation.Responses ??= [];
        if (hint is not null)
        {
            operation.Security ??= [];
            // OpenAPI 3.1 lets a requirement of a non-OAuth scheme name the roles it needs: the admin key's, or none.
            operation.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(BearerSchemeName, context.Document)] = hint.OnlyAdmin is null ? [] : [HubAuth.AdminRole],
            });
            Refusal(operation, context, StatusCodes.Status401Unauthorized, "No key, or a key the Hub does not know (or revoked).");
            Refusal(operation, context, StatusCodes.Status429TooManyRequests, "Too many wrong keys from this address: wait for Retry-After.");
            if (hint.OnlyAdmin is { } onlyAdmin)
            {
                operation.Description = (operation.Description is { Length: > 0 } d ? d + "\n\n" : "") + $"Admin key only (the admin key {onlyAdmin}).";
                Refusal(operation, context, StatusCodes.Status403Forbidden, "An API key: only the admin key may call this.");
            }
        }

        Refusal(operation, context, StatusCodes.Status503ServiceUnavailable, "The database was busy: send the same request again in a moment.");
    }

    /// <summary>
    /// <paramref name="type"/>'s schema as a reference to a component named after it, as the generator names the answers'
    /// (a schema made here would otherwise be inlined, and client generators give an inlined body no type name).
    /// </summary>
    private static async Task<IOpenApiSchema> NamedSchemaAsync(Type type, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var schema = await context.GetOrCreateSchemaAsync(type, null, cancellationToken).ConfigureAwait(false);
        if (context.Document is not { } document)
        {
            return schema;
        }

        document.AddComponent(type.Name, schema);
        return new OpenApiSchemaReference(type.Name, document);
    }

    /// <summary>
    /// A member without a value is left out of every answer, never written as null (the Hub's JSON policy): so a nullable
    /// member is optional and, when present, never null — unless it is one that keeps its null (<c>JsonIgnore</c>
    /// <c>Never</c>, where null says something). A free-form member (<see cref="JsonElement"/>) gets a schema of its own
    /// (<see cref="FreeFormSchema"/>).
    /// </summary>
    internal static Task DescribeSchemaAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        // An enum of strings says it is a string: without the type, generators read its values as of any kind.
        if (schema.Enum is { Count: > 0 } values && schema.Type is null && values.All(v => v?.GetValueKind() == JsonValueKind.String))
        {
            schema.Type = JsonSchemaType.String;
        }

        if (context.JsonTypeInfo.Kind != JsonTypeInfoKind.Object || schema.Properties is null)
        {
            return Task.CompletedTask;
        }

        foreach (var property in context.JsonTypeInfo.Properties)
        {
            if (!property.IsGetNullable || KeepsNull(property) || !schema.Properties.TryGetValue(property.Name, out var member))
            {
                continue;
            }

            // A request member the endpoint requires, though its type lets the endpoint say so itself, stays required.
            if (!Has<System.ComponentModel.DataAnnotations.RequiredAttribute>(property))
            {
                schema.Required?.Remove(property.Name);
            }

            if (member is OpenApiSchema { Type: { } type } inline && type.HasFlag(JsonSchemaType.Null) && type != JsonSchemaType.Null)
            {
                inline.Type = type & ~JsonSchemaType.Null;
            }
            else if (member is OpenApiSchema { OneOf: { Count: > 1 } choices } && choices.FirstOrDefault(c => c is OpenApiSchema { Type: JsonSchemaType.Null }) is { } nullChoice)
            {
                choices.Remove(nullChoice);
            }
        }

        foreach (var property in context.JsonTypeInfo.Properties)
        {
            if ((property.PropertyType == typeof(JsonElement) || property.PropertyType == typeof(JsonElement?)) && schema.Properties.ContainsKey(property.Name))
            {
                schema.Properties[property.Name] = FreeFormSchema(property);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// A free-form member's own schema, inline: the generator names every <see cref="JsonElement"/> one shared empty
    /// schema (or none at all), which loses the member's description and the kind the Hub holds it to.
    /// </summary>
    private static OpenApiSchema FreeFormSchema(JsonPropertyInfo property)
    {
        var type = AttributeOf<JsonKindAttribute>(property)?.Kinds.Aggregate(default(JsonSchemaType), (type, kind) => type | SchemaType(kind));
        return new()
        {
            Description = AttributeOf<DescriptionAttribute>(property)?.Description,
            Type = type,

            // An object of any members, said outright: generators read an object schema without members as an empty
            // object (openapi-typescript's Record<string, never>), not as a map of any JSON.
            AdditionalProperties = type?.HasFlag(JsonSchemaType.Object) == true ? new OpenApiSchema() : null,
        };
    }

    private static JsonSchemaType SchemaType(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => JsonSchemaType.Object,
        JsonValueKind.Array => JsonSchemaType.Array,
        JsonValueKind.String => JsonSchemaType.String,
        JsonValueKind.Number => JsonSchemaType.Number,
        JsonValueKind.True or JsonValueKind.False => JsonSchemaType.Boolean,
        JsonValueKind.Null => JsonSchemaType.Null,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a JSON kind."),
    };

    private static bool KeepsNull(JsonPropertyInfo property) =>
        property.AttributeProvider?.GetCustomAttributes(typeof(JsonIgnoreAttribute), inherit: true).OfType<JsonIgnoreAttribute>()
            .Any(a => a.Condition == JsonIgnoreCondition.Never) == true;

    private static bool Has<TAttribute>(JsonPropertyInfo property)
        where TAttribute : Attribute =>
        property.AttributeProvider?.IsDefined(typeof(TAttribute), inherit: true) == true;

    private static TAttribute? AttributeOf<TAttribute>(JsonPropertyInfo property)
        where TAttribute : Attribute =>
        property.AttributeProvider?.GetCustomAttributes(typeof(TAttribute), inherit: true).OfType<TAttribute>().FirstOrDefault();

    private static void Refusal(OpenApiOperation operation, OpenApiOperationTransformerContext context, int status, string description)
    {
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses!.ContainsKey(key))
        {
            return;
        }

        operation.Responses[key] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(nameof(HubProblemDto), context.Document) },
            },
        };
    }
}
