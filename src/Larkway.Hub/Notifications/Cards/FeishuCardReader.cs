using System.Globalization;
using System.Text.Json;

namespace Larkway.Hub.Notifications.Cards;

/// <summary>
/// Reads a Feishu card (schema 1.0 <c>elements</c> / <c>i18n_elements</c>, schema 2.0 <c>body.elements</c>) into what a
/// DingTalk or WeCom message can carry: a title, blocks of text in card order, the buttons, and what could not come through.
/// Containers (column sets, forms, interactive containers, collapsible panels) are read through, in order.
/// </summary>
internal static class FeishuCardReader
{
    // Components a DingTalk message has no way to offer: the card goes out as plain text (CardFallbackKind.PlainTextForInteraction).
    private static readonly Dictionary<string, string> Interactions = new(StringComparer.Ordinal)
    {
        ["input"] = "an input box",
        ["select_static"] = "a drop-down list",
        ["multi_select_static"] = "a drop-down list",
        ["select_person"] = "a person picker",
        ["multi_select_person"] = "a person picker",
        ["select_img"] = "an image picker",
        ["date_picker"] = "a date picker",
        ["picker_time"] = "a time picker",
        ["picker_datetime"] = "a date and time picker",
        ["overflow"] = "a menu",
        ["checker"] = "a checkbox",
    };

    // Components shown as a placeholder: DingTalk markdown has no form for them.
    private static readonly Dictionary<string, string> NotShown = new(StringComparer.Ordinal)
    {
        ["table"] = "a table",
        ["chart"] = "a chart",
        ["person"] = "a person",
        ["person_list"] = "a list of people",
        ["img_combination"] = "images",
        ["audio"] = "an audio clip",
    };

    /// <summary>Reads the card; null with a reason when it is not a card.</summary>
    /// <param name="card">The card.</param>
    /// <param name="notACard">Why it is not a card, when null is returned.</param>
    /// <param name="platform">The platform's name for placeholders and fallbacks ("DingTalk", "WeCom").</param>
    /// <param name="linkSchemes">The schemes besides http(s) the channel's links may have, as its room declares them (none: http(s) only).</param>
    public static CardContent? Read(JsonElement card, out string? notACard, string platform = CardContent.DingTalk, IReadOnlySet<string>? linkSchemes = null)
    {
        notACard = null;
        if (card.ValueKind != JsonValueKind.Object)
        {
            notACard = "The card must be a JSON object.";
            return null;
        }

        if (card.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "template")
        {
            notACard = "A card template referenced by id (type \"template\") lives in Feishu and cannot be rendered for " + platform + ": send the card's JSON.";
            return null;
        }

        var schema2 = card.TryGetProperty("schema", out var schema) && schema.ValueKind == JsonValueKind.String && schema.GetString() == "2.0";
        var (elements, path) = schema2
            ? (card.TryGetProperty("body", out var body) && body.ValueKind == JsonValueKind.Object && body.TryGetProperty("elements", out var e2) ? e2 : default, "$.body.elements")
            : ElementsV1(card);
        var hasHeader = card.TryGetProperty("header", out var header) || card.TryGetProperty("i18n_header", out header);
        if (elements.ValueKind == JsonValueKind.Undefined && !hasHeader)
        {
            notACard = schema2
                ? "Not a Feishu card: a schema 2.0 card has its components in body.elements."
                : "Not a Feishu card: a card has 'elements' (schema 1.0) or 'schema': \"2.0\" with 'body.elements', and usually a 'header'.";
            return null;
        }

        if (elements.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Array))
        {
            notACard = $"{path} must be an array of card components.";
            return null;
        }

        var content = new CardContent { Platform = platform, LinkSchemes = linkSchemes };
        if (hasHeader)
        {
            ReadHeader(Localized(header), header.ValueKind == JsonValueKind.Object && card.TryGetProperty("header", out _) ? "$.header" : "$.i18n_header", content);
        }

