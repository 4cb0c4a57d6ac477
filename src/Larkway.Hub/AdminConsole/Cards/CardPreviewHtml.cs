using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Larkway.Hub.AdminConsole.Cards;

/// <summary>
/// Renders a Feishu card (JSON 1.0 <c>elements</c> or 2.0 <c>body.elements</c>) as HTML for the console's preview:
/// header, text (markdown reduced to bold/italic/line breaks), fields, buttons, images as placeholders, rules and
/// notes. An approximation for template authors, not Feishu's renderer; everything is HTML-encoded, and links are
/// shown as text, never followed.
/// </summary>
internal static class CardPreviewHtml
{
    private static readonly HashSet<string> HeaderColours = new(StringComparer.Ordinal)
    {
        "blue", "wathet", "turquoise", "green", "yellow", "orange", "red", "carmine", "violet", "purple", "indigo", "grey", "default",
    };

    public static string Render(JsonNode? card)
    {
        var html = new StringBuilder("<div class=\"card\">");
        if (card is JsonObject root)
        {
            if (root["header"] is JsonObject header)
            {
                var colour = header["template"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? header["template"]!.GetValue<string>() : "default";
                html.Append("<div class=\"card-header card-header-").Append(HeaderColours.Contains(colour) ? colour : "default").Append("\">")
                    .Append(Encode(TextOf(header["title"]))).Append("</div>");
            }

            html.Append("<div class=\"card-body\">");
            var elements = root["elements"] as JsonArray ?? (root["body"] as JsonObject)?["elements"] as JsonArray;
            foreach (var element in elements ?? [])
            {
                Element(html, element);
            }

            html.Append("</div>");
        }
        else
        {
            html.Append("<p class=\"card-unknown\">Not a card object.</p>");
        }

        return html.Append("</div>").ToString();
    }

    private static void Element(StringBuilder html, JsonNode? node)
    {
        if (node is not JsonObject element)
        {
            return;
        }

        switch (Tag(element))
        {
            case "div":
                html.Append("<div class=\"card-div\">");
                if (element["text"] is { } text)
                {
                    html.Append("<div class=\"card-text\">").Append(Markdown(TextOf(text))).Append("</div>");
                }

                if (element["fields"] is JsonArray fields)
                {
                    html.Append("<div class=\"card-fields\">");
                    foreach (var field in fields.OfType<JsonObject>())
                    {
                        var shortField = field["is_short"]?.GetValueKind() == System.Text.Json.JsonValueKind.True;
                        html.Append("<div class=\"card-field").Append(shortField ? " card-field-short" : "").Append("\">")
                            .Append(Markdown(TextOf(field["text"]))).Append("</div>");
                    }

                    html.Append("</div>");
                }

                html.Append("</div>");
                break;
            case "markdown":
            case "lark_md":
                html.Append("<div class=\"card-text\">").Append(Markdown(TextOf(element))).Append("</div>");
                break;
            case "plain_text":
                html.Append("<div class=\"card-text\">").Append(Encode(TextOf(element))).Append("</div>");
                break;
            case "hr":
                html.Append("<hr class=\"card-hr\">");
                break;
            case "img":
            case "image":
                html.Append("<div class=\"card-img\">[image ").Append(Encode(Str(element["img_key"]) ?? "")).Append(' ').Append(Encode(TextOf(element["alt"]))).Append("]</div>");
                break;
            case "note":
                html.Append("<div class=\"card-note\">");
                foreach (var item in element["elements"] as JsonArray ?? [])
                {
                    html.Append("<span>").Append(item is JsonObject o && Tag(o) == "img" ? "[icon]" : Markdown(TextOf(item))).Append("</span> ");
                }

                html.Append("</div>");
                break;
            case "action":
                html.Append("<div class=\"card-actions\">");
                foreach (var action in element["actions"] as JsonArray ?? [])
                {
                    Element(html, action);
                }

                html.Append("</div>");
                break;
            case "button":
                var kind = Str(element["type"]) is "primary" or "danger" or "primary_filled" or "danger_filled" ? Str(element["type"])! : "default";
                html.Append("<span class=\"card-button card-button-").Append(kind).Append('"');
                if ((Str(element["url"]) ?? Str((element["multi_url"] as JsonObject)?["url"])) is { } url)
                {
                    html.Append(" title=\"").Append(Encode(url)).Append('"');
                }

                html.Append('>').Append(Encode(TextOf(element["text"]))).Append("</span>");
                break;
            case "column_set":
                html.Append("<div class=\"card-columns\">");
                foreach (var column in (element["columns"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    html.Append("<div class=\"card-column\">");
                    foreach (var inner in column["elements"] as JsonArray ?? [])
                    {
                        Element(html, inner);
                    }

                    html.Append("</div>");
                }

                html.Append("</div>");
                break;
            default:
                html.Append("<div class=\"card-unknown\">[").Append(Encode(Tag(element) ?? "element without tag")).Append("]</div>");
                break;
        }
    }

    private static string? Tag(JsonObject element) => Str(element["tag"]);

    private static string? Str(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : null;

    /// <summary>The text of a text object (<c>{"tag": "plain_text", "content": ...}</c>), a string, or "".</summary>
    private static string TextOf(JsonNode? node) => node switch
    {
        JsonObject o => Str(o["content"]) ?? Str(o["text"]) ?? "",
        _ => Str(node) ?? "",
    };

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    /// <summary>Encodes, then turns **bold**, *italic* and newlines into markup; enough to judge a template.</summary>
    private static string Markdown(string text)
    {
        var encoded = Encode(text);
        encoded = Wrap(encoded, "**", "strong");
        encoded = Wrap(encoded, "*", "em");
        return encoded.Replace("\n", "<br>", StringComparison.Ordinal);
    }

    private static string Wrap(string text, string marker, string element)
    {
        var result = new StringBuilder();
        var open = false;
        var i = 0;
        while (true)
        {
            var next = text.IndexOf(marker, i, StringComparison.Ordinal);
            if (next < 0)
            {
                break;
            }

            result.Append(text, i, next - i).Append(open ? $"</{element}>" : $"<{element}>");
            open = !open;
            i = next + marker.Length;
        }

        result.Append(text, i, text.Length - i);
        if (open)
        {
            result.Append("</").Append(element).Append('>');
        }

        return result.ToString();
    }
}
