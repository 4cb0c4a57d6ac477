using System.Text.Json;
using System.Text.Json.Nodes;
using HandlebarsDotNet;

namespace Larkway.Hub.Notifications.Types;

/// <summary>
/// A card (or a recipients list) with Handlebars placeholders in its string values: <c>"PO {{po.number}}"</c>,
/// <c>"{{#each lines}}- {{name}} × {{qty}}\n{{/each}}"</c>. Each string is rendered on its own and written back
/// as a JSON string, so data can never break the card's JSON (a quote in a supplier's name stays a quote).
/// </summary>
internal static class CardTemplate
{
    // No HTML escaping: the output is JSON text, escaped by the JSON writer.
    private static readonly IHandlebars Engine = Handlebars.Create(new HandlebarsConfiguration { NoEscape = true, ThrowOnUnresolvedBindingExpression = false });

    /// <summary>Renders every string of <paramref name="template"/> with <paramref name="data"/>; throws <see cref="CardTemplateException"/> naming the value that failed.</summary>
    public static JsonNode Render(JsonNode template, JsonElement data)
    {
        var context = ToHandlebarsData(data);
        return RenderNode(template, context, "$");
    }

    /// <summary>Checks that every string of <paramref name="template"/> compiles; problems name the JSON path.</summary>
    public static IReadOnlyList<string> Check(JsonNode template)
    {
        var problems = new List<string>();
        Visit(template, "$", (path, text) =>
        {
            try
            {
                Engine.Compile(text);
            }
            catch (HandlebarsException ex)
            {
                problems.Add($"{path}: {ex.Message}");
            }
        });
        return problems;
    }

    private static JsonNode RenderNode(JsonNode node, object? data, string path) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, p.Value is null ? null : (JsonNode?)RenderNode(p.Value, data, $"{path}.{p.Key}")))),
        JsonArray a => new JsonArray([.. a.Select((item, i) => item is null ? null : RenderNode(item, data, $"{path}[{i}]"))]),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => JsonValue.Create(RenderString(v.GetValue<string>(), data, path)),
        _ => node.DeepClone(),
    };

    private static string RenderString(string text, object? data, string path)
    {
        if (!text.Contains("{{", StringComparison.Ordinal))
        {
            return text;
        }

        try
        {
            return Engine.Compile(text)(data);
        }
        catch (HandlebarsException ex)
        {
            throw new CardTemplateException(path, ex.Message);
        }
    }

    private static void Visit(JsonNode? node, string path, Action<string, string> onString)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    Visit(value, $"{path}.{key}", onString);
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    Visit(a[i], $"{path}[{i}]", onString);
                }

                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                onString(path, v.GetValue<string>());
                break;
        }
    }

    /// <summary>JSON data as dictionaries, lists and primitives, which Handlebars binds by name.</summary>
    private static object? ToHandlebarsData(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => ToHandlebarsData(p.Value), StringComparer.Ordinal),
        JsonValueKind.Array => element.EnumerateArray().Select(ToHandlebarsData).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var l) ? l : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}

/// <summary>A template string that could not be rendered.</summary>
internal sealed class CardTemplateException(string path, string reason) : Exception($"{path}: {reason}")
{
    /// <summary>The JSON path of the string in the template.</summary>
    public string Path { get; } = path;
}