        if (card.TryGetProperty("card_link", out var link) && link.ValueKind == JsonValueKind.Object && Text(link, "url") is { } url && LarkMarkdown.IsWebAddress(url)
            && url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            content.CardLink = url;
        }

        if (elements.ValueKind == JsonValueKind.Array)
        {
            ReadElements(elements, path, content);
        }

        return content;
    }

    private static (JsonElement Elements, string Path) ElementsV1(JsonElement card)
    {
        if (card.TryGetProperty("elements", out var elements))
        {
            return (elements, "$.elements");
        }

        if (card.TryGetProperty("i18n_elements", out var i18n) && i18n.ValueKind == JsonValueKind.Object)
        {
            var (language, localized) = PickLanguage(i18n);
            return (localized, $"$.i18n_elements.{language}");
        }

        return (default, "$.elements");
    }

    /// <summary>An i18n object's Chinese version (DingTalk's users), else English, else its first.</summary>
    private static (string Language, JsonElement Value) PickLanguage(JsonElement i18n)
    {
        foreach (var language in (ReadOnlySpan<string>)["zh_cn", "en_us"])
        {
            if (i18n.TryGetProperty(language, out var value))
            {
                return (language, value);
            }
        }

        foreach (var property in i18n.EnumerateObject())
        {
            return (property.Name, property.Value);
        }

        return ("", default);
    }

    /// <summary>A header, or an i18n_header's version in <see cref="PickLanguage"/>'s order.</summary>
    private static JsonElement Localized(JsonElement header) =>
        header.ValueKind == JsonValueKind.Object && !header.TryGetProperty("title", out _) ? PickLanguage(header).Value : header;

    private static void ReadHeader(JsonElement header, string path, CardContent content)
    {
        if (header.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (TextObject(header, "title") is { } title)
        {
            content.Title = LarkMarkdown.ToPlainLine(title, $"{path}.title", content.Fallbacks, content.Platform, content.LinkSchemes);
        }

        if (TextObject(header, "subtitle") is { } subtitle && subtitle.Length > 0)
        {
            content.Add(LarkMarkdown.Convert(subtitle, $"{path}.subtitle", content.Fallbacks, content.Platform, content.LinkSchemes));
        }
    }

    private static void ReadElements(JsonElement elements, string path, CardContent content)
    {
        if (elements.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var i = 0;
        foreach (var element in elements.EnumerateArray())
        {
            ReadElement(element, Index(path, i++), content);
        }
    }

    private static void ReadElement(JsonElement element, string path, CardContent content)
    {
        if (element.ValueKind != JsonValueKind.Object || Text(element, "tag") is not { } tag)
        {
            return;
        }

        switch (tag)
        {
            case "div":
                ReadDiv(element, path, content);
                break;
            case "markdown" or "plain_text" or "lark_md":
                AddText(Text(element, "content"), path, content);
                break;
            case "hr":
                content.Add((LarkMarkdown.Separator, LarkMarkdown.PlainSeparator));
                break;
            case "note":
                ReadNote(element, path, content);
                break;
            case "img":
                ReadImage(element, path, content, out var image);
                content.Add(image);
                break;
            case "action":
                ReadElements(Property(element, "actions"), $"{path}.actions", content);
                break;
            case "button":
                ReadButton(element, path, content);
                break;
            case "column_set":
                var c = 0;
                foreach (var column in Items(element, "columns"))
                {
                    ReadElements(Property(column, "elements"), $"{Index($"{path}.columns", c++)}.elements", content);
                }

                break;
            case "form" or "interactive_container":
                ReadElements(Property(element, "elements"), $"{path}.elements", content);
                break;
            case "collapsible_panel":
                if (Property(element, "header") is { ValueKind: JsonValueKind.Object } panelHeader && TextObject(panelHeader, "title") is { Length: > 0 } panelTitle)
                {
                    AddText($"**{panelTitle}**", $"{path}.header.title", content);
                }

                ReadElements(Property(element, "elements"), $"{path}.elements", content);
                break;
            default:
                if (Interactions.TryGetValue(tag, out var interaction))
                {
                    content.Interactions.Add((path, interaction));
                    var placeholder = $"[{Capitalized(interaction)} — not available on {content.Platform}]";
                    content.Add((placeholder, placeholder));
                    break;
                }

                var what = NotShown.GetValueOrDefault(tag, "content");
                content.Fallbacks.Add(new(CardFallbackKind.ElementNotShown, path, $"'{tag}' has no {content.Platform} form."));
                var text = $"[{Capitalized(what)} not shown on {content.Platform}]";
                content.Add((text, text));
                break;
        }
    }

    private static void ReadDiv(JsonElement div, string path, CardContent content)
    {
        if (TextObject(div, "text") is { } text)
        {
            AddText(text, $"{path}.text", content);
        }

        // Fields side by side on Feishu are lines on DingTalk.
        var lines = new List<(string Markdown, string Plain)>();
        var i = 0;
        foreach (var field in Items(div, "fields"))
        {
            if (TextObject(field, "text") is { Length: > 0 } fieldText)
            {
                lines.Add(LarkMarkdown.Convert(fieldText, $"{Index($"{path}.fields", i)}.text", content.Fallbacks, content.Platform, content.LinkSchemes));
            }

            i++;
        }

        if (lines.Count > 0)
        {
            content.Add((string.Join("  \n", lines.Select(l => l.Markdown)), string.Join('\n', lines.Select(l => l.Plain))));
        }

        if (Property(div, "extra") is { ValueKind: JsonValueKind.Object } extra)
        {
            ReadElement(extra, $"{path}.extra", content);
        }
    }

    private static void ReadNote(JsonElement note, string path, CardContent content)
    {
        // A note is small print on Feishu; the smallest documented text on DingTalk is a level-6 heading, one per line.
        var markdown = new List<string>();
        var plain = new List<string>();
        var i = 0;
        foreach (var item in Items(note, "elements"))
        {
            var itemPath = Index($"{path}.elements", i++);
            if (Text(item, "tag") == "img")
            {
                ReadImage(item, itemPath, content, out var image);
                markdown.Add(image.Markdown);
                plain.Add(image.Plain);
            }
            else if (Text(item, "content") is { Length: > 0 } text)
            {
                var (itemMarkdown, itemPlain) = LarkMarkdown.Convert(text, itemPath, content.Fallbacks, content.Platform, content.LinkSchemes);
                markdown.Add(itemMarkdown);
                plain.Add(itemPlain);
            }
        }

        var lines = string.Join(' ', markdown).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length > 0)
        {
            content.Add((string.Join('\n', lines.Select(line => "###### " + line)), string.Join(' ', plain)));
        }
    }

    private static void ReadImage(JsonElement image, string path, CardContent content, out (string Markdown, string Plain) text)
    {
        var alt = TextObject(image, "alt") is { Length: > 0 } a ? LarkMarkdown.ToPlainLine(a, $"{path}.alt", content.Fallbacks, content.Platform, content.LinkSchemes) : "";
        // Feishu images are keys into Feishu's storage; a key that is itself a web address can be shown.
        if (Text(image, "img_key") is { } key && LarkMarkdown.IsWebAddress(key))
        {
            text = ($"![{NoBrackets(alt)}]({key})", alt.Length > 0 ? $"{alt} {key}" : key);
            return;
        }

        content.Fallbacks.Add(new(CardFallbackKind.ImageNotShown, path, $"A Feishu image key cannot be shown on {content.Platform}."));
        var placeholder = alt.Length > 0 ? $"[image not shown on {content.Platform}: {NoBrackets(alt)}]" : LarkMarkdown.ImagePlaceholder(content.Platform);
        text = (placeholder, placeholder);
    }

    private static void ReadButton(JsonElement button, string path, CardContent content)
    {
        var text = TextObject(button, "text") is { } label ? LarkMarkdown.ToPlainLine(label, $"{path}.text", content.Fallbacks, content.Platform, content.LinkSchemes) : "";
        string? url = Text(button, "url") ?? (Property(button, "multi_url") is { ValueKind: JsonValueKind.Object } multi ? Text(multi, "url") : null);
        JsonElement? value = Property(button, "value") is { ValueKind: not JsonValueKind.Undefined } v ? v.Clone() : null;

        // Schema 2.0 buttons say what they do in behaviors: open_url with default_url, callback with value.
        foreach (var behavior in Items(button, "behaviors"))
        {
            switch (Text(behavior, "type"))
            {
                case "open_url":
                    url ??= Text(behavior, "default_url");
                    break;
                case "callback" when Property(behavior, "value") is { ValueKind: not JsonValueKind.Undefined } callback:
                    value ??= callback.Clone();
                    break;
            }
        }

        content.Buttons.Add((path, new CardButton(content.Buttons.Count, text.Length > 0 ? text : $"Button {content.Buttons.Count + 1}", value, url)));
    }

    private static void AddText(string? text, string path, CardContent content)
    {
        if (!string.IsNullOrWhiteSpace(text))
        {
            content.Add(LarkMarkdown.Convert(text, path, content.Fallbacks, content.Platform, content.LinkSchemes));
        }
    }

    /// <summary>A text object's content (<c>{"tag": "plain_text", "content": "…"}</c>), or a plain string where one is given.</summary>
    private static string? TextObject(JsonElement parent, string property) => Property(parent, property) switch
    {
        { ValueKind: JsonValueKind.Object } text => Text(text, "content") ?? (Property(text, "i18n") is { ValueKind: JsonValueKind.Object } i18n && PickLanguage(i18n).Value is { ValueKind: JsonValueKind.String } s ? s.GetString() : null),
        { ValueKind: JsonValueKind.String } text => text.GetString(),
        _ => null,
    };

    private static string? Text(JsonElement parent, string property) =>
        Property(parent, property) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private static JsonElement Property(JsonElement parent, string property) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(property, out var value) ? value : default;

    private static IEnumerable<JsonElement> Items(JsonElement parent, string property) =>
        Property(parent, property) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : [];

    private static string Index(string path, int i) => string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]");

    private static string NoBrackets(string text) => text.Replace("[", "", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal);

    private static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}

