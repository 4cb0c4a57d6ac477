using System.Globalization;
using System.Text;
using Larkway.Emulator.DingTalk.Platform;
using Larkway.Emulator.DingTalk.State;
using Larkway.Emulator.Web;
using static Larkway.Emulator.Web.ApproverScreen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.DingTalk.Workflow;

/// <summary>
/// The DingTalk app's approval (审批) screens as an org user sees them: <c>/dingtalk-approval?as=userid</c> lists what
/// waits for them and what they started; <c>/dingtalk-approval/{processInstanceId}?as=userid</c> shows one instance
/// (form, originator, nodes and tasks, history) and, when one of its RUNNING tasks is theirs, agree / refuse with a
/// remark. A decision moves the instance exactly as the API's execute does and raises the same bpms events.
/// </summary>
internal static class WorkflowPages
{
    /// <summary>The approval screens' root; an instance's screen is <see cref="InstancePath"/>.</summary>
    public const string Path = "/dingtalk-approval";

    /// <summary>The address of an instance's approval screen (add <c>?as=userid</c> for the person acting).</summary>
    public static string InstancePath(string processInstanceId) => Path + "/" + Uri.EscapeDataString(processInstanceId);

    public static void MapDingTalkApprovalPages(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, Inbox);
        routes.MapGet(Path + "/{processInstanceId}", Instance);
        routes.MapPost(Path + "/{processInstanceId}/decide", DecideAsync);
    }

    private static IResult Inbox([FromQuery(Name = "as")] string? actingAs, DingTalkOrg org, WorkflowStore store)
    {
        var user = Acting(org, actingAs) ?? org.Users.OrderBy(u => u.UserId, StringComparer.Ordinal).FirstOrDefault();
        var body = new StringBuilder("<h1>DingTalk · Approvals</h1>");
        ApproverScreen.ActingAs(body, Path, People(org), user?.UserId);
        var all = store.All();
        if (user is not null)
        {
            body.Append("<h2>Waiting for ").Append(Html.Encode(user.Name)).Append("</h2>");
            ApproverScreen.Links(body, [.. all.Where(i => i.Tasks.Any(t => t.Status == "RUNNING" && t.UserId == user.UserId)).Select(i => Link(org, i, user.UserId))], "Nothing waits for you.");
            body.Append("<h2>Started by ").Append(Html.Encode(user.Name)).Append("</h2>");
            ApproverScreen.Links(body, [.. all.Where(i => i.OriginatorUserId == user.UserId).Select(i => Link(org, i, user.UserId))], "You started none.");
        }

        body.Append("<h2>All approvals</h2>");
        ApproverScreen.Links(body, [.. all.Select(i => Link(org, i, user?.UserId))], "No approval yet: start one with POST /v1.0/workflow/processInstances (template " + WorkflowStore.PaymentProcessCode + ").");
        return ApproverScreen.Page("DingTalk approvals", body.ToString());
    }

    private static IResult Instance([FromRoute] string processInstanceId, [FromQuery(Name = "as")] string? actingAs, DingTalkOrg org, WorkflowStore store)
    {
        if (store.Find(processInstanceId) is not { } instance)
        {
            return ApproverScreen.Refused("Approval not found", $"No approval instance has the id '{processInstanceId}'.", ApproverScreen.As(Path, actingAs), 404);
        }

        // Without ?as, the page opens for the first approver it waits for (else the originator).
        var user = Acting(org, actingAs)
            ?? instance.Tasks.Where(t => t.Status == "RUNNING").Select(t => org.FindUser(t.UserId)).FirstOrDefault(u => u is not null)
            ?? org.FindUser(instance.OriginatorUserId);
        var definition = store.Definition(instance.ProcessCode);
        var page = InstancePath(instance.Id);
        var body = new StringBuilder("<h1>").Append(Html.Encode(instance.Title)).Append("</h1><p class=\"meta\">")
            .Append(Html.Encode($"{definition?.Name ?? instance.ProcessCode} · started by {NameOf(org, instance.OriginatorUserId)} (department {instance.OriginatorDeptId.ToString(CultureInfo.InvariantCulture)}) · {ApproverScreen.Time(instance.CreatedAt)} · "))
            .Append("<span class=\"status\">").Append(Html.Encode(StatusText(instance))).Append("</span></p>");
        ApproverScreen.ActingAs(body, page, People(org), user?.UserId);
        var mine = user is null ? null : instance.Tasks.FirstOrDefault(t => t.Status == "RUNNING" && t.UserId == user.UserId);
        if (mine is not null)
        {
            ApproverScreen.DecideForm(body, page + "/decide", $"Your approval is needed ({NodeText(instance, mine.Node)}).",
                [("as", user!.UserId), ("taskId", mine.TaskId.ToString(CultureInfo.InvariantCulture))], "remark", "result", ("agree", "Agree (同意)"), ("refuse", "Refuse (拒绝)"));
        }
        else if (instance.Status == "RUNNING")
        {
            var waiting = instance.Tasks.Where(t => t.Status == "RUNNING").Select(t => NameOf(org, t.UserId));
            body.Append("<p class=\"meta\">Waiting for ").Append(Html.Encode(string.Join(", ", waiting))).Append(": nothing here is for ").Append(Html.Encode(user?.Name ?? "you")).Append(" to decide.</p>");
        }

        body.Append("<h2>Form</h2>");
        ApproverScreen.Table(body, "form-values", ["Field", "Value"], instance.Form.Select(v => Row(v.Name, v.Value)));
        body.Append("<h2>Approval flow</h2>");
        ApproverScreen.Table(body, "nodes", ["Node", "Approver", "Task", "Status", "Result", "Finished"], instance.Nodes.SelectMany((node, index) =>
        {
            var tasks = instance.Tasks.Where(t => t.Node == index).ToList();
            return tasks.Count == 0
                ? node.UserIds.Select(u => Row(NodeText(instance, index), NameOf(org, u), "", "not reached", "", ""))
                : tasks.Select(t => Row(NodeText(instance, index), NameOf(org, t.UserId), t.TaskId.ToString(CultureInfo.InvariantCulture), t.Status, t.Result, t.FinishedAt is { } f ? ApproverScreen.Time(f) : ""));
        }));
        if (instance.CcUserIds.Count > 0)
        {
            body.Append("<p class=\"meta\">Copied to ").Append(Html.Encode(string.Join(", ", instance.CcUserIds.Select(u => NameOf(org, u))))).Append("</p>");
        }

        body.Append("<h2>History</h2>");
        ApproverScreen.Table(body, "records", ["When", "Who", "What", "Result", "Remark"],
            instance.Records.Select(r => Row(ApproverScreen.Time(r.At), NameOf(org, r.UserId), r.Type, r.Result, r.Remark ?? "")));
        return ApproverScreen.Page("DingTalk approval · " + instance.Title, body.ToString());
    }

    /// <summary>Form <c>as</c>, <c>taskId</c>, <c>result</c> (agree | refuse), <c>remark</c>: the same rules as the API's execute.</summary>
    private static async Task<IResult> DecideAsync(HttpContext context, [FromRoute] string processInstanceId, DingTalkOrg org, WorkflowStore store, WorkflowEvents events)
    {
        if (WebEndpoints.IsCrossSite(context))
        {
            return Results.StatusCode(403);
        }

        var back = InstancePath(processInstanceId);
        var form = await ApproverScreen.FormAsync(context);
        var user = form is null ? null : Acting(org, form["as"].ToString());
        var result = form?["result"].ToString();
        if (user is null || result is not ("agree" or "refuse") || !long.TryParse(form!["taskId"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var taskId))
        {
            return ApproverScreen.Refused("Approval action refused", "Post the form of the approval page: as (a user of the org), taskId and result (agree or refuse).", back, 400);
        }

        back = ApproverScreen.As(back, user.UserId);
        if (store.Find(processInstanceId) is null)
        {
            return ApproverScreen.Refused("Approval not found", $"No approval instance has the id '{processInstanceId}'.", ApproverScreen.As(Path, user.UserId), 404);
        }

        try
        {
            var remark = form["remark"].ToString().Trim();
            events.Raise(store.Execute(processInstanceId, taskId, user.UserId, result == "agree", remark.Length == 0 ? null : remark));
        }
        catch (DingTalkException e)
        {
            var status = e.Code switch
            {
                WorkflowCodes.ActionerMismatch => 403,
                WorkflowCodes.TaskNotRunning or WorkflowCodes.InstanceNotRunning => 409,
                WorkflowCodes.TaskNotExist => 404,
                _ => 400,
            };
            return ApproverScreen.Refused("Approval action refused", e.Message, back, status);
        }

        return Results.Redirect(back);
    }

    private static DingTalkUser? Acting(DingTalkOrg org, string? userId) => string.IsNullOrEmpty(userId) ? null : org.FindUser(userId);

    private static IEnumerable<(string Id, string Name)> People(DingTalkOrg org) => org.Users.OrderBy(u => u.UserId, StringComparer.Ordinal).Select(u => (u.UserId, u.Name));

    private static (string Href, string Title, string Note) Link(DingTalkOrg org, WorkflowInstance i, string? userId) =>
        (ApproverScreen.As(InstancePath(i.Id), userId), i.Title, $"{StatusText(i)} · started by {NameOf(org, i.OriginatorUserId)} · {ApproverScreen.Time(i.CreatedAt)}");

    private static string NameOf(DingTalkOrg org, string userId) => org.FindUser(userId)?.Name ?? userId;

    /// <summary>The node's number and kind: AND 会签 (all agree), OR 或签 (any one), NONE (one person).</summary>
    private static string NodeText(WorkflowInstance instance, int node) => $"Node {node + 1} · " + instance.Nodes[node].ActionType switch
    {
        "AND" => "AND 会签",
        "OR" => "OR 或签",
        _ => "single approver",
    };

    private static string StatusText(WorkflowInstance i) => i.Result.Length == 0 ? i.Status : $"{i.Status} ({i.Result})";
}
