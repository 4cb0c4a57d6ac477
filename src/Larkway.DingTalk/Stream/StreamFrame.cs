using System.Text;
using System.Text.Json;

namespace Larkway.DingTalk.Stream;

/// <summary>A downstream frame parsed: type, headers, data. Anything else in it is ignored.</summary>
internal sealed record StreamFrame(string Type, Dictionary<string, string> Headers, string Data)
{
    public string Topic => Headers.GetValueOrDefault("topic") ?? "";

    public string MessageId => Headers.GetValueOrDefault("messageId") ?? "";

    /// <summary>Parses a frame; null for a message that is not one (it is logged and skipped, never fatal to the connection).</summary>
    public static StreamFrame? TryParse(ReadOnlySpan<byte> utf8)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            var headers = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("headers", out var h) && h.ValueKind == JsonValueKind.Object)
            {
                foreach (var header in h.EnumerateObject())
                {
                    headers[header.Name] = header.Value.ValueKind == JsonValueKind.String ? header.Value.GetString()! : header.Value.GetRawText();
                }
            }

            var data = root.TryGetProperty("data", out var d) ? d.ValueKind == JsonValueKind.String ? d.GetString()! : d.GetRawText() : "";
            return new StreamFrame(type.GetString()!, headers, data);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>An ack: <c>{code, headers{contentType, messageId}, message, data}</c>, the data a JSON string.</summary>
    public static byte[] Ack(string messageId, DingTalkStreamAck ack) => Write(writer =>
    {
        writer.WriteNumber("code", ack.Code);
        writer.WriteStartObject("headers");
        writer.WriteString("contentType", "application/json");
        writer.WriteString("messageId", messageId);
        writer.WriteEndObject();
        writer.WriteString("message", ack.Message);
        writer.WriteString("data", ack.Data);
    });

    /// <summary>The answer to a SYSTEM ping: its headers and data echoed (the data holds the <c>opaque</c> the server checks).</summary>
    public byte[] PingReply() => Write(writer =>
    {
        writer.WriteNumber("code", 200);
        writer.WriteStartObject("headers");
        foreach (var (name, value) in Headers)
        {
            writer.WriteString(name, value);
        }

        writer.WriteEndObject();
        writer.WriteString("message", "OK");
        writer.WriteString("data", Data);
    });

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public override string ToString() => $"{Type} {Topic} {MessageId} ({Encoding.UTF8.GetByteCount(Data)} bytes of data)";
}
