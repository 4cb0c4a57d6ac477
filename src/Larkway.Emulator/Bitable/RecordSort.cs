using System.Globalization;
using System.Text.Json;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Bitable;

/// <summary>
/// Sorting records by fields, as the grid does: numbers, dates and checkboxes by value, selects by their options' order in
/// the field, people by name, text case-insensitively; empty cells last whichever the direction; ties keep creation order.
/// </summary>
internal static class RecordSort
{
    public const int MaxSorts = 100;

    /// <summary>The search body's <c>sort: [{field_name, desc}]</c>; an unknown field or a bad entry is 1254016.</summary>
    public static List<(BitableField Field, bool Desc)> Parse(JsonElement sort, BitableTable table)
    {
        if (sort.ValueKind != JsonValueKind.Array)
        {
            throw Invalid("sort must be an array of {field_name, desc}");
        }

        if (sort.GetArrayLength() > MaxSorts)
        {
            throw Invalid($"{sort.GetArrayLength()} sort entries; at most {MaxSorts}");
        }

        var sorts = new List<(BitableField, bool)>();
        foreach (var item in sort.EnumerateArray())
        {
            var name = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("field_name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : throw Invalid("a sort entry needs field_name");
            var desc = item.TryGetProperty("desc", out var d) && d.ValueKind == JsonValueKind.True;
            sorts.Add((Field(table, name), desc));
        }

        return sorts;
    }

    /// <summary>The legacy list's <c>sort</c>: a JSON array string like <c>["Amount DESC","Name ASC"]</c>.</summary>
    public static List<(BitableField Field, bool Desc)> ParseLegacy(string sort, BitableTable table)
    {
        List<string>? entries;
        try
        {
            entries = JsonSerializer.Deserialize<List<string>>(sort);
        }
        catch (JsonException)
        {
            entries = null;
        }

        if (entries is null)
        {
            throw Invalid("sort must be a JSON array string, e.g. [\"Amount DESC\"]");
        }

        return [.. entries.Select(entry =>
        {
            var trimmed = entry.Trim();
            var desc = trimmed.EndsWith(" DESC", StringComparison.OrdinalIgnoreCase);
            var name = desc || trimmed.EndsWith(" ASC", StringComparison.OrdinalIgnoreCase) ? trimmed[..trimmed.LastIndexOf(' ')].TrimEnd() : trimmed;
            return (Field(table, name), desc);
        })];
    }

    public static List<BitableRecord> Apply(IEnumerable<BitableRecord> records, IReadOnlyList<(BitableField Field, bool Desc)> sorts, EmulatorState state)
    {
        var list = records.Select((r, i) => (Record: r, Index: i)).ToList();
        if (sorts.Count == 0)
        {
            return [.. list.Select(x => x.Record)];
        }

        list.Sort((a, b) =>
        {
            foreach (var (field, desc) in sorts)
            {
                var x = Key(field, a.Record, state);
                var y = Key(field, b.Record, state);
                if (x is null || y is null)
                {
                    var empties = (x is null).CompareTo(y is null);
                    if (empties != 0)
                    {
                        return empties;
                    }

                    continue;
                }

                var compared = x is double dx && y is double dy ? dx.CompareTo(dy)
                    : string.Compare(Convert.ToString(x, CultureInfo.InvariantCulture), Convert.ToString(y, CultureInfo.InvariantCulture), StringComparison.OrdinalIgnoreCase);
                if (compared != 0)
                {
                    return desc ? -compared : compared;
                }
            }

            return a.Index.CompareTo(b.Index);
        });
        return [.. list.Select(x => x.Record)];
    }

    /// <summary>A comparable key: a double or a string; null for an empty cell.</summary>
    private static object? Key(BitableField field, BitableRecord record, EmulatorState state)
    {
        switch (field.Type)
        {
            case FieldTypes.CreatedTime:
                return (double)record.CreatedTime;
            case FieldTypes.ModifiedTime:
                return (double)record.ModifiedTime;
            case FieldTypes.CreatedUser:
                return NameOf(record.CreatedBy, state);
            case FieldTypes.ModifiedUser:
                return NameOf(record.ModifiedBy, state);
            case FieldTypes.Checkbox:
                return record.Cells.ContainsKey(field.FieldId) ? 1.0 : 0.0;
        }

        if (!record.Cells.TryGetValue(field.FieldId, out var cell))
        {
            return null;
        }

        return field.Type switch
        {
            FieldTypes.Number or FieldTypes.DateTime => cell.GetDouble(),
            FieldTypes.SingleSelect => (double)field.Options.FindIndex(o => o.Id == cell.GetString()),
            FieldTypes.MultiSelect => (double)field.Options.FindIndex(o => o.Id == cell[0].GetString()),
            FieldTypes.User => state.FindUser("open_id", cell[0].GetString()!)?.Name ?? string.Empty,
            FieldTypes.AutoNumber when double.TryParse(cell.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => number,
            _ => CellText.Display(field, cell, state),
        };
    }

    private static string NameOf(ChangeActor actor, EmulatorState state) =>
        actor.OpenId is { } openId ? state.FindUser("open_id", openId)?.Name ?? openId : actor.AppId ?? string.Empty;

    private static BitableField Field(BitableTable table, string name) =>
        table.FieldNamed(name) ?? throw Invalid($"'{name}' is not a field of table {table.TableId}");

    private static Platform.ApiErrorException Invalid(string detail) => BitableErrors.Error(BitableErrors.InvalidSort, detail);
}
