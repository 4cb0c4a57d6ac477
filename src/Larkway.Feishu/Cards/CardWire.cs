using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Larkway.Feishu.Cards;

/// <summary>Wire names and small JSON helpers shared by the builder and the validator.</summary>
internal static class CardWire
{
    /// <summary>
    /// Serializer settings for card JSON: compact, and non-ASCII text is not \u-escaped, so the byte
    /// count we check is close to what Feishu counts (escaping CJK text would triple its size).
    /// </summary>
    public static readonly JsonSerializerOptions SerializerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly string[] HeaderTemplates =
        ["blue", "wathet", "turquoise", "green", "yellow", "orange", "red", "carmine", "violet", "purple", "indigo", "grey", "default"];

    public static string ToWire(this HeaderTemplate template) => template switch
    {
        HeaderTemplate.Default => "default",
        HeaderTemplate.Blue => "blue",
        HeaderTemplate.Wathet => "wathet",
        HeaderTemplate.Turquoise => "turquoise",
        HeaderTemplate.Green => "green",
        HeaderTemplate.Yellow => "yellow",
        HeaderTemplate.Orange => "orange",
        HeaderTemplate.Red => "red",
        HeaderTemplate.Carmine => "carmine",
        HeaderTemplate.Violet => "violet",
        HeaderTemplate.Purple => "purple",
        HeaderTemplate.Indigo => "indigo",
        HeaderTemplate.Grey => "grey",
        _ => throw new ArgumentOutOfRangeException(nameof(template), template, "Unknown header template."),
    };

    public static string ToWire(this ButtonType type) => type switch
    {
        ButtonType.Default => "default",
        ButtonType.Primary => "primary",
        ButtonType.Danger => "danger",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown button type."),
    };

    public static string ToWire(this TextFormat format) => format switch
    {
        TextFormat.PlainText => "plain_text",
        TextFormat.LarkMd => "lark_md",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown text format."),
    };

    /// <summary>A text object: <c>{"tag":"plain_text"|"lark_md","content":…}</c>.</summary>
    public static JsonObject Text(string content, TextFormat format = TextFormat.PlainText) =>
        new() { ["tag"] = format.ToWire(), ["content"] = content };
}
