using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Larkway.Emulator.Bitable;

/// <summary>
/// Auto numbers (自动编号, type 1005): <c>auto_increment_number</c> counts 1, 2, 3…; <c>custom</c> joins its rules — a
/// <c>system_number</c> of n digits (zero-padded), <c>fixed_text</c>, and the <c>created_time</c> in a date format
/// (yyyyMMdd, yyyyMM, yyyy, MMdd, MM, dd) of the base's zone.
/// </summary>
internal static class AutoNumbers
{
    public static string Format(BitableField field, long number, long createdTimeMs, string timeZone)
    {
        if (field.Property is not { ValueKind: JsonValueKind.Object } property
            || !property.TryGetProperty("auto_serial", out var serial) || serial.ValueKind != JsonValueKind.Object
            || !serial.TryGetProperty("type", out var type) || type.GetString() != "custom"
            || !serial.TryGetProperty("options", out var rules) || rules.ValueKind != JsonValueKind.Array)
        {
            return number.ToString(CultureInfo.InvariantCulture);
        }

        var text = new StringBuilder();
        foreach (var rule in rules.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.Object))
        {
            var value = rule.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : string.Empty;
            switch (rule.TryGetProperty("type", out var t) ? t.GetString() : null)
            {
                case "system_number":
                    var digits = int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var d) ? Math.Clamp(d, 1, 9) : 1;
                    text.Append(number.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0'));
                    break;
                case "fixed_text":
                    text.Append(value);
                    break;
                case "created_time":
                    var local = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(createdTimeMs), CellText.Zone(timeZone));
                    text.Append(local.ToString(value is "yyyyMMdd" or "yyyyMM" or "yyyy" or "MMdd" or "MM" or "dd" ? value : "yyyyMMdd", CultureInfo.InvariantCulture));
                    break;
            }
        }

        return text.ToString();
    }

    /// <summary>Numbers every record of the table in order (a field that becomes an auto number field).</summary>
    public static void Renumber(BitableTable table, BitableField field, string timeZone)
    {
        for (var i = 0; i < table.Records.Count; i++)
        {
            var record = table.Records[i];
            record.Cells[field.FieldId] = JsonSerializer.SerializeToElement(Format(field, i + 1, record.CreatedTime, timeZone));
        }

        table.NextAutoNumber = Math.Max(table.NextAutoNumber, table.Records.Count + 1);
    }
}
