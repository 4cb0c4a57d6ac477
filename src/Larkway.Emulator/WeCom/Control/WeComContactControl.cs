using System.Globalization;
using System.Text.Json;
using Larkway.Emulator.WeCom.Approvals;
using Larkway.Emulator.WeCom.Callbacks;
using Larkway.Emulator.WeCom.Platform;
using Larkway.Emulator.WeCom.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.WeCom.Control;

/// <summary>
/// Test control of the corp's contacts under <c>/_emulator/wecom</c>: a large generated directory
/// (<c>POST contact/generate {users, departments}</c>), a member's 激活状态 (<c>POST users/{userid}/status {status}</c>: 1, 2,
/// 4 or 5), the app's visible range (<c>POST app/visible {partys, users}</c>) and whether the app is one that no longer
/// gets the sensitive fields (<c>POST app/sensitive {withheld}</c>). Refusals are 400/404 <c>{"error": "…"}</c>.
/// Members and departments change as an admin changes them, each change sent to the app's callback URL as WeCom's
/// encrypted <c>change_contact</c> callback (通讯录回调通知) when the app can see it: <c>PUT users/{userid} {name,
/// department: [id, …], main_department?, position?, mobile?, email?, gender?, status?}</c> (create_user, or update_user
/// carrying UserID and only the fields that changed), <c>DELETE users/{userid}</c> (delete_user), <c>PUT
/// departments/{id} {name, parentid, order?}</c> (create_party; update_party with Id and what changed) and <c>DELETE
/// departments/{id}</c> (delete_party, an empty department only). The fields are WeCom's documented ones; an app that
/// no longer gets the sensitive fields (<c>app/sensitive</c>) gets no Mobile, Email or Gender. Answers
/// <c>{change_type, delivered, delivery_id, error}</c> once the callback is answered (delivered is null without a callback URL).
/// </summary>
internal static class WeComContactControl
{
    /// <summary>The most members one generated directory adds (the directory benchmark's size).</summary>
    public const int MaxUsers = 100_000;

    /// <summary>The most departments one generated directory adds (WeCom allows 30,000 in a corp).</summary>
    public const int MaxDepartments = 30_000;

    public static void MapWeComContactControl(this RouteGroupBuilder control)
    {
        control.MapPost("contact/generate", GenerateAsync);
        control.MapPost("users/{userId}/status", StatusAsync);
        control.MapPost("app/visible", VisibleAsync);
        control.MapPost("app/sensitive", SensitiveAsync);
        control.MapPut("users/{userId}", PutUserAsync);
        control.MapDelete("users/{userId}", RemoveUserAsync);
        control.MapPut("departments/{id:long}", PutDepartmentAsync);
        control.MapDelete("departments/{id:long}", RemoveDepartmentAsync);
    }

