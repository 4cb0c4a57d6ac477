using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Larkway.Emulator.Web;
using Larkway.Emulator.WeCom.State;
using Larkway.Emulator.WeCom.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using static Larkway.Emulator.Web.ApproverScreen;

namespace Larkway.Emulator.WeCom.Approvals;

/// <summary>
/// The WeCom approval app (审批) as a member sees it. WeCom gives approvers no API to decide, so this is where they do:
/// <c>/wecom-approval?as=userid</c> lists what waits for them and what they submitted; <c>/wecom-approval/{sp_no}?as=userid</c>
/// shows one application (form, applicant, nodes with each approver's state) and, when they are an undecided approver of
/// its current node, approve / reject with a comment (审批意见). A decision moves the application exactly as the test
/// control's decide does and sends the same <c>sys_approval_change</c> callback.
/// </summary>
internal static class WeComApprovalPages
{
    /// <summary>The approval pages' root; an application's page is <see cref="ApplicationPath"/>.</summary>
    public const string Path = "/wecom-approval";

    /// <summary>The address of an application's page (add <c>?as=userid</c> for the member acting).</summary>
    public static string ApplicationPath(string spNo) => Path + "/" + Uri.EscapeDataString(spNo);

    public static void MapWeComApprovalPages(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, Inbox);
        routes.MapGet(Path + "/{spNo}", Application);
        routes.MapPost(Path + "/{spNo}/decide", DecideAsync);
    }

    /// <summary>Whether the member has a decision to make on the application now (read under the store's lock).</summary>
    public static bool Waits(ApprovalApplication a, string userId) =>
        a.Status == 1 && a.Nodes.FirstOrDefault(n => n.Status == 1) is { } node && node.Approvers.Any(s => s.Status == 1 && Same(s.UserId, userId));

    private static IResult Inbox([FromQuery(Name = "as")] string? actingAs, WeComOrg org, ApprovalStore store)
    {
        var user = Acting(org, actingAs) ?? org.Users.OrderBy(u => u.UserId, StringComparer.Ordinal).FirstOrDefault();
        var body = new StringBuilder("<h1>WeCom · Approvals (审批)</h1>");
        ActingAs(body, Path, People(org), user?.UserId);
        var all = store.All();
        if (user is not null)
        {
            body.Append("<h2>Waiting for ").Append(Html.Encode(user.Name)).Append("</h2>");
            Links(body, [.. all.Where(a => store.Read(a, x => Waits(x, user.UserId))).Select(a => Link(org, store, a, user.UserId))], "Nothing waits for you.");
            body.Append("<h2>Submitted by ").Append(Html.Encode(user.Name)).Append("</h2>");
            Links(body, [.. all.Where(a => Same(a.Creator, user.UserId)).Select(a => Link(org, store, a, user.UserId))], "You submitted none.");
        }

        body.Append("<h2>All applications</h2>");
        Links(body, [.. all.Select(a => Link(org, store, a, user?.UserId))], "No application yet: submit one with POST /cgi-bin/oa/applyevent (template " + ApprovalStore.PaymentTemplateId + ").");
        return Page("WeCom approvals", body.ToString());
    }

    private static IResult Application([FromRoute] string spNo, [FromQuery(Name = "as")] string? actingAs, WeComOrg org, ApprovalStore store)
    {
        if (store.Find(spNo) is not { } application)
        {
            return Refused("Application not found", $"No approval application has sp_no '{spNo}'.", As(Path, actingAs), 404);
        }

        var html = store.Read(application, a =>
        {
            // Without ?as, the page opens for the first approver it waits for (else the applicant).
            var user = Acting(org, actingAs)
                ?? a.Nodes.FirstOrDefault(n => n.Status == 1)?.Approvers.Where(s => s.Status == 1).Select(s => org.FindUser(s.UserId)).FirstOrDefault(u => u is not null)
                ?? org.FindUser(a.Creator);
            var page = ApplicationPath(a.SpNo);
            var body = new StringBuilder("<h1>").Append(Html.Encode(a.Template.Name)).Append("</h1><p class=\"meta\">")
                .Append(Html.Encode($"No. {a.SpNo} · submitted by {NameOf(org, a.Creator)} (department {a.PartyId.ToString(CultureInfo.InvariantCulture)}) · {Time(DateTimeOffset.FromUnixTimeSeconds(a.ApplyTime))} · "))
                .Append("<span class=\"status\">").Append(Html.Encode(StatusText(a.Status))).Append("</span></p>");
            ActingAs(body, page, People(org), user?.UserId);
            if (user is not null && Waits(a, user.UserId))
            {
                DecideForm(body, page + "/decide", "Your approval is needed.", [("as", user.UserId)], "speech", "action", ("approve", "Approve (同意)"), ("reject", "Reject (驳回)"));
            }
            else if (a.Status == 1)
            {
                var waiting = a.Nodes.First(n => n.Status == 1).Approvers.Where(s => s.Status == 1).Select(s => NameOf(org, s.UserId));
                body.Append("<p class=\"meta\">Waiting for ").Append(Html.Encode(string.Join(", ", waiting))).Append(": nothing here is for ").Append(Html.Encode(user?.Name ?? "you")).Append(" to decide.</p>");
            }

            body.Append("<h2>Form</h2>");
            Table(body, "form-values", ["Field", "Value"], a.Contents.OfType<JsonObject>().Select(c => Row(Title(c), Display(c))));
            body.Append("<h2>Approval flow</h2>");
            Table(body, "nodes", ["Node", "Approver", "Status", "Comment", "Decided"], a.Nodes.SelectMany((n, i) => n.Approvers.Select(s => Row(
                $"Node {i + 1} · {(n.Attr == 2 ? "会签 (all approve)" : "或签 (any one)")} · {StatusText(n.Status)}",
                NameOf(org, s.UserId), StatusText(s.Status), s.Speech, s.Time == 0 ? "" : Time(DateTimeOffset.FromUnixTimeSeconds(s.Time))))));
            if (a.Notifyer.Count > 0)
            {
                body.Append("<p class=\"meta\">Copied to ").Append(Html.Encode(string.Join(", ", a.Notifyer.Select(u => NameOf(org, u))))).Append("</p>");
            }

            return body.ToString();
        });
        return Page("WeCom approval · " + application.SpNo, html);
    }

    /// <summary>Form <c>as</c>, <c>action</c> (approve | reject), <c>speech</c>: only an undecided approver of the current node.</summary>
    private static async Task<IResult> DecideAsync(HttpContext context, [FromRoute] string spNo, WeComOrg org, ApprovalStore store, ApprovalDecisions decisions)
    {
        if (WebEndpoints.IsCrossSite(context))
        {
            return Results.StatusCode(403);
        }

        var back = ApplicationPath(spNo);
        var form = await FormAsync(context);
        var user = form is null ? null : Acting(org, form["as"].ToString());
        var action = form?["action"].ToString();
        if (user is null || action is not ("approve" or "reject"))
        {
            return Refused("Approval action refused", "Post the form of the approval page: as (a member's userid) and action (approve or reject).", back, 400);
        }

        back = As(back, user.UserId);
        if (store.Find(spNo) is not { } application)
        {
            return Refused("Application not found", $"No approval application has sp_no '{spNo}'.", As(Path, user.UserId), 404);
        }

        var refusal = store.Read(application, a => a.Status != 1 ? (409, $"Application {a.SpNo} is already {StatusText(a.Status)}: it cannot be decided again.")
            : Waits(a, user.UserId) ? ((int, string)?)null
            : a.Nodes.First(n => n.Status == 1).Approvers.Any(s => Same(s.UserId, user.UserId)) ? (409, $"{user.Name} already decided on this node.")
            : (403, $"{user.Name} ({user.UserId}) is not an approver of the current node; it waits for {string.Join(", ", a.Nodes.First(n => n.Status == 1).Approvers.Where(s => s.Status == 1).Select(s => s.UserId))}."));
        if (refusal is var (status, message))
        {
            return Refused("Approval action refused", message, back, status);
        }

        var speech = form!["speech"].ToString().Trim();
        var (problem, delivery) = decisions.Decide(application, user.UserId, action == "approve", speech.Length == 0 ? null : speech);
        if (problem is not null)
        {
            return Refused("Approval action refused", problem, back, 409);
        }

        // WeCom calls the app back on its own schedule: the member's page does not wait for the app's answer.
        _ = delivery;
        return Results.Redirect(back);
    }

    private static string Title(JsonObject content) =>
        content["title"] is JsonArray { Count: > 0 } titles && titles[0]?["text"]?.GetValue<string>() is { } text ? text : content["id"]?.GetValue<string>() ?? "";

    /// <summary>A filled control as text by its type; anything else as compact JSON.</summary>
    private static string Display(JsonObject content)
    {
        var value = content["value"];
        string? Text(string name) => value?[name] is JsonValue v ? v.ToString() : null;
        return content["control"]?.GetValue<string>() switch
        {
            "Text" or "Textarea" => Text("text") ?? "",
            "Money" => Text("new_money") ?? "",
            "Number" => Text("new_number") ?? "",
            "Date" when value?["date"]?["s_timestamp"]?.ToString() is { } s && long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) =>
                DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString(value["date"]?["type"]?.ToString() == "hour" ? "yyyy-MM-dd HH:mm" : "yyyy-MM-dd", CultureInfo.InvariantCulture),
            "Selector" when value?["selector"]?["options"] is JsonArray options => string.Join(", ", options.Select(o => o?["key"]?.ToString())),
            _ => value?.ToJsonString() ?? "",
        };
    }

    private static WeComUser? Acting(WeComOrg org, string? userId) => string.IsNullOrEmpty(userId) ? null : org.FindUser(userId);

    private static IEnumerable<(string Id, string Name)> People(WeComOrg org) => org.Users.OrderBy(u => u.UserId, StringComparer.Ordinal).Select(u => (u.UserId, u.Name));

    private static (string Href, string Title, string Note) Link(WeComOrg org, ApprovalStore store, ApprovalApplication a, string? userId) =>
        (As(ApplicationPath(a.SpNo), userId), $"{a.Template.Name} · No. {a.SpNo}", $"{store.Read(a, x => StatusText(x.Status))} · submitted by {NameOf(org, a.Creator)}");

    private static string NameOf(WeComOrg org, string userId) => org.FindUser(userId)?.Name ?? userId;

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    /// <summary>WeCom's status numbers (applications, nodes and approvers alike): 1 审批中, 2 已同意/已通过, 3 已驳回.</summary>
    private static string StatusText(int status) => status switch
    {
        1 => "审批中 (in review)",
        2 => "已通过 (approved)",
        3 => "已驳回 (rejected)",
        _ => status.ToString(CultureInfo.InvariantCulture),
    };
}

/// <summary>The WeCom page's "Approvals" sidebar section: each member's approval list, with how many wait for them.</summary>
internal sealed class ApprovalPageSection(WeComOrg org, ApprovalStore store) : IWeComPageSection
{
    public string Title => "Approvals";

    public IReadOnlyList<WeComPageLink> Links()
    {
        var pending = store.All().Where(a => store.Read(a, x => x.Status == 1)).ToList();
        return
        [
            .. org.Users.OrderBy(u => u.UserId, StringComparer.Ordinal).Select(u => new WeComPageLink(
                As(WeComApprovalPages.Path, u.UserId), u.Name,
                pending.Count(a => store.Read(a, x => WeComApprovalPages.Waits(x, u.UserId))) is var n and > 0 ? $"{n} waiting" : "approvals")),
        ];
    }
}
