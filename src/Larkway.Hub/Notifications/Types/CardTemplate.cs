using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HandlebarsDotNet;
using HandlebarsDotNet.IO;

namespace Larkway.Hub.Notifications.Types;

/// <summary>
/// A card (or a recipients list) with Handlebars placeholders in its string values: <c>"PO {{po.number}}"</c>,
/// <c>"{{#each lines}}- {{name}} × {{qty}}\n{{/each}}"</c>. Each string is rendered on its own and written back
/// as a JSON string, so data can never break the card's JSON (a quote in a supplier's name stays a quote).
/// </summary>
internal static class CardTemplate
{
    /// <summary>How long one string may take to compile (inside <see cref="TemplateBounds"/> it takes milliseconds).</summary>
    public static readonly TimeSpan CompileTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Compiled strings kept; the cache starts over when full (types change rarely).</summary>
    private const int MaxCached = 2048;

    // A placeholder with no value in the data renders as this marker around its name, so that every one of them is found
    // in one pass ({{#if x}} on a missing x stays falsy and unmarked); the nonce keeps data from forging a marker.
    private static readonly string MarkerNonce = Guid.NewGuid().ToString("N");
    private static readonly Regex MissingMarker = new($"\uFDD0{MarkerNonce}:(.*?)\uFDD1", RegexOptions.CultureInvariant);

    // No HTML escaping: the output is JSON text, escaped by the JSON writer.
    private static readonly IHandlebars Engine = CreateEngine();

    private static readonly ConcurrentDictionary<string, HandlebarsTemplate<object, object>> Compiled = new(StringComparer.Ordinal);

    /// <summary>
    /// Renders every string of <paramref name="template"/> with <paramref name="data"/>, a placeholder the data has no
    /// value for rendering empty; throws <see cref="CardTemplateException"/> naming the value that failed.
    /// </summary>
    public static JsonNode Render(JsonNode template, JsonElement data) => RenderStrict(template, data).Card;

    /// <summary>
    /// Renders like <see cref="Render"/> and also reports each placeholder the data has no value for (a value that is
    /// there and null or empty is the caller's choice, not a gap).
    /// </summary>
    public static TemplateRendering RenderStrict(JsonNode template, JsonElement data)
    {
        var rendering = new TemplateRendering();
        rendering.Card = RenderNode(template, ToHandlebarsData(data), "$", rendering);
        return rendering;
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

    private static JsonNode RenderNode(JsonNode node, object? data, string path, TemplateRendering rendering) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, p.Value is null ? null : (JsonNode?)RenderNode(p.Value, data, $"{path}.{p.Key}", rendering)))),
        JsonArray a => new JsonArray([.. a.Select((item, i) => item is null ? null : RenderNode(item, data, $"{path}[{i}]", rendering))]),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => JsonValue.Create(RenderValue(v.GetValue<string>(), data, path, rendering)),
        _ => node.DeepClone(),
    };

    private static string RenderValue(string text, object? data, string path, TemplateRendering rendering)
    {
        var rendered = RenderString(text, data, path);
        if (!text.Contains("{{", StringComparison.Ordinal))
        {
            return rendered;
        }

        rendering.Sources[path] = text;
        if (!rendered.Contains('\uFDD0', StringComparison.Ordinal))
        {
            return rendered;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var plain = MissingMarker.Replace(rendered, match =>
        {
            names.Add(match.Groups[1].Value);
            return "";
        });
        foreach (var missing in names.SelectMany(name => TemplatePlaceholders.Missing(text, name, data)).DistinctBy(m => m.Placeholder))
        {
            rendering.Missing.Add(missing with { TemplatePath = path });
        }

        return plain;
    }

    private static readonly Dictionary<string, object?> NoData = [];

    private static IHandlebars CreateEngine()
    {
        var configuration = new HandlebarsConfiguration { NoEscape = true, ThrowOnUnresolvedBindingExpression = false };
        configuration.FormatterProviders.Add(new UndefinedFormatter($"\uFDD0{MarkerNonce}:{{0}}\uFDD1"));
        return Handlebars.Create(configuration);
    }

    private static string RenderString(string text, object? data, string path)
    {
        if (!text.Contains("{{", StringComparison.Ordinal))
        {
            return text;
        }

        var compiled = Compile(text, path);
        try
        {
            // JSON null data renders like an empty object: {{name}} is empty, not an engine error.
            return compiled(data ?? NoData);
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
    /// compiled on a thread of its own within <see cref="CompileTimeout"/>, so that no template holds a request. Not on the
    /// thread pool: this caller blocks a pool thread while it waits, and on a busy pool the compile would queue behind it.
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

        var compiling = Task.Factory.StartNew(() => Engine.Compile(text), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
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

/// <summary>A rendered template: the result, each placeholder the data had no value for, and the template strings by JSON path.</summary>
internal sealed class TemplateRendering
{
    /// <summary>The rendered JSON, missing values rendered empty.</summary>
    public JsonNode Card { get; set; } = null!;

    /// <summary>The placeholders the data had no value for, in template order.</summary>
    public List<MissingValue> Missing { get; } = [];

    /// <summary>Every template string that has placeholders, by its JSON path (the rendered JSON has the same shape).</summary>
    public Dictionary<string, string> Sources { get; } = new(StringComparer.Ordinal);

    /// <summary>The template string written at <paramref name="path"/> or inside it, when it has placeholders.</summary>
    public string? SourceAt(string path)
    {
        if (Sources.TryGetValue(path, out var text))
        {
            return text;
        }

        foreach (var (key, value) in Sources)
        {
            if (key.StartsWith(path, StringComparison.Ordinal) && key.Length > path.Length && key[path.Length] is '.' or '[')
            {
                return value;
            }
        }

        return null;
    }
}

/// <summary>
/// A placeholder with no value: where the template writes it, the expression as written, and the data field it names
/// (null inside an {{#each}} or {{#with}} block, or for a helper's argument, where it is not a path from the data's root).
/// </summary>
internal sealed record MissingValue(string TemplatePath, string Placeholder, string? DataPath);

/// <summary>A template string that could not be rendered.</summary>
internal sealed class CardTemplateException(string path, string reason) : Exception($"{path}: {reason}")
{
    /// <summary>The JSON path of the string in the template.</summary>
    public string Path { get; } = path;
}
