using System.Text;
using System.Text.Json.Nodes;
using Larkway.Channels.Messages;
using Larkway.Feishu.Cards;
using FeishuContent = Larkway.Feishu.Im.MessageContent;

namespace Larkway.Channels.Rendering;

/// <summary>Card JSON 2.0 pieces shared by the reply renderer and the streaming card.</summary>
internal static class FeishuCardJson
{
    public static JsonObject PlainText(string content) => new() { ["tag"] = "plain_text", ["content"] = content };

    public static JsonObject Markdown(string content, string? elementId = null)
    {
        var element = new JsonObject { ["tag"] = "markdown" };
        if (elementId is not null)
        {
            element["element_id"] = elementId;
        }

        element["content"] = content;
        return element;
    }

    /// <summary>A JSON 2.0 button: a callback with <c>{"action": value, …extra}</c>, or a link.</summary>
    public static JsonObject Button(ReplyButton button, string text, JsonObject? extraValue = null)
    {
        JsonObject behavior;
        if (button.Url is { } url)
        {
            behavior = new JsonObject { ["type"] = "open_url", ["default_url"] = url };
        }
        else
        {
            var value = new JsonObject { [ReplyButton.CallbackValueKey] = button.Value ?? "" };
            foreach (var (name, node) in extraValue ?? [])
            {
                value[name] = node?.DeepClone();
            }

            behavior = new JsonObject { ["type"] = "callback", ["value"] = value };
        }

        return new JsonObject
        {
            ["tag"] = "button",
            ["text"] = PlainText(text),
            ["type"] = button.Style switch
            {
                ReplyButtonStyle.Primary => "primary",
                ReplyButtonStyle.Danger => "danger",
                _ => "default",
            },
            ["behaviors"] = new JsonArray(behavior),
        };
    }

    /// <summary>Buttons side by side: one column each, as wide as its button, wrapping on narrow screens.</summary>
    public static JsonObject ButtonRow(IEnumerable<JsonObject> buttons) => new()
    {
        ["tag"] = "column_set",
        ["flex_mode"] = "flow",
        ["horizontal_spacing"] = "small",
        ["columns"] = new JsonArray([.. buttons.Select(b => (JsonNode)new JsonObject
        {
            ["tag"] = "column",
            ["width"] = "auto",
            ["elements"] = new JsonArray(b),
        })]),
    };

    public static JsonObject Card(JsonObject config, string? title, IEnumerable<JsonNode> elements)
    {
        var card = new JsonObject { ["schema"] = "2.0", ["config"] = config };
        if (!string.IsNullOrWhiteSpace(title))
        {
            card["header"] = new JsonObject { ["title"] = PlainText(title), ["template"] = "blue" };
        }

        card["body"] = new JsonObject { ["elements"] = new JsonArray([.. elements]) };
        return card;
    }

    /// <summary>
    /// What the chat list shows for a card: its first line, shortened; as plain text, so the markdown's character
    /// references (a masked value's <c>&amp;#42;</c>) are shown as their characters.
    /// </summary>
    public static string Summary(string? title, string markdown)
    {
        var source = !string.IsNullOrWhiteSpace(title) ? title : markdown.Split('\n').Select(l => l.Trim().TrimStart('#', '>', '-', '*', ' ')).FirstOrDefault(l => l.Length > 0 && !l.StartsWith("```", StringComparison.Ordinal)) is { } line
            ? System.Net.WebUtility.HtmlDecode(line)
            : "";
        return Shorten(source, 60);
    }

    public static string Shorten(string text, int maxChars)
    {
        if (text.Length <= maxChars)
        {
            return text;
        }

        var cut = maxChars - 1;
        if (char.IsLowSurrogate(text[cut]))
        {
            cut--;
        }

        return text[..cut] + "…";
    }

    /// <summary>The card's size as Feishu counts it: bytes of the compact JSON as Larkway.Feishu sends it.</summary>
    public static int Bytes(JsonObject card) => Encoding.UTF8.GetByteCount(FeishuContent.Card(card).ContentJson);

    /// <summary>Components and elements in the card: every object with a <c>tag</c> (text objects included), as the 200 limit counts them.</summary>
    public static int Elements(JsonNode? node) => node switch
    {
        JsonObject obj => (obj.ContainsKey("tag") ? 1 : 0) + obj.Sum(p => Elements(p.Value)),
        JsonArray array => array.Sum(Elements),
        _ => 0,
    };

    /// <summary>Fails loudly when a card built here would be refused: a bug here, not the caller's input.</summary>
    public static JsonObject Checked(JsonObject card, int maxBytes)
    {
        var result = CardValidator.Validate(card, new CardValidationOptions { MaxBytes = Math.Max(maxBytes, CardLimits.MaxCardBytes) });
        if (!result.IsValid)
        {
            throw new ChannelRenderException($"The rendered Feishu card is not valid: {result}");
        }

        return card;
    }
}
