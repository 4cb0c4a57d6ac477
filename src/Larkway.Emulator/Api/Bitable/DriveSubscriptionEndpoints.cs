using Larkway.Emulator.Api.Docs;
using Larkway.Emulator.Bitable;
using Larkway.Emulator.Docs;
using Larkway.Emulator.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Bitable;

/// <summary>
/// Document event subscriptions (drive v1: 订阅云文档事件, 查询云文档事件订阅状态, 取消云文档事件订阅) for bases: an app receives a
/// base's <c>drive.file.bitable_record_changed_v1</c> and <c>…field_changed_v1</c> only after subscribing to that base (per
/// base, per app; with a user token the user is its subscriber). <c>file_type</c> is required; for a base
/// <c>event_type</c> must be left out (1069602); a token that is no base is 1069604. <c>file_type=docx</c> goes to the docs
/// area (<see cref="DocSubscriptionRules"/>); other document types are not emulated (1069604).
/// </summary>
internal static class DriveSubscriptionEndpoints
{
    private static readonly string[] FileTypes = ["doc", "docx", "sheet", "bitable", "file", "folder", "slides"];

    public static void MapDriveSubscriptionEndpoints(this IEndpointRouteBuilder routes)
    {
        var files = routes.MapGroup("/open-apis/drive/v1/files/{file_token}").AsOpenApi(BitableTiers.Tokens);
        files.MapPost("subscribe", Subscribe);
        files.MapGet("get_subscribe", Get);
        files.MapDelete("delete_subscribe", Unsubscribe);
    }

    private static IResult Subscribe([FromRoute(Name = "file_token")] string fileToken, HttpContext context, BitableStore store, DocsStore docs)
    {
        if (Check(context.Request) == "docx")
        {
            return DocSubscriptionRules.Subscribe(fileToken, context, docs);
        }

        var caller = context.Caller();
        var subscription = new BitableSubscription(caller.App.AppId, caller.User?.UserKey);
        store.Change(BitableRequest.Actor(context), tx =>
        {
            var app = BaseOf(store, fileToken);
            if (!app.Subscriptions.Contains(subscription))
            {
                app.Subscriptions.Add(subscription);
            }

            return true;
        });
        return Envelope.Ok();
    }

    private static IResult Get([FromRoute(Name = "file_token")] string fileToken, HttpContext context, BitableStore store, DocsStore docs)
    {
        if (Check(context.Request) == "docx")
        {
            return DocSubscriptionRules.Get(fileToken, context, docs);
        }

        var appId = context.CallerApp().AppId;
        var subscribed = store.Read(() => BaseOf(store, fileToken).Subscriptions.Exists(s => s.AppId == appId));
        return Envelope.Ok(new { is_subscribe = subscribed });
    }

    private static IResult Unsubscribe([FromRoute(Name = "file_token")] string fileToken, HttpContext context, BitableStore store, DocsStore docs)
    {
        if (Check(context.Request) == "docx")
        {
            return DocSubscriptionRules.Unsubscribe(fileToken, context, docs);
        }

        var appId = context.CallerApp().AppId;
        store.Change(BitableRequest.Actor(context), tx =>
        {
            var app = BaseOf(store, fileToken);
            return app.Subscriptions.RemoveAll(s => s.AppId == appId) > 0
                ? true
                : throw BitableErrors.Error(BitableErrors.DriveNotSubscribed, $"this app has not subscribed to {fileToken}");
        });
        return Envelope.Ok();
    }

    private static string Check(HttpRequest request)
    {
        var fileType = request.Query("file_type") ?? throw BitableErrors.Error(BitableErrors.DriveParamError, "file_type is required");
        if (!FileTypes.Contains(fileType, StringComparer.Ordinal))
        {
            throw BitableErrors.Error(BitableErrors.DriveParamError, $"file_type '{fileType}' is not one of {string.Join(", ", FileTypes)}");
        }

        if (fileType != "folder" && request.Query("event_type") is not null)
        {
            throw BitableErrors.Error(BitableErrors.DriveParamError, "event_type is for folders only; a document subscribes to all of its events");
        }

        if (fileType is not ("bitable" or "docx"))
        {
            throw BitableErrors.Error(BitableErrors.DriveDocumentNotFound, $"the emulator has bases and docx documents only, no {fileType} documents");
        }

        return fileType;
    }

    private static BitableBase BaseOf(BitableStore store, string fileToken) =>
        store.FindBase(fileToken) ?? throw BitableErrors.Error(BitableErrors.DriveDocumentNotFound, $"no base has the token '{fileToken}'");
}
