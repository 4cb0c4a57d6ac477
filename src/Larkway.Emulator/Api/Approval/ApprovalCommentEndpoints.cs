using System.Globalization;
using Larkway.Emulator.Approval;
using Larkway.Emulator.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Approval;

/// <summary>Instance comments (§7.3): create or edit, list, delete one (author only), remove all. <c>user_id</c> is a query parameter here.</summary>
internal static class ApprovalCommentEndpoints
{
    private const int Invalid = ApprovalWire.Invalid;

    public static void MapApprovalCommentEndpoints(this IEndpointRouteBuilder routes)
    {
        var comments = routes.MapGroup("/open-apis/approval/v4/instances/{instance_id}/comments").AsOpenApi();
        comments.MapPost(string.Empty, CreateAsync);
        comments.MapGet(string.Empty, List);
        comments.MapDelete("{comment_id}", Delete);
        comments.MapPost("remove", Remove);
    }

    private static async Task<IResult> CreateAsync([FromRoute(Name = "instance_id")] string instanceId, HttpContext context, ApprovalStore store)
    {
        var user = QueryUser(context, store);
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var content = body.RequiredString("content", Invalid);
        var commentId = body.OptionalString("comment_id", Invalid);
        var id = store.Change(tx => ApprovalActions.Comment(store, store.Instance(instanceId), user, content, commentId, tx.Now).Id);
        return Envelope.Ok(new { comment_id = id });
    }

    private static IResult List([FromRoute(Name = "instance_id")] string instanceId, HttpContext context, ApprovalStore store)
    {
        _ = QueryUser(context, store);
        var idType = ApprovalWire.UserIdType(context);
        var pageSize = context.Request.QueryInt("page_size", 20, 1, 100, Invalid);
        var rows = store.Read(() => store.Instance(instanceId).Comments
            .Select(c => (Key: c.CreateTime.ToString("D15", CultureInfo.InvariantCulture) + ":" + c.Id, View: (object)new
            {
                id = c.Id,
                content = c.Content,
                create_time = ApprovalWire.Ms(c.CreateTime),
                update_time = ApprovalWire.Ms(c.UpdateTime),
                is_delete = c.Deleted ? 1 : 0,
                replies = Array.Empty<object>(),
                at_info_list = Array.Empty<object>(),
                commentator = ApprovalWire.Id(context.CallerIds(store.State), c.OpenId, idType),
                extra = string.Empty,
            })).ToList());
        var page = Paging.Slice(rows, r => r.Key, false, context.Request.Query("page_token"), pageSize, "approval-comments:" + instanceId, Invalid);
        return Envelope.Ok(new { comments = page.Items.Select(r => r.View), has_more = page.HasMore, page_token = page.PageToken });
    }

    private static IResult Delete([FromRoute(Name = "instance_id")] string instanceId, [FromRoute(Name = "comment_id")] string commentId, HttpContext context, ApprovalStore store)
    {
        var user = QueryUser(context, store);
        store.Change(_ =>
        {
            var instance = store.Instance(instanceId);
            var index = instance.Comments.FindIndex(c => c.Id == commentId && !c.Deleted);
            if (index < 0)
            {
                throw ApiErrorException.BadRequest(Invalid, $"comment '{commentId}' not found");
            }

            if (instance.Comments[index].OpenId != user)
            {
                throw new ApiErrorException(403, ErrorCodes.ApprovalNoPermission, "no operation permission: only the comment's author can delete it");
            }

            instance.Comments[index] = instance.Comments[index] with { Deleted = true };
            return true;
        });
        return Envelope.Ok(new { comment_id = commentId });
    }

    private static IResult Remove([FromRoute(Name = "instance_id")] string instanceId, HttpContext context, ApprovalStore store)
    {
        _ = QueryUser(context, store);
        var code = store.Change(_ =>
        {
            var instance = store.Instance(instanceId);
            instance.Comments.Clear();
            return instance.Code;
        });
        return Envelope.Ok(new { instance_id = code, external_id = string.Empty });
    }

    private static string QueryUser(HttpContext context, ApprovalStore store)
    {
        var userId = context.Request.Query("user_id") ?? throw ApiErrorException.BadRequest(Invalid, "user_id (query) is required");
        return ApprovalActions.User(context.CallerIds(store.State), ApprovalWire.UserIdType(context), userId, "user_id").OpenId;
    }
}
