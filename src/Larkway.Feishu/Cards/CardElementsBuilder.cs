using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Larkway.Feishu.Cards;

/// <summary>
/// The components that can be added to any element list: the card body, a column, a form.
/// Each method appends one component in the shape of the builder's <see cref="Version"/>.
/// </summary>
/// <typeparam name="TSelf">The concrete builder, returned for chaining.</typeparam>
public abstract class CardElementsBuilder<TSelf>
    where TSelf : CardElementsBuilder<TSelf>
{
    private protected CardElementsBuilder(CardSchemaVersion version) => Version = version;

    /// <summary>The card JSON version the components are written for.</summary>
    public CardSchemaVersion Version { get; }

    /// <summary>The components added so far, in order.</summary>
    private protected JsonArray Elements { get; } = [];

    private TSelf Self => (TSelf)this;

    /// <summary>Adds a rich-text component: <c>{"tag":"markdown","content":…}</c>.</summary>
    public TSelf Markdown(string content)
    {
        ArgumentException.ThrowIfNullOrEmpty(content);
        return Add(new JsonObject { ["tag"] = "markdown", ["content"] = content });
    }

    /// <summary>Adds a text component: <c>{"tag":"div","text":{"tag":…,"content":…}}</c>.</summary>
    public TSelf Text(string content, TextFormat format = TextFormat.PlainText)
    {
        ArgumentException.ThrowIfNullOrEmpty(content);
        return Add(new JsonObject { ["tag"] = "div", ["text"] = CardWire.Text(content, format) });
    }

    /// <summary>
    /// Adds a JSON 1.0 <c>div</c> with <c>fields</c> (short fields sit two per row), optionally under a text line.
    /// </summary>
    /// <exception cref="InvalidOperationException">The card is JSON 2.0, whose div has no fields (use <see cref="Columns"/>).</exception>
    public TSelf Fields(IEnumerable<CardField> fields, string? text = null, TextFormat textFormat = TextFormat.LarkMd)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (Version == CardSchemaVersion.V2)
        {
            throw new InvalidOperationException("JSON 2.0 div components have no 'fields': lay fields out with Columns(...).");
        }

        var array = new JsonArray();
        foreach (var field in fields)
        {
            ArgumentNullException.ThrowIfNull(field, nameof(fields));
            array.Add((JsonNode)new JsonObject { ["is_short"] = field.IsShort, ["text"] = CardWire.Text(field.Text, field.Format) });
        }

        if (array.Count == 0)
        {
            throw new ArgumentException("Give at least one field.", nameof(fields));
        }

        var div = new JsonObject { ["tag"] = "div" };
        if (text is not null)
        {
            div["text"] = CardWire.Text(text, textFormat);
        }

        div["fields"] = array;
        return Add(div);
    }

    /// <summary>Adds a JSON 1.0 <c>div</c> with <c>fields</c>.</summary>
    public TSelf Fields(params CardField[] fields) => Fields((IEnumerable<CardField>)fields);

    /// <summary>Adds an image: <c>{"tag":"img","img_key":…,"alt":{"tag":"plain_text","content":…}}</c>.</summary>
    /// <param name="imgKey">An image key from the image upload API (<c>img_…</c>).</param>
    /// <param name="alt">Hover/accessibility text; may be empty but is always sent (JSON 1.0 requires it).</param>
    public TSelf Image(string imgKey, string alt)
    {
        ArgumentException.ThrowIfNullOrEmpty(imgKey);
        ArgumentNullException.ThrowIfNull(alt);
        return Add(new JsonObject { ["tag"] = "img", ["img_key"] = imgKey, ["alt"] = CardWire.Text(alt) });
    }

    /// <summary>Adds a divider line: <c>{"tag":"hr"}</c>.</summary>
    public TSelf Divider() => Add(new JsonObject { ["tag"] = "hr" });

    /// <summary>Adds a JSON 1.0 note (small grey text): <c>{"tag":"note","elements":[…]}</c>. JSON 2.0 has no note.</summary>
    /// <exception cref="InvalidOperationException">The card is JSON 2.0.</exception>
    public TSelf Note(string content, TextFormat format = TextFormat.PlainText)
    {
        ArgumentException.ThrowIfNullOrEmpty(content);
        if (Version == CardSchemaVersion.V2)
        {
            throw new InvalidOperationException("JSON 2.0 cards have no 'note' component: use Text(...) instead (a div with notation size).");
        }

        return Add(new JsonObject { ["tag"] = "note", ["elements"] = new JsonArray(CardWire.Text(content, format)) });
    }

    /// <summary>
    /// Adds a button. <paramref name="value"/> is returned to your callback when clicked; <paramref name="url"/>
    /// or <paramref name="multiUrl"/> open a link instead (or as well). In JSON 1.0 a button directly in the card
    /// goes into an <c>action</c> block (consecutive buttons share one); in 2.0 it is a direct element with
    /// <c>behaviors</c>.
    /// </summary>
    public TSelf Button(string text, ButtonType type = ButtonType.Default, JsonObject? value = null, string? url = null, CardMultiUrl? multiUrl = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        if (url is not null && multiUrl is not null)
        {
            throw new ArgumentException("Give either url or multiUrl, not both.", nameof(multiUrl));
        }

        var button = new JsonObject { ["tag"] = "button", ["text"] = CardWire.Text(text), ["type"] = type.ToWire() };
        var link = url is not null ? new CardMultiUrl(url) : multiUrl;
        AddInteraction(button, value, link);
        return AddInteractive(button);
    }

    /// <summary>
    /// Adds a button whose callback value is any object (e.g. <c>new { action = "ok" }</c>), serialized with
    /// reflection. Prefer the <see cref="JsonObject"/> overload in trimmed or AOT apps.
    /// </summary>
    [RequiresUnreferencedCode("Serializes the value with reflection; use the JsonObject overload when trimming.")]
    [RequiresDynamicCode("Serializes the value with reflection; use the JsonObject overload for native AOT.")]
    public TSelf Button(string text, ButtonType type, object value, string? url = null) =>
        Button(text, type, ToObject(value), url);

    /// <summary>
    /// Adds a single-choice dropdown (<c>select_static</c>). In a form give <paramref name="name"/>: it keys the
    /// submitted value.
    /// </summary>
    public TSelf SelectStatic(string placeholder, IEnumerable<SelectOption> options, JsonObject? value = null, string? initialOption = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(placeholder);
        ArgumentNullException.ThrowIfNull(options);
        var array = new JsonArray();
        foreach (var option in options)
        {
            ArgumentNullException.ThrowIfNull(option, nameof(options));
            array.Add((JsonNode)new JsonObject { ["text"] = CardWire.Text(option.Text), ["value"] = option.Value });
        }

        if (array.Count == 0)
        {
            throw new ArgumentException("A select_static needs at least one option.", nameof(options));
        }

        var select = new JsonObject { ["tag"] = "select_static" };
        SetName(select, name);
        select["placeholder"] = CardWire.Text(placeholder);
        if (initialOption is not null)
        {
            select["initial_option"] = initialOption;
        }

        select["options"] = array;
        AddInteraction(select, value, link: null);
        return AddInteractive(select);
    }

    /// <summary>Adds a date picker (<c>date_picker</c>); <paramref name="initialDate"/> is sent as <c>yyyy-MM-dd</c>.</summary>
    public TSelf DatePicker(string? placeholder = null, DateOnly? initialDate = null, JsonObject? value = null, string? name = null)
    {
        var picker = new JsonObject { ["tag"] = "date_picker" };
        SetName(picker, name);
        if (placeholder is not null)
        {
            picker["placeholder"] = CardWire.Text(placeholder);
        }

        if (initialDate is { } date)
        {
            picker["initial_date"] = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        AddInteraction(picker, value, link: null);
        return AddInteractive(picker);
    }

    /// <summary>Adds a <c>column_set</c>; add its columns with <see cref="ColumnSetBuilder.Column"/>.</summary>
    public TSelf Columns(Action<ColumnSetBuilder> build)
    {
        ArgumentNullException.ThrowIfNull(build);
        var columns = new ColumnSetBuilder(Version);
        build(columns);
        return Add(columns.Build());
    }

    /// <summary>
    /// Appends a component this builder does not model (table, chart, person…) as given. Check the result with
    /// <see cref="CardValidator"/>.
    /// </summary>
    public TSelf Element(JsonObject element)
    {
        ArgumentNullException.ThrowIfNull(element);
        return Add((JsonObject)element.DeepClone());
    }

    /// <summary>Appends a display component.</summary>
    private protected TSelf Add(JsonObject element)
    {
        Elements.Add((JsonNode)element);
        return Self;
    }

    /// <summary>
    /// Appends an interactive component. Overridden by the JSON 1.0 card root, where interactive components
    /// must sit inside an <c>action</c> block.
    /// </summary>
    private protected virtual TSelf AddInteractive(JsonObject element) => Add(element);

    /// <summary>Writes the callback value and link of an interactive component in the version's shape.</summary>
    private protected void AddInteraction(JsonObject component, JsonObject? value, CardMultiUrl? link)
    {
        if (Version == CardSchemaVersion.V1)
        {
            if (value is not null)
            {
                component["value"] = value.DeepClone();
            }

            if (link is { AndroidUrl: null, IosUrl: null, PcUrl: null })
            {
                component["url"] = link.Url;
            }
            else if (link is not null)
            {
                component["multi_url"] = MultiUrl(link, "url");
            }

            return;
        }

        // JSON 2.0 expresses both interactions as behaviours; a component may carry both.
        var behaviors = new JsonArray();
        if (link is not null)
        {
            var openUrl = MultiUrl(link, "default_url");
            openUrl.Insert(0, "type", "open_url");
            behaviors.Add((JsonNode)openUrl);
        }

        if (value is not null)
        {
            behaviors.Add((JsonNode)new JsonObject { ["type"] = "callback", ["value"] = value.DeepClone() });
        }

        if (behaviors.Count > 0)
        {
            component["behaviors"] = behaviors;
        }
    }

    private protected static void SetName(JsonObject component, string? name)
    {
        if (name is not null)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            component["name"] = name;
        }
    }

    private static JsonObject MultiUrl(CardMultiUrl link, string defaultKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(link.Url, nameof(link));
        var urls = new JsonObject { [defaultKey] = link.Url };
        if (link.AndroidUrl is not null)
        {
            urls["android_url"] = link.AndroidUrl;
        }

        if (link.IosUrl is not null)
        {
            urls["ios_url"] = link.IosUrl;
        }

        if (link.PcUrl is not null)
        {
            urls["pc_url"] = link.PcUrl;
        }

        return urls;
    }

    [RequiresUnreferencedCode("Reflection-based serialization.")]
    [RequiresDynamicCode("Reflection-based serialization.")]
    private static JsonObject ToObject(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return JsonSerializer.SerializeToNode(value, value.GetType()) as JsonObject
            ?? throw new ArgumentException("A callback value must serialize to a JSON object.", nameof(value));
    }
}
