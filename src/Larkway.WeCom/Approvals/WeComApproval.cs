using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Larkway.WeCom.Approvals;

/// <summary>An application's state (<c>sp_status</c>) as <c>oa/getapprovaldetail</c> and <c>oa/getapprovalinfo</c>'s filter name it.</summary>
public enum WeComApprovalStatus
{
    /// <summary>Not read (absent).</summary>
    None = 0,

    /// <summary>1 审批中: waiting for an approver.</summary>
    InReview = 1,

    /// <summary>2 已通过.</summary>
    Approved = 2,

    /// <summary>3 已驳回.</summary>
    Rejected = 3,

    /// <summary>4 已撤销: withdrawn before it was decided.</summary>
    Revoked = 4,

    /// <summary>6 通过后撤销: withdrawn after it was approved.</summary>
    RevokedAfterApproval = 6,

    /// <summary>7 已删除.</summary>
    Deleted = 7,

    /// <summary>10 已支付.</summary>
    Paid = 10,
}

/// <summary>A text in one language (<c>{text, lang}</c>, lang such as <c>zh_CN</c>, <c>en</c>).</summary>
/// <param name="Text">The text.</param>
/// <param name="Lang">The language.</param>
public sealed record WeComLangText(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("lang")] string Lang = "zh_CN");

/// <summary>An approval template (<c>oa/gettemplatedetail</c>): its names and its form's controls.</summary>
public sealed record WeComApprovalTemplate
{
    /// <summary>The template's names, one per language.</summary>
    [JsonPropertyName("template_names")] public IReadOnlyList<WeComLangText> TemplateNames { get; init; } = [];

    /// <summary>The form.</summary>
    [JsonPropertyName("template_content")] public WeComTemplateContent? TemplateContent { get; init; }

    /// <summary>The form's controls (empty when the template has none).</summary>
    [JsonIgnore] public IReadOnlyList<WeComTemplateControl> Controls => TemplateContent?.Controls ?? [];
}

/// <summary>A template's form.</summary>
/// <param name="Controls">The controls, in the form's order.</param>
public sealed record WeComTemplateContent([property: JsonPropertyName("controls")] IReadOnlyList<WeComTemplateControl>? Controls);

/// <summary>One control of a template: its property and its type's configuration.</summary>
public sealed record WeComTemplateControl
{
    /// <summary>What every control has: type, id, title, whether it is required.</summary>
    [JsonPropertyName("property")] public WeComControlProperty Property { get; init; } = new();

    /// <summary>The type's configuration (a Date's <c>date.type</c>, a Selector's options …), as WeCom sent it.</summary>
    [JsonPropertyName("config")] public JsonElement? Config { get; init; }
}

/// <summary>A control's property.</summary>
public sealed record WeComControlProperty
{
    /// <summary>The type: Text, Textarea, Number, Money, Date, Selector, Contact, Tips, File, Table, …</summary>
    [JsonPropertyName("control")] public string Control { get; init; } = "";

    /// <summary>The control's id within the template (e.g. <c>Text-1570611000001</c>): what an application fills.</summary>
    [JsonPropertyName("id")] public string Id { get; init; } = "";

    /// <summary>The title, one per language.</summary>
    [JsonPropertyName("title")] public IReadOnlyList<WeComLangText>? Title { get; init; }

    /// <summary>The explanation shown in the empty control.</summary>
    [JsonPropertyName("placeholder")] public IReadOnlyList<WeComLangText>? Placeholder { get; init; }

    /// <summary>1 when the control must be filled.</summary>
    [JsonPropertyName("require")] public int Require { get; init; }

    /// <summary>1 when the control is left out of prints.</summary>
    [JsonPropertyName("un_print")] public int UnPrint { get; init; }

    /// <summary>True when an application must fill it.</summary>
    [JsonIgnore] public bool IsRequired => Require == 1;
}

/// <summary>An application to submit (<c>oa/applyevent</c>) on behalf of a member.</summary>
public sealed record WeComApplyEvent
{
    /// <summary>The member who applies (<c>creator_userid</c>); must be in the app's visible range.</summary>
    [JsonPropertyName("creator_userid")] public required string CreatorUserId { get; init; }

    /// <summary>The template (<c>template_id</c>).</summary>
    [JsonPropertyName("template_id")] public required string TemplateId { get; init; }

    /// <summary>The department the member applies from (<c>choose_department</c>), when they are in several; null: their main one.</summary>
    [JsonPropertyName("choose_department")] public long? ChooseDepartment { get; init; }

