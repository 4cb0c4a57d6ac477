using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using Larkway.Feishu.Events.LongConnection.Wire;

namespace Larkway.Feishu.Events.LongConnection;

/// <summary>Building and reading <c>pbbp2.Frame</c>s: header names, control frames, acks.</summary>
internal static class Frames
{
    public const int MethodControl = 0;
    public const int MethodData = 1;

    public const string HeaderType = "type";
    public const string HeaderMessageId = "message_id";
    public const string HeaderSum = "sum";
    public const string HeaderSeq = "seq";
    public const string HeaderTraceId = "trace_id";
    public const string HeaderBizRt = "biz_rt";

    public const string TypePing = "ping";
    public const string TypePong = "pong";
    public const string TypeEvent = "event";
    public const string TypeCard = "card";

    public static string? GetHeader(this Frame frame, string key)
    {
        foreach (var header in frame.Headers)
        {
            if (header.Key == key)
            {
                return header.Value;
            }
        }

        return null;
    }

    public static int GetIntHeader(this Frame frame, string key, int fallback) =>
        int.TryParse(frame.GetHeader(key), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    public static Frame Ping(int serviceId) => new()
    {
        SeqID = 0,
        LogID = 0,
        Service = serviceId,
        Method = MethodControl,
        Headers = { new Header { Key = HeaderType, Value = TypePing } },
    };

    /// <summary>
    /// The acknowledgement of a data frame: the same frame (SeqID, LogID, service, method, headers) plus
    /// <c>biz_rt</c>, with the payload replaced by <c>{"code":…,"headers":{},"data":"&lt;base64&gt;"}</c>
    /// (<c>data</c> only when there is a callback response).
    /// </summary>
    public static Frame Ack(Frame request, int code, long handlerMilliseconds, ReadOnlySpan<byte> data, bool hasData)
    {
        var ack = request.Clone();
        for (var i = ack.Headers.Count - 1; i >= 0; i--)
        {
            if (ack.Headers[i].Key == HeaderBizRt)
            {
                ack.Headers.RemoveAt(i);
            }
        }

        ack.Headers.Add(new Header { Key = HeaderBizRt, Value = Math.Max(0, handlerMilliseconds).ToString(CultureInfo.InvariantCulture) });

        var buffer = new ArrayBufferWriter<byte>(64 + (data.Length * 4 / 3));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("code", code);
            writer.WriteStartObject("headers");
            writer.WriteEndObject();
            if (hasData)
            {
                writer.WriteBase64String("data", data);
            }

            writer.WriteEndObject();
        }

        ack.Payload = ByteString.CopyFrom(buffer.WrittenSpan);
        return ack;
    }
}
