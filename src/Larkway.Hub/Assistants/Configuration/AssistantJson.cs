using System.Text.Json;
using System.Text.Json.Serialization;

namespace Larkway.Hub.Assistants.Configuration;

/// <summary>Source-generated JSON for the assistants' settings (stored on their rows) and their API.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AssistantPolicy))]
[JsonSerializable(typeof(AssistantSessionSettings))]
[JsonSerializable(typeof(AssistantMaskingSettings))]
[JsonSerializable(typeof(AssistantStreamingSettings))]
[JsonSerializable(typeof(AssistantInput))]
[JsonSerializable(typeof(AssistantInfo))]
[JsonSerializable(typeof(AssistantInfo[]))]
[JsonSerializable(typeof(Larkway.Hub.Platform.Http.ListPage<AssistantInfo>))]
internal sealed partial class AssistantJsonContext : JsonSerializerContext
{
    /// <summary>A stored settings document; one that no longer reads (never written by this Hub) falls back to the defaults.</summary>
    public static T Read<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : new() => TryRead(json, type, out var value) ? value : new T();

    /// <summary>A stored settings document, or false (and the defaults) when it does not read.</summary>
    public static bool TryRead<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, out T value)
        where T : new()
    {
        try
        {
            value = JsonSerializer.Deserialize(json, type) ?? new T();
            return true;
        }
        catch (JsonException)
        {
            value = new T();
            return false;
        }
    }
}
