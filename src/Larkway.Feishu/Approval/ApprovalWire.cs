using System.Globalization;
using System.Text.Json;

namespace Larkway.Feishu.Approval;

// Wire shapes of approval v4 (snake_case through ApprovalJsonContext). Times are ms-epoch strings.

internal static class ApprovalTime
{
    /// <summary>A ms-epoch string; "0", empty or garbage mean "not yet" (null).</summary>
    public static DateTimeOffset? Parse(string? ms) =>
        long.TryParse(ms, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? DateTimeOffset.FromUnixTimeMilliseconds(value)
            : null;

    public static string Format(DateTimeOffset value) => value.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    public static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

// --- Definitions ---

internal sealed class DefinitionWire
{
    public string? ApprovalName { get; set; }

    public string? Status { get; set; }

    public string? Form { get; set; }

    public List<NodeWire>? NodeList { get; set; }

    public List<ViewerWire>? Viewers { get; set; }

    public List<string>? ApprovalAdminIds { get; set; }

    public ApprovalDefinition ToModel(string approvalCode) => new()
    {
        ApprovalCode = approvalCode,
        ApprovalName = ApprovalName ?? "",
        Status = Status ?? "",
        Form = ApprovalDefinitionForm.Parse(Form),
        FormJson = string.IsNullOrEmpty(Form) ? "[]" : Form,
        Nodes = NodeList?.Select(n => n.ToModel()).ToArray() ?? [],
        Viewers = Viewers?.Select(v => new ApprovalViewer(v.Type ?? "", ApprovalTime.Empty(v.Id), ApprovalTime.Empty(v.UserId))).ToArray() ?? [],
        AdminIds = ApprovalAdminIds ?? [],
    };
}

internal sealed class NodeWire
{
    public string? Name { get; set; }

    public bool NeedApprover { get; set; }

    public string? NodeId { get; set; }

    public string? CustomNodeId { get; set; }

    public string? NodeType { get; set; }

    public bool ApproverChosenMulti { get; set; }

    public bool RequireSignature { get; set; }

    public ApprovalNodeDefinition ToModel() => new()
    {
        NodeId = NodeId ?? "",
        CustomNodeId = ApprovalTime.Empty(CustomNodeId),
        Name = Name ?? "",
        NodeType = NodeType ?? "",
        NeedApprover = NeedApprover,
        ApproverChosenMulti = ApproverChosenMulti,
        RequireSignature = RequireSignature,
    };
}

internal sealed class ViewerWire
{
    public string? Type { get; set; }

    public string? Id { get; set; }

    public string? UserId { get; set; }
}

internal sealed class CreateDefinitionBody
{
    public required string ApprovalName { get; init; }

    public string? ApprovalCode { get; init; }

    public string? Description { get; init; }

    public required List<ViewerCreateWire> Viewers { get; init; }

    public required FormContentWire Form { get; init; }

    public required List<NodeCreateWire> NodeList { get; init; }

    public SettingsWire? Settings { get; init; }

    public required ConfigWire Config { get; init; }

    public int? Icon { get; init; }

    public required List<I18nResourceWire> I18nResources { get; init; }

    public List<string>? ProcessManagerIds { get; init; }
}

internal sealed record ViewerCreateWire(string ViewerType, string? ViewerUserId, string? ViewerDepartmentId);

internal sealed record FormContentWire(string FormContent);

internal sealed class NodeCreateWire
{
    public required string Id { get; init; }

    public string? Name { get; init; }

    public string? NodeType { get; init; }

    public List<NodeUserWire>? Approver { get; init; }

    public List<NodeUserWire>? Ccer { get; init; }

    public bool? ApproverChosenMulti { get; init; }

    public string? StarterAssignee { get; init; }
}

internal sealed record NodeUserWire(string Type, string? UserId, string? Level);

internal sealed record SettingsWire(int? RevertInterval, int? RevertOption, int? RejectOption, int? QuickApprovalOption);

internal sealed record ConfigWire(bool CanUpdateViewer, bool CanUpdateForm, bool CanUpdateProcess, bool CanUpdateRevert, string? HelpUrl);

internal sealed record I18nResourceWire(string Locale, List<I18nTextWire> Texts, bool IsDefault)
{
    public static List<I18nResourceWire>? From(IReadOnlyList<ApprovalI18nResource>? resources) =>
        resources?.Select(r => new I18nResourceWire(r.Locale, [.. r.Texts.Select(t => new I18nTextWire(t.Key, t.Value))], r.IsDefault)).ToList();
}

internal sealed record I18nTextWire(string Key, string Value);

internal sealed class CreateDefinitionData
{
    public string? ApprovalCode { get; set; }

    public string? ApprovalId { get; set; }
}

// --- Instances ---

internal sealed class CreateInstanceBody
{
    public required string ApprovalCode { get; init; }

    public string? UserId { get; init; }

    public string? OpenId { get; init; }

    public string? DepartmentId { get; init; }

    public required string Form { get; init; }

    public List<NodeListWire>? NodeApproverUserIdList { get; init; }

    public List<NodeListWire>? NodeApproverOpenIdList { get; init; }

    public List<NodeListWire>? NodeCcUserIdList { get; init; }

    public List<NodeListWire>? NodeCcOpenIdList { get; init; }

    public string? Uuid { get; init; }

    public bool? AllowResubmit { get; init; }

    public bool? AllowSubmitAgain { get; init; }

    public string? CancelBotNotification { get; init; }

    public bool? ForbidRevoke { get; init; }

    public List<I18nResourceWire>? I18nResources { get; init; }

    public string? Title { get; init; }

    public int? TitleDisplayMethod { get; init; }
}

internal sealed record NodeListWire(string Key, List<string> Value)
{
    public static List<NodeListWire>? From(IReadOnlyDictionary<string, IReadOnlyList<string>>? map) =>
        map is null || map.Count == 0 ? null : map.Select(kv => new NodeListWire(kv.Key, [.. kv.Value])).ToList();
}

internal sealed class CreateInstanceData
{
    public string? InstanceCode { get; set; }
}

internal sealed class InstanceWire
{
    public string? ApprovalName { get; set; }

    public string? ApprovalCode { get; set; }

    public string? InstanceCode { get; set; }

    public string? StartTime { get; set; }

    public string? EndTime { get; set; }

    public string? UserId { get; set; }

    public string? OpenId { get; set; }

    public string? SerialNumber { get; set; }

    public string? DepartmentId { get; set; }

    public string? Status { get; set; }

    public string? Uuid { get; set; }

    public string? Form { get; set; }

    public bool Reverted { get; set; }

    public string? ModifiedInstanceCode { get; set; }

    public string? RevertedInstanceCode { get; set; }

    public List<TaskWire>? TaskList { get; set; }

    public List<CommentWire>? CommentList { get; set; }

    public List<TimelineWire>? Timeline { get; set; }

    public ApprovalInstance ToModel(string requested) => new()
    {
        InstanceCode = InstanceCode ?? requested,
        ApprovalCode = ApprovalCode ?? "",
        ApprovalName = ApprovalName ?? "",
        Status = Status ?? "",
        Uuid = ApprovalTime.Empty(Uuid),
        OpenId = ApprovalTime.Empty(OpenId),
        UserId = ApprovalTime.Empty(UserId),
        DepartmentId = ApprovalTime.Empty(DepartmentId),
        SerialNumber = ApprovalTime.Empty(SerialNumber),
        StartTime = ApprovalTime.Parse(StartTime) ?? default,
        EndTime = ApprovalTime.Parse(EndTime),
        Form = string.IsNullOrEmpty(Form) ? "[]" : Form,
        Reverted = Reverted,
        ModifiedInstanceCode = ApprovalTime.Empty(ModifiedInstanceCode),
        RevertedInstanceCode = ApprovalTime.Empty(RevertedInstanceCode),
        Tasks = TaskList?.Select(t => t.ToModel()).ToArray() ?? [],
        Comments = CommentList?.Select(c => c.ToModel()).ToArray() ?? [],
        Timeline = Timeline?.Select(t => t.ToModel()).ToArray() ?? [],
    };
}

internal sealed class TaskWire
{
    public string? Id { get; set; }

    public string? UserId { get; set; }

    public string? OpenId { get; set; }

    public string? Status { get; set; }

    public string? NodeId { get; set; }

    public string? NodeName { get; set; }

    public string? CustomNodeId { get; set; }

    public string? Type { get; set; }

    public string? StartTime { get; set; }

    public string? EndTime { get; set; }

    public ApprovalTask ToModel() => new()
    {
        Id = Id ?? "",
        UserId = ApprovalTime.Empty(UserId),
        OpenId = ApprovalTime.Empty(OpenId),
        Status = Status ?? "",
        NodeId = ApprovalTime.Empty(NodeId),
        NodeName = ApprovalTime.Empty(NodeName),
        CustomNodeId = ApprovalTime.Empty(CustomNodeId),
        Type = ApprovalTime.Empty(Type),
        StartTime = ApprovalTime.Parse(StartTime) ?? default,
        EndTime = ApprovalTime.Parse(EndTime),
    };
}

internal sealed class CommentWire
{
    public string? Id { get; set; }

    public string? UserId { get; set; }

    public string? OpenId { get; set; }

    public string? Comment { get; set; }

    public string? CreateTime { get; set; }

    public ApprovalComment ToModel() => new()
    {
        Id = Id ?? "",
        UserId = ApprovalTime.Empty(UserId),
        OpenId = ApprovalTime.Empty(OpenId),
        Comment = Comment ?? "",
        CreateTime = ApprovalTime.Parse(CreateTime) ?? default,
    };
}

internal sealed class TimelineWire
{
    public string? Type { get; set; }

    public string? CreateTime { get; set; }

    public string? UserId { get; set; }

    public string? OpenId { get; set; }

    public List<string>? UserIdList { get; set; }

    public List<string>? OpenIdList { get; set; }

    public string? TaskId { get; set; }

    public string? Comment { get; set; }

    public string? Ext { get; set; }

    public string? NodeKey { get; set; }

    public List<CcUserWire>? CcUserList { get; set; }

    public ApprovalTimelineEntry ToModel() => new()
    {
        Type = Type ?? "",
        CreateTime = ApprovalTime.Parse(CreateTime) ?? default,
        UserId = ApprovalTime.Empty(UserId),
        OpenId = ApprovalTime.Empty(OpenId),
        UserIds = UserIdList ?? [],
        OpenIds = OpenIdList ?? [],
        TaskId = ApprovalTime.Empty(TaskId),
        Comment = ApprovalTime.Empty(Comment),
        Ext = ApprovalTime.Empty(Ext),
        NodeKey = ApprovalTime.Empty(NodeKey),
        CcUsers = [.. (CcUserList ?? []).Select(c => new ApprovalCcUser(ApprovalTime.Empty(c.UserId), ApprovalTime.Empty(c.OpenId), ApprovalTime.Empty(c.CcId)))],
    };
}

/// <summary>An entry of a timeline's <c>cc_user_list</c>.</summary>
internal sealed class CcUserWire
{
    public string? UserId { get; set; }

    public string? OpenId { get; set; }

    public string? CcId { get; set; }
}

internal sealed class InstanceCodePageData
{
    public List<string>? InstanceCodeList { get; set; }

    public bool HasMore { get; set; }

    public string? PageToken { get; set; }

    public FeishuPage<string> ToPage() => new(InstanceCodeList ?? [], HasMore ? PageToken : null, HasMore);
}

internal sealed record InstanceActionBody(string ApprovalCode, string InstanceCode, string UserId);

// --- Tasks ---

internal sealed record TaskDecisionBody(string ApprovalCode, string InstanceCode, string UserId, string TaskId, string? Comment, string? Form);

/// <summary>Parses a definition's stringified <c>form</c> into widgets, tolerating fields it does not know.</summary>
internal static class ApprovalDefinitionForm
{
    public static IReadOnlyList<ApprovalWidgetDefinition> Parse(string? form)
    {
        if (string.IsNullOrWhiteSpace(form))
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(form);
            return Widgets(document.RootElement);
        }
        catch (JsonException ex)
        {
            throw new FeishuApiException(FeishuErrorCodes.MalformedResponse, $"The definition's form is not a JSON array of widgets: {ex.Message}", innerException: ex);
        }
    }

    /// <summary>Writes widgets as the stringified array definition create takes (<c>form.form_content</c>).</summary>
    public static string Write(IReadOnlyList<ApprovalWidgetDefinition> widgets)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteWidgets(writer, widgets);
        }

