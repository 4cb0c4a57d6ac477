using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Larkway.WeCom.AiBot;

/// <summary>
/// One frame of the AI bot's long connection: a JSON text message <c>{cmd, headers{req_id}, body, errcode, errmsg}</c>.
/// Requests and pushes carry <c>cmd</c>; the server's answers to the client's requests carry none, only the request's
/// <c>req_id</c> and <c>errcode</c>/<c>errmsg</c> (and a <c>body</c> for media uploads).
/// </summary>
internal sealed record AiBotFrame(string Cmd, string ReqId, JsonElement? Body, int? ErrCode, string? ErrMsg)
{
    /// <summary>True for an answer to one of the client's requests (no <c>cmd</c>).</summary>
    public bool IsAnswer => Cmd.Length == 0;

    /// <summary>Parses a frame; null for a message that is not one (skipped, never fatal to the connection).</summary>
    public static AiBotFrame? TryParse(ReadOnlySpan<byte> utf8)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var cmd = root.TryGetProperty("cmd", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : "";
            var reqId = root.TryGetProperty("headers", out var h) && h.ValueKind == JsonValueKind.Object
                && h.TryGetProperty("req_id", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "";
            JsonElement? body = root.TryGetProperty("body", out var b) && b.ValueKind == JsonValueKind.Object ? b.Clone() : null;
            int? errCode = root.TryGetProperty("errcode", out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var code) ? code : null;
            var errMsg = root.TryGetProperty("errmsg", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            if (cmd.Length == 0 && reqId.Length == 0)
            {
                return null;
            }

            return new AiBotFrame(cmd, reqId, body, errCode, errMsg);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Writes a request frame: <c>{cmd, headers{req_id}, body?}</c>.</summary>
    public static byte[] Write(string cmd, string reqId, JsonObject? body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("cmd", cmd);
            writer.WriteStartObject("headers");
            writer.WriteString("req_id", reqId);
            writer.WriteEndObject();
            if (body is not null)
            {
                writer.WritePropertyName("body");
                body.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A request id of the documented shape <c>&lt;cmd&gt;_&lt;unix ms&gt;_&lt;8 hex&gt;</c>: the server tells its answers apart by it.</summary>
    public static string NewReqId(string cmd, TimeProvider time) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{cmd}_{time.GetUtcNow().ToUnixTimeMilliseconds()}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
}
