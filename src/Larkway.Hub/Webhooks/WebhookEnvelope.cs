using System.Text.Json;
using Larkway.Hub.Apps;

namespace Larkway.Hub.Webhooks;

/// <summary>
/// The one envelope of a Hub event a room reports itself (not an inbox event): <c>{"id","type","created_at","app","event"}</c>,
/// the event object written by the room.
/// </summary>
internal static class WebhookEnvelope
{
    public static byte[] Write(string id, string type, DateTimeOffset at, string? app, Action<Utf8JsonWriter> writeEvent)
    {
        ArgumentNullException.ThrowIfNull(writeEvent);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", id);
            writer.WriteString("type", type);
            writer.WriteString("created_at", at.ToUniversalTime());
            writer.WriteString("app", HubAppService.NameOnWire(app));
            writer.WriteStartObject("event");
            writeEvent(writer);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
