using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Larkway.WeCom.AiBot;

/// <summary>Source-generated JSON of the AI bot's models (snake_case, as WeCom writes them).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WeComAiBotMessage))]
[JsonSerializable(typeof(WeComAiBotEvent))]
internal sealed partial class AiBotJson : JsonSerializerContext
{
    public static T Read<T>(JsonElement json, JsonTypeInfo<T> type, string what)
    {
        try
        {
            return json.Deserialize(type) ?? throw Malformed(what, null);
        }
        catch (JsonException ex)
        {
            throw Malformed(what, ex);
        }
    }

    public static T Read<T>(string json, JsonTypeInfo<T> type, string what)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize(json, type) ?? throw Malformed(what, null);
        }
        catch (JsonException ex)
        {
            throw Malformed(what, ex);
        }
    }

    // The path and reason of the failure, never the JSON itself: it holds what users wrote.
    private static WeComApiException Malformed(string what, JsonException? ex) =>
        new(WeComErrorCodes.MalformedResponse, $"The JSON is not {what}{(ex is null ? "" : $" ({ex.Path}: {ex.Message.Split('.')[0]})")}.", innerException: ex);
}
