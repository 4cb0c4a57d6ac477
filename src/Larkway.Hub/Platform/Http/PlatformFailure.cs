using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Hub.Platform.OpenApi;

namespace Larkway.Hub.Platform.Http;

/// <summary>
/// A platform's failure as the Hub records and shows it, the same for every platform: which platform, the platform's own
/// code as it is (a number where the platform's codes are numbers — Feishu's, WeCom's errcodes, DingTalk's old API — text
/// where they are text, DingTalk's new API), its message and the request id its support asks for. Each platform's room
/// fills it from its own exception or answer; the shared rooms only carry it. Failures the Hub tells itself (the app is
/// off, no answer, a recipient no one knows) carry one of the Hub's own codes, numbers below zero.
/// </summary>
/// <param name="Platform">The platform's name on the wire (feishu, dingtalk, wecom …).</param>
/// <param name="Code">The code as a JSON token: digits for a numeric code, a quoted string for a text code.</param>
/// <param name="Message">What the platform (or the Hub) said.</param>
/// <param name="RequestId">The platform's request id (Feishu's log id), when its answer carried one.</param>
internal sealed record PlatformFailure(string Platform, string Code, string Message, string? RequestId)
{
    /// <summary>A failure under a numeric code (the platform's, or one of the Hub's own below zero).</summary>
    public static PlatformFailure Numbered(string platform, long code, string message, string? requestId = null) =>
        new(platform, code.ToString(CultureInfo.InvariantCulture), message, requestId);

    /// <summary>A failure under a text code, kept as text (DingTalk's <c>Forbidden.AccessDenied</c>).</summary>
    public static PlatformFailure Named(string platform, string code, string message, string? requestId = null) =>
        new(platform, JsonValue.Create(code).ToJsonString(), message, requestId);

    /// <summary>The code as a number, when it is one (for logs and the numeric column older Hubs read).</summary>
    public long? Number => long.TryParse(Code, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>The code as the wire shows it: a JSON number or a JSON string.</summary>
    public JsonElement CodeElement => Element(Code);

    /// <summary>The code for a log line: the number, or the text without quotes.</summary>
    public string CodeText => Number is { } n ? n.ToString(CultureInfo.InvariantCulture) : CodeElement.ValueKind == JsonValueKind.String ? CodeElement.GetString()! : Code;

    /// <summary>The failure on the wire.</summary>
    public PlatformFailureDto ToDto() => new(Platform, CodeElement, Message, RequestId) { LogId = RequestId };

    /// <summary>
    /// A stored failure: the code as stored (<paramref name="storedCode"/>, a JSON token), else the numeric code of a row
    /// stored before codes were kept as the platform gave them; null when neither is there.
    /// </summary>
    public static PlatformFailure? Read(string platform, string? storedCode, long? numericCode, string? message, string? requestId) =>
        storedCode is { Length: > 0 } code && IsToken(code) ? new(platform, code, message ?? "", requestId)
        : numericCode is { } n ? Numbered(platform, n, message ?? "", requestId)
        : null;

    /// <summary>Whether <paramref name="code"/> is a stored code: one JSON number or string.</summary>
    private static bool IsToken(string code)
    {
        try
        {
            return Element(code).ValueKind is JsonValueKind.Number or JsonValueKind.String;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static JsonElement Element(string token)
    {
        using var document = JsonDocument.Parse(token);
        return document.RootElement.Clone();
    }
}

/// <summary>
/// A platform's failure on the wire, one shape for every platform and every API that shows one (a notification's
/// delivery and the platforms it tried, an approval).
/// </summary>
/// <param name="Platform">feishu, dingtalk, wecom …</param>
/// <param name="Code">The platform's own code as it is: a number (Feishu, WeCom, DingTalk's old API) or a string (DingTalk's new API); the Hub's own codes are numbers below zero.</param>
/// <param name="Message">What the platform said.</param>
/// <param name="RequestId">The platform's request id (Feishu's log id), when it gave one.</param>
public sealed record PlatformFailureDto(
    string Platform,
    [property: JsonKind(JsonValueKind.Number, JsonValueKind.String), System.ComponentModel.Description("The platform's own code as it is: a number (Feishu, WeCom, DingTalk's old API) or a string (DingTalk's new API); the Hub's own codes are numbers below zero.")] JsonElement Code,
    string Message,
    string? RequestId)
{
    /// <summary>Deprecated: the same as <see cref="RequestId"/>, kept for clients that read Feishu's name for it.</summary>
    public string? LogId { get; init; }
}

/// <summary>A failure as a problem's extension member (a problem's extensions are written as they are named).</summary>
internal static class FailureMembers
{
    /// <summary><c>{platform, code, message, request_id}</c> with its names as the wire has them.</summary>
    public static Dictionary<string, object?> Of(PlatformFailureDto failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return new(StringComparer.Ordinal)
        {
            ["platform"] = failure.Platform,
            ["code"] = failure.Code,
            ["message"] = failure.Message,
            ["request_id"] = failure.RequestId,
        };
    }
}
