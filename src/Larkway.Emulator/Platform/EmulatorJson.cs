using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Larkway.Emulator.Platform;

/// <summary>The one JSON configuration of the wire: snake_case, nulls omitted.</summary>
internal static class EmulatorJson
{
    public const string ContentType = "application/json; charset=utf-8";

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,

        // Feishu writes non-ASCII text (and content strings) as UTF-8, not \uXXXX escapes. Relaxed
        // escaping is safe here: these bodies are application/json, never embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
}
