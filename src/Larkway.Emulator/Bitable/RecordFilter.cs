using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Bitable;

/// <summary>One condition of a filter, checked: its field, operator and values (people already resolved to home open_ids).</summary>
internal sealed record FilterCondition(BitableField Field, string Operator, IReadOnlyList<string> Values);

/// <summary>A filter: conditions and (one level of) children, joined by <see cref="Conjunction"/>.</summary>
internal sealed record FilterGroup(string Conjunction, IReadOnlyList<FilterCondition> Conditions, IReadOnlyList<FilterGroup> Children);

/// <summary>
/// The search filter (记录筛选参数填写说明): <c>{conjunction: and|or, conditions: [{field_name, operator, value: [strings]}],
/// children: [{conjunction, conditions}]}</c> — children one level deep, at most 50 conditions, at most 10 values each, and
/// per field type the operators and value counts the guide lists; anything else is 1254018 InvalidFilter. Date values are
/// <c>["ExactDate", ms]</c> (truncated to 00:00 of the base's time zone, as the platform does), <c>Today</c>,
/// <c>Tomorrow</c>, <c>Yesterday</c>, or (with <c>is</c> only) the ranges <c>CurrentWeek</c>…<c>TheNextMonth</c>.
/// </summary>
internal static class RecordFilter
{
    public const int MaxConditions = 50;
    public const int MaxValues = 10;

    private static readonly string[] Operators = ["is", "isNot", "contains", "doesNotContain", "isEmpty", "isNotEmpty", "isGreater", "isGreaterEqual", "isLess", "isLessEqual"];
    private static readonly string[] DateRanges = ["CurrentWeek", "LastWeek", "CurrentMonth", "LastMonth", "TheLastWeek", "TheNextWeek", "TheLastMonth", "TheNextMonth"];
    private static readonly string[] DateDays = ["Today", "Tomorrow", "Yesterday"];

    /// <summary>A search request's <c>filter</c> (fields by name, people in the request's user_id_type).</summary>
    public static FilterGroup ParseSearch(JsonElement filter, BitableTable table, EmulatorState state, AppUserIds ids, string idType) =>
        Group(filter, table, state, ids, idType, depth: 0, byId: false);

