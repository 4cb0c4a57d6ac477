using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Larkway.Emulator.LongConnection.Wire;

namespace Larkway.Emulator.LongConnection;

/// <summary>Builds and reads <c>pbbp2.Frame</c>s (reference protocols §2).</summary>
internal static class Frames
{
    public const int ControlMethod = 0;
    public const int DataMethod = 1;

    public const string TypeKey = "type";
    public const string MessageIdKey = "message_id";
    public const string SumKey = "sum";
    public const string SeqKey = "seq";
    public const string TraceIdKey = "trace_id";

    public static string? HeaderOf(Frame frame, string key) =>
        frame.Headers.FirstOrDefault(h => string.Equals(h.Key, key, StringComparison.Ordinal))?.Value;

    /// <summary>
    /// An event as <c>sum</c> data frames of at most <paramref name="maxPayload"/> bytes each. All five
    /// headers go on every frame: the Python and Java SDKs throw when one is missing.
    /// </summary>
    public static List<Frame> DataFrames(int service, Func<ulong> nextSeq, string messageId, string traceId, byte[] payload, int maxPayload)
    {
        var size = Math.Max(1, maxPayload);
        var sum = Math.Max(1, (payload.Length + size - 1) / size);
        var frames = new List<Frame>(sum);
        for (var i = 0; i < sum; i++)
        {
            var offset = i * size;
            var frame = new Frame
            {
                SeqID = nextSeq(),
                LogID = RandomLogId(),
                Service = service,
                Method = DataMethod,
                Payload = ByteString.CopyFrom(payload, offset, Math.Min(size, payload.Length - offset)),
            };
            frame.Headers.Add(Header(TypeKey, "event"));
            frame.Headers.Add(Header(MessageIdKey, messageId));
            frame.Headers.Add(Header(SumKey, sum.ToString(CultureInfo.InvariantCulture)));
            frame.Headers.Add(Header(SeqKey, i.ToString(CultureInfo.InvariantCulture)));
            frame.Headers.Add(Header(TraceIdKey, traceId));
            frames.Add(frame);
        }

        return frames;
    }

    /// <summary>
    /// A pong carrying all four ClientConfig fields: every SDK overwrites its settings with them, so a
    /// missing one would become 0 (a tight ping loop in Go, NaN in Node).
    /// </summary>
    public static Frame Pong(int service, LongConnectionOptions options)
    {
        var frame = new Frame
        {
            SeqID = 0,
            LogID = 0,
            Service = service,
            Method = ControlMethod,
            Payload = ByteString.CopyFromUtf8(ClientConfig(options).ToJsonString()),
        };
        frame.Headers.Add(Header(TypeKey, "pong"));
        return frame;
    }

    public static JsonObject ClientConfig(LongConnectionOptions options) => new()
    {
        ["ReconnectCount"] = options.ReconnectCount,
        ["ReconnectInterval"] = options.ReconnectIntervalSeconds,
        ["ReconnectNonce"] = options.ReconnectNonceSeconds,
        ["PingInterval"] = options.PingIntervalSeconds,
    };

    public static string NewMessageId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static string NewTraceId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>The ack payload <c>{"code":…,"headers":…,"data":base64|null}</c>; data decoded to text when present.</summary>
    public static (int? Code, string? Data, string? Error) ReadAck(Frame frame)
    {
        if (!frame.HasPayload || frame.Payload.IsEmpty)
        {
            return (null, null, "the ack has no payload");
        }

        try
        {
            if (JsonNode.Parse(frame.Payload.ToStringUtf8()) is not JsonObject ack)
            {
                return (null, null, "the ack payload is not a JSON object");
            }

            int? code = ack["code"] is JsonValue value && value.TryGetValue<int>(out var number) ? number : null;
            string? data = null;
            if (ack["data"] is JsonValue dataValue && dataValue.TryGetValue<string>(out var base64) && base64.Length > 0)
            {
                data = Encoding.UTF8.GetString(Convert.FromBase64String(base64));
            }

            return (code, data, code is null ? "the ack has no numeric code" : null);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or InvalidOperationException)
        {
            return (null, null, "the ack payload is malformed: " + e.Message);
        }
    }

    private static Header Header(string key, string value) => new() { Key = key, Value = value };

    private static ulong RandomLogId() => BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) >> 1;
}
