using System.Text.Json;
using System.Text.Json.Serialization;

namespace Larkway.Hub.Approvals;

/// <summary>One form value as a person reads it: the field's label and the value in words (an option's text, not its value).</summary>
public sealed record ApprovalFormLine(string Label, string Value);

/// <summary>
/// The form as the approver's card and the console show it, taken from the definition when the approval is accepted
/// (<see cref="ApprovalDefinitionShape.CheckForm"/>: labels for ids, option texts for option values) and stored with it,
/// so every later rendering of the card shows the same without reading the definition again.
/// </summary>
public static class ApprovalFormDisplay
{
    /// <summary>A value in words without its definition (approvals stored before labels were kept): JSON as text.</summary>
    public static string Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Array => string.Join(", ", value.EnumerateArray().Select(Value)),
        JsonValueKind.Object when value.TryGetProperty("value", out var amount) =>
            value.TryGetProperty("currency", out var currency) ? $"{Value(amount)} {Value(currency)}" : Value(amount),
        JsonValueKind.Null or JsonValueKind.Undefined => "—",
        _ => value.GetRawText(),
    };

    /// <summary>Stored form (null when there is nothing to show).</summary>
    public static string? Serialize(IReadOnlyList<ApprovalFormLine> lines) =>
        lines.Count == 0 ? null : JsonSerializer.Serialize([.. lines], ApprovalFormDisplayJsonContext.Default.ApprovalFormLineArray);

    /// <summary>Reads the stored form back; null for approvals stored before labels were kept.</summary>
    public static IReadOnlyList<ApprovalFormLine>? Deserialize(string? stored) =>
        stored is null ? null : JsonSerializer.Deserialize(stored, ApprovalFormDisplayJsonContext.Default.ApprovalFormLineArray);
}

/// <summary>Source-generated JSON for the stored form lines.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ApprovalFormLine[]))]
internal sealed partial class ApprovalFormDisplayJsonContext : JsonSerializerContext;
