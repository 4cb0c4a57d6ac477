using System.Text.Json;

namespace Larkway.Emulator.Api.Im;

internal static class CardRules
{
    /// <summary>
    /// A card may be updated for everyone only when shared: v1 must say <c>config.update_multi: true</c>;
    /// JSON 2.0 cards are always shared (update_multi defaults to true and cannot be false).
    /// Template cards carry their config in the template, which the emulator cannot see: allowed.
    /// </summary>
    public static bool IsShared(string cardJson)
    {
        using var document = JsonDocument.Parse(cardJson);
        var card = document.RootElement;
        if (card.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "template")
        {
            return true;
        }

        var updateMulti = card.TryGetProperty("config", out var config) && config.ValueKind == JsonValueKind.Object
            && config.TryGetProperty("update_multi", out var flag) ? flag.ValueKind : JsonValueKind.Undefined;
        var isV2 = card.TryGetProperty("schema", out var schema) && schema.ValueKind == JsonValueKind.String && schema.GetString() == "2.0";
        return updateMulti == JsonValueKind.True || (isV2 && updateMulti != JsonValueKind.False);
    }
}
