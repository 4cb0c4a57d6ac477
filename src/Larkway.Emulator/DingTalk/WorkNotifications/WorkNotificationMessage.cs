using System.Text.Json;
using Larkway.Emulator.DingTalk.Platform;

namespace Larkway.Emulator.DingTalk.WorkNotifications;

/// <summary>
/// Checks a work notification's <c>msg</c>: text{content}, markdown{title,text}, link{messageUrl,picUrl,title,text} or
/// action_card{title, markdown, single_title + single_url | btn_orientation + btn_json_list[{title, action_url}]}. A
/// missing field is errcode 40035 naming it (DingTalk's "缺少参数"); an unsupported msgtype 400002 (unsure).
/// </summary>
internal static class WorkNotificationMessage
{
    public static (string MsgType, JsonElement Msg) Parse(JsonElement body)
    {
        if (!body.TryGetProperty("msg", out var msg) || msg.ValueKind != JsonValueKind.Object)
        {
            throw Missing("msg");
        }

        var msgType = msg.String("msgtype") ?? throw Missing("msg.msgtype");
        if (msgType is not ("text" or "markdown" or "link" or "action_card"))
        {
            throw DingTalkException.Oapi(DingTalkCodes.InvalidParameterErrCode, $"无效的参数 msg.msgtype={msgType}: use text, markdown, link or action_card");
        }

        if (!msg.TryGetProperty(msgType, out var content) || content.ValueKind != JsonValueKind.Object)
        {
            throw Missing("msg." + msgType);
        }

        string[] required = msgType switch
        {
            "text" => ["content"],
            "markdown" => ["title", "text"],
            "link" => ["messageUrl", "picUrl", "title", "text"],
            _ => ["title", "markdown"],
        };
        if (required.FirstOrDefault(field => content.String(field) is null) is { } missing)
        {
            throw Missing($"msg.{msgType}.{missing}");
        }

        if (msgType == "action_card")
        {
            CheckActionCardButtons(content);
        }

        return (msgType, msg.Clone());
    }

    /// <summary>Either the whole-card button (single_title + single_url) or a non-empty btn_json_list.</summary>
    private static void CheckActionCardButtons(JsonElement card)
    {
        if (card.String("single_title") is not null)
        {
            _ = card.String("single_url") ?? throw Missing("msg.action_card.single_url");
            return;
        }

        if (!card.TryGetProperty("btn_json_list", out var buttons) || buttons.ValueKind != JsonValueKind.Array || buttons.GetArrayLength() == 0)
        {
            throw Missing("msg.action_card.single_title or msg.action_card.btn_json_list");
        }

        foreach (var button in buttons.EnumerateArray())
        {
            if (button.ValueKind != JsonValueKind.Object || button.String("title") is null || button.String("action_url") is null)
            {
                throw Missing("msg.action_card.btn_json_list[].title/action_url");
            }
        }
    }

    private static DingTalkException Missing(string field) => DingTalkException.Oapi(DingTalkCodes.MissingParameter, "缺少参数 " + field);
}
