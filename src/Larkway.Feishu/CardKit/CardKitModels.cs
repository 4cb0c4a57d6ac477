using System.Text.Json;

namespace Larkway.Feishu.CardKit;

/// <summary>Where new elements go in <see cref="CardKitClient.CreateElementsAsync"/>.</summary>
public enum CardKitInsertion
{
    /// <summary>At the end of the card's body (<c>append</c>); no target element.</summary>
    Append,

    /// <summary>Before the target element (<c>insert_before</c>).</summary>
    InsertBefore,

    /// <summary>After the target element (<c>insert_after</c>).</summary>
    InsertAfter,
}

/// <summary>
/// A settings change (<c>PATCH …/settings</c>): streaming mode on or off, the chat-list summary shown while streaming
/// (instead of "[生成中...]"), and optionally the streaming printing config. Null leaves a setting as it is.
/// </summary>
/// <param name="StreamingMode">Streaming mode on (true) or off (false, at the end of an answer: the card can then be forwarded and answer callbacks).</param>
/// <param name="Summary">The preview text in the chat list.</param>
/// <param name="StreamingConfig">The raw <c>streaming_config</c> object (<c>print_frequency_ms</c>, <c>print_step</c>, <c>print_strategy</c>).</param>
public sealed record CardKitSettings(bool? StreamingMode = null, string? Summary = null, JsonElement? StreamingConfig = null);

/// <summary>The result of a write: the sequence it carried and its idempotency key.</summary>
/// <param name="Sequence">The sequence number the call carried (strictly greater than the card's previous one).</param>
/// <param name="Uuid">The idempotency key the call carried.</param>
public sealed record CardKitWrite(int Sequence, string Uuid);

/// <summary>One action of <see cref="CardKitClient.BatchUpdateAsync"/>: <c>{"action": …, "params": {…}}</c>.</summary>
public sealed record CardKitAction
{
    private CardKitAction(string action, JsonElement parameters)
    {
        Action = action;
        Params = parameters;
    }

    /// <summary>The action name, e.g. <c>partial_update_element</c>.</summary>
    public string Action { get; }

    /// <summary>The action's parameters as sent.</summary>
    public JsonElement Params { get; }

    /// <summary>Changes card settings (<c>partial_update_setting</c>); <paramref name="settingsJson"/> is the settings object.</summary>
    public static CardKitAction PartialUpdateSetting(string settingsJson) => Of("partial_update_setting", w => WriteRaw(w, "settings", settingsJson));

    /// <summary>Adds elements (<c>add_elements</c>); <paramref name="elementsJson"/> is a JSON array of elements.</summary>
    public static CardKitAction AddElements(CardKitInsertion insertion, string? targetElementId, string elementsJson)
    {
        CardKitChecks.Target(insertion, targetElementId);
        return Of("add_elements", w =>
        {
            w.WriteString("type", CardKitChecks.Wire(insertion));
            if (targetElementId is not null)
            {
                w.WriteString("target_element_id", targetElementId);
            }

            WriteRaw(w, "elements", elementsJson);
        });
    }

    /// <summary>Deletes elements by id (<c>delete_elements</c>).</summary>
    public static CardKitAction DeleteElements(params IReadOnlyList<string> elementIds)
    {
        ArgumentNullException.ThrowIfNull(elementIds);
        foreach (var id in elementIds)
        {
            CardKitChecks.ElementId(id, nameof(elementIds));
        }

        return Of("delete_elements", w =>
        {
            w.WriteStartArray("element_ids");
            foreach (var id in elementIds)
            {
                w.WriteStringValue(id);
            }

            w.WriteEndArray();
        });
    }

    /// <summary>Changes some properties of an element (<c>partial_update_element</c>).</summary>
    public static CardKitAction PartialUpdateElement(string elementId, string partialElementJson) => Of("partial_update_element", w =>
    {
        w.WriteString("element_id", CardKitChecks.ElementId(elementId, nameof(elementId)));
        WriteRaw(w, "partial_element", partialElementJson);
    });

    /// <summary>Replaces an element (<c>update_element</c>).</summary>
    public static CardKitAction UpdateElement(string elementId, string elementJson) => Of("update_element", w =>
    {
        w.WriteString("element_id", CardKitChecks.ElementId(elementId, nameof(elementId)));
        WriteRaw(w, "element", elementJson);
    });

    private static CardKitAction Of(string action, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return new CardKitAction(action, document.RootElement.Clone());
    }

    private static void WriteRaw(Utf8JsonWriter writer, string name, string json)
    {
        writer.WritePropertyName(name);
        writer.WriteRawValue(CardKitChecks.Json(json, name));
    }
}
