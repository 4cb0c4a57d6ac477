using System.Globalization;
using Larkway.Emulator.Api.Webhooks;
using Larkway.Emulator.DingTalk.Platform;
using Larkway.Emulator.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.DingTalk.Robots;

/// <summary>
/// <c>POST /robot/send?access_token=…[&amp;timestamp=…&amp;sign=…]</c>: the custom group robot webhook. Every answer is
/// HTTP 200: <c>{"errcode":0,"errmsg":"ok"}</c>, or a refusal clients decide on by errcode. Checks run in this order:
/// token, Content-Type, IP whitelist, timestamp and sign (when the robot has a secret), body, keywords, the
/// 20-per-minute limit.
/// </summary>
internal static class RobotWebhookEndpoint
{
    public const string Path = DingTalkApiExtensions.Prefix + "/robot/send";

    /// <summary>"与请求调用时间误差不能超过1小时" — exactly one hour is still accepted.</summary>
    private static readonly TimeSpan TimestampWindow = TimeSpan.FromHours(1);

    public static void MapDingTalkRobotWebhook(this IEndpointRouteBuilder routes) =>
        routes.MapPost(Path, SendAsync).AsDingTalk(DingTalkFamily.Robot, requiresToken: false);

    private static async Task<IResult> SendAsync(HttpContext context, RobotStore robots, RobotThrottle throttle, TimeProvider time)
    {
        var accessToken = context.Request.Query["access_token"].FirstOrDefault();
        if (string.IsNullOrEmpty(accessToken))
        {
            throw DingTalkException.Oapi(DingTalkCodes.MissingParameter, "缺少参数 access_token");
        }

        var robot = robots.Find(accessToken) ?? throw DingTalkException.Oapi(DingTalkCodes.RobotTokenNotExist, "token is not exist");
        if (!IsUtf8Json(context.Request.ContentType))
        {
            throw DingTalkException.Oapi(DingTalkCodes.InvalidContentType, "无效的HTTP HEADER Content-Type");
        }

        var now = time.GetUtcNow();
        CheckSecurity(context, robot, now);

        var body = await DingTalkBody.ReadObjectAsync(context.Request, _ => DingTalkException.Oapi(DingTalkCodes.MissingParameter, "缺少参数 json"))
            ?? throw DingTalkException.Oapi(DingTalkCodes.MissingParameter, "缺少参数 json");
        var message = RobotMessageParser.Parse(body);
        if (robot.Keywords.Count > 0 && !message.Texts.Any(text => robot.Keywords.Any(keyword => text.Contains(keyword, StringComparison.Ordinal))))
        {
            throw DingTalkException.Oapi(DingTalkCodes.RobotSecurity, "keywords not in content");
        }

        if (!throttle.TryAcquire(robot.AccessToken))
        {
            throw DingTalkException.Oapi(DingTalkCodes.RobotSendTooFast, "send too fast, exceed 20 times per minute");
        }

        robots.Append(new RobotMessage("msg" + Ids.Hex(24), robot.AccessToken, robot.ConversationId, message.MsgType, message.Content, message.At, message.Texts, now));
        return DingTalkJson.Ok(new { errcode = 0, errmsg = "ok" });
    }

    /// <summary>DingTalk wants <c>application/json</c> in UTF-8 (a form post, common with curl -d, is refused).</summary>
    private static bool IsUtf8Json(string? contentType) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        && (!media.Charset.HasValue || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || media.Charset.Equals("utf8", StringComparison.OrdinalIgnoreCase));

    private static void CheckSecurity(HttpContext context, CustomRobot robot, DateTimeOffset now)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (!IpAllowlist.Allows(robot.IpWhitelist, remote))
        {
            var shown = remote is { IsIPv4MappedToIPv6: true } ? remote.MapToIPv4() : remote;
            throw DingTalkException.Oapi(DingTalkCodes.RobotSecurity, $"ip {shown} not in whitelist");
        }

        if (robot.Secret is null)
        {
            return;
        }

        // The query is URL-decoded here: a sign sent with a raw '+' arrives as a space and does not match, as on DingTalk.
        var timestamp = context.Request.Query["timestamp"].FirstOrDefault();
        if (timestamp is null || timestamp.Length == 0 || !timestamp.All(char.IsAsciiDigit)
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            || Math.Abs(now.ToUnixTimeMilliseconds() - ms) > TimestampWindow.TotalMilliseconds)
        {
            throw DingTalkException.Oapi(DingTalkCodes.RobotSecurity, "invalid timestamp");
        }

        var sign = context.Request.Query["sign"].FirstOrDefault();
        if (string.IsNullOrEmpty(sign) || !RobotSignature.Verify(timestamp, robot.Secret, sign))
        {
            throw DingTalkException.Oapi(DingTalkCodes.RobotSecurity, "sign not match");
        }
    }

    /// <summary>How the control API and the web page show a received message.</summary>
    public static object View(RobotMessage message) => new
    {
        msgId = message.MsgId,
        conversationId = message.ConversationId,
        msgtype = message.MsgType,
        content = message.Content,
        at = new { atMobiles = message.At.AtMobiles, atUserIds = message.At.AtUserIds, isAtAll = message.At.IsAtAll },
        createAt = message.CreatedAt.ToUnixTimeMilliseconds(),
    };
}