/// <summary>What a card holds for another platform (DingTalk, WeCom), in card order.</summary>
internal sealed class CardContent
{
    /// <summary>DingTalk's name, as placeholders say it.</summary>
    public const string DingTalk = "DingTalk";

    /// <summary>WeCom's name, as placeholders say it.</summary>
    public const string WeCom = "WeCom";

    /// <summary>The platform the card is read for: named in placeholders and fallbacks.</summary>
    public string Platform { get; init; } = DingTalk;

    /// <summary>The schemes besides http(s) its links may have (the channel's room says which).</summary>
    public IReadOnlySet<string>? LinkSchemes { get; init; }

    /// <summary>The header's title as plain text, when the card has one.</summary>
    public string? Title { get; set; }

    /// <summary>The card's own https link (<c>card_link.url</c>).</summary>
    public string? CardLink { get; set; }

    /// <summary>Each block of the message, as DingTalk markdown and as plain text.</summary>
    public List<(string Markdown, string Plain)> Blocks { get; } = [];

    /// <summary>The buttons, with their JSON paths.</summary>
    public List<(string Path, CardButton Button)> Buttons { get; } = [];

    /// <summary>Interactive components DingTalk cannot offer, with their JSON paths and what they are.</summary>
    public List<(string Path, string What)> Interactions { get; } = [];

    /// <summary>What did not come through as it is.</summary>
    public List<CardFallback> Fallbacks { get; } = [];

    public void Add((string Markdown, string Plain) block)
    {
        if (block.Markdown.Length > 0 || block.Plain.Length > 0)
        {
            Blocks.Add(block);
        }
    }
}
