using System.Text.Json;
using Larkway.Cli.Infrastructure;
using Larkway.Feishu.Bitable;

namespace Larkway.Cli.Commands.Bitable;

/// <summary>
/// Reads <c>--filter</c>: the search filter's JSON (<c>conjunction</c>, <c>conditions</c> of <c>field_name</c>,
/// <c>operator</c>, <c>value</c>; or <c>children</c>, one level deep), each condition checked against its field's type so
/// what Feishu would refuse is refused here, with the reason.
/// </summary>
internal static class FilterJson
{
    public static BitableFilter Parse(string json, IReadOnlyList<BitableField> fields)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(json).RootElement;
        }
        catch (JsonException ex)
        {
            throw Usage($"not JSON ({ex.Message})");
        }

        try
        {
            return Level(root, fields, "the filter", allowChildren: true);
        }
        catch (ArgumentException ex)
        {
            throw Usage(ex.Message);
        }
    }

    private static BitableFilter Level(JsonElement level, IReadOnlyList<BitableField> fields, string where, bool allowChildren)
    {
        if (level.ValueKind != JsonValueKind.Object)
        {
            throw Usage($"{where} must be an object with conjunction and conditions");
        }

        var conjunction = level.TryGetProperty("conjunction", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : "and";
        if (conjunction is not ("and" or "or"))
        {
            throw Usage($"{where}: conjunction must be \"and\" or \"or\"");
        }

        var hasConditions = level.TryGetProperty("conditions", out var conditions) && conditions.ValueKind == JsonValueKind.Array;
        var hasChildren = level.TryGetProperty("children", out var children) && children.ValueKind == JsonValueKind.Array;
        if (hasChildren && !allowChildren)
        {
            throw Usage($"{where}: children nest one level only");
        }

        if (hasChildren && hasConditions)
        {
            throw Usage($"{where}: give conditions or children, not both");
        }

        if (hasChildren)
        {
            var nested = children.EnumerateArray().Select((child, i) => Level(child, fields, $"children[{i}]", allowChildren: false)).ToList();
            return conjunction == "and" ? BitableFilter.And(nested) : BitableFilter.Or(nested);
        }

        var list = new List<BitableCondition>();
        foreach (var (condition, i) in (hasConditions ? conditions.EnumerateArray() : default(JsonElement.ArrayEnumerator)).Select((x, i) => (x, i)))
        {
            var name = condition.TryGetProperty("field_name", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString()! : throw Usage($"{where}: conditions[{i}] needs field_name");
            var op = condition.TryGetProperty("operator", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString()! : throw Usage($"{where}: conditions[{i}] needs operator");
            var values = condition.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()! : x.GetRawText()).ToList() : [];
            var field = fields.FirstOrDefault(x => x.FieldName == name) ?? throw Usage($"{where}: conditions[{i}]: the table has no field '{name}'");
            list.Add(BitableCondition.Create(name, field.Type, op, values));
        }

        return conjunction == "and" ? BitableFilter.And(list) : BitableFilter.Or(list);
    }

    private static CliException Usage(string message) => new($"--filter: {message}", ExitCodes.Usage);
}
