using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Larkway.Integration.Tests.Hub.Contract;

/// <summary>
/// The Hub's OpenAPI document read as a contract each call must keep: the status answered is one the operation
/// declares, the answer's body is of the declared media type and schema, and a request the Hub accepted is of the
/// request schema. Strict where the document is open: an object's members are only those it names, so a field the Hub
/// writes (or accepts) without describing it fails the check.
/// </summary>
internal sealed class OpenApiContract
{
    private static readonly Uri DocumentUri = new("https://contract.larkway.test/openapi.json");
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];
    private static readonly string[] Compositions = ["allOf", "anyOf", "oneOf", "additionalProperties", "unevaluatedProperties", "patternProperties"];

    private readonly List<Operation> _operations;
    private readonly BuildOptions _build;
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);
    private int _built;

    private OpenApiContract(List<Operation> operations, BuildOptions build)
    {
        _operations = operations;
        _build = build;
    }

    /// <summary>Reads the document (its text as served).</summary>
    public static OpenApiContract Read(string json)
    {
        var document = JsonNode.Parse(json)!.AsObject();

        // Every schema the document holds or names, made strict and its references absolute, so a schema taken out of
        // the document alone (an operation's answer) still finds the components it refers to.
        foreach (var (_, schema) in document["components"]?["schemas"]?.AsObject() ?? [])
        {
            Strict(schema);
        }

        var operations = new List<Operation>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var method in Methods)
            {
                if (item![method] is not JsonObject operation)
                {
                    continue;
                }

                foreach (var content in Contents(operation))
                {
                    Strict(content["schema"]);
                }

                operations.Add(new(method.ToUpperInvariant(), path, path.Split('/'), operation));
            }
        }

        var build = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        using var parsed = JsonDocument.Parse(document.ToJsonString());
        build.SchemaRegistry.Register(new JsonElementBaseDocument(parsed.RootElement.Clone(), DocumentUri));
        return new OpenApiContract(operations, build);
    }

    /// <summary>Which operation answers <paramref name="method"/> <paramref name="path"/> (a literal segment wins over a parameter); null for none.</summary>
    public string? OperationOf(string method, string path) => Find(method, path)?.Key;

    /// <summary>What in <paramref name="exchange"/> the document does not say; empty when it keeps the contract.</summary>
    public IEnumerable<string> Check(ApiExchange exchange)
    {
        if (Find(exchange.Method, exchange.Path) is not { } operation)
        {
            yield break;
        }

        var where = $"{exchange.Method} {exchange.Path} → {exchange.Status}";
        var responses = operation.Body["responses"]?.AsObject();
        var declared = responses?[exchange.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)] ?? responses?["default"];
        if (declared is null)
        {
            yield return $"{where}: {operation.Key} does not declare {exchange.Status} (it declares {string.Join(", ", responses?.Select(r => r.Key) ?? [])})";
            yield break;
        }

        foreach (var problem in CheckBody(where + " answer", declared["content"]?.AsObject(), exchange.ResponseContentType, exchange.ResponseBody, $"{operation.Key} {exchange.Status}"))
        {
            yield return problem;
        }

        // A request the Hub took is one the document describes (a refused one is the test's own bad input).
        if (exchange.Status is >= 200 and < 300 && exchange.RequestBody.Length > 0)
        {
            foreach (var problem in CheckRequest(where, operation, exchange.RequestContentType, exchange.RequestBody))
            {
                yield return problem;
            }
        }
    }

    /// <summary>
    /// What in <paramref name="body"/>, a request to <paramref name="method"/> <paramref name="path"/>, the operation's
    /// request schema does not say (an example the document gives, say); empty when it keeps it.
    /// </summary>
    public IEnumerable<string> CheckRequest(string method, string path, string contentType, byte[] body)
    {
        if (Find(method, path) is not { } operation)
        {
            return [$"{method} {path}: no operation of the document answers it"];
        }

        return CheckRequest($"{method} {path}", operation, contentType, body);
    }

    private IEnumerable<string> CheckRequest(string where, Operation operation, string? contentType, byte[] body)
    {
        if (operation.Body["requestBody"]?["content"] is not JsonObject requestContent)
        {
            return [$"{where}: the Hub took a request body {operation.Key} does not describe"];
        }

        return CheckBody(where + " request", requestContent, contentType, body, $"{operation.Key} request");
    }

    private IEnumerable<string> CheckBody(string where, JsonObject? content, string? contentType, byte[] body, string key)
    {
        if (body.Length == 0)
        {
            if (content is { Count: > 0 })
            {
                yield return $"{where}: empty, the document says {string.Join(" or ", content.Select(c => c.Key))}";
            }

            yield break;
        }

        var media = (contentType ?? "").Split(';')[0].Trim();
        if (content?[media] is not JsonObject described)
        {
            yield return $"{where}: {(media.Length == 0 ? "a body without a content type" : media)}, the document says {(content is { Count: > 0 } ? string.Join(" or ", content.Select(c => c.Key)) : "no body")}";
            yield break;
        }

        if (described["schema"] is not { } schemaNode)
        {
            yield break;
        }

        if (Parse(body, withoutNulls: where.EndsWith(" request", StringComparison.Ordinal)) is not { } instance)
        {
            yield return $"{where}: not JSON: {Excerpt(body)}";
            yield break;
        }

        var schema = _schemas.GetOrAdd($"{key} {media}", _ =>
        {
            using var parsed = JsonDocument.Parse(schemaNode.ToJsonString());
            return JsonSchema.Build(parsed.RootElement.Clone(), _build, new Uri($"https://contract.larkway.test/check/{Interlocked.Increment(ref _built)}"));
        });
        var results = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (!results.IsValid)
        {
            var errors = (results.Details ?? [])
                .Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{(d.InstanceLocation.ToString() is { Length: > 0 } at ? at : "/")} {e.Key}: {e.Value}"))
                .Distinct(StringComparer.Ordinal)
                .Take(6);
            yield return $"{where}: not of the documented schema ({string.Join("; ", errors)}): {Excerpt(body)}";
        }
    }

    /// <summary>
    /// The body as JSON; a request's members sent as null left out, as the document says the Hub reads them (an optional
    /// member sent as null is one left out), so the request is checked against the members it really gives.
    /// </summary>
    private static JsonElement? Parse(byte[] body, bool withoutNulls)
    {
        try
        {
            if (withoutNulls)
            {
                var node = JsonNode.Parse(body);
                RemoveNulls(node);
                using var cleaned = JsonDocument.Parse(node?.ToJsonString() ?? "null");
                return cleaned.RootElement.Clone();
            }

            using var parsed = JsonDocument.Parse(body);
            return parsed.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void RemoveNulls(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject members:
                foreach (var name in members.Where(m => m.Value is null).Select(m => m.Key).ToList())
                {
                    members.Remove(name);
                }

                foreach (var (_, member) in members)
                {
                    RemoveNulls(member);
                }

                break;
            case JsonArray items:
                foreach (var item in items)
                {
                    RemoveNulls(item);
                }

                break;
        }
    }

    private Operation? Find(string method, string path)
    {
        var segments = path.TrimEnd('/').Split('/');
        Operation? best = null;
        var bestLiterals = -1;
        foreach (var operation in _operations)
        {
            if (operation.Method != method || operation.Segments.Length != segments.Length)
            {
                continue;
            }

            var literals = 0;
            var matches = true;
            for (var i = 0; i < segments.Length && matches; i++)
            {
                var template = operation.Segments[i];
                if (template.StartsWith('{'))
                {
                    matches = segments[i].Length > 0;
                }
                else
                {
                    matches = string.Equals(template, segments[i], StringComparison.Ordinal);
                    literals++;
                }
            }

            if (matches && literals > bestLiterals)
            {
                best = operation;
                bestLiterals = literals;
            }
        }

        return best;
    }

    private static IEnumerable<JsonObject> Contents(JsonObject operation)
    {
        foreach (var (_, media) in operation["requestBody"]?["content"]?.AsObject() ?? [])
        {
            yield return media!.AsObject();
        }

        foreach (var (_, response) in operation["responses"]?.AsObject() ?? [])
        {
            foreach (var (_, media) in response?["content"]?.AsObject() ?? [])
            {
                yield return media!.AsObject();
            }
        }
    }

    /// <summary>
    /// Makes <paramref name="node"/> (a schema) and the schemas inside it closed — an object of named members takes no
    /// others — and its references absolute. Only schema positions are walked, never an example's or a default's value.
    /// </summary>
    private static void Strict(JsonNode? node)
    {
        if (node is not JsonObject schema)
        {
            return;
        }

        if (schema["$ref"] is JsonValue reference && reference.GetValue<string>() is { } target && target.StartsWith('#'))
        {
            schema["$ref"] = DocumentUri + target;
        }

        if (schema["properties"] is JsonObject properties)
        {
            if (!Compositions.Any(schema.ContainsKey))
            {
                schema["additionalProperties"] = false;
            }

            foreach (var (_, member) in properties)
            {
                Strict(member);
            }
        }

        foreach (var single in new[] { "items", "additionalProperties", "not", "unevaluatedProperties" })
        {
            Strict(schema[single]);
        }

        foreach (var many in new[] { "allOf", "anyOf", "oneOf", "prefixItems" })
        {
            foreach (var choice in schema[many] as JsonArray ?? [])
            {
                Strict(choice);
            }
        }
    }

    private static string Excerpt(byte[] body) =>
        Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 400)) + (body.Length > 400 ? "…" : "");

    private sealed record Operation(string Method, string Path, string[] Segments, JsonObject Body)
    {
        public string Key => $"{Method} {Path}";
    }
}

/// <summary>
/// A test's calls to the Hub's API answered (or were accepted) as its OpenAPI document does not say. Thrown when the test's
/// Hub stops, so it takes the place of a failure the test itself threw before; the message says how to see that one.
/// </summary>
internal sealed class OpenApiContractException(IReadOnlyList<string> breaches)
    : Exception(
        $"The Hub's API did not keep its OpenAPI document ({breaches.Count}):\n" + string.Join("\n", breaches.Take(40)) +
        "\n(Checked as the test's Hub stopped: if the test failed before that, this replaced its failure; set the HubSandbox's " +
        "ChecksContract to false to see it.)")
{
    public IReadOnlyList<string> Breaches { get; } = breaches;
}
