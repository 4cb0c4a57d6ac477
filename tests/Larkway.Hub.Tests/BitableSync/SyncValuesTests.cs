using System.Text.Json;
using Larkway.Feishu.Bitable;
using Larkway.Hub.BitableSync;

namespace Larkway.Hub.Tests.BitableSync;

/// <summary>
/// The canonical text both sides are compared by: a database value and the cell Feishu returns for the same thing give the
/// same text, whatever the column's type; and the text converts back to what each side stores.
/// </summary>
public sealed class SyncValuesTests
{
    [Theory]
    [InlineData(12.5, "12.5")]
    [InlineData(12L, "12")]
    [InlineData("12.50", "12.5")]
    public void Numbers_read_the_same_from_any_column_type(object value, string expected) =>
        SyncValues.FromDatabase(value, BitableFieldType.Number).ShouldBe(expected);

    [Fact]
    public void A_number_cell_reads_without_trailing_zeros_as_the_column_does()
    {
        SyncValues.FromBitable(Json("12.50"), BitableFieldType.Number).ShouldBe("12.5");
        SyncValues.FromBitable(Json("12"), BitableFieldType.Number).ShouldBe(SyncValues.FromDatabase(12m, BitableFieldType.Number));
    }

    [Fact]
    public void A_date_is_unix_milliseconds_from_an_integer_a_timestamp_or_iso_text_and_from_the_cell()
    {
        var at = new DateTimeOffset(2026, 11, 24, 8, 30, 0, TimeSpan.Zero);
        var ms = at.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        SyncValues.FromDatabase(at.ToUnixTimeMilliseconds(), BitableFieldType.DateTime).ShouldBe(ms);
        SyncValues.FromDatabase(at.UtcDateTime, BitableFieldType.DateTime).ShouldBe(ms);
        SyncValues.FromDatabase("2026-11-24T08:30:00Z", BitableFieldType.DateTime).ShouldBe(ms);
        SyncValues.FromBitable(Json(ms), BitableFieldType.DateTime).ShouldBe(ms);
        SyncValues.ToDatabase(ms, BitableFieldType.DateTime, ColumnKind.Timestamp).ShouldBe(at.UtcDateTime);
        SyncValues.ToDatabase(ms, BitableFieldType.DateTime, ColumnKind.Integer).ShouldBe(at.ToUnixTimeMilliseconds());
    }

    [Fact]
    public void A_checkbox_is_false_when_empty_on_either_side_so_an_unchecked_box_is_no_change()
    {
        SyncValues.FromDatabase(null, BitableFieldType.Checkbox).ShouldBe("false");
        SyncValues.FromDatabase(0L, BitableFieldType.Checkbox).ShouldBe("false");
        SyncValues.FromDatabase(true, BitableFieldType.Checkbox).ShouldBe("true");
        SyncValues.FromBitable(Json("null"), BitableFieldType.Checkbox).ShouldBe("false");
        SyncValues.FromBitable(Json("true"), BitableFieldType.Checkbox).ShouldBe("true");
    }

    [Fact]
    public void Text_reads_back_from_its_segments_and_people_by_email()
    {
        SyncValues.FromBitable(Json("""[{"type":"text","text":"PO-"},{"type":"text","text":"1"}]"""), BitableFieldType.Text).ShouldBe("PO-1");
        SyncValues.FromBitable(Json("""[{"id":"ou_1","name":"Bob","email":"bob@example.com"},{"id":"ou_2","email":"dave@example.com"}]"""), BitableFieldType.User)
            .ShouldBe("bob@example.com,dave@example.com");
    }

    [Fact]
    public void Multiple_options_are_a_json_list_whether_the_column_holds_json_or_commas()
    {
        SyncValues.FromDatabase("""["A","B"]""", BitableFieldType.MultiSelect).ShouldBe("""["A","B"]""");
        SyncValues.FromDatabase("A, B", BitableFieldType.MultiSelect).ShouldBe("""["A","B"]""");
        SyncValues.FromBitable(Json("""["A","B"]"""), BitableFieldType.MultiSelect).ShouldBe("""["A","B"]""");
    }

    [Fact]
    public void Values_that_cannot_fit_say_what_is_wrong()
    {
        Should.Throw<FormatException>(() => SyncValues.ToDatabase("lots", BitableFieldType.Text, ColumnKind.Integer)).Message.ShouldContain("'lots' does not fit a integer column");
        Should.Throw<FormatException>(() => SyncValues.FromDatabase("soon", BitableFieldType.DateTime)).Message.ShouldContain("'soon' is not a date");
        Should.Throw<FormatException>(() => SyncValues.ToBitable("nobody@example.com", BitableFieldType.User, new Dictionary<string, string?>())).Message.ShouldContain("nobody@example.com");
    }

    [Fact]
    public void The_hash_tells_null_from_empty_and_keeps_values_apart()
    {
        SyncValues.Hash([null]).ShouldNotBe(SyncValues.Hash([""]));
        SyncValues.Hash(["a,b", "c"]).ShouldNotBe(SyncValues.Hash(["a", "b,c"]));
        SyncValues.Hash(["x", "1"]).ShouldBe(SyncValues.Hash(["x", "1"]));
    }

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
