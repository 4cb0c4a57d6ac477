using System.Text.Json.Serialization;

namespace Larkway.WeCom.Messages;

/// <summary>An article of a news message (app message, group robot or passive reply).</summary>
/// <param name="Title">The title (at most 128 bytes).</param>
/// <param name="Description">The description (at most 512 bytes).</param>
/// <param name="Url">Where a click leads.</param>
/// <param name="PicUrl">The cover image (JPG/PNG; 1068×455 large, 150×150 small).</param>
public sealed record WeComArticle(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("description")] string? Description = null,
    [property: JsonPropertyName("url")] string? Url = null,
    [property: JsonPropertyName("picurl")] string? PicUrl = null)
{
    /// <summary>A mini program's appid to open instead of <see cref="Url"/> (app messages only).</summary>
    [JsonPropertyName("appid")]
    public string? AppId { get; init; }

    /// <summary>The mini program page (with <see cref="AppId"/>).</summary>
    [JsonPropertyName("pagepath")]
    public string? PagePath { get; init; }
}
