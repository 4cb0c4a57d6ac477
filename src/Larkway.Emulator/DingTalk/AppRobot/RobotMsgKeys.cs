using System.Text;
using System.Text.Json;
using Larkway.Emulator.DingTalk.Platform;

namespace Larkway.Emulator.DingTalk.AppRobot;

/// <summary>
/// The app robot's message templates (企业机器人发送消息的消息类型): a <c>msgKey</c> and its <c>msgParam</c>, a JSON
/// <em>string</em> holding the template's fields. Only the documented sample* keys are known; each has required fields.
/// </summary>
internal static class RobotMsgKeys
{
    /// <summary>Documented for group sends ("不超过15000字节"); applied to one-to-one sends too (unsure).</summary>
    public const int MaxMsgParamBytes = 15_000;

    private static readonly Dictionary<string, string[]> Required = new(StringComparer.Ordinal)
    {
        ["sampleText"] = ["content"],
        ["sampleMarkdown"] = ["title", "text"],
        ["sampleImageMsg"] = ["photoURL"],
        ["sampleLink"] = ["text", "title", "picUrl", "messageUrl"],
        ["sampleActionCard"] = ["title", "text", "singleTitle", "singleURL"],
        ["sampleActionCard2"] = ["title", "text", .. Buttons(2)],
        ["sampleActionCard3"] = ["title", "text", .. Buttons(3)],
        ["sampleActionCard4"] = ["title", "text", .. Buttons(4)],
        ["sampleActionCard5"] = ["title", "text", .. Buttons(5)],
        ["sampleActionCard6"] = ["title", "text", "buttonTitle1", "buttonUrl1", "buttonTitle2", "buttonUrl2"],
    };

    public static IReadOnlyCollection<string> Known => Required.Keys;

    /// <summary>Checks msgKey and msgParam; returns msgParam parsed. Refusals are 400 with the documented codes.</summary>
    public static JsonElement Parse(JsonElement body)
    {
        var msgKey = body.String("msgKey") ?? throw Refuse("invalidParameter.msgKey.empty", "msgKey is missing.");
        if (!Required.TryGetValue(msgKey, out var fields))
        {
            throw Refuse("invalidParameter.msgKey.invalid", $"msgKey '{msgKey}' is invalid; use one of {string.Join(", ", Known)}.");
        }

        // msgParam is a JSON string, not an object: sending the object itself is the usual mistake and is refused.
        if (!body.TryGetProperty("msgParam", out var raw) || raw.ValueKind != JsonValueKind.String || raw.GetString() is not { Length: > 0 } text)
        {
            throw Refuse("invalidParameter.msgParam.invalid", "msgParam must be a string holding a JSON object.");
        }

        if (Encoding.UTF8.GetByteCount(text) > MaxMsgParamBytes)
        {
            throw Refuse("invalidParameter.msgParam.invalid", $"msgParam must not exceed {MaxMsgParamBytes} bytes.");
        }

        JsonElement param;
        try
        {
            using var document = JsonDocument.Parse(text);
            param = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw Refuse("invalidParameter.msgParam.invalid", "msgParam must be in JSON format.");
        }

        if (param.ValueKind != JsonValueKind.Object)
        {
            throw Refuse("invalidParameter.msgParam.invalid", "msgParam must be in JSON format (an object).");
        }

        if (fields.FirstOrDefault(field => param.String(field) is null) is { } missing)
        {
            throw Refuse("invalidParameter.msgParam.invalid", $"msgParam of {msgKey} needs a non-empty string '{missing}' (required: {string.Join(", ", fields)}).");
        }

        return param;
    }

    private static IEnumerable<string> Buttons(int count) =>
        Enumerable.Range(1, count).SelectMany(n => new[] { "actionTitle" + n, "actionURL" + n });

    private static DingTalkException Refuse(string code, string message) => DingTalkException.Api(400, code, message);
}
