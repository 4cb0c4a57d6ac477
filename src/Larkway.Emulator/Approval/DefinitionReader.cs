using System.Text.Json;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Approval;

/// <summary>The parts of a definition create request, checked and resolved (names from i18n_resources, users to open_ids).</summary>
internal sealed record DefinitionDraft(string? Code, string Name, string FormContent, IReadOnlyList<FormWidget> Widgets, IReadOnlyList<ApprovalNode> Nodes);

/// <summary>
/// Reads <c>POST /approval/v4/approvals</c> as the create page describes it: i18n keys resolved through
/// <c>i18n_resources</c>, <c>viewers</c> and <c>form.form_content</c> required, <c>node_list</c> from START to
/// END with AND/OR/SEQUENTIAL nodes whose approvers are <c>Personal</c> users or <c>Free</c> (chosen by the
/// submitter). Every failure is 1390001 naming the field to fix.
/// </summary>
internal static class DefinitionReader
{
    private const int Invalid = ErrorCodes.ApprovalInvalidParameter;

    /// <summary>Widget types the instance create API accepts values for (§7.4).</summary>
    public static readonly IReadOnlySet<string> WidgetTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "input", "textarea", "number", "amount", "formula", "date", "dateInterval", "radio", "radioV2", "checkbox", "checkboxV2",
        "contact", "connect", "document", "attachmentV2", "image", "imageV2", "department", "telephone", "fieldList",
    };

    public static DefinitionDraft Read(JsonElement body, AppUserIds ids, string userIdType)
    {
        var texts = ReadI18n(body);
        var nameKey = body.RequiredString("approval_name", Invalid);
        var name = Resolve(texts, nameKey, "approval_name");
        ReadViewers(body);
        if (!body.TryGetProperty("form", out var form) || form.ValueKind != JsonValueKind.Object)
        {
            throw Fail("field 'form' is required: {\"form_content\": \"<stringified widget array>\"}");
        }

        var formContent = form.RequiredString("form_content", Invalid);
        var widgets = ReadWidgets(formContent, texts);
        var nodes = ReadNodes(body, texts, ids, userIdType);
        return new DefinitionDraft(body.OptionalString("approval_code", Invalid), name, formContent, widgets, nodes);
    }

    private static Dictionary<string, string> ReadI18n(JsonElement body)
    {
        if (!body.TryGetProperty("i18n_resources", out var resources) || resources.ValueKind != JsonValueKind.Array || resources.GetArrayLength() == 0)
        {
            throw Fail("field 'i18n_resources' is required: [{\"locale\":\"zh-CN\",\"texts\":[{\"key\":\"@i18n@name\",\"value\":\"…\"}],\"is_default\":true}]");
        }

        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        var defaults = 0;
        foreach (var resource in resources.EnumerateArray())
        {
            if (resource.ValueKind != JsonValueKind.Object || resource.OptionalString("locale", Invalid) is not ("zh-CN" or "en-US" or "ja-JP"))
            {
                throw Fail("i18n_resources[].locale must be zh-CN, en-US or ja-JP");
            }

            var isDefault = resource.OptionalBool("is_default", Invalid) ?? false;
            defaults += isDefault ? 1 : 0;
            if (!resource.TryGetProperty("texts", out var entries) || entries.ValueKind != JsonValueKind.Array)
            {
                throw Fail("i18n_resources[].texts must be an array of {key, value}");
            }

            foreach (var entry in entries.EnumerateArray())
            {
                var key = entry.ValueKind == JsonValueKind.Object ? entry.OptionalString("key", Invalid) : null;
                var value = entry.ValueKind == JsonValueKind.Object ? entry.OptionalString("value", Invalid) : null;
                if (string.IsNullOrEmpty(key) || value is null)
                {
                    throw Fail("i18n_resources[].texts[] needs a key and a value");
                }

                // The default locale's text wins; others only fill gaps.
                if (isDefault || !texts.ContainsKey(key))
                {
                    texts[key] = value;
                }
            }
        }

        return defaults == 1 ? texts : throw Fail("exactly one of i18n_resources must have is_default: true");
    }

    /// <summary>Names are i18n keys (<c>@i18n@…</c>) that must have a text; a plain string is taken as the text.</summary>
    private static string Resolve(Dictionary<string, string> texts, string key, string field) =>
        !key.StartsWith("@i18n@", StringComparison.Ordinal) ? key
        : texts.TryGetValue(key, out var text) ? text
        : throw Fail($"{field} '{key}' has no text in i18n_resources");

    private static void ReadViewers(JsonElement body)
    {
        if (!body.TryGetProperty("viewers", out var viewers) || viewers.ValueKind != JsonValueKind.Array || viewers.GetArrayLength() == 0)
        {
            throw Fail("field 'viewers' is required: [{\"viewer_type\":\"TENANT\"}] (TENANT, DEPARTMENT, USER or NONE)");
        }

        foreach (var viewer in viewers.EnumerateArray())
        {
            if (viewer.ValueKind != JsonValueKind.Object || viewer.OptionalString("viewer_type", Invalid) is not ("TENANT" or "DEPARTMENT" or "USER" or "NONE"))
            {
                throw Fail("viewers[].viewer_type must be TENANT, DEPARTMENT, USER or NONE");
            }
        }
    }

    private static List<FormWidget> ReadWidgets(string formContent, Dictionary<string, string> texts)
    {
        JsonElement array;
        try
        {
            using var document = JsonDocument.Parse(formContent);
            array = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw Fail("form.form_content must be a stringified JSON array of widgets");
        }

        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            throw Fail("form.form_content must be a non-empty JSON array of widgets");
        }

        var widgets = new List<FormWidget>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw Fail("form.form_content items must be objects {id, name, type, required, option}");
            }

            var id = item.OptionalString("id", Invalid) ?? throw Fail("form widget without an id: every widget needs id, name and type");
            var type = item.OptionalString("type", Invalid) ?? throw Fail($"form widget '{id}' has no type");
            if (!WidgetTypes.Contains(type))
            {
                throw Fail($"form widget '{id}' has type '{type}', which cannot be filled through the API; use one of {string.Join(", ", WidgetTypes)}");
            }

            if (widgets.Exists(w => w.Id == id))
            {
                throw Fail($"form widget id '{id}' is used twice");
            }

            var name = Resolve(texts, item.OptionalString("name", Invalid) ?? throw Fail($"form widget '{id}' has no name"), $"form widget '{id}' name");
            var options = new List<WidgetOption>();
            if (item.TryGetProperty("option", out var optionList) && optionList.ValueKind == JsonValueKind.Array)
            {
                foreach (var option in optionList.EnumerateArray())
                {
                    var value = option.ValueKind == JsonValueKind.Object ? option.OptionalString("value", Invalid) : null;
                    var text = option.ValueKind == JsonValueKind.Object ? option.OptionalString("text", Invalid) : null;
                    options.Add(value is { Length: > 0 } && text is not null
                        ? new WidgetOption(value, Resolve(texts, text, $"form widget '{id}' option text"))
                        : throw Fail($"form widget '{id}' options need a value and a text"));
                }
            }

            if (type.StartsWith("radio", StringComparison.Ordinal) || type.StartsWith("checkbox", StringComparison.Ordinal))
            {
                if (options.Count == 0)
                {
                    throw Fail($"form widget '{id}' ({type}) needs at least one option {{value, text}}");
                }
            }

            widgets.Add(new FormWidget(id, item.OptionalString("custom_id", Invalid), name, type, item.OptionalBool("required", Invalid) ?? false, options));
        }

        return widgets;
    }

    private static List<ApprovalNode> ReadNodes(JsonElement body, Dictionary<string, string> texts, AppUserIds ids, string userIdType)
    {
        if (!body.TryGetProperty("node_list", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw Fail("field 'node_list' is required: [{\"id\":\"START\"}, …approval nodes…, {\"id\":\"END\"}]");
        }

        var items = list.EnumerateArray().ToList();
        if (items.Count < 3 || NodeId(items[0]) != "START" || NodeId(items[^1]) != "END")
        {
            throw Fail("node_list must start with {\"id\":\"START\"}, end with {\"id\":\"END\"} and have at least one approval node between them");
        }

        var nodes = new List<ApprovalNode>();
        foreach (var item in items.Skip(1).Take(items.Count - 2))
        {
            var id = NodeId(item) ?? throw Fail("node_list[] entries need an id");
            if (id is "START" or "END" || nodes.Exists(n => n.CustomNodeId == id))
            {
                throw Fail($"node id '{id}' is used twice (START and END only at the ends)");
            }

            var name = Resolve(texts, item.OptionalString("name", Invalid) ?? throw Fail($"node '{id}' has no name"), $"node '{id}' name");
            var type = item.OptionalString("node_type", Invalid) ?? throw Fail($"node '{id}' has no node_type (AND, OR or SEQUENTIAL)");
            if (!NodeTypes.IsKnown(type))
            {
                throw Fail($"node '{id}' has node_type '{type}'; use AND, OR or SEQUENTIAL");
            }

            var (approvers, selfSelect) = ReadPeople(item, "approver", id, ids, userIdType);
            var (ccers, _) = ReadPeople(item, "ccer", id, ids, userIdType);
            if (approvers.Count == 0 && !selfSelect)
            {
                throw Fail($"node '{id}' has no approver: give Personal approvers or a Free (self-select) approver");
            }

            nodes.Add(new ApprovalNode(Ids.Hex(32), id, name, type, approvers, ccers, selfSelect));
        }

        return nodes;
    }

    private static (List<string> OpenIds, bool Free) ReadPeople(JsonElement node, string field, string nodeId, AppUserIds ids, string userIdType)
    {
        var openIds = new List<string>();
        var free = false;
        if (!node.TryGetProperty(field, out var people) || people.ValueKind == JsonValueKind.Null)
        {
            return (openIds, free);
        }

        if (people.ValueKind != JsonValueKind.Array)
        {
            throw Fail($"node '{nodeId}' {field} must be an array of {{type, user_id}}");
        }

        foreach (var person in people.EnumerateArray())
        {
            var type = person.ValueKind == JsonValueKind.Object ? person.OptionalString("type", Invalid) : null;
            switch (type)
            {
                case "Personal":
                    var userId = person.OptionalString("user_id", Invalid) ?? throw Fail($"node '{nodeId}' {field} of type Personal needs a user_id");
                    var user = ids.Find(userIdType, userId)
                        ?? throw ApiErrorException.BadRequest(ErrorCodes.ApprovalUserNotFound, $"node '{nodeId}' {field}: no user with {userIdType} '{userId}'");
                    openIds.Add(user.OpenId);
                    break;
                case "Free":
                    free = true;
                    break;
                case "Supervisor" or "SupervisorTopDown" or "DepartmentManager" or "DepartmentManagerTopDown":
                    throw Fail($"node '{nodeId}' {field} type '{type}' needs the org chart, which the emulator does not model; use Personal or Free");
                default:
                    throw Fail($"node '{nodeId}' {field} type must be Personal or Free (got '{type}')");
            }
        }

        return ([.. openIds.Distinct(StringComparer.Ordinal)], free);
    }

    private static string? NodeId(JsonElement item) => item.ValueKind == JsonValueKind.Object ? item.OptionalString("id", Invalid) : null;

    private static ApiErrorException Fail(string message) => ApiErrorException.BadRequest(Invalid, message);
}