    /// <summary>1: the template's own flow as the admin set it; 0 (the default): the <see cref="Approver"/> nodes given here.</summary>
    [JsonPropertyName("use_template_approver")] public int UseTemplateApprover { get; init; }

    /// <summary>The approver nodes, in order, when <see cref="UseTemplateApprover"/> is 0.</summary>
    [JsonPropertyName("approver")] public IReadOnlyList<WeComApproverNode>? Approver { get; init; }

    /// <summary>The members copied (<c>notifyer</c>, WeCom's spelling), when <see cref="UseTemplateApprover"/> is 0.</summary>
    [JsonPropertyName("notifyer")] public IReadOnlyList<string>? Notifyer { get; init; }

    /// <summary>When they are copied: 1 on submission (the default), 2 once approved, 3 both. Leave null rather than 0, which WeCom refuses.</summary>
    [JsonPropertyName("notify_type")] public int? NotifyType { get; init; }

    /// <summary>The filled controls.</summary>
    [JsonPropertyName("apply_data")] public required WeComApplyData ApplyData { get; init; }

    /// <summary>The summary lines shown in the approval list.</summary>
    [JsonPropertyName("summary_list")] public IReadOnlyList<WeComApprovalSummary>? SummaryList { get; init; }
}

/// <summary>An approver node: who decides and how.</summary>
/// <param name="Attr">1 或签 (any one of them decides), 2 会签 (all of them must approve).</param>
/// <param name="UserId">The approvers' userids.</param>
public sealed record WeComApproverNode(
    [property: JsonPropertyName("attr")] int Attr,
    [property: JsonPropertyName("userid")] IReadOnlyList<string> UserId)
{
    /// <summary>Any one of <paramref name="userIds"/> decides (或签).</summary>
    public static WeComApproverNode AnyOf(params string[] userIds) => new(1, userIds);

    /// <summary>All of <paramref name="userIds"/> must approve (会签).</summary>
    public static WeComApproverNode AllOf(params string[] userIds) => new(2, userIds);
}

/// <summary>A summary line (<c>summary_info</c>, one text per language).</summary>
/// <param name="SummaryInfo">The line.</param>
public sealed record WeComApprovalSummary([property: JsonPropertyName("summary_info")] IReadOnlyList<WeComLangText> SummaryInfo);

/// <summary>The filled form.</summary>
/// <param name="Contents">One entry per filled control.</param>
public sealed record WeComApplyData([property: JsonPropertyName("contents")] IReadOnlyList<WeComApplyContent> Contents);

/// <summary>A filled control: which control and its value; <see cref="Title"/> is only in what WeCom returns.</summary>
/// <param name="Control">The control's type (Text, Money, Date, …).</param>
/// <param name="Id">The control's id in the template.</param>
/// <param name="Value">The value, in the type's shape.</param>
public sealed record WeComApplyContent(
    [property: JsonPropertyName("control")] string Control,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("value")] WeComApplyValue Value)
{
    /// <summary>The control's title, as getapprovaldetail returns it.</summary>
    [JsonPropertyName("title")] public IReadOnlyList<WeComLangText>? Title { get; init; }

    /// <summary>A Text or Textarea control.</summary>
    public static WeComApplyContent Text(string id, string text, string control = "Text") => new(control, id, new WeComApplyValue { Text = text });

    /// <summary>A Number control.</summary>
    public static WeComApplyContent Number(string id, decimal number) => new("Number", id, new WeComApplyValue { NewNumber = number.ToString(CultureInfo.InvariantCulture) });

    /// <summary>A Money control (yuan, up to two decimals).</summary>
    public static WeComApplyContent Money(string id, decimal amount) => new("Money", id, new WeComApplyValue { NewMoney = amount.ToString(CultureInfo.InvariantCulture) });

    /// <summary>A Date control: <paramref name="type"/> "day" for a date, "hour" for a date and time.</summary>
    public static WeComApplyContent Date(string id, DateTimeOffset at, string type = "day") =>
        new("Date", id, new WeComApplyValue { Date = new WeComDateValue(type, at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)) });

    /// <summary>A Selector control: the chosen options' keys; <paramref name="type"/> "single" or "multi".</summary>
    public static WeComApplyContent Selector(string id, string type, params string[] keys) =>
        new("Selector", id, new WeComApplyValue { Selector = new WeComSelectorValue(type, [.. keys.Select(k => new WeComSelectorOption(k))]) });
}

/// <summary>A control's value: only the member of the control's type is set. Other types' fields stay in <see cref="Extra"/>.</summary>
public sealed record WeComApplyValue
{
    /// <summary>Text / Textarea.</summary>
    [JsonPropertyName("text")] public string? Text { get; init; }

