using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Larkway.Emulator.Platform;

namespace Larkway.Emulator.CardKit;

/// <summary>Where an element sits: the list holding it, its index there, and the element.</summary>
internal sealed record ElementSlot(JsonArray List, int Index, JsonObject Element);

/// <summary>
/// Card JSON 2.0 as CardKit checks and edits it: the entity rules (schema 2.0, shared, ≤30 KB, ≤200 elements, unique
/// element ids) and finding, inserting, replacing and removing elements by <c>element_id</c> anywhere in the body.
/// An element list is any array whose items are objects with a <c>tag</c> (body.elements, a container's elements,
/// a column set's columns).
/// </summary>
internal static partial class CardJson
{
    public const int MaxBytes = 30 * 1024;
    public const int MaxElements = 200;

    /// <summary>Parses a JSON object given as a string field, or fails naming the field.</summary>
    public static JsonObject ParseObject(string json, string field)
    {
        try
        {
            return JsonNode.Parse(json) as JsonObject ?? throw Invalid($"{field} must be a JSON object (as a string)");
        }
        catch (JsonException e)
        {
            throw Invalid($"{field} is not valid JSON ({e.Message})");
        }
    }

    /// <summary>Parses a JSON array given as a string field, or fails naming the field.</summary>
    public static JsonArray ParseArray(string json, string field)
    {
        try
        {
            return JsonNode.Parse(json) as JsonArray ?? throw Invalid($"{field} must be a JSON array (as a string)");
        }
        catch (JsonException e)
        {
            throw Invalid($"{field} is not valid JSON ({e.Message})");
        }
    }

