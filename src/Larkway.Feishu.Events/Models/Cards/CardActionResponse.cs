using System.Text.Json;
using System.Text.Json.Serialization;
using Larkway.Feishu.Events.Serialization;

namespace Larkway.Feishu.Events.Models.Cards;

/// <summary>
/// The body answering a <c>card.action.trigger</c> callback:
/// <c>{"toast":{type,content,i18n},"card":{"type":"raw"|"template","data":…}}</c>. Both parts are optional.
/// </summary>
public sealed record CardActionResponse
{
    public CardToast? Toast { get; init; }

    public CardActionResponseCard? Card { get; init; }

    /// <summary>An empty response: Feishu keeps the card as it is.</summary>
    public static CardActionResponse Empty { get; } = new();

    /// <summary>A response showing a toast.</summary>
    public static CardActionResponse WithToast(CardToastType type, string content, IReadOnlyDictionary<string, string>? i18n = null) =>
        new() { Toast = new CardToast { Type = CardToast.ToWire(type), Content = content, I18n = i18n } };

    /// <summary>A response replacing the card with a full card JSON.</summary>
    public static CardActionResponse WithRawCard(JsonElement card) =>
        new() { Card = CardActionResponseCard.Raw(card) };

    /// <summary>A response replacing the card with a template card.</summary>
    public static CardActionResponse WithTemplateCard(string templateId, JsonElement? templateVariable = null, string? templateVersionName = null) =>
        new() { Card = CardActionResponseCard.Template(templateId, templateVariable, templateVersionName) };

    /// <summary>Adds or replaces the toast.</summary>
    public CardActionResponse AndToast(CardToastType type, string content, IReadOnlyDictionary<string, string>? i18n = null) =>
        this with { Toast = new CardToast { Type = CardToast.ToWire(type), Content = content, I18n = i18n } };

    /// <summary>Adds or replaces the card with a full card JSON.</summary>
    public CardActionResponse AndRawCard(JsonElement card) => this with { Card = CardActionResponseCard.Raw(card) };

    /// <summary>Adds or replaces the card with a template card.</summary>
    public CardActionResponse AndTemplateCard(string templateId, JsonElement? templateVariable = null, string? templateVersionName = null) =>
        this with { Card = CardActionResponseCard.Template(templateId, templateVariable, templateVersionName) };

    /// <summary>The compact JSON body (null parts omitted).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, FeishuEventsJsonContext.Default.CardActionResponse);

    /// <summary>The compact JSON body as UTF-8 bytes.</summary>
    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, FeishuEventsJsonContext.Default.CardActionResponse);
}

/// <summary>Toast styles.</summary>
public enum CardToastType
{
    Info,
    Success,
    Error,
    Warning,
}

/// <summary>A toast shown to the user who acted.</summary>
public sealed record CardToast
{
    /// <summary><c>info</c>, <c>success</c>, <c>error</c> or <c>warning</c>.</summary>
    public string Type { get; init; } = "info";

    public string? Content { get; init; }

    /// <summary>Localized content keyed by locale (<c>zh_cn</c>, <c>en_us</c>, …).</summary>
    [JsonPropertyName("i18n")]
    public IReadOnlyDictionary<string, string>? I18n { get; init; }

    internal static string ToWire(CardToastType type) => type switch
    {
        CardToastType.Info => "info",
        CardToastType.Success => "success",
        CardToastType.Error => "error",
        CardToastType.Warning => "warning",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}

/// <summary>The card to show instead: <c>raw</c> (card JSON) or <c>template</c> (<see cref="CardTemplateData"/>).</summary>
public sealed record CardActionResponseCard
{
    public string Type { get; init; } = "raw";

    public JsonElement Data { get; init; }

    public static CardActionResponseCard Raw(JsonElement card) => new() { Type = "raw", Data = card };

    public static CardActionResponseCard Template(string templateId, JsonElement? templateVariable = null, string? templateVersionName = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(templateId);
        var data = new CardTemplateData
        {
            TemplateId = templateId,
            TemplateVariable = templateVariable,
            TemplateVersionName = templateVersionName,
        };
        return new() { Type = "template", Data = JsonSerializer.SerializeToElement(data, FeishuEventsJsonContext.Default.CardTemplateData) };
    }
}

/// <summary>Template card data: <c>{template_id, template_variable, template_version_name}</c>.</summary>
public sealed record CardTemplateData
{
    public string TemplateId { get; init; } = "";

    public JsonElement? TemplateVariable { get; init; }

    public string? TemplateVersionName { get; init; }
}