    /// <summary>Number, as digits.</summary>
    [JsonPropertyName("new_number")] public string? NewNumber { get; init; }

    /// <summary>Money, as digits (yuan).</summary>
    [JsonPropertyName("new_money")] public string? NewMoney { get; init; }

    /// <summary>Date.</summary>
    [JsonPropertyName("date")] public WeComDateValue? Date { get; init; }

    /// <summary>Selector.</summary>
    [JsonPropertyName("selector")] public WeComSelectorValue? Selector { get; init; }

    /// <summary>Every other value type (members, departments, files, children, …), as WeCom sent it.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>A Date value.</summary>
/// <param name="Type">"day" or "hour".</param>
/// <param name="STimestamp">Unix seconds, as digits.</param>
public sealed record WeComDateValue(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("s_timestamp")] string STimestamp);

/// <summary>A Selector value.</summary>
/// <param name="Type">"single" or "multi".</param>
/// <param name="Options">The chosen options.</param>
public sealed record WeComSelectorValue(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("options")] IReadOnlyList<WeComSelectorOption> Options);

/// <summary>A chosen option (its key in the template's config).</summary>
/// <param name="Key">The option's key.</param>
public sealed record WeComSelectorOption([property: JsonPropertyName("key")] string Key);

/// <summary>A filter of <c>oa/getapprovalinfo</c>: key template_id, creator, department, sp_status or record_type.</summary>
/// <param name="Key">The filter's kind.</param>
/// <param name="Value">Its value (a template id, a userid, a department id, a status's digits …).</param>
public sealed record WeComApprovalFilter(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("value")] string Value)
{
    /// <summary>Applications of one template.</summary>
    public static WeComApprovalFilter Template(string templateId) => new("template_id", templateId);

    /// <summary>Applications one member submitted.</summary>
    public static WeComApprovalFilter Creator(string userId) => new("creator", userId);

    /// <summary>Applications in one state.</summary>
    public static WeComApprovalFilter Status(WeComApprovalStatus status) => new("sp_status", ((int)status).ToString(CultureInfo.InvariantCulture));
}

/// <summary>An application as <c>oa/getapprovaldetail</c> returns it (<c>info</c>).</summary>
public sealed record WeComApprovalDetail
{
    /// <summary>The application's number (<c>sp_no</c>).</summary>
    [JsonPropertyName("sp_no")] public string SpNo { get; init; } = "";

    /// <summary>The template's name (<c>sp_name</c>).</summary>
    [JsonPropertyName("sp_name")] public string? SpName { get; init; }

    /// <summary>The state (<c>sp_status</c>).</summary>
    [JsonPropertyName("sp_status")] public WeComApprovalStatus SpStatus { get; init; }

    /// <summary>The template.</summary>
    [JsonPropertyName("template_id")] public string? TemplateId { get; init; }

    /// <summary>When it was submitted, Unix seconds (<c>apply_time</c>).</summary>
    [JsonPropertyName("apply_time")] public long ApplyTime { get; init; }

    /// <summary>Who applied.</summary>
    [JsonPropertyName("applyer")] public WeComApplyer? Applyer { get; init; }

    /// <summary>The approver nodes with each approver's decision.</summary>
    [JsonPropertyName("sp_record")] public IReadOnlyList<WeComApprovalNodeRecord> SpRecord { get; init; } = [];

    /// <summary>The flow's nodes in WeCom's newer shape (<c>process_list</c>); null when WeCom left it out.</summary>
    [JsonPropertyName("process_list")] public WeComApprovalProcess? ProcessList { get; init; }

    /// <summary>The members copied.</summary>
    [JsonPropertyName("notifyer")] public IReadOnlyList<WeComApprovalUser>? Notifyer { get; init; }

    /// <summary>The filled form.</summary>
    [JsonPropertyName("apply_data")] public WeComApplyData? ApplyData { get; init; }

    /// <summary>Comments, as WeCom sent them.</summary>
    [JsonPropertyName("comments")] public JsonElement? Comments { get; init; }

    /// <summary>Everything else WeCom returned.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>Who applied.</summary>
/// <param name="UserId">The member.</param>
/// <param name="PartyId">The department they applied from.</param>
public sealed record WeComApplyer(
    [property: JsonPropertyName("userid")] string UserId,
    [property: JsonPropertyName("partyid")] string? PartyId);

/// <summary>A member in an application (<c>{userid}</c>).</summary>
/// <param name="UserId">The member.</param>
public sealed record WeComApprovalUser([property: JsonPropertyName("userid")] string UserId);

/// <summary>An approver node's record.</summary>
public sealed record WeComApprovalNodeRecord
{
    /// <summary>The node's state: 1 审批中, 2 已同意, 3 已驳回, 4 已转审, …</summary>
    [JsonPropertyName("sp_status")] public int SpStatus { get; init; }

