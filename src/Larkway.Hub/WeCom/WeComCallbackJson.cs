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

    /// <summary>
    /// A stored callback as WeCom's plaintext XML again (the inverse of <see cref="From"/>: each property an element, an
    /// object its children, an array the element repeated), so WeCom's library can read it as its typed message.
    /// </summary>
    public static string ToXml(JsonElement root)
    {
        var document = new XmlDocument();
        var xml = document.CreateElement("xml");
        document.AppendChild(xml);
        WriteElements(document, xml, root);
        return xml.OuterXml;
    }

    private static void WriteElements(XmlDocument document, XmlElement parent, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var property in value.EnumerateObject())
        {
            foreach (var item in property.Value.ValueKind == JsonValueKind.Array ? [.. property.Value.EnumerateArray()] : new[] { property.Value })
            {
                var element = document.CreateElement(XmlConvert.EncodeLocalName(property.Name));
                if (item.ValueKind == JsonValueKind.Object)
                {
                    WriteElements(document, element, item);
                }
                else
                {
                    element.InnerText = item.ValueKind == JsonValueKind.String ? item.GetString() ?? "" : item.GetRawText();
                }

                parent.AppendChild(element);
            }
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
