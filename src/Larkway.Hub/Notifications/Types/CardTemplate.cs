using System.Collections.Concurrent;
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
    /// <summary>How long one string may take to compile (inside <see cref="TemplateBounds"/> it takes milliseconds).</summary>
    public static readonly TimeSpan CompileTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Compiled strings kept; the cache starts over when full (types change rarely).</summary>
    private const int MaxCached = 2048;

    // No HTML escaping: the output is JSON text, escaped by the JSON writer.
    private static readonly IHandlebars Engine = Handlebars.Create(new HandlebarsConfiguration { NoEscape = true, ThrowOnUnresolvedBindingExpression = false });

    private static readonly ConcurrentDictionary<string, HandlebarsTemplate<object, object>> Compiled = new(StringComparer.Ordinal);

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
                Compile(text, path);
            }
            catch (CardTemplateException ex)
            {
                problems.Add(ex.Message);
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

        var compiled = Compile(text, path);
        try
        {
            return compiled(data);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The engine throws more than its own exception for odd data (a NullReferenceException for {{name}} on a
            // null list item): whatever it throws, this data does not render into this string.
            throw new CardTemplateException(path, ex is HandlebarsException ? ex.Message : $"the data does not render here ({ex.GetType().Name}).");
        }
    }

    /// <summary>
    /// The compiled string, from the cache or compiled now: checked against <see cref="TemplateBounds"/> first, then
    /// compiled on the thread pool within <see cref="CompileTimeout"/>, so that no template holds a request.
    /// </summary>
    private static HandlebarsTemplate<object, object> Compile(string text, string path)
    {
        if (Compiled.TryGetValue(text, out var cached))
        {
            return cached;
        }

        if (TemplateBounds.Problem(text) is { } problem)
        {
            throw new CardTemplateException(path, problem);
        }

        var compiling = Task.Run(() => Engine.Compile(text));
        try
        {
            if (!compiling.Wait(CompileTimeout))
            {
                throw new CardTemplateException(path, $"the template string did not compile within {CompileTimeout.TotalSeconds:0} s; make it simpler.");
            }
        }
        catch (AggregateException ex)
        {
            // The compiler's own errors (unclosed blocks, unknown syntax) name what is wrong.
            throw new CardTemplateException(path, ex.InnerException?.Message ?? ex.Message);
        }

        if (Compiled.Count >= MaxCached)
        {
            Compiled.Clear();
        }

        return Compiled[text] = compiling.Result;
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