    /// <summary>1 或签, 2 会签.</summary>
    [JsonPropertyName("approverattr")] public int ApproverAttr { get; init; }

    /// <summary>Each approver's decision.</summary>
    [JsonPropertyName("details")] public IReadOnlyList<WeComApproverDecision> Details { get; init; } = [];
}

/// <summary>One approver's decision in a node.</summary>
public sealed record WeComApproverDecision
{
    /// <summary>The approver.</summary>
    [JsonPropertyName("approver")] public WeComApprovalUser? Approver { get; init; }

    /// <summary>The approver's comment (审批意见).</summary>
    [JsonPropertyName("speech")] public string? Speech { get; init; }

    /// <summary>1 审批中 (not decided yet), 2 已同意, 3 已驳回, 4 已转审, …</summary>
    [JsonPropertyName("sp_status")] public int SpStatus { get; init; }

    /// <summary>When they decided, Unix seconds; 0 while undecided.</summary>
    [JsonPropertyName("sptime")] public long SpTime { get; init; }
}

/// <summary>The flow of an application as <c>process_list</c> shows it.</summary>
public sealed record WeComApprovalProcess
{
    /// <summary>Its nodes, in order (<c>node_list</c>).</summary>
    [JsonPropertyName("node_list")] public IReadOnlyList<WeComApprovalProcessNode> NodeList { get; init; } = [];
}

/// <summary>One node of <c>process_list.node_list</c>.</summary>
public sealed record WeComApprovalProcessNode
{
    /// <summary>1 审批人 (approvers), 2 抄送人 (copied), 3 办理人 (handlers).</summary>
    [JsonPropertyName("node_type")] public int NodeType { get; init; }

    /// <summary>The node's state: 1 审批中, 2 已同意, 3 已驳回, 4 已转审, …</summary>
    [JsonPropertyName("sp_status")] public int SpStatus { get; init; }

    /// <summary>How its approvers decide: 1 或签 (any one), 2 会签 (all), 3 依次审批 (one after another).</summary>
    [JsonPropertyName("apv_rel")] public int ApvRel { get; init; }

    /// <summary>Each approver's place (<c>sub_node_list</c>).</summary>
    [JsonPropertyName("sub_node_list")] public IReadOnlyList<WeComApprovalSubNode> SubNodeList { get; init; } = [];
}

/// <summary>One approver's place in a node of <c>process_list</c>.</summary>
public sealed record WeComApprovalSubNode
{
    /// <summary>The approver.</summary>
    [JsonPropertyName("userid")] public string? UserId { get; init; }

    /// <summary>Their comment (审批意见).</summary>
    [JsonPropertyName("speech")] public string? Speech { get; init; }

    /// <summary>Their decision (<c>sp_yj</c>): 1 审批中 (not yet), 2 同意, 3 驳回, 4 转审, …</summary>
    [JsonPropertyName("sp_yj")] public int SpYj { get; init; }

    /// <summary>When they decided, Unix seconds; 0 while undecided.</summary>
    [JsonPropertyName("sptime")] public long SpTime { get; init; }

    /// <summary>Attachments' media ids.</summary>
    [JsonPropertyName("media_ids")] public IReadOnlyList<string>? MediaIds { get; init; }
}

internal sealed record TemplateDetailRequest([property: JsonPropertyName("template_id")] string TemplateId);

internal sealed record ApplyEventAnswer([property: JsonPropertyName("sp_no")] string? SpNo);

internal sealed record ApprovalInfoRequest(
    [property: JsonPropertyName("starttime")] string StartTime,
    [property: JsonPropertyName("endtime")] string EndTime,
    [property: JsonPropertyName("new_cursor")] string NewCursor,
    [property: JsonPropertyName("size")] int Size,
    [property: JsonPropertyName("filters")] IReadOnlyList<WeComApprovalFilter>? Filters);

internal sealed record ApprovalInfoAnswer(
    [property: JsonPropertyName("sp_no_list")] IReadOnlyList<string>? SpNoList,
    [property: JsonPropertyName("new_next_cursor")] string? NewNextCursor);

internal sealed record ApprovalDetailRequest([property: JsonPropertyName("sp_no")] string SpNo);

internal sealed record ApprovalDetailAnswer([property: JsonPropertyName("info")] WeComApprovalDetail? Info);