    private static async Task<IResult> PutUserAsync(HttpContext context, [FromRoute] string userId, WeComOrg org, WeComCallbackSender callbacks, TimeProvider time)
    {
        var body = await ReadAsync(context);
        var name = body?.Field("name") is { ValueKind: JsonValueKind.String } n ? n.GetString() : null;
        var departments = body?.Field("department") is { ValueKind: JsonValueKind.Array } d
            ? d.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var id) ? id : 0).ToList()
            : null;
        if (userId.Length is 0 or > 64 || name is not { Length: > 0 } || departments is not { Count: > 0 } || departments.Contains(0))
        {
            return Refuse(400, "the body must be a JSON object {name, department: [id, …], main_department?, position?, mobile?, email?, gender?, status?}");
        }

        var old = org.FindUser(userId);
        string? Text(string field, string? was) => body?.Field(field) is { ValueKind: JsonValueKind.String } v ? v.GetString() : was;
        int? Number(string field) => body?.Field(field) is { ValueKind: JsonValueKind.Number } v && v.TryGetInt32(out var x) ? x : null;
        var main = body?.Field("main_department") is { ValueKind: JsonValueKind.Number } m && m.TryGetInt64(out var mainId) && departments.Contains(mainId) ? mainId : departments[0];
        var user = new WeComUser(userId.ToLowerInvariant(), name, Text("mobile", old?.Mobile) ?? "", Text("email", old?.Email) ?? "", Text("position", old?.Position) ?? "", departments, main, Number("gender") ?? old?.Gender ?? 0)
        {
            Status = Number("status") ?? old?.Status ?? 1,
            Leads = [.. (old?.Leads ?? []).Where(departments.Contains)],
        };
        if (user.Status is not (1 or 2 or 4 or 5))
        {
            return Refuse(400, "status must be 1 (active), 2 (disabled), 4 (not yet activated) or 5 (left the corp)");
        }

        try
        {
            var replaced = org.PutUser(user);
            var visible = Visible(org, user) || (replaced is not null && Visible(org, replaced));
            return await SendAsync(callbacks, org, time, replaced is null ? "create_user" : "update_user", visible, UserFields(org, replaced, user));
        }
        catch (ArgumentException e)
        {
            return Refuse(400, e.Message);
        }
    }

    private static async Task<IResult> RemoveUserAsync([FromRoute] string userId, WeComOrg org, WeComCallbackSender callbacks, TimeProvider time, ApprovalDecisions approvals)
    {
        if (org.RemoveUser(userId) is not { } removed)
        {
            return Refuse(404, "no member has that userid");
        }

        var answer = await SendAsync(callbacks, org, time, "delete_user", Visible(org, removed), [("UserID", removed.UserId)]);

        // Their undecided approval places go to the approval admin, each with its sys_approval_change callback.
        await Task.WhenAll(approvals.HandOver(removed.UserId));
        return answer;
    }

    private static async Task<IResult> PutDepartmentAsync(HttpContext context, [FromRoute] long id, WeComOrg org, WeComCallbackSender callbacks, TimeProvider time)
    {
        var body = await ReadAsync(context);
        var name = body?.Field("name") is { ValueKind: JsonValueKind.String } n ? n.GetString() : null;
        var parent = body?.Field("parentid") is { ValueKind: JsonValueKind.Number } p && p.TryGetInt64(out var parentId) ? parentId : 0;
        if (id <= WeComOrg.RootId || name is not { Length: > 0 } || parent <= 0)
        {
            return Refuse(400, $"the department id must be above {WeComOrg.RootId} (the root) and the body a JSON object {{name, parentid, order?}}");
        }

        var old = org.FindDepartment(id);
        var order = body?.Field("order") is { ValueKind: JsonValueKind.Number } o && o.TryGetInt64(out var value) ? value : old?.Order ?? 0;
        try
        {
            var department = new WeComDepartment(id, name, parent, order) { NameEn = old?.NameEn, Leaders = old?.Leaders ?? [] };
            var replaced = org.PutDepartment(department);
            List<(string, object)> fields = [("Id", id)];
            if (replaced is null || replaced.Name != name)
            {
                fields.Add(("Name", name));
            }

            if (replaced is null || replaced.ParentId != parent)
            {
                fields.Add(("ParentId", parent.ToString(CultureInfo.InvariantCulture)));
            }

            if (replaced is null)
            {
                fields.Add(("Order", order));
            }

            return await SendAsync(callbacks, org, time, replaced is null ? "create_party" : "update_party", org.IsVisible(id), fields);
        }
        catch (ArgumentException e)
        {
            return Refuse(400, e.Message);
        }
    }

    private static async Task<IResult> RemoveDepartmentAsync([FromRoute] long id, WeComOrg org, WeComCallbackSender callbacks, TimeProvider time)
    {
        var parent = org.FindDepartment(id)?.ParentId ?? 0;
        if (org.RemoveDepartment(id) is { } problem)
        {
            return Refuse(parent == 0 ? 404 : 400, problem);
        }

        return await SendAsync(callbacks, org, time, "delete_party", org.IsVisible(parent), [("Id", id)]);
    }

    /// <summary>A create_user's documented fields, or an update_user's UserID and the fields that differ from <paramref name="old"/>.</summary>
    private static List<(string, object)> UserFields(WeComOrg org, WeComUser? old, WeComUser user)
    {
        List<(string, object)> fields = [("UserID", user.UserId)];
        void Add(string name, object value, bool changed, bool sensitive = false)
        {
            if ((old is null || changed) && !(sensitive && org.WithholdsSensitiveFields))
            {
                fields.Add((name, value));
            }
        }

        Add("Name", user.Name, old?.Name != user.Name);
        var departmentsChanged = old is null || !old.Departments.SequenceEqual(user.Departments) || old.MainDepartment != user.MainDepartment;
        Add("Department", string.Join(',', user.Departments), departmentsChanged);
        Add("MainDepartment", user.MainDepartment, departmentsChanged);
        Add("IsLeaderInDept", string.Join(',', user.Departments.Select(d => user.Leads.Contains(d) ? "1" : "0")), departmentsChanged);
        Add("Position", user.Position, old?.Position != user.Position);
        Add("Mobile", user.Mobile, old?.Mobile != user.Mobile, sensitive: true);
        Add("Gender", user.Gender, old?.Gender != user.Gender, sensitive: true);
        Add("Email", user.Email, old?.Email != user.Email, sensitive: true);
        Add("Status", user.Status, old?.Status != user.Status);
        return fields;
    }

    /// <summary>True when the member is in the app's visible range (one of their departments, or named).</summary>
    internal static bool Visible(WeComOrg org, WeComUser user) =>
        user.Departments.Any(org.IsVisible) || org.VisibleRange.Users.Contains(user.UserId, StringComparer.OrdinalIgnoreCase);

    /// <summary>Sends the change_contact callback (when the app can see the change) and answers how it went.</summary>
    private static async Task<IResult> SendAsync(WeComCallbackSender callbacks, WeComOrg org, TimeProvider time, string changeType, bool visible, IEnumerable<(string, object)> fields)
    {
        if (!visible)
        {
            return WeComJson.Plain(new { change_type = changeType, delivered = (bool?)null, delivery_id = (string?)null, error = "outside the app's visible range: no callback" });
        }

        var xml = WeComCallbackSender.Xml(
        [
            ("ToUserName", org.CorpId),
            ("FromUserName", "sys"),
            ("CreateTime", time.GetUtcNow().ToUnixTimeSeconds()),
            ("MsgType", "event"),
            ("Event", "change_contact"),
            ("ChangeType", changeType),
            .. fields,
        ]);
        var outcome = await callbacks.DeliverAsync("event", xml, CancellationToken.None);
        return WeComJson.Plain(new { change_type = changeType, delivered = outcome?.Delivered, delivery_id = outcome?.DeliveryId, error = outcome?.Error });
    }

    private static async Task<IResult> GenerateAsync(HttpContext context, WeComOrg org)
    {
        var body = await ReadAsync(context);
        var users = body?.Field("users") is { ValueKind: JsonValueKind.Number } u && u.TryGetInt32(out var n) ? n : -1;
        var departments = body?.Field("departments") is { ValueKind: JsonValueKind.Number } d && d.TryGetInt32(out var m) ? m : -1;
        if (users is < 0 or > MaxUsers || departments is < 1 or > MaxDepartments)
        {
            return Refuse(400, $"users (0 to {MaxUsers}) and departments (1 to {MaxDepartments}) are required");
        }

        var (madeUsers, madeDepartments) = org.Generate(users, departments);
        return WeComJson.Plain(new { users = madeUsers, departments = madeDepartments });
    }

    private static async Task<IResult> StatusAsync(HttpContext context, [FromRoute] string userId, WeComOrg org)
    {
        var body = await ReadAsync(context);
        var status = body?.Field("status") is { ValueKind: JsonValueKind.Number } s && s.TryGetInt32(out var v) ? v : 0;
        if (status is not (1 or 2 or 4 or 5))
        {
            return Refuse(400, "status must be 1 (active), 2 (disabled), 4 (not yet activated) or 5 (left the corp)");
        }

        return org.SetStatus(userId, status) ? WeComJson.Plain(new { userid = userId, status }) : Refuse(404, "no member has that userid");
    }

    private static async Task<IResult> VisibleAsync(HttpContext context, WeComOrg org)
    {
        var body = await ReadAsync(context);
        var parties = body?.Field("partys") is { ValueKind: JsonValueKind.Array } p ? p.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Number).Select(e => e.GetInt64()).ToList() : [];
        var users = body?.Field("users") is { ValueKind: JsonValueKind.Array } us ? us.EnumerateArray().Select(e => e.GetString() ?? string.Empty).Where(x => x.Length > 0).ToList() : [];
        if (parties.FirstOrDefault(id => org.FindDepartment(id) is null) is var unknown and not 0)
        {
            return Refuse(400, $"department {unknown} is not in the corp");
        }

        org.SetVisibleRange(parties, users);
        return WeComJson.Plain(new { partys = parties, users });
    }

    private static async Task<IResult> SensitiveAsync(HttpContext context, WeComOrg org)
    {
        var body = await ReadAsync(context);
        org.WithholdsSensitiveFields = body?.Field("withheld") is { ValueKind: JsonValueKind.True };
        return WeComJson.Plain(new { withheld = org.WithholdsSensitiveFields });
    }

    private static async Task<JsonElement?> ReadAsync(HttpContext context)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IResult Refuse(int status, string error) => WeComJson.Plain(new { error }, status);
}
