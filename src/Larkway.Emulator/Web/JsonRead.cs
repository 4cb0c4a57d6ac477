using System.Text.Json;

namespace Larkway.Emulator.Web;

internal static class JsonRead
{
    /// <summary>The string property <paramref name="name"/>, or null when absent or not a string — renderers never throw on odd input.</summary>
    public static string? Str(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
