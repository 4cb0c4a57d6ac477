using System.Security;
using Larkway.Emulator.DingTalk.Platform;
using Larkway.Emulator.DingTalk.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.DingTalk.AppRobot;

/// <summary>
/// The files users send a robot: <c>POST /v1.0/robot/messageFiles/download</c> (token header) turns a message's
/// <c>downloadCode</c> into a temporary <c>downloadUrl</c>; a GET of that link (no token) answers the bytes.
/// </summary>
internal static class MessageFileEndpoints
{
    /// <summary>Unsure: DingTalk's code for a download code it does not know (not in the API's documented error table).</summary>
    public const string UnknownDownloadCode = "invalidParameter.downloadCode.notExist";

    public static void MapDingTalkMessageFiles(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(DingTalkApiExtensions.Prefix + "/v1.0/robot/messageFiles/download", DownloadAsync).AsDingTalk(DingTalkFamily.Api);
        routes.MapGet(RobotMessageFiles.LinkPath + "/{ticket}", Serve);
    }

    /// <summary>
    /// <c>{downloadCode, robotCode}</c> → <c>{downloadUrl}</c>. The robotCode must be the calling app's robot, and the code
    /// one a user sent that robot: another robot's code is refused like an unknown one.
    /// </summary>
    private static async Task<IResult> DownloadAsync(HttpContext context, DingTalkOrg org, RobotMessageFiles files)
    {
        var body = await DingTalkBody.ReadApiObjectAsync(context.Request);
        var downloadCode = body.RequiredApiString("downloadCode");
        var robotCode = body.String("robotCode") ?? throw DingTalkException.Api(400, "invalidParameter.robotCode.empty", "robotCode is empty.");
        var app = org.FindApp(context.DingTalkCaller().AppKey);
        if (app is null || app.RobotCode != robotCode)
        {
            throw DingTalkException.Api(400, "invalidParameter.robotCode.auth", "This app's appkey does not match the robot's robotCode; use the appkey of the robot's app.");
        }

        if (files.Find(downloadCode) is not { } file || file.RobotCode != robotCode)
        {
            throw DingTalkException.Api(404, UnknownDownloadCode, "The downloadCode is unknown to this robot: it must come from a message a user sent this robot.");
        }

        var (ticket, _) = files.IssueLink(file);
        return DingTalkJson.Ok(new { downloadUrl = $"{context.Request.Scheme}://{context.Request.Host}{RobotMessageFiles.LinkPath}/{ticket}" });
    }

    /// <summary>The bytes, with their content type; an unknown or expired link is 403 in the storage service's XML shape.</summary>
    private static IResult Serve(string ticket, RobotMessageFiles files)
    {
        if (files.Open(ticket, out var expired) is { } file)
        {
            return Results.Bytes(file.Content, file.ContentType);
        }

        var message = expired ? "Request has expired." : "The link is not valid.";
        return Results.Content(
            $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code><Message>{SecurityElement.Escape(message)}</Message></Error>",
            "application/xml", statusCode: 403);
    }
}