        return System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    private static void WriteWidgets(Utf8JsonWriter writer, IReadOnlyList<ApprovalWidgetDefinition> widgets)
    {
        writer.WriteStartArray();
        foreach (var widget in widgets)
        {
            writer.WriteStartObject();
            writer.WriteString("id", widget.Id);
            if (widget.CustomId is not null)
            {
                writer.WriteString("custom_id", widget.CustomId);
            }

            writer.WriteString("name", widget.Name);
            writer.WriteString("type", widget.Type);
            writer.WriteBoolean("required", widget.Required);
            if (widget.Options.Count > 0)
            {
                writer.WriteStartArray("option");
                foreach (var option in widget.Options)
                {
                    writer.WriteStartObject();
                    writer.WriteString("value", option.Value);
                    writer.WriteString("text", option.Text);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            if (widget.Children.Count > 0)
            {
                writer.WritePropertyName("children");
                WriteWidgets(writer, widget.Children);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static List<ApprovalWidgetDefinition> Widgets(JsonElement array)
    {
        var widgets = new List<ApprovalWidgetDefinition>();
        if (array.ValueKind != JsonValueKind.Array)
        {
            return widgets;
        }

        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || String(item, "id") is not { } id)
            {
                continue;
            }

            widgets.Add(new ApprovalWidgetDefinition
            {
                Id = id,
                CustomId = String(item, "custom_id"),
                Name = String(item, "name") ?? "",
                Type = String(item, "type") ?? "",
                Required = item.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.True,
                Options = Options(item),
                Children = item.TryGetProperty("children", out var c) ? Widgets(c) : [],
            });
        }

        return widgets;
    }

    // "option" is an array of {value, text}; some definitions carry it as a JSON string.
    private static List<ApprovalWidgetOption> Options(JsonElement widget)
    {
        if (!widget.TryGetProperty("option", out var option))
        {
            return [];
        }

        if (option.ValueKind == JsonValueKind.String)
        {
            try
            {
                using var inner = JsonDocument.Parse(option.GetString() ?? "[]");
                return OptionList(inner.RootElement);
            }
            catch (JsonException)
            {
                return [];
            }
        }

        return OptionList(option);
    }

    private static List<ApprovalWidgetOption> OptionList(JsonElement array) =>
        array.ValueKind != JsonValueKind.Array ? [] :
        [.. array.EnumerateArray()
            .Where(o => o.ValueKind == JsonValueKind.Object && String(o, "value") is not null)
            .Select(o => new ApprovalWidgetOption(String(o, "value")!, String(o, "text") ?? ""))];

    private static string? String(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s ? s : null;
}
