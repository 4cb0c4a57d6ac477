using System.Text.Json;
using Larkway.Emulator.Approval;
using Larkway.Emulator.Events;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Control;

/// <summary>
/// Test control for approvals and event loss: act as a user on a task (no token, as the Feishu client
/// would), comment, revert or delete an instance (done in Feishu's UI), and drop the next N events of
/// a type. Not part of Feishu.
/// </summary>
internal static class ApprovalControlEndpoints
{
    private const int Invalid = ErrorCodes.BadRequest;

    public static void MapApprovalControlEndpoints(this IEndpointRouteBuilder routes)
    {
        var control = routes.MapGroup("/_emulator");
        control.MapPost("events/drops", AddDropAsync);
        control.MapGet("events/drops", (EventDrops drops) => Envelope.Ok(new { items = drops.Rules.Select(r => new { event_type = r.EventType, remaining = r.Remaining, every = r.Every }) }));
        control.MapDelete("events/drops", (EventDrops drops) =>
        {
            drops.Clear();
            return Envelope.Ok();
        });
        var instances = control.MapGroup("approvals/instances/{instance_code}");
        instances.MapPost("tasks/{task_id}/approve", (HttpContext c, [FromRoute(Name = "instance_code")] string code, [FromRoute(Name = "task_id")] string taskId, ApprovalStore store) => ActAsync(c, code, taskId, store, approve: true));
        instances.MapPost("tasks/{task_id}/reject", (HttpContext c, [FromRoute(Name = "instance_code")] string code, [FromRoute(Name = "task_id")] string taskId, ApprovalStore store) => ActAsync(c, code, taskId, store, approve: false));
        instances.MapPost("comments", CommentAsync);
        instances.MapPost("revert", RevertAsync);
        instances.MapPost("delete", Delete);
    }

    private static async Task<IResult> AddDropAsync(HttpContext context, EventDrops drops)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var eventType = body.RequiredString("event_type", Invalid);
        var count = body.TryGetProperty("count", out var raw) && raw.ValueKind != JsonValueKind.Null
            ? raw.ValueKind == JsonValueKind.Number && raw.TryGetInt32(out var n) && n >= 1 ? n : throw ApiErrorException.BadRequest(Invalid, "count must be an integer of at least 1")
            : 1;
        var every = body.TryGetProperty("every", out var rawEvery) && rawEvery.ValueKind != JsonValueKind.Null
            ? rawEvery.ValueKind == JsonValueKind.Number && rawEvery.TryGetInt32(out var k) && k >= 1 ? k : throw ApiErrorException.BadRequest(Invalid, "every must be an integer of at least 1 (1 drops the next count events in a row; 5 drops every fifth)")
            : 1;
        drops.Add(eventType, count, every);
        return Envelope.Ok(new { event_type = eventType, count, every });
    }

    /// <summary>The same rules as the Open API: only the assignee, only a PENDING task.</summary>
    private static async Task<IResult> ActAsync(HttpContext context, string instanceCode, string taskId, ApprovalStore store, bool approve)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var user = RequireUser(store.State, body.RequiredString("user", Invalid));
        var comment = body.OptionalString("comment", Invalid);
        store.Change(tx =>
        {
            var instance = store.Instance(instanceCode);
            var task = ApprovalActions.PendingTaskOf(instance, taskId, user.OpenId);
            if (approve)
            {
                tx.Approve(instance, task, comment);
            }
            else
            {
                tx.Reject(instance, task, comment);
            }

            return true;
        });
        return Envelope.Ok(new { instance_code = instanceCode, task_id = taskId });
    }

    private static async Task<IResult> CommentAsync(HttpContext context, [FromRoute(Name = "instance_code")] string instanceCode, ApprovalStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var user = RequireUser(store.State, body.RequiredString("user", Invalid));
        var text = body.RequiredString("comment", Invalid);
        var id = store.Change(tx => ApprovalActions.Comment(store, store.Instance(instanceCode), user.OpenId, JsonSerializer.Serialize(new { text, files = Array.Empty<object>() }), null, tx.Now).Id);
        return Envelope.Ok(new { comment_id = id });
    }

    /// <summary>The submitter undoes an APPROVED instance (<c>user</c> defaults to the submitter).</summary>
    private static async Task<IResult> RevertAsync(HttpContext context, [FromRoute(Name = "instance_code")] string instanceCode, ApprovalStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid, allowEmpty: true);
        var userRef = body.OptionalString("user", Invalid);
        store.Change(tx =>
        {
            var instance = store.Instance(instanceCode);
            var openId = userRef is null ? instance.ApplicantOpenId : RequireUser(store.State, userRef).OpenId;
            if (openId != instance.ApplicantOpenId)
            {
                throw new ApiErrorException(403, ErrorCodes.ApprovalNoPermission, "only the submitter can revert an instance");
            }

            tx.Revert(instance, openId);
            return true;
        });
        return Envelope.Ok(new { instance_code = instanceCode });
    }

    private static IResult Delete([FromRoute(Name = "instance_code")] string instanceCode, ApprovalStore store)
    {
        store.Change(tx =>
        {
            var instance = store.Instance(instanceCode);
            if (instance.Status == ApprovalStatus.Deleted)
            {
                throw ApiErrorException.BadRequest(Invalid, "the instance is already DELETED");
            }

            tx.Delete(instance);
            return true;
        });
        return Envelope.Ok(new { instance_code = instanceCode });
    }

    private static EmulatorUser RequireUser(EmulatorState state, string reference) => ControlLookups.RequireUser(state, reference, Invalid);
}
