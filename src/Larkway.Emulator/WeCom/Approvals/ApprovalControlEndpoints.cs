using Larkway.Emulator.WeCom.Callbacks;
using Larkway.Emulator.WeCom.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.WeCom.Approvals;

/// <summary>
/// Test control of the approval app under <c>/_emulator/wecom</c>: <c>GET approval/templates</c> lists the corp's templates
/// (id, name, controls), <c>POST approvals/{sp_no}/decide {userid, action: approve | reject, speech?}</c> is an approver
/// of the current node deciding, as in the WeCom app, and <c>POST approvals/{sp_no}/withdraw {userid}</c> the applicant
/// withdrawing (撤销: sp_status 4, StatuChangeEvent 6). The decision is sent as the encrypted <c>sys_approval_change</c>
/// callback (StatuChangeEvent 2 approved, 3 rejected); answers <c>{sp_no, sp_status, delivered, delivery_id, error}</c>
/// once the callback is answered (delivered is null without a callback URL). Refusals are 400/404 <c>{"error": "…"}</c>.
/// </summary>
internal static class ApprovalControlEndpoints
{
    public static void MapWeComApprovalControl(this RouteGroupBuilder control)
    {
        control.MapGet("approval/templates", (ApprovalStore store) => WeComJson.Plain(new
        {
            items = store.Templates.Select(t => new
            {
                template_id = t.TemplateId,
                name = t.Name,
                controls = t.Controls.Select(c => new { control = c.Control, id = c.Id, title = c.Title, require = c.Required ? 1 : 0 }),
                default_approvers = t.DefaultApprovers,
            }),
        }));
        control.MapPost("approvals/{spNo}/decide", DecideAsync);
        control.MapPost("approvals/{spNo}/withdraw", WithdrawAsync);
    }

    /// <summary><c>{userid}</c>: the applicant withdraws the application in WeCom's approval app (apps have no API for it).</summary>
    private static async Task<IResult> WithdrawAsync(HttpContext context, [FromRoute] string spNo, ApprovalStore store, ApprovalDecisions decisions)
    {
        if (store.Find(spNo) is not { } application)
        {
            return WeComJson.Plain(new { error = $"no application has sp_no {spNo}" }, 404);
        }

        string? userId;
        try
        {
            userId = Text((await WeComBody.ReadObjectAsync(context.Request)).Body, "userid");
        }
        catch (WeComException)
        {
            userId = null;
        }

        if (string.IsNullOrEmpty(userId))
        {
            return WeComJson.Plain(new { error = "send a JSON body {\"userid\": the applicant}" }, 400);
        }

        return await AnswerAsync(application, store, decisions.Withdraw(application, userId));
    }

    /// <summary>A refusal as a 400, else — once the callback is answered — the application's status and the delivery's outcome.</summary>
    private static async Task<IResult> AnswerAsync(ApprovalApplication application, ApprovalStore store, (string? Problem, Task<WeComCallbackOutcome?> Delivery) change)
    {
        if (change.Problem is not null)
        {
            return WeComJson.Plain(new { error = change.Problem }, 400);
        }

        var outcome = await change.Delivery;
        return WeComJson.Plain(new
        {
            sp_no = application.SpNo,
            sp_status = store.Read(application, a => a.Status),
            delivered = outcome?.Delivered,
            delivery_id = outcome?.DeliveryId,
            error = outcome?.Error,
        });
    }

    private static async Task<IResult> DecideAsync(HttpContext context, [FromRoute] string spNo, ApprovalStore store, ApprovalDecisions decisions)
    {
        if (store.Find(spNo) is not { } application)
        {
            return WeComJson.Plain(new { error = $"no application has sp_no {spNo}" }, 404);
        }

        System.Text.Json.JsonElement body;
        try
        {
            body = (await WeComBody.ReadObjectAsync(context.Request)).Body;
        }
        catch (WeComException)
        {
            return WeComJson.Plain(new { error = "send a JSON body {\"userid\", \"action\": \"approve\" | \"reject\", \"speech\"?}" }, 400);
        }

        var userId = Text(body, "userid");
        var action = Text(body, "action");
        if (string.IsNullOrEmpty(userId) || action is not ("approve" or "reject"))
        {
            return WeComJson.Plain(new { error = "userid and action (approve or reject) are required" }, 400);
        }

        return await AnswerAsync(application, store, decisions.Decide(application, userId, action == "approve", Text(body, "speech")));
    }

    private static string? Text(System.Text.Json.JsonElement body, string name) =>
        body.Field(name) is { ValueKind: System.Text.Json.JsonValueKind.String } value ? value.GetString() : null;
}
