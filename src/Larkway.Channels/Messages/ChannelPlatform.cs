using System.Text.Json;
using System.Text.Json.Serialization;

namespace Larkway.Channels.Messages;

/// <summary>
/// The chat platform a message came from or a reply goes to, by its name as stored (<c>feishu</c>, <c>dingtalk</c>,
/// <c>wecom</c>): the first part of a dedup key and of a session key, the <c>platform</c> of a stored turn. Open, so that a
/// platform this package does not know (a Hub's own room, a test's) builds an <see cref="InboundMessage"/> without
/// changing this package; the three it ships adapters for are the static properties.
/// </summary>
[JsonConverter(typeof(ChannelPlatformJsonConverter))]
public readonly record struct ChannelPlatform
{
    /// <summary>The longest name: the Hub stores it in 16-character columns.</summary>
    public const int MaxNameLength = 16;

    private const string FeishuName = "feishu";
    private readonly string? _name;

    /// <summary>A platform by its name: lower-case ASCII letters and digits, a letter first, at most 16 (<c>dingtalk</c>).</summary>
    public ChannelPlatform(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is 0 or > MaxNameLength || !char.IsAsciiLetterLower(name[0]) || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
        {
            throw new ArgumentException($"A channel platform is named like 'dingtalk' (lower-case letters and digits, a letter first, at most {MaxNameLength}): '{name}' is not.", nameof(name));
        }

        _name = name;
    }

    /// <summary>Feishu / Lark (also what an unset value reads as, as the enum's first member did).</summary>
    public static ChannelPlatform Feishu { get; } = new(FeishuName);

    /// <summary>DingTalk (钉钉).</summary>
    public static ChannelPlatform DingTalk { get; } = new("dingtalk");

    /// <summary>WeCom (企业微信).</summary>
    public static ChannelPlatform WeCom { get; } = new("wecom");

    /// <summary>The name as stored and sent: <c>feishu</c>, <c>dingtalk</c>, <c>wecom</c>, or a new platform's own.</summary>
    public string Name => _name ?? FeishuName;

    /// <summary>The name (<see cref="Name"/>).</summary>
    public override string ToString() => Name;

    /// <summary>Same name, same platform (a default value is Feishu, as it was).</summary>
    public bool Equals(ChannelPlatform other) => string.Equals(Name, other.Name, StringComparison.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);
}

/// <summary>
/// Writes a platform as its name (<c>"dingtalk"</c>). Reads that, the enum's member names in any case (<c>"DingTalk"</c>, as
/// a string enum converter wrote them) and its numbers 0–2 (the default enum form), so JSON written before it opened reads back.
/// </summary>
internal sealed class ChannelPlatformJsonConverter : JsonConverter<ChannelPlatform>
{
    private static readonly ChannelPlatform[] EnumOrder = [ChannelPlatform.Feishu, ChannelPlatform.DingTalk, ChannelPlatform.WeCom];

    public override ChannelPlatform Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var number) && number >= 0 && number < EnumOrder.Length)
        {
            return EnumOrder[number];
        }

        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        if (string.IsNullOrEmpty(text))
        {
            throw new JsonException("A channel platform is a string such as \"feishu\" or \"dingtalk\".");
        }

        try
        {
            return new ChannelPlatform(text.ToLowerInvariant());
        }
        catch (ArgumentException ex)
        {
            throw new JsonException(ex.Message, ex);
        }
    }

    public override void Write(Utf8JsonWriter writer, ChannelPlatform value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.Name);
    }
}