    /// <summary>A view's <c>filter_info</c> (fields by id, values as a JSON-encoded array) checked and put in its stored shape.</summary>
    public static JsonElement ReadViewFilter(JsonElement filterInfo, BitableBase app, BitableTable table)
    {
        _ = app;
        if (filterInfo.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("filter_info must be an object {conjunction, conditions}");
        }

        var conjunction = filterInfo.TryGetProperty("conjunction", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : "and";
        if (conjunction is not ("and" or "or"))
        {
            throw Invalid($"conjunction '{conjunction}' is not and or or");
        }

        var conditions = filterInfo.TryGetProperty("conditions", out var list) && list.ValueKind == JsonValueKind.Array ? list : throw Invalid("filter_info.conditions is required");
        if (conditions.GetArrayLength() > MaxConditions)
        {
            throw Invalid($"filter_info has {conditions.GetArrayLength()} conditions; at most {MaxConditions}");
        }

        var stored = new JsonArray();
        foreach (var condition in conditions.EnumerateArray())
        {
            var fieldId = condition.ValueKind == JsonValueKind.Object && condition.TryGetProperty("field_id", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString()! : throw Invalid("a condition needs field_id");
            var field = table.FindField(fieldId) ?? throw Invalid($"field_id '{fieldId}' is not a field of table {table.TableId}");
            var op = condition.TryGetProperty("operator", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString()! : "is";
            var values = condition.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.String ? DecodeViewValue(v.GetString()!) : [];
            Check(field, op, values, table);
            stored.Add(new JsonObject
            {
                ["condition_id"] = BitableIds.ConditionId(),
                ["field_id"] = field.FieldId,
                ["operator"] = op,
                ["value"] = new JsonArray([.. values.Select(x => (JsonNode)x)]).ToJsonString(),
            });
        }

        return JsonSerializer.SerializeToElement(new JsonObject { ["conjunction"] = conjunction, ["conditions"] = stored });
    }

    /// <summary>A view's stored filter as a group (conditions naming fields since deleted are left out), or null.</summary>
    public static FilterGroup? OfView(BitableView view, BitableTable table)
    {
        if (view.FilterInfo is not { } info)
        {
            return null;
        }

        var conditions = new List<FilterCondition>();
        foreach (var condition in info.GetProperty("conditions").EnumerateArray())
        {
            if (table.FindField(condition.GetProperty("field_id").GetString()!) is { } field)
            {
                conditions.Add(new FilterCondition(field, condition.GetProperty("operator").GetString()!, DecodeViewValue(condition.GetProperty("value").GetString()!)));
            }
        }

        return new FilterGroup(info.GetProperty("conjunction").GetString()!, conditions, []);
    }

    public static bool Matches(FilterGroup group, BitableRecord record, BitableBase app, long nowMs)
    {
        var results = group.Conditions.Select(c => Matches(c, record, app, nowMs)).Concat(group.Children.Select(g => Matches(g, record, app, nowMs)));
        return group.Conjunction == "or" ? !group.Conditions.Any() && !group.Children.Any() || results.Any(r => r) : results.All(r => r);
    }

    private static FilterGroup Group(JsonElement filter, BitableTable table, EmulatorState state, AppUserIds ids, string idType, int depth, bool byId)
    {
        if (filter.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("filter must be an object {conjunction, conditions, children?}");
        }

        var conjunction = filter.TryGetProperty("conjunction", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : throw Invalid("filter.conjunction is required: and or or");
        if (conjunction is not ("and" or "or"))
        {
            throw Invalid($"conjunction '{conjunction}' is not and or or");
        }

        var conditions = new List<FilterCondition>();
        if (filter.TryGetProperty("conditions", out var list) && list.ValueKind != JsonValueKind.Null)
        {
            if (list.ValueKind != JsonValueKind.Array)
            {
                throw Invalid("conditions must be an array");
            }

            if (list.GetArrayLength() > MaxConditions)
            {
                throw Invalid($"{list.GetArrayLength()} conditions; at most {MaxConditions}");
            }

            foreach (var condition in list.EnumerateArray())
            {
                conditions.Add(Condition(condition, table, state, ids, idType, byId));
            }
        }

        var children = new List<FilterGroup>();
        if (filter.TryGetProperty("children", out var kids) && kids.ValueKind != JsonValueKind.Null)
        {
            if (depth > 0)
            {
                throw Invalid("children may only be used one level deep");
            }

            if (kids.ValueKind != JsonValueKind.Array)
            {
                throw Invalid("children must be an array of {conjunction, conditions}");
            }

            children.AddRange(kids.EnumerateArray().Select(k => Group(k, table, state, ids, idType, depth + 1, byId)));
        }

        if (conditions.Count + children.Sum(g => g.Conditions.Count) > MaxConditions)
        {
            throw Invalid($"the filter has more than {MaxConditions} conditions");
        }

        return new FilterGroup(conjunction, conditions, children);
    }

    private static FilterCondition Condition(JsonElement condition, BitableTable table, EmulatorState state, AppUserIds ids, string idType, bool byId)
    {
        if (condition.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("a condition must be an object {field_name, operator, value}");
        }

        var key = byId ? "field_id" : "field_name";
        var name = condition.TryGetProperty(key, out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : throw Invalid($"a condition needs {key}");
        var field = (byId ? table.FindField(name) : table.FieldNamed(name)) ?? throw Invalid($"{key} '{name}' is not a field of table {table.TableId}");
        var op = condition.TryGetProperty("operator", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString()! : throw Invalid($"the condition on '{name}' needs an operator");
        if (!condition.TryGetProperty("value", out var raw) || raw.ValueKind == JsonValueKind.Null)
        {
            throw Invalid($"the condition on '{name}' has no value: write \"value\":[] for isEmpty and isNotEmpty");
        }

        if (raw.ValueKind != JsonValueKind.Array)
        {
            throw Invalid($"the condition on '{name}': value must be an array of strings");
        }

        var values = raw.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Invalid($"the condition on '{name}': value must be an array of strings")).ToList();
        Check(field, op, values, table);
        if (FieldTypes.IsPeople(field.Type))
        {
            values = [.. values.Select(id => (ids.Find(idType, id) ?? state.FindUserByReference(id))?.OpenId ?? "\u0000" + id)];
        }

        return new FilterCondition(field, op, values);
    }

    /// <summary>The guide's rules for one condition.</summary>
    private static void Check(BitableField field, string op, List<string> values, BitableTable table)
    {
        _ = table;
        var where = $"the condition on '{field.Name}' (type {field.Type})";
        if (op is "like" or "in")
        {
            throw Invalid($"{where}: operator '{op}' is not supported yet");
        }

        if (!Operators.Contains(op))
        {
            throw Invalid($"{where}: '{op}' is not an operator (is, isNot, contains, doesNotContain, isEmpty, isNotEmpty, isGreater, isGreaterEqual, isLess, isLessEqual)");
        }

        if (values.Count > MaxValues)
        {
            throw Invalid($"{where} has {values.Count} values; at most {MaxValues}");
        }

        if (FieldTypes.IsFormulaLike(field.Type))
        {
            throw Invalid($"{where}: formula and lookup fields cannot be filtered on");
        }

        if (op is "isEmpty" or "isNotEmpty")
        {
            if (values.Count != 0)
            {
                throw Invalid($"{where}: {op} takes \"value\":[]");
            }

            return;
        }

        switch (field.Type)
        {
            case FieldTypes.DateTime or FieldTypes.CreatedTime or FieldTypes.ModifiedTime:
                if (op is not ("is" or "isGreater" or "isLess"))
                {
                    throw Invalid($"{where}: dates take is, isGreater, isLess, isEmpty or isNotEmpty");
                }

                CheckDate(where, op, values);
                return;
            case FieldTypes.Checkbox:
                if (op != "is" || values.Count != 1 || values[0] is not ("true" or "false"))
                {
                    throw Invalid($"{where}: a checkbox takes is with [\"true\"] or [\"false\"]");
                }

                return;
            case FieldTypes.Attachment:
                throw Invalid($"{where}: attachments take isEmpty or isNotEmpty only");
            case FieldTypes.Number:
                if (op is "contains" or "doesNotContain")
                {
                    throw Invalid($"{where}: numbers take is, isNot, isGreater, isGreaterEqual, isLess, isLessEqual, isEmpty or isNotEmpty");
                }

                if (values.Count != 1 || !double.TryParse(values[0], NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                {
                    throw Invalid($"{where}: give one number as a string, e.g. [\"23.4\"]");
                }

                return;
            case FieldTypes.SingleSelect or FieldTypes.MultiSelect or FieldTypes.User or FieldTypes.CreatedUser or FieldTypes.ModifiedUser
                or FieldTypes.GroupChat or FieldTypes.SingleLink or FieldTypes.DuplexLink:
                if (op is "isGreater" or "isGreaterEqual" or "isLess" or "isLessEqual")
                {
                    throw Invalid($"{where}: takes is, isNot, contains, doesNotContain, isEmpty or isNotEmpty");
                }

                if (op is "is" or "isNot" ? values.Count != 1 : values.Count == 0)
                {
                    throw Invalid($"{where}: {op} takes {(op is "is" or "isNot" ? "exactly one value" : "one or more values")}");
                }

                return;
            default:
                // Text, barcode, email, phone, URL (its text), location (its address), auto number.
                if (op is "isGreater" or "isGreaterEqual" or "isLess" or "isLessEqual")
                {
                    throw Invalid($"{where}: takes is, isNot, contains, doesNotContain, isEmpty or isNotEmpty");
                }

                if (values.Count != 1)
                {
                    throw Invalid($"{where}: {op} takes exactly one value");
                }

                return;
        }
    }

    private static void CheckDate(string where, string op, List<string> values)
    {
        if (values.Count == 2 && values[0] == "ExactDate")
        {
            if (!long.TryParse(values[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            {
                throw Invalid($"{where}: [\"ExactDate\", ms] takes a timestamp in milliseconds");
            }

            return;
        }

        if (values.Count == 1 && DateDays.Contains(values[0], StringComparer.Ordinal))
        {
            return;
        }

        if (values.Count == 1 && DateRanges.Contains(values[0], StringComparer.Ordinal))
        {
            if (op != "is")
            {
                throw Invalid($"{where}: {values[0]} takes the operator is only");
            }

            return;
        }

        throw Invalid($"{where}: a date value is [\"ExactDate\",\"<ms>\"], [\"Today\"], [\"Tomorrow\"], [\"Yesterday\"] or (is only) one of {string.Join(", ", DateRanges)} — case-sensitive");
    }

    private static bool Matches(FilterCondition condition, BitableRecord record, BitableBase app, long nowMs)
    {
        var field = condition.Field;
        var empty = IsEmpty(field, record);
        switch (condition.Operator)
        {
            case "isEmpty":
                return empty;
            case "isNotEmpty":
                return !empty;
        }

        var value = condition.Values.Count > 0 ? condition.Values[0] : string.Empty;
        switch (field.Type)
        {
            case FieldTypes.DateTime or FieldTypes.CreatedTime or FieldTypes.ModifiedTime:
                if (empty)
                {
                    return false;
                }

                var ms = DateOf(field, record);
                var (start, end) = DateRange(condition.Values, app.TimeZone, nowMs);
                return condition.Operator switch
                {
                    "is" => ms >= start && ms < end,
                    "isGreater" => ms >= end,
                    _ => ms < start,
                };
            case FieldTypes.Checkbox:
                var checkedNow = record.Cells.TryGetValue(field.FieldId, out var box) && box.ValueKind == JsonValueKind.True;
                return checkedNow == (value == "true");
            case FieldTypes.Number:
                var target = double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
                if (empty)
                {
                    return condition.Operator == "isNot";
                }

                var number = record.Cells[field.FieldId].GetDouble();
                return condition.Operator switch
                {
                    "is" => number == target,
                    "isNot" => number != target,
                    "isGreater" => number > target,
                    "isGreaterEqual" => number >= target,
                    "isLess" => number < target,
                    _ => number <= target,
                };
            case FieldTypes.SingleSelect or FieldTypes.MultiSelect or FieldTypes.User or FieldTypes.CreatedUser or FieldTypes.ModifiedUser
                or FieldTypes.GroupChat or FieldTypes.SingleLink or FieldTypes.DuplexLink:
                var set = SetOf(field, record);
                return condition.Operator switch
                {
                    "is" => set.Count == 1 && set.Contains(value),
                    "isNot" => !(set.Count == 1 && set.Contains(value)),
                    "contains" => condition.Values.Any(set.Contains),
                    _ => !condition.Values.Any(set.Contains),
                };
            default:
                var text = TextOf(field, record);
                return condition.Operator switch
                {
                    "is" => string.Equals(text, value, StringComparison.OrdinalIgnoreCase),
                    "isNot" => !string.Equals(text, value, StringComparison.OrdinalIgnoreCase),
                    "contains" => text.Contains(value, StringComparison.OrdinalIgnoreCase),
                    _ => !text.Contains(value, StringComparison.OrdinalIgnoreCase),
                };
        }
    }

    internal static bool IsEmpty(BitableField field, BitableRecord record) => field.Type switch
    {
        FieldTypes.CreatedTime or FieldTypes.ModifiedTime or FieldTypes.CreatedUser or FieldTypes.ModifiedUser => false,
        _ => !record.Cells.ContainsKey(field.FieldId),
    };

    internal static long DateOf(BitableField field, BitableRecord record) => field.Type switch
    {
        FieldTypes.CreatedTime => record.CreatedTime,
        FieldTypes.ModifiedTime => record.ModifiedTime,
        _ => record.Cells[field.FieldId].GetInt64(),
    };

    /// <summary>Option names, people's home open_ids (or a writing app's id), chat ids or record ids of a cell.</summary>
    internal static HashSet<string> SetOf(BitableField field, BitableRecord record)
    {
        switch (field.Type)
        {
            case FieldTypes.CreatedUser:
                return [record.CreatedBy.OpenId ?? record.CreatedBy.AppId ?? string.Empty];
            case FieldTypes.ModifiedUser:
                return [record.ModifiedBy.OpenId ?? record.ModifiedBy.AppId ?? string.Empty];
        }

        if (!record.Cells.TryGetValue(field.FieldId, out var cell))
        {
            return [];
        }

        if (field.Type == FieldTypes.SingleSelect)
        {
            return field.Options.Find(o => o.Id == cell.GetString()) is { } option ? [option.Name] : [];
        }

        var items = cell.EnumerateArray().Select(e => e.GetString()!);
        return field.Type == FieldTypes.MultiSelect
            ? [.. items.Select(id => field.Options.Find(o => o.Id == id)?.Name).OfType<string>()]
            : [.. items];
    }

    /// <summary>The text a text-like condition compares: text, phone, auto number; a URL's text; a location's address.</summary>
    internal static string TextOf(BitableField field, BitableRecord record)
    {
        if (!record.Cells.TryGetValue(field.FieldId, out var cell))
        {
            return string.Empty;
        }

        return field.Type switch
        {
            FieldTypes.Url => cell.GetProperty("text").GetString() ?? string.Empty,
            FieldTypes.Location => cell.GetProperty("full_address").GetString() ?? string.Empty,
            _ => cell.ValueKind == JsonValueKind.String ? cell.GetString()! : cell.GetRawText(),
        };
    }

    /// <summary>The [start, end) of a date value in milliseconds, days starting at 00:00 of the base's zone.</summary>
    internal static (long Start, long End) DateRange(IReadOnlyList<string> values, string timeZone, long nowMs)
    {
        var zone = CellText.Zone(timeZone);
        var today = CellText.StartOfDay(nowMs, timeZone);
        DateTimeOffset Day(DateTimeOffset local, int days)
        {
            var date = local.DateTime.Date.AddDays(days);
            return new DateTimeOffset(date, zone.GetUtcOffset(date));
        }

        (DateTimeOffset, DateTimeOffset) range = values[0] switch
        {
            "ExactDate" => (CellText.StartOfDay(long.Parse(values[1], CultureInfo.InvariantCulture), timeZone), Day(CellText.StartOfDay(long.Parse(values[1], CultureInfo.InvariantCulture), timeZone), 1)),
            "Today" => (today, Day(today, 1)),
            "Tomorrow" => (Day(today, 1), Day(today, 2)),
            "Yesterday" => (Day(today, -1), today),
            "CurrentWeek" => (Day(today, -DaysSinceMonday(today)), Day(today, 7 - DaysSinceMonday(today))),
            "LastWeek" => (Day(today, -DaysSinceMonday(today) - 7), Day(today, -DaysSinceMonday(today))),
            "CurrentMonth" => (Day(today, 1 - today.Day), Day(today, 1 - today.Day).AddMonths(1)),
            "LastMonth" => (Day(today, 1 - today.Day).AddMonths(-1), Day(today, 1 - today.Day)),
            "TheLastWeek" => (Day(today, -7), Day(today, 1)),
            "TheNextWeek" => (today, Day(today, 8)),
            "TheLastMonth" => (Day(today, -30), Day(today, 1)),
            _ => (today, Day(today, 31)),
        };
        return (range.Item1.ToUnixTimeMilliseconds(), range.Item2.ToUnixTimeMilliseconds());
    }

    private static int DaysSinceMonday(DateTimeOffset day) => ((int)day.DayOfWeek + 6) % 7;

    /// <summary>A view condition's value: a JSON-encoded array whose items may be strings or numbers.</summary>
    private static List<string> DecodeViewValue(string encoded)
    {
        if (string.IsNullOrWhiteSpace(encoded))
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(encoded);
            return document.RootElement.ValueKind == JsonValueKind.Array
                ? [.. document.RootElement.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText())]
                : throw Invalid("a condition's value is a JSON-encoded array, e.g. \"[\\\"text\\\"]\"");
        }
        catch (JsonException)
        {
            throw Invalid("a condition's value is a JSON-encoded array, e.g. \"[\\\"text\\\"]\"");
        }
    }

    private static Platform.ApiErrorException Invalid(string detail) => BitableErrors.Error(BitableErrors.InvalidFilter, detail);
}
