using System.Text.Json.Nodes;

namespace Larkway.Feishu.Cards;

/// <summary>
/// Builds a card's JSON, 1.0 or 2.0 (start with <see cref="Card.V1"/> or <see cref="Card.V2"/>). The builder can be
/// reused: every <see cref="Build"/> returns a new object.
/// </summary>
public sealed class CardBuilder : CardElementsBuilder<CardBuilder>
{
    private JsonObject? _header;
    private bool? _wideScreenMode;
    private bool? _updateMulti;
    private bool? _enableForward;

    internal CardBuilder(CardSchemaVersion version)
        : base(version)
    {
    }

    /// <summary>Sets the header: title (plain text or lark_md), optional subtitle, colour theme.</summary>
    public CardBuilder Header(string title, HeaderTemplate template = HeaderTemplate.Default, string? subtitle = null, TextFormat format = TextFormat.PlainText)
    {
        ArgumentException.ThrowIfNullOrEmpty(title);
        var header = new JsonObject { ["title"] = CardWire.Text(title, format) };
        if (subtitle is not null)
        {
            header["subtitle"] = CardWire.Text(subtitle, format);
        }

        header["template"] = template.ToWire();
        _header = header;
        return this;
    }

    /// <summary>
    /// Makes the card shared (<c>config.update_multi</c>): updates are seen by everyone who received it.
    /// Required for any card you update later. JSON 2.0 cards are always shared.
    /// </summary>
    /// <exception cref="InvalidOperationException"><paramref name="value"/> is false on a JSON 2.0 card.</exception>
    public CardBuilder UpdateMulti(bool value = true)
    {
        if (!value && Version == CardSchemaVersion.V2)
        {
            throw new InvalidOperationException("JSON 2.0 cards only support update_multi = true.");
        }

        _updateMulti = value;
        return this;
    }

    /// <summary>Allows or forbids forwarding the card (<c>config.enable_forward</c>, default true).</summary>
    public CardBuilder EnableForward(bool value = true)
    {
        _enableForward = value;
        return this;
    }

    /// <summary>The legacy JSON 1.0 <c>config.wide_screen_mode</c> flag.</summary>
    /// <exception cref="InvalidOperationException">The card is JSON 2.0, which rejects this property.</exception>
    public CardBuilder WideScreenMode(bool value = true)
    {
        if (Version == CardSchemaVersion.V2)
        {
            // 2.0 rejects unknown properties, and wide_screen_mode is not a 2.0 property.
            throw new InvalidOperationException("wide_screen_mode is JSON 1.0 only; JSON 2.0 cards use config.width_mode.");
        }

        _wideScreenMode = value;
        return this;
    }

    /// <summary>
    /// Adds a JSON 2.0 <c>form</c> container at the card root: <c>{"tag":"form","name":…,"elements":[…]}</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The card is JSON 1.0.</exception>
    public CardBuilder Form(string name, Action<FormBuilder> build)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(build);
        if (Version == CardSchemaVersion.V1)
        {
            throw new InvalidOperationException("This builder writes forms for JSON 2.0 cards only: start with Card.V2().");
        }

        var form = new FormBuilder(Version);
        build(form);
        return Add(form.Build(name));
    }

    /// <summary>
    /// Adds a JSON 1.0 <c>action</c> block holding the interactive components added in <paramref name="build"/>,
    /// laid out in one row. In JSON 2.0 (which has no action block) the components are added directly.
    /// </summary>
    public CardBuilder Actions(Action<ColumnBuilder> build)
    {
        ArgumentNullException.ThrowIfNull(build);
        var group = new ColumnBuilder(Version);
        build(group);
        var components = group.Build(weight: 1)["elements"]!.AsArray();
        if (Version == CardSchemaVersion.V2)
        {
            foreach (var component in components)
            {
                Add((JsonObject)component!.DeepClone());
            }

            return this;
        }

        return Add(new JsonObject { ["tag"] = "action", ["actions"] = components.DeepClone() });
    }

    /// <summary>Returns the card JSON: 1.0 <c>{"config","header","elements"}</c> or 2.0 <c>{"schema":"2.0","config","header","body":{"elements"}}</c>.</summary>
    public JsonObject Build()
    {
        var card = new JsonObject();
        if (Version == CardSchemaVersion.V2)
        {
            card["schema"] = "2.0";
        }

        var config = BuildConfig();
        if (config.Count > 0)
        {
            card["config"] = config;
        }

        if (_header is not null)
        {
            card["header"] = _header.DeepClone();
        }

        var elements = Elements.DeepClone();
        if (Version == CardSchemaVersion.V2)
        {
            card["body"] = new JsonObject { ["elements"] = elements };
        }
        else
        {
            card["elements"] = elements;
        }

        return card;
    }

    /// <summary>The card JSON as a compact string (non-ASCII text unescaped).</summary>
    public string ToJsonString() => Build().ToJsonString(CardWire.SerializerOptions);

    /// <summary>
    /// JSON 1.0 only allows interactive components at the card root inside an <c>action</c> block; consecutive
    /// ones share the trailing block so that buttons added one after another sit in one row.
    /// </summary>
    private protected override CardBuilder AddInteractive(JsonObject element)
    {
        if (Version == CardSchemaVersion.V2)
        {
            return Add(element);
        }

        if (Elements.Count > 0 && Elements[^1] is JsonObject last && (string?)last["tag"] == "action")
        {
            last["actions"]!.AsArray().Add((JsonNode)element);
            return this;
        }

        return Add(new JsonObject { ["tag"] = "action", ["actions"] = new JsonArray(element) });
    }

    private JsonObject BuildConfig()
    {
        var config = new JsonObject();
        if (_wideScreenMode is { } wide)
        {
            config["wide_screen_mode"] = wide;
        }

        if (_updateMulti is { } multi)
        {
            config["update_multi"] = multi;
        }

        if (_enableForward is { } forward)
        {
            config["enable_forward"] = forward;
        }

        return config;
    }
}
