using System.Text.Json;
using System.Text.Json.Nodes;

namespace Larkway.Hub.Notifications.Actions;

/// <summary>
/// The Hub's mark on a notification card: every callback value of the card (a component's <c>value</c> object, or a
/// JSON 2.0 <c>callback</c> behaviour's) gets <c>larkway_notification</c> (the id) and <c>larkway_type</c>, so that a
/// click tells the Hub which notification it belongs to. The rest of the value is the business system's and is left
/// as it is; <c>larkway_*</c> keys are reserved (the Hub sets them, whatever the card said, so a card cannot pass
/// itself off as another notification). Components without a value object (URL buttons) do not call back and are
/// left alone.
/// </summary>
internal static class NotificationCardReference
{
    public const string NotificationField = "larkway_notification";
    public const string TypeField = "larkway_type";

    /// <summary>The card JSON with every callback value marked.</summary>
    public static string Embed(string cardJson, string notificationId, string type)
    {
        var card = JsonNode.Parse(cardJson);
        if (card is null)
        {
            return cardJson;
        }

        return Mark(card, notificationId, type) > 0 ? card.ToJsonString() : cardJson;
    }

    /// <summary>Marks the card in place; returns how many values were marked.</summary>
    public static int Mark(JsonNode card, string notificationId, string type)
    {
        var marked = 0;
        Visit(card);
        return marked;

        void Visit(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    if (o["value"] is JsonObject value && (o.ContainsKey("tag") || IsCallbackBehaviour(o)))
                    {
                        value[NotificationField] = notificationId;
                        value[TypeField] = type;
                        marked++;
                    }

                    foreach (var (key, child) in o.ToList())
                    {
                        if (key != "value")
                        {
                            Visit(child);
                        }
                    }

                    break;
                case JsonArray a:
                    foreach (var item in a)
                    {
                        Visit(item);
                    }

                    break;
            }
        }
    }

    /// <summary>The notification id and type a clicked value carries, or null for a card that is not a notification's.</summary>
    public static (string Id, string? Type)? Read(JsonElement? value)
    {
        if (value is not { ValueKind: JsonValueKind.Object } v
            || !v.TryGetProperty(NotificationField, out var id) || id.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(id.GetString()))
        {
            return null;
        }

        var type = v.TryGetProperty(TypeField, out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        return (id.GetString()!, type);
    }

    private static bool IsCallbackBehaviour(JsonObject o) =>
        o["type"] is JsonValue t && t.GetValueKind() == JsonValueKind.String && t.GetValue<string>() == "callback";
}
