using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Larkway.Emulator.WeCom.Callbacks;
using Larkway.Emulator.WeCom.Control;
using Larkway.Emulator.WeCom.Platform;
using Larkway.Emulator.WeCom.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.WeCom.Approvals;

/// <summary>
/// The approval app (审批) as a self-built app calls it: <c>POST /cgi-bin/oa/gettemplatedetail</c> (获取审批模板详情, document
/// 91982), <c>oa/applyevent</c> (提交审批申请, 91853), <c>oa/getapprovalinfo</c> (批量获取审批单号, 91816: by submission time,
/// at most 100 a page, <c>new_cursor</c> / <c>new_next_cursor</c>, filters template_id / creator / department / sp_status)
/// and <c>oa/getapprovaldetail</c> (获取审批申请详情, 91983: the legacy <c>sp_record</c> and the newer <c>process_list</c>). Refused parameters answer 301025 with an errmsg in WeCom's
/// "get approval param error:…" form naming what is wrong. Each change is sent to the app's callback URL as the encrypted
/// <c>sys_approval_change</c> event (审批申请状态变化回调通知, 91815).
/// </summary>
internal static class ApprovalEndpoints
{
    private const string Base = WeComApiExtensions.Prefix + "/cgi-bin/oa";

    public static void MapWeComApprovalEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(Base + "/gettemplatedetail", TemplateDetailAsync).AsWeCom();
        routes.MapPost(Base + "/applyevent", ApplyAsync).AsWeCom();
        routes.MapPost(Base + "/getapprovalinfo", ListAsync).AsWeCom();
        routes.MapPost(Base + "/getapprovaldetail", DetailAsync).AsWeCom();
    }

    private static async Task<IResult> TemplateDetailAsync(HttpContext context, ApprovalStore store)
    {
        var (body, _) = await WeComBody.ReadObjectAsync(context.Request);
        var template = Template(store, body);
        return WeComJson.Ok(new Dictionary<string, object?>
        {
            ["template_names"] = ApprovalStore.Titles(template.Name),
            ["template_content"] = new JsonObject
            {
                ["controls"] = new JsonArray([.. template.Controls.Select(c => (JsonNode)new JsonObject
                {
                    ["property"] = new JsonObject
                    {
                        ["control"] = c.Control,
                        ["id"] = c.Id,
                        ["title"] = ApprovalStore.Titles(c.Title),
                        ["placeholder"] = new JsonArray(),
                        ["require"] = c.Required ? 1 : 0,
                        ["un_print"] = 0,
                    },
                    ["config"] = c.Config?.DeepClone() ?? new JsonObject(),
                })]),
            },
        });
    }

    private static async Task<IResult> ApplyAsync(HttpContext context, ApprovalStore store, WeComOrg org, WeComCallbackSender callbacks, TimeProvider time)
    {
        var (body, _) = await WeComBody.ReadObjectAsync(context.Request);
        var creatorId = body.Str("creator_userid") ?? "";
        if (org.FindUser(creatorId) is not { } creator || !WeComContactControl.Visible(org, creator))
        {
            throw Refused("creator_userid not in app visiable range");
        }

        var template = Template(store, body);
        var useTemplate = body.Int("use_template_approver") ?? 0;
        if (useTemplate is not (0 or 1))
        {
            throw Refused("use_template_approver must be 0 or 1");
        }

        // The template's own approvers who left are replaced by the approval admin, as WeCom's 审批人为空 setting does by default.
        List<ApprovalNode> nodes = useTemplate == 1
            ? [new ApprovalNode(1, template.DefaultApprovers.Select(a => org.FindUser(a) is null ? ApprovalStore.ApprovalAdmin : a).Distinct(StringComparer.Ordinal))]
            : Nodes(org, body);
        IReadOnlyList<string> notifyer = [];
        if (useTemplate == 0)
        {
            if (body.Int("notify_type") is { } notifyType and not (1 or 2 or 3))
            {
                throw Refused("notify_type");
            }

            notifyer = [.. (body.Arr("notifyer") ?? []).Select(n => n.ValueKind == JsonValueKind.String && org.FindUser(n.GetString()!) is { } u ? u.UserId : throw Refused("notifyer " + n))];
        }

        var contents = Contents(template, body);
        var application = store.Add(template, creator.UserId, creator.MainDepartment, nodes, notifyer, contents);

        // WeCom notifies the submission on its own schedule: the call answers without waiting for the app's callback URL.
        _ = callbacks.DeliverAsync("event", ChangeXml(org, store, application, changeEvent: 1, time), CancellationToken.None);
        return WeComJson.Ok(new Dictionary<string, object?> { ["sp_no"] = application.SpNo });
    }

    private static async Task<IResult> ListAsync(HttpContext context, ApprovalStore store, WeComOrg org)
    {
        var (body, _) = await WeComBody.ReadObjectAsync(context.Request);
        long? start, end, size;
        try
        {
            (start, end, size) = (body.Int("starttime"), body.Int("endtime"), body.Int("size"));
        }
        catch (WeComException)
        {
            throw Refused("invalid starttime or endtime");
        }

        if (start is not { } from || end is not { } to || to < from)
        {
            throw Refused("invalid starttime or endtime");
        }

        if (size is < 1 or > 100)
        {
            throw Refused("size must be 1 to 100");
        }

        var offset = 0;
        if (body.Str("new_cursor") is { Length: > 0 } cursor && !int.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out offset))
        {
            throw Refused("invalid new_cursor");
        }

        var filters = (body.Arr("filters") ?? []).Select(f => (Key: f.Str("key") ?? "", Value: f.Str("value") ?? "")).ToList();
        if (filters.Where(f => f.Key is not ("template_id" or "creator" or "department" or "sp_status" or "record_type")).Select(f => f.Key).FirstOrDefault() is { } unknown)
        {
            throw Refused($"invalid filter key '{unknown}'");
        }

        // A self-built app reads only the applications of members in its visible range.
        var matching = store.Between(from, to)
            .Where(a => org.FindUser(a.Creator) is { } u && WeComContactControl.Visible(org, u))
            .Where(a => filters.All(f => Matches(store, a, f.Key, f.Value)))
            .ToList();
        var page = matching.Skip(offset).Take((int)(size ?? 100)).Select(a => a.SpNo).ToList();
        var next = offset + page.Count < matching.Count ? (offset + page.Count).ToString(CultureInfo.InvariantCulture) : "";
        return WeComJson.Ok(new Dictionary<string, object?> { ["sp_no_list"] = page, ["new_next_cursor"] = next });
    }

    private static bool Matches(ApprovalStore store, ApprovalApplication application, string key, string value) => key switch
    {
        "template_id" => application.Template.TemplateId == value,
        "creator" => string.Equals(application.Creator, value, StringComparison.OrdinalIgnoreCase),
        "department" => application.PartyId.ToString(CultureInfo.InvariantCulture) == value,
        "sp_status" => store.Read(application, a => a.Status).ToString(CultureInfo.InvariantCulture) == value,
        _ => false,
    };

    private static async Task<IResult> DetailAsync(HttpContext context, ApprovalStore store)
    {
        var (body, _) = await WeComBody.ReadObjectAsync(context.Request);
        var spNo = body.Field("sp_no") switch
        {
            { ValueKind: JsonValueKind.String } s => s.GetString(),
            { ValueKind: JsonValueKind.Number } n => n.GetRawText(),
            _ => null,
        };
        if (string.IsNullOrEmpty(spNo) || store.Find(spNo) is not { } application)
        {
            throw Refused($"sp_no {spNo} not exist");
        }

        return WeComJson.Ok(new Dictionary<string, object?> { ["info"] = store.Read(application, Detail) });
    }

    /// <summary>The application as getapprovaldetail's <c>info</c>.</summary>
    private static JsonObject Detail(ApprovalApplication a) => new()
    {
        ["sp_no"] = a.SpNo,
        ["sp_name"] = a.Template.Name,
        ["sp_status"] = a.Status,
        ["template_id"] = a.Template.TemplateId,
        ["apply_time"] = a.ApplyTime,
        ["applyer"] = new JsonObject { ["userid"] = a.Creator, ["partyid"] = a.PartyId.ToString(CultureInfo.InvariantCulture) },
        ["sp_record"] = new JsonArray([.. a.Nodes.Select(n => (JsonNode)new JsonObject
        {
            ["sp_status"] = n.Status,
            ["approverattr"] = n.Attr,
            ["details"] = new JsonArray([.. n.Approvers.Select(s => (JsonNode)new JsonObject
            {
                ["approver"] = new JsonObject { ["userid"] = s.UserId },
                ["speech"] = s.Speech,
                ["sp_status"] = s.Status,
                ["sptime"] = s.Time,
                ["media_id"] = new JsonArray(),
            })]),
        })]),
        ["notifyer"] = new JsonArray([.. a.Notifyer.Select(u => (JsonNode)new JsonObject { ["userid"] = u })]),
        ["apply_data"] = new JsonObject { ["contents"] = a.Contents.DeepClone() },
        ["comments"] = new JsonArray(),
        ["process_list"] = new JsonObject { ["node_list"] = new JsonArray([.. a.Nodes.Select(ProcessNode)]) },
    };

    /// <summary>
    /// An approver node as <c>process_list.node_list</c> shows it: node_type 1 (审批人), its sp_status, apv_rel (1 或签,
    /// 2 会签) and one sub_node per approver (userid, speech, sp_yj 1 审批中 / 2 同意 / 3 驳回, sptime, media_ids).
    /// </summary>
    private static JsonNode ProcessNode(ApprovalNode n) => new JsonObject
    {
        ["node_type"] = 1,
        ["sp_status"] = n.Status,
        ["apv_rel"] = n.Attr,
        ["sub_node_list"] = new JsonArray([.. n.Approvers.Select(s => (JsonNode)new JsonObject
        {
            ["userid"] = s.UserId,
            ["speech"] = s.Speech,
            ["sp_yj"] = s.Status,
            ["sptime"] = s.Time,
            ["media_ids"] = new JsonArray(),
        })]),
    };

    /// <summary>
    /// The plaintext <c>sys_approval_change</c> event: the document's fields (SpNo, SpName, SpStatus, TemplateId, ApplyTime,
    /// Applyer, one SpRecord per node with its Details, Notifyer, StatuChangeEvent — WeCom's spelling).
    /// </summary>
    public static string ChangeXml(WeComOrg org, ApprovalStore store, ApprovalApplication application, int changeEvent, TimeProvider time) =>
        store.Read(application, a => WeComCallbackSender.Xml(
        [
            ("ToUserName", org.CorpId),
            ("FromUserName", "sys"),
            ("CreateTime", time.GetUtcNow().ToUnixTimeSeconds()),
            ("MsgType", "event"),
            ("Event", "sys_approval_change"),
            ("AgentID", org.App.AgentId),
            ("ApprovalInfo", new XElement("ApprovalInfo",
                new XElement("SpNo", a.SpNo),
                new XElement("SpName", new XCData(a.Template.Name)),
                new XElement("SpStatus", a.Status),
                new XElement("TemplateId", new XCData(a.Template.TemplateId)),
                new XElement("ApplyTime", a.ApplyTime),
                new XElement("Applyer", new XElement("UserId", new XCData(a.Creator)), new XElement("Party", new XCData(a.PartyId.ToString(CultureInfo.InvariantCulture)))),
                a.Nodes.Select(n => new XElement("SpRecord",
                    new XElement("SpStatus", n.Status),
                    new XElement("ApproverAttr", n.Attr),
                    n.Approvers.Select(s => new XElement("Details",
                        new XElement("Approver", new XElement("UserId", new XCData(s.UserId))),
                        new XElement("Speech", new XCData(s.Speech)),
                        new XElement("SpStatus", s.Status),
                        new XElement("SpTime", s.Time))))),
                a.Notifyer.Select(u => new XElement("Notifyer", new XElement("UserId", new XCData(u)))),
                new XElement("StatuChangeEvent", changeEvent))),
        ]));

    private static ApprovalTemplate Template(ApprovalStore store, JsonElement body)
    {
        var id = body.Str("template_id");
        return string.IsNullOrEmpty(id) ? throw Refused("template_id is required")
            : store.FindTemplate(id) ?? throw Refused($"template_id {id} not exist");
    }

    private static List<ApprovalNode> Nodes(WeComOrg org, JsonElement body)
    {
        var nodes = new List<ApprovalNode>();
        foreach (var node in body.Arr("approver") ?? [])
        {
            var attr = node.Int("attr") ?? 0;
            if (attr is not (1 or 2))
            {
                throw Refused("approver attr must be 1 or 2");
            }

            var users = (node.Arr("userid") ?? []).Select(u => u.ValueKind == JsonValueKind.String && org.FindUser(u.GetString()!) is { } user ? user.UserId : throw Refused("approver userid " + u)).ToList();
            if (users.Count == 0)
            {
                throw Refused("approver userid is empty");
            }

            nodes.Add(new ApprovalNode((int)attr, users));
        }

        return nodes.Count > 0 ? nodes : throw Refused("approver is empty while use_template_approver is 0");
    }

    /// <summary>The filled controls, each checked against the template: known id, same type, a value of the type's shape; every required control present.</summary>
    private static JsonArray Contents(ApprovalTemplate template, JsonElement body)
    {
        var contents = new JsonArray();
        var filled = new HashSet<string>(StringComparer.Ordinal);
        foreach (var content in body.Obj("apply_data")?.Arr("contents") ?? [])
        {
            var id = content.Str("id") ?? "";
            var control = template.Controls.FirstOrDefault(c => c.Id == id) ?? throw Refused($"control id {id} not in template");
            if (content.Str("control") != control.Control)
            {
                throw Refused($"control {id} is {control.Control}, not {content.Str("control")}");
            }

            var value = content.Obj("value") ?? throw Refused($"control {id} has no value");
            if (!HasValue(control.Control, value, out var problem))
            {
                throw Refused($"control {id} value error: {problem}");
            }

            if (problem is null)
            {
                filled.Add(id);
            }

            contents.Add(new JsonObject
            {
                ["control"] = control.Control,
                ["id"] = control.Id,
                ["title"] = ApprovalStore.Titles(control.Title),
                ["value"] = ApprovalStore.Clone(value),
            });
        }

        if (template.Controls.FirstOrDefault(c => c.Required && !filled.Contains(c.Id)) is { } missing)
        {
            throw Refused("has no require control " + missing.Id);
        }

        return contents;
    }

    /// <summary>
    /// False (with the reason) when the value is not of the control type's shape; true with a null <paramref name="problem"/>
    /// when it holds a value, true with "empty" when it is well-formed but empty (which a required control refuses).
    /// </summary>
    private static bool HasValue(string control, JsonElement value, out string? problem)
    {
        problem = null;
        switch (control)
        {
            case "Text" or "Textarea":
                if (value.Field("text") is not { ValueKind: JsonValueKind.String } text)
                {
                    problem = "text must be a string";
                    return false;
                }

                problem = text.GetString() is { Length: > 0 } ? null : "empty";
                return true;
            case "Number" or "Money":
                var name = control == "Number" ? "new_number" : "new_money";
                var raw = value.Field(name) switch
                {
                    { ValueKind: JsonValueKind.String } s => s.GetString(),
                    { ValueKind: JsonValueKind.Number } n => n.GetRawText(),
                    _ => null,
                };
                if (!decimal.TryParse(raw, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                {
                    problem = $"{name} must be a number";
                    return false;
                }

                return true;
            case "Date":
                var date = value.Field("date");
                var stamp = date?.Field("s_timestamp") switch
                {
                    { ValueKind: JsonValueKind.String } s => s.GetString(),
                    { ValueKind: JsonValueKind.Number } n => n.GetRawText(),
                    _ => null,
                };
                if (date?.Field("type") is not { ValueKind: JsonValueKind.String } type || type.GetString() is not ("day" or "hour")
                    || !long.TryParse(stamp, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    problem = "date needs type (day or hour) and s_timestamp (Unix seconds)";
                    return false;
                }

                return true;
            case "Selector":
                if (value.Field("selector") is not { ValueKind: JsonValueKind.Object } selector || selector.Field("options") is not { ValueKind: JsonValueKind.Array } options)
                {
                    problem = "selector needs type and options";
                    return false;
                }

                problem = options.GetArrayLength() > 0 ? null : "empty";
                return true;
            default:
                return true;
        }
    }

    private static WeComException Refused(string detail) => new(WeComCodes.ApprovalParameterError, "get approval param error:" + detail);
}
