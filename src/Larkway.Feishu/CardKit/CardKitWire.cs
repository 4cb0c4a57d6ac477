using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Larkway.Feishu.Json;

namespace Larkway.Feishu.CardKit;

internal sealed record CreateCardBody(string Type, string Data);

internal sealed record CardIdData(string? CardId);

internal sealed record CardBody(string Type, string Data);

internal sealed record UpdateCardEntityBody(CardBody Card, string Uuid, int Sequence);

internal sealed record SettingsBody(string Settings, string Uuid, int Sequence);

internal sealed record BatchUpdateBody(string Actions, string Uuid, int Sequence);

internal sealed record CreateElementsBody(string Type, string? TargetElementId, string Elements, string Uuid, int Sequence);

internal sealed record UpdateElementBody(string Element, string Uuid, int Sequence);

internal sealed record PatchElementBody(string PartialElement, string Uuid, int Sequence);

internal sealed record DeleteElementBody(string Uuid, int Sequence);

internal sealed record ContentBody(string Content, string Uuid, int Sequence);

internal sealed record IdConvertBody(string MessageId);

/// <summary>The <c>settings</c> string: <c>{"config": {"streaming_mode": …, "summary": {"content": …}}}</c>.</summary>
internal sealed record SettingsDocument(SettingsConfig Config);

internal sealed record SettingsConfig(bool? StreamingMode, SummaryWire? Summary, JsonElement? StreamingConfig);

internal sealed record SummaryWire(string Content);

internal sealed record ActionWire(string Action, JsonElement Params);

/// <summary>Source-generated JSON for the CardKit wire, snake_case like <see cref="FeishuJsonContext"/>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreateCardBody))]
[JsonSerializable(typeof(FeishuEnvelope<CardIdData>), TypeInfoPropertyName = "CardIdEnvelope")]
[JsonSerializable(typeof(UpdateCardEntityBody))]
[JsonSerializable(typeof(SettingsBody))]
[JsonSerializable(typeof(BatchUpdateBody))]
[JsonSerializable(typeof(CreateElementsBody))]
[JsonSerializable(typeof(UpdateElementBody))]
[JsonSerializable(typeof(PatchElementBody))]
[JsonSerializable(typeof(DeleteElementBody))]
[JsonSerializable(typeof(ContentBody))]
[JsonSerializable(typeof(IdConvertBody))]
[JsonSerializable(typeof(SettingsDocument))]
[JsonSerializable(typeof(List<ActionWire>))]
internal sealed partial class CardKitJsonContext : JsonSerializerContext;

internal static class CardKitJson
{
    /// <summary>The generated defaults with CJK kept as is (as <see cref="FeishuJson.Context"/>).</summary>
    public static CardKitJsonContext Context { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
