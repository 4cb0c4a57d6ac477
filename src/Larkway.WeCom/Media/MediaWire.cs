using System.Text.Json;
using System.Text.Json.Serialization;

namespace Larkway.WeCom.Media;

/// <summary><c>media/upload</c>'s (and the robot's <c>upload_media</c>'s) answer; created_at is documented as a string of Unix seconds (a number is read too).</summary>
internal sealed record UploadAnswer(
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("media_id")] string? MediaId,
    [property: JsonPropertyName("created_at")] JsonElement? CreatedAtRaw)
{
    public string? CreatedAt => CreatedAtRaw switch
    {
        { ValueKind: JsonValueKind.String } s => s.GetString(),
        { ValueKind: JsonValueKind.Number } n => n.GetRawText(),
        _ => null,
    };
}