    /// <summary>Checks every rule a card entity must keep; returns the compact JSON stored.</summary>
    public static string Check(JsonObject card)
    {
        if (card["schema"] is not JsonValue schema || schema.GetValueKind() != JsonValueKind.String || schema.GetValue<string>() != "2.0")
        {
            throw new ApiErrorException(400, CardKitCodes.SchemaNotSupported, "card entities take card JSON 2.0 only: set \"schema\": \"2.0\" and put the elements in body.elements");
        }

        if (card["config"] is JsonObject config && config["update_multi"] is JsonValue multi && multi.GetValueKind() == JsonValueKind.False)
        {
            throw new ApiErrorException(400, CardKitCodes.UpdateMultiRequired, "card entities are shared cards: config.update_multi must be true (or left out)");
        }

        if (card["body"] is { } body && body is not JsonObject)
        {
            throw Invalid("body must be an object with an 'elements' array");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        var count = 0;
        foreach (var element in Elements(card))
        {
            count++;
            if (element["element_id"] is { } idNode)
            {
                var id = idNode.GetValueKind() == JsonValueKind.String ? idNode.GetValue<string>() : null;
                if (id is null || !ElementIdShape().IsMatch(id))
                {
                    throw Invalid($"element_id '{idNode.ToJsonString()}' is invalid: 1-20 letters, digits or underscores, starting with a letter");
                }

                if (!ids.Add(id))
                {
                    throw new ApiErrorException(400, CardKitCodes.DuplicateElementId, $"element_id '{id}' is used twice in the card; element ids must be unique within a card");
                }
            }
        }

        if (count > MaxElements)
        {
            throw new ApiErrorException(400, CardKitCodes.TooManyElements, $"the card has {count} elements; a card entity holds at most {MaxElements}");
        }

        var json = card.ToJsonString(EmulatorJson.Options);
        var bytes = Encoding.UTF8.GetByteCount(json);
        return bytes > MaxBytes
            ? throw new ApiErrorException(400, CardKitCodes.CardTooLarge, $"the card JSON is {bytes} bytes; a card entity holds at most {MaxBytes} bytes (30 KB)")
            : json;
    }

    /// <summary>Streaming mode as the card's config says it.</summary>
    public static bool StreamingMode(JsonObject card) =>
        card["config"] is JsonObject config && config["streaming_mode"] is JsonValue mode && mode.GetValueKind() == JsonValueKind.True;

    /// <summary>The preview text set in <c>config.summary.content</c>, or null.</summary>
    public static string? Summary(JsonObject card) =>
        card["config"] is JsonObject config && config["summary"] is JsonObject summary && summary["content"] is JsonValue content
            && content.GetValueKind() == JsonValueKind.String && content.GetValue<string>() is { Length: > 0 } text ? text : null;

    /// <summary>Sets <c>config.streaming_mode</c> (the card as stored says what the client shows).</summary>
    public static void SetStreamingMode(JsonObject card, bool on)
    {
        if (card["config"] is not JsonObject config)
        {
            card["config"] = config = [];
        }

        config["streaming_mode"] = on;
    }

    /// <summary>Every element of the card, depth first.</summary>
    public static IEnumerable<JsonObject> Elements(JsonNode? node)
    {
        foreach (var slot in Slots(node))
        {
            yield return slot.Element;
        }
    }

    public static ElementSlot? Find(JsonObject card, string elementId) =>
        Slots(card).FirstOrDefault(s => s.Element["element_id"] is JsonValue id && id.GetValueKind() == JsonValueKind.String && id.GetValue<string>() == elementId);

    public static ElementSlot Require(JsonObject card, string elementId) =>
        Find(card, elementId) ?? throw Invalid($"the card has no element with element_id '{elementId}'");

    /// <summary>The body's element list, created when the card has none yet.</summary>
    public static JsonArray BodyElements(JsonObject card)
    {
        if (card["body"] is not JsonObject body)
        {
            card["body"] = body = [];
        }

        if (body["elements"] is not JsonArray elements)
        {
            body["elements"] = elements = [];
        }

        return elements;
    }

    /// <summary>
    /// Adds <paramref name="elements"/>: <c>append</c> at the end of the body (or of the container named by
    /// <paramref name="targetId"/>), <c>insert_before</c> / <c>insert_after</c> beside the target.
    /// </summary>
    public static void Insert(JsonObject card, string type, string? targetId, JsonArray elements)
    {
        var items = elements.Select(e => e as JsonObject ?? throw Invalid("elements must be an array of element objects, each with a tag")).ToList();
        if (items.Count == 0)
        {
            throw Invalid("elements must hold at least one element");
        }

        foreach (var item in items)
        {
            if (item["tag"] is not JsonValue tag || tag.GetValueKind() != JsonValueKind.String)
            {
                throw Invalid("every element needs a string 'tag'");
            }
        }

        var copies = items.Select(i => i.DeepClone()).ToList();
        switch (type)
        {
            case "append":
                JsonArray list;
                if (targetId is null)
                {
                    list = BodyElements(card);
                }
                else
                {
                    var target = Require(card, targetId).Element;
                    list = target["elements"] as JsonArray ?? throw Invalid($"element '{targetId}' is not a container with 'elements'; append to it is impossible");
                }

                foreach (var copy in copies)
                {
                    list.Add(copy);
                }

                break;
            case "insert_before" or "insert_after":
                var slot = Require(card, targetId ?? throw Invalid($"target_element_id is required for {type}"));
                var at = type == "insert_before" ? slot.Index : slot.Index + 1;
                foreach (var copy in copies)
                {
                    slot.List.Insert(at++, copy);
                }

                break;
            default:
                throw Invalid($"type '{type}' is not one of insert_before, insert_after, append");
        }
    }

    public static void Replace(JsonObject card, string elementId, JsonObject element)
    {
        var slot = Require(card, elementId);
        if (element["tag"] is not JsonValue tag || tag.GetValueKind() != JsonValueKind.String)
        {
            throw Invalid("the new element needs a string 'tag'");
        }

        slot.List[slot.Index] = element.DeepClone();
    }

    /// <summary>Merges <paramref name="partial"/> into the element (top-level keys replaced); the tag cannot change.</summary>
    public static void Patch(JsonObject card, string elementId, JsonObject partial)
    {
        var element = Require(card, elementId).Element;
        if (partial["tag"] is { } tag && tag.ToJsonString() != element["tag"]?.ToJsonString())
        {
            throw Invalid("partial_element cannot change an element's tag; replace the element instead");
        }

        foreach (var (name, value) in partial.ToList())
        {
            element[name] = value?.DeepClone();
        }
    }

    public static void Remove(JsonObject card, string elementId)
    {
        var slot = Require(card, elementId);
        slot.List.RemoveAt(slot.Index);
    }

    /// <summary>Applies <c>{config?, card_link?}</c>: each config key given replaces the card's; card_link is replaced.</summary>
    public static void ApplySettings(JsonObject card, JsonObject settings)
    {
        if (settings["config"] is { } given)
        {
            if (given is not JsonObject config)
            {
                throw Invalid("settings.config must be an object");
            }

            if (card["config"] is not JsonObject current)
            {
                card["config"] = current = [];
            }

            foreach (var (name, value) in config.ToList())
            {
                current[name] = value?.DeepClone();
            }
        }

        if (settings["card_link"] is { } link)
        {
            card["card_link"] = link.DeepClone();
        }

        if (settings["config"] is null && settings["card_link"] is null)
        {
            throw Invalid("settings must hold config and/or card_link");
        }
    }

    public static ApiErrorException Invalid(string message) => new(400, CardKitCodes.InvalidParameter, "invalid request: " + message);

    private static IEnumerable<ElementSlot> Slots(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, value) in obj.ToList())
                {
                    foreach (var slot in Slots(value))
                    {
                        yield return slot;
                    }
                }

                break;
            case JsonArray array when IsElementList(array):
                for (var i = 0; i < array.Count; i++)
                {
                    var element = (JsonObject)array[i]!;
                    yield return new ElementSlot(array, i, element);
                    foreach (var slot in Slots(element))
                    {
                        yield return slot;
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array.ToList())
                {
                    foreach (var slot in Slots(item))
                    {
                        yield return slot;
                    }
                }

                break;
        }
    }

    private static bool IsElementList(JsonArray array) =>
        array.Count > 0 && array.All(i => i is JsonObject o && o["tag"] is JsonValue tag && tag.GetValueKind() == JsonValueKind.String);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,19}$")]
    private static partial Regex ElementIdShape();
}
