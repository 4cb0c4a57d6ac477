using System.Text.Json;
using Larkway.Emulator.DingTalk.Platform;

namespace Larkway.Emulator.DingTalk.Robots;

/// <summary>What a webhook body says: its msgtype, the type's object, the @ list and the texts keywords are looked for in.</summary>
internal sealed record ParsedRobotMessage(string MsgType, JsonElement Content, RobotAt At, IReadOnlyList<string> Texts);

/// <summary>
/// Checks a custom robot body per msgtype (text, link, markdown, actionCard, feedCard) and names the first field that is
/// missing or ill-typed. The refusal's errcode 400402 and its text follow an answer seen from the real webhook in 2025
/// ("错误描述:参数 markdown --》 title 缺失，或者参数格式不正确; …"); what it answers for an unknown msgtype is unsure.
/// </summary>
internal static class RobotMessageParser
{
    public static ParsedRobotMessage Parse(JsonElement body)
    {
        var msgType = body.String("msgtype") ?? throw Invalid("msgtype", null);
        if (!body.TryGetProperty(msgType, out var content) || content.ValueKind != JsonValueKind.Object)
        {
            throw msgType is "text" or "link" or "markdown" or "actionCard" or "feedCard"
                ? Invalid(msgType, null)
                : DingTalkException.Oapi(DingTalkCodes.RobotFieldInvalid, $"错误描述:不支持的消息类型 msgtype={msgType}; 解决方案:msgtype 取 text、link、markdown、actionCard 或 feedCard");
        }

        var texts = new List<string>();
        var at = RobotAt.None;
        switch (msgType)
        {
            case "text":
                texts.Add(Required(content, msgType, "content"));
                at = ReadAt(body);
                break;
            case "markdown":
                texts.Add(Required(content, msgType, "title"));
                texts.Add(Required(content, msgType, "text"));
                at = ReadAt(body);
                break;
            case "link":
                texts.Add(Required(content, msgType, "title"));
                texts.Add(Required(content, msgType, "text"));
                _ = Required(content, msgType, "messageUrl");
                Optional(content, msgType, "picUrl");
                break;
            case "actionCard":
                texts.AddRange(ReadActionCard(content));
                break;
            case "feedCard":
                texts.AddRange(ReadFeedCard(content));
                break;
            default:
                throw DingTalkException.Oapi(DingTalkCodes.RobotFieldInvalid, $"错误描述:不支持的消息类型 msgtype={msgType}; 解决方案:msgtype 取 text、link、markdown、actionCard 或 feedCard");
        }

        return new ParsedRobotMessage(msgType, content.Clone(), at, texts);
    }

    /// <summary>Either one button (singleTitle + singleURL) or a non-empty btns list, each with title and actionURL.</summary>
    private static IEnumerable<string> ReadActionCard(JsonElement card)
    {
        var texts = new List<string> { Required(card, "actionCard", "title"), Required(card, "actionCard", "text") };
        if (card.TryGetProperty("btnOrientation", out var orientation) && orientation.ValueKind != JsonValueKind.Null
            && !(orientation.ValueKind == JsonValueKind.String && orientation.GetString() is "0" or "1"))
        {
            throw Invalid("actionCard", "btnOrientation");
        }

        if (card.String("singleTitle") is { } singleTitle)
        {
            _ = Required(card, "actionCard", "singleURL");
            texts.Add(singleTitle);
            return texts;
        }

        if (!card.TryGetProperty("btns", out var buttons) || buttons.ValueKind != JsonValueKind.Array || buttons.GetArrayLength() == 0)
        {
            throw Invalid("actionCard", "singleTitle/btns");
        }

        foreach (var button in buttons.EnumerateArray())
        {
            if (button.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("actionCard", "btns");
            }

            texts.Add(Required(button, "actionCard", "title", "btns"));
            _ = Required(button, "actionCard", "actionURL", "btns");
        }

        return texts;
    }

    private static IEnumerable<string> ReadFeedCard(JsonElement feed)
    {
        if (!feed.TryGetProperty("links", out var links) || links.ValueKind != JsonValueKind.Array || links.GetArrayLength() == 0)
        {
            throw Invalid("feedCard", "links");
        }

        var texts = new List<string>();
        foreach (var link in links.EnumerateArray())
        {
            if (link.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("feedCard", "links");
            }

            texts.Add(Required(link, "feedCard", "title", "links"));
            _ = Required(link, "feedCard", "messageURL", "links");
            _ = Required(link, "feedCard", "picURL", "links");
        }

        return texts;
    }

    /// <summary>The optional <c>at</c> object; an ill-typed member is refused rather than ignored (the client has a bug).</summary>
    private static RobotAt ReadAt(JsonElement body)
    {
        if (!body.TryGetProperty("at", out var at) || at.ValueKind == JsonValueKind.Null)
        {
            return RobotAt.None;
        }

        if (at.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("at", null);
        }

        var isAtAll = at.TryGetProperty("isAtAll", out var all) ? all.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Null => false,
            _ => throw Invalid("at", "isAtAll"),
        } : false;
        return new RobotAt(Strings(at, "atMobiles"), Strings(at, "atUserIds"), isAtAll);
    }

    private static List<string> Strings(JsonElement at, string name)
    {
        if (!at.TryGetProperty(name, out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(item => item.ValueKind != JsonValueKind.String))
        {
            throw Invalid("at", name);
        }

        return [.. list.EnumerateArray().Select(item => item.GetString()!)];
    }

    private static string Required(JsonElement obj, string msgType, string field, string? parent = null) =>
        obj.String(field) ?? throw Invalid(msgType, parent is null ? field : parent + "." + field);

    private static void Optional(JsonElement obj, string msgType, string field)
    {
        if (obj.TryGetProperty(field, out var value) && value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
        {
            throw Invalid(msgType, field);
        }
    }

    private static DingTalkException Invalid(string parameter, string? field) => DingTalkException.Oapi(
        DingTalkCodes.RobotFieldInvalid,
        $"错误描述:参数 {parameter}{(field is null ? string.Empty : " --》 " + field)} 缺失，或者参数格式不正确; 解决方案:请填充上对应参数");
}
