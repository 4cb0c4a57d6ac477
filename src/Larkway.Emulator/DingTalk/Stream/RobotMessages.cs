using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Larkway.Emulator.DingTalk.Stream;

/// <summary>A robot message to inject, as the control endpoint takes it.</summary>
internal sealed record RobotMessageRequest(string AppKey, string ConversationType, string SenderStaffId, string SenderNick, string? ConversationId, string? ConversationTitle, string Text, bool AtBot)
{
    /// <summary>The picture or file the message carries instead of text (<see cref="Text"/> is then what the chat shows).</summary>
    public AppRobot.RobotMessageFile? File { get; init; }
}

/// <summary>
/// Builds the data of a <c>/v1.0/im/bot/messages/get</c> CALLBACK with the inbound fields the official SDK reads
/// (chatbot.py). Ids that DingTalk derives (conversationId, senderId, chatbotUserId) are derived here from the inputs, so
/// the same sender and conversation keep the same ids across messages.
/// </summary>
internal static class RobotMessages
{
    public static JsonObject Build(RobotMessageRequest request, string corpId, string msgId, string sessionWebhook, DateTimeOffset sessionExpiresAt, DateTimeOffset now)
    {
        var chatbotUserId = "$:LWCP_v1:$" + Derive("bot:" + request.AppKey);
        var message = new JsonObject
        {
            ["conversationId"] = ConversationIdOf(request),
            ["atUsers"] = request.AtBot ? new JsonArray(new JsonObject { ["dingtalkId"] = chatbotUserId }) : new JsonArray(),
            ["chatbotCorpId"] = corpId,
            ["chatbotUserId"] = chatbotUserId,
            ["msgId"] = msgId,
            ["senderNick"] = request.SenderNick,
            ["isAdmin"] = false,
            ["senderStaffId"] = request.SenderStaffId,
            ["sessionWebhookExpiredTime"] = sessionExpiresAt.ToUnixTimeMilliseconds(),
            ["createAt"] = now.ToUnixTimeMilliseconds(),
            ["senderCorpId"] = corpId,
            ["conversationType"] = request.ConversationType,
            ["senderId"] = "$:LWCP_v1:$" + Derive("user:" + request.SenderStaffId),
            ["isInAtList"] = request.AtBot,
            ["sessionWebhook"] = sessionWebhook,
            ["robotCode"] = request.AppKey,
        };
        switch (request.File)
        {
            case { MsgType: "picture" } picture:
                // The real message also has pictureDownloadCode (a second code for the same picture): both are accepted here.
                message["content"] = new JsonObject { ["downloadCode"] = picture.DownloadCode, ["pictureDownloadCode"] = picture.DownloadCode };
                message["msgtype"] = "picture";
                break;
            case { } file:
                message["content"] = new JsonObject { ["downloadCode"] = file.DownloadCode, ["fileName"] = file.FileName };
                message["msgtype"] = "file";
                break;
            default:
                message["text"] = new JsonObject { ["content"] = request.Text };
                message["msgtype"] = "text";
                break;
        }

        if (request.ConversationType == "2")
        {
            message["conversationTitle"] = request.ConversationTitle ?? "Emulator group";
        }

        return message;
    }

    public static string NewMsgId() => "msg" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', 'A').Replace('/', 'B');

    public static string ConversationIdOf(RobotMessageRequest request) =>
        request.ConversationId ?? "cid" + Derive(request.ConversationType == "1"
            ? $"single:{request.AppKey}:{request.SenderStaffId}"
            : $"group:{request.AppKey}:{request.ConversationTitle ?? "Emulator group"}");

    /// <summary>A stable, opaque 24-character id from a seed (DingTalk's own ids look base64-like too).</summary>
    private static string Derive(string seed) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(seed)))[..24].Replace('+', 'A').Replace('/', 'B');
}
