using System.Text;
using System.Text.Json;
using System.Xml;

namespace Larkway.Hub.WeCom;

/// <summary>
/// A decrypted WeCom callback (XML) as the JSON the Hub stores and forwards: each element under WeCom's own name, a leaf
/// as its text, an element with children as an object, a name repeated as an array (<c>SelectedItems</c>). Business
/// webhooks then receive JSON on every platform. Decision: not the XML string, which every receiver would parse again.
/// </summary>
internal static class WeComCallbackJson
{
    /// <summary>The JSON of <paramref name="root"/>'s children.</summary>
    public static byte[] From(XmlElement root)
    {
        ArgumentNullException.ThrowIfNull(root);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteObject(writer, root);
        }

        return buffer.ToArray();
    }

    private static void WriteObject(Utf8JsonWriter writer, XmlElement element)
    {
        writer.WriteStartObject();
        foreach (var group in element.ChildNodes.OfType<XmlElement>().GroupBy(e => e.Name, StringComparer.Ordinal))
        {
            writer.WritePropertyName(group.Key);
            var items = group.ToList();
            if (items.Count == 1)
            {
                WriteValue(writer, items[0]);
                continue;
            }

            writer.WriteStartArray();
            foreach (var item in items)
            {
                WriteValue(writer, item);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, XmlElement element)
    {
        if (element.ChildNodes.OfType<XmlElement>().Any())
        {
            WriteObject(writer, element);
        }
        else
        {
            writer.WriteStringValue(element.InnerText);
        }
    }

    /// <summary>A string field of a stored callback, or null.</summary>
    public static string? Str(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Reads a stored callback.</summary>
    public static JsonElement Parse(byte[] body) => JsonElement.Parse(body);

    /// <summary>UTF-8 text, for tests and logs of shapes (never of content).</summary>
    public static string Text(byte[] body) => Encoding.UTF8.GetString(body);
}
