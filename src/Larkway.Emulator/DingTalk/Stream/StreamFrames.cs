using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Larkway.Emulator.DingTalk.Stream;

/// <summary>The frame types of the Stream protocol.</summary>
internal static class StreamFrameTypes
{
    public const string System = "SYSTEM";
    public const string Event = "EVENT";
    public const string Callback = "CALLBACK";
}

/// <summary>Topics the emulator knows by name.</summary>
internal static class StreamTopics
{
    public const string Ping = "ping";
    public const string Disconnect = "disconnect";
    public const string RobotMessage = "/v1.0/im/bot/messages/get";
    public const string CardCallback = "/v1.0/card/instances/callback";

    /// <summary>An EVENT subscription to every event type.</summary>
    public const string AllEvents = "*";
}

/// <summary>What a client sent back: <c>{code, headers:{messageId, contentType}, message, data}</c>.</summary>
internal sealed record StreamAck(int? Code, string? MessageId, string? Message, string? Data);

/// <summary>
/// Writes the server's JSON frames (<c>{specVersion, type, headers, data}</c>, data a JSON string) and reads acks.
/// Header values are strings, <c>time</c> included, as the SDKs' header maps hold them.
/// </summary>
internal static class StreamFrames
{
    public const string ContentType = "application/json";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string NewMessageId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>A frame; <paramref name="extraHeaders"/> go after the common ones, in order.</summary>
    public static string Write(string type, string topic, string messageId, string appId, string connectionId, long timeMs, string data, IEnumerable<KeyValuePair<string, string>>? extraHeaders = null)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("specVersion", "1.0");
            writer.WriteString("type", type);
            writer.WriteStartObject("headers");
            writer.WriteString("appId", appId);
            writer.WriteString("connectionId", connectionId);
            writer.WriteString("contentType", ContentType);
            writer.WriteString("messageId", messageId);
            writer.WriteString("time", timeMs.ToString(CultureInfo.InvariantCulture));
            writer.WriteString("topic", topic);
            foreach (var (name, value) in extraHeaders ?? [])
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
            writer.WriteString("data", data);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>The EVENT-only headers, in the order DingTalk lists them.</summary>
    public static KeyValuePair<string, string>[] EventHeaders(string eventId, string eventType, long bornTimeMs, string corpId, string unifiedAppId) =>
    [
        new("eventId", eventId),
        new("eventType", eventType),
        new("eventBornTime", bornTimeMs.ToString(CultureInfo.InvariantCulture)),
        new("eventCorpId", corpId),
        new("eventUnifiedAppId", unifiedAppId),
    ];

    /// <summary>Reads a client message; null when it is not a JSON object (such a message is ignored, as a server would).</summary>
    public static StreamAck? ReadAck(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            int? code = root.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var n) ? n : null;
            string? messageId = root.TryGetProperty("headers", out var h) && h.ValueKind == JsonValueKind.Object ? Text(h, "messageId") : null;
            return new StreamAck(code, messageId, Text(root, "message"), DataOf(root));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether an ack takes the frame off the server's hands: code 200 and no <c>LATER</c> status. The official SDKs all
    /// ack with code 200 but differ in data — Java and Node <c>{"status":"SUCCESS"}</c>, Go the same or (no handler)
    /// nothing, Python an EVENT's own data and a callback's <c>{"response":…}</c> — so the data is not read otherwise.
    /// <c>LATER</c> (Java, Node; Go sends it with code 500) and any other code ask for the frame again.
    /// </summary>
    public static bool Accepted(StreamAck ack) => ack.Code == 200 && StringIn(ack.Data, "status") != "LATER";

    /// <summary>A string property of a JSON object held as a string (an ack's <c>data</c>), or null.</summary>
    public static string? StringIn(string? json, string name)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object ? Text(document.RootElement, name) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary><c>data</c> is a JSON string on the wire; a client that sent an object instead is recorded with its raw text.</summary>
    private static string? DataOf(JsonElement root) =>
        !root.TryGetProperty("data", out var data) || data.ValueKind == JsonValueKind.Null ? null
        : data.ValueKind == JsonValueKind.String ? data.GetString()
        : data.GetRawText();

    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
