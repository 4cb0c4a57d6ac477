using Larkway.Feishu.Bitable;
using Larkway.Hub.AdminConsole.Pages;
using Larkway.Hub.BitableSync;

namespace Larkway.Hub.Tests.AdminConsole;

/// <summary>The sync page's dry run shows a date field's Unix milliseconds as a date and time, and other values as they are.</summary>
public sealed class DryRunValuesTests
{
    [Theory]
    [InlineData("1732515631000", BitableFieldType.DateTime, "2024-11-25 06:20:31Z")]
    [InlineData("1732515631250", BitableFieldType.CreatedTime, "2024-11-25 06:20:31.250Z")]
    [InlineData("0", BitableFieldType.ModifiedTime, "1970-01-01 00:00:00Z")]
    [InlineData("1732515631000", BitableFieldType.Number, "1732515631000")]
    [InlineData("2024-11-25T06:20:31Z", BitableFieldType.DateTime, "2024-11-25T06:20:31Z")]
    [InlineData("99999999999999999", BitableFieldType.DateTime, "99999999999999999")]
    public void Dates_read_as_dates(string value, BitableFieldType type, string shown) =>
        DryRunValues.Show(value, Column(type).Values).ShouldBe(shown);

    [Fact]
    public void No_value_stays_none() => DryRunValues.Show(null, Column(BitableFieldType.DateTime).Values).ShouldBeNull();

    [Fact]
    public void A_person_field_reads_as_people_and_a_text_field_as_stored()
    {
        Column(BitableFieldType.User).Values.ShouldBe(ColumnValues.People);
        Column(BitableFieldType.Text).Values.ShouldBe(ColumnValues.AsStored);
    }

    private static ResolvedColumn Column(BitableFieldType type) => new("c", ColumnKind.Text, "fld1", "Field", type);
}
