using System.Globalization;
using System.Text;
using System.Text.Json;
using Larkway.DingTalk.Stream;
using Larkway.Hub.Inbox;

namespace Larkway.Hub.DingTalk;

/// <summary>
/// What DingTalk said of a Stream event besides its data, from the EVENT frame's headers: the corp the event belongs to
/// (<c>eventCorpId</c>), the unified app id it was pushed for (<c>eventUnifiedAppId</c>) and when it happened
/// (<c>eventBornTime</c>). Attached to the event's context as its native reading, so the room's readers (the directory's
/// tenant) find the corp that the data itself does not carry.
/// </summary>
internal sealed record DingTalkEventOrigin(string? CorpId, string? UnifiedAppId, DateTimeOffset? BornAt);

/// <summary>
/// How the inbox keeps a DingTalk Stream event: the EVENT frame as DingTalk sent it — <c>{"specVersion","type":"EVENT",
/// "headers":{…},"data":{…}}</c> — with its data as JSON rather than a string, so the corp in its headers is kept with
/// it. The event the observers and webhooks see is still the data alone. A row stored before the frame was kept (the data
/// alone), an HTTP callback's decrypted body and data that is not JSON are read as they are, with no origin.
/// </summary>
internal static class DingTalkStoredEvent
{
    private const string EventFrameType = "EVENT";

    /// <summary>The stored body of a Stream EVENT; its data alone when that is not JSON (stored as before, for the handler to refuse).</summary>
    public static string Of(DingTalkStreamMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        JsonDocument data;
        try
        {
            data = JsonDocument.Parse(message.Data);
        }
        catch (JsonException)
        {
            return message.Data;
        }

        using (data)
        using (var buffer = new MemoryStream())
        {
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("specVersion", "1.0");
                writer.WriteString("type", message.Type);
                writer.WriteStartObject("headers");
                foreach (var (name, value) in message.Headers)
                {
                    writer.WriteString(name, value);
                }

                writer.WriteEndObject();
                writer.WritePropertyName("data");
                data.RootElement.WriteTo(writer);
                writer.WriteEndObject();
            }

            return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
    }

    /// <summary>The event a stored DingTalk push holds, and the origin its Stream frame told (null for anything else).</summary>
    public static (JsonElement Event, DingTalkEventOrigin? Origin) Read(InboxEvent item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var root = JsonElement.Parse(item.Body);
        if (item.Transport != DingTalkIngest.StreamTransport
            || root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != EventFrameType
            || !root.TryGetProperty("headers", out var headers) || headers.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("data", out var data))
        {
            return (root, null);
        }

        var born = Header(headers, "eventBornTime") is { } ms && long.TryParse(ms, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            && value is > 0 and < 253_402_300_800_000
                ? DateTimeOffset.FromUnixTimeMilliseconds(value)
                : (DateTimeOffset?)null;
        return (data, new DingTalkEventOrigin(Header(headers, "eventCorpId"), Header(headers, "eventUnifiedAppId"), born));
    }

    private static string? Header(JsonElement headers, string name) =>
        headers.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;
}
