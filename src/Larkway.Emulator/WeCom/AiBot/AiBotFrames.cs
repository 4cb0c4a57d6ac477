using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Larkway.Emulator.WeCom.AiBot;

/// <summary>The long connection's commands (official SDK <c>src/types/api.ts</c>).</summary>
internal static class AiBotCmd
{
    public const string Subscribe = "aibot_subscribe";
    public const string Ping = "ping";
    public const string RespondMsg = "aibot_respond_msg";
    public const string RespondWelcome = "aibot_respond_welcome_msg";
    public const string RespondUpdate = "aibot_respond_update_msg";
    public const string SendMsg = "aibot_send_msg";
    public const string UploadInit = "aibot_upload_media_init";
    public const string UploadChunk = "aibot_upload_media_chunk";
    public const string UploadFinish = "aibot_upload_media_finish";
    public const string MsgCallback = "aibot_msg_callback";
    public const string EventCallback = "aibot_event_callback";
}

/// <summary>
/// The errcodes the emulator answers with. 846605 and 846608 are the ones WeCom clients see for a bad or expired
/// req_id; 853000 is what WeCom answers a subscribe with a wrong bot_id or secret ([3P], observed against the real
/// service); 40058 (invalid parameter) and 40007 (invalid media_id) are WeCom's general codes; -1 is "system busy".
/// </summary>
internal static class AiBotErrors
{
    public const int Ok = 0;
    public const int SystemBusy = -1;
    public const int InvalidMediaId = 40007;
    public const int InvalidParameter = 40058;
    public const int InvalidReqId = 846605;
    public const int Expired = 846608;
    public const int InvalidCredentials = 853000;
}

/// <summary>A frame from the client: <c>{cmd, headers{req_id}, body}</c>, or why it is not one.</summary>
internal sealed record AiBotClientFrame(string? Cmd, string ReqId, JsonObject? Body);

/// <summary>Reads and writes the JSON text frames <c>{cmd?, headers{req_id}, body?, errcode?, errmsg?}</c>.</summary>
internal static class AiBotFrames
{
    /// <summary>snake_case fields are written by hand; non-ASCII goes out as UTF-8, as WeCom's frames.</summary>
    public static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static AiBotClientFrame? Read(string text, out string? problem)
    {
        problem = null;
        JsonObject? root;
        try
        {
            root = JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            root = null;
        }

        if (root is null)
        {
            problem = "a frame must be a JSON object {cmd, headers:{req_id}, body}";
            return null;
        }

        var reqId = (root["headers"] as JsonObject)?["req_id"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        if (string.IsNullOrEmpty(reqId))
        {
            problem = "headers.req_id is required";
            return null;
        }

        var cmd = root["cmd"] is JsonValue c && c.TryGetValue<string>(out var cs) ? cs : null;
        return new AiBotClientFrame(cmd, reqId, root["body"] as JsonObject);
    }

    /// <summary>An answer to a client frame: no cmd, the same req_id, errcode/errmsg and an optional body.</summary>
    public static string Ack(string reqId, int errcode, string errmsg, JsonObject? body = null)
    {
        var frame = new JsonObject { ["headers"] = new JsonObject { ["req_id"] = reqId }, ["errcode"] = errcode, ["errmsg"] = errmsg };
        if (body is not null)
        {
            frame["body"] = body;
        }

        return frame.ToJsonString(Json);
    }

    /// <summary>A server push: <c>{cmd, headers{req_id}, body}</c>.</summary>
    public static string Push(string cmd, string reqId, JsonObject body) =>
        new JsonObject { ["cmd"] = cmd, ["headers"] = new JsonObject { ["req_id"] = reqId }, ["body"] = body }.ToJsonString(Json);

    /// <summary>A server-side id: 32 lower-case hex digits.</summary>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static string? String(JsonObject? obj, string name) => obj?[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static bool? Bool(JsonObject? obj, string name) => obj?[name] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    public static long? Long(JsonObject? obj, string name) => obj?[name] is JsonValue v && v.TryGetValue<long>(out var l) ? l
        : obj?[name] is JsonValue d && d.TryGetValue<double>(out var dd) && dd == Math.Floor(dd) ? (long)dd : null;
}
