using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Feishu.Bitable;
using Larkway.Feishu.Tests.Cards;

namespace Larkway.Feishu.Tests.Bitable;

/// <summary>Field definitions as the field-editing guide's request examples show them, and fields as the list page returns them.</summary>
public class BitableFieldShapeTests
{
    private static JsonNode? Wire(BitableFieldDefinition definition) =>
        JsonSerializer.SerializeToNode(FieldDefinitionWire.From(definition), BitableJsonContext.Wire.FieldDefinitionWire);

    [Fact]
    public void Typed_definitions_write_the_documented_property_of_their_kind()
    {
        JsonAssert.Equal("""{"field_name":"条码","type":1,"ui_type":"Barcode","property":{"allowed_edit_modes":{"manual":true,"scan":true}}}""",
            Wire(BitableFieldDefinition.Barcode("条码")));
        JsonAssert.Equal("""{"field_name":"货币","type":2,"ui_type":"Currency","property":{"formatter":"0","currency_code":"MOP"}}""",
            Wire(BitableFieldDefinition.Currency("货币", "MOP", "0")));
        JsonAssert.Equal("""{"field_name":"评分","type":2,"ui_type":"Rating","property":{"formatter":"0","min":0,"max":10,"rating":{"symbol":"lightning"}}}""",
            Wire(BitableFieldDefinition.Rating("评分", 0, 10, "lightning")));
        JsonAssert.Equal("""{"field_name":"进度","type":2,"ui_type":"Progress","property":{"formatter":"0.00%","min":0.1,"max":4,"range_customize":true}}""",
            Wire(BitableFieldDefinition.Progress("进度", "0.00%", 0.1m, 4m)));
        JsonAssert.Equal("""{"field_name":"日期","type":5,"ui_type":"DateTime","property":{"date_formatter":"yyyy/MM/dd HH:mm","auto_fill":false}}""",
            Wire(BitableFieldDefinition.DateTime("日期", "yyyy/MM/dd HH:mm", autoFill: false)));
        JsonAssert.Equal("""{"field_name":"双向关联","type":21,"ui_type":"DuplexLink","property":{"multiple":true,"table_id":"tblxyz","back_field_name":"双向关联表-自动生成"}}""",
            Wire(BitableFieldDefinition.DuplexLink("双向关联", "tblxyz", "双向关联表-自动生成")));
        JsonAssert.Equal("""{"field_name":"地理位置","type":22,"ui_type":"Location","property":{"location":{"input_type":"not_limit"}}}""",
            Wire(BitableFieldDefinition.Location("地理位置")));
        JsonAssert.Equal("""{"field_name":"编号","type":1005,"ui_type":"AutoNumber","property":{"auto_serial":{"type":"custom","options":[{"type":"system_number","value":"3"},{"type":"fixed_text","value":"no"}]}}}""",
            Wire(BitableFieldDefinition.AutoNumber("编号", new BitableAutoSerialPart("system_number", "3"), new BitableAutoSerialPart("fixed_text", "no"))));
        JsonAssert.Equal("""{"field_name":"状态","type":3,"ui_type":"SingleSelect","property":{"options":[{"name":"进行中"},{"name":"完成"}]},"description":{"text":"当前状态","disable_sync":true}}""",
            Wire(BitableFieldDefinition.SingleSelect("状态", "进行中", "完成") with { Description = "当前状态", DescriptionDisableSync = true }));
        JsonAssert.Equal("""{"field_name":"人员","type":11,"ui_type":"User","property":{"multiple":false}}""", Wire(BitableFieldDefinition.User("人员", multiple: false)));
        JsonAssert.Equal("""{"field_name":"文本","type":1,"ui_type":"Text"}""", Wire(BitableFieldDefinition.Text("文本")));
    }

    [Fact]
    public void Definitions_Feishu_would_refuse_are_refused_locally()
    {
        Assert.Contains("lookup", Refusal(new BitableFieldDefinition("Look", BitableFieldType.Lookup)), StringComparison.Ordinal);
        Assert.Contains("linked table's id", Refusal(BitableFieldDefinition.SingleLink("Link", " ")), StringComparison.Ordinal);
        Assert.Contains("expression", Refusal(BitableFieldDefinition.Formula("F", "")), StringComparison.Ordinal);
        Assert.Contains("minimum must be 0 or 1", Refusal(BitableFieldDefinition.Rating("R", 2, 5)), StringComparison.Ordinal);
        Assert.Contains("maximum must be a whole number from 1 to 10", Refusal(BitableFieldDefinition.Rating("R", 1, 11)), StringComparison.Ordinal);
        Assert.Contains("symbol must be one of", Refusal(BitableFieldDefinition.Rating("R", symbol: "cat")), StringComparison.Ordinal);
        Assert.Contains("colour 60", Refusal(BitableFieldDefinition.SingleSelect("S") with
        {
            Property = new BitableFieldProperty { Options = [new BitableSelectOption("a") { Color = 60 }] },
        }), StringComparison.Ordinal);
        Assert.Contains("option [0] has no name", Refusal(BitableFieldDefinition.MultiSelect("M", "")), StringComparison.Ordinal);
        Assert.Contains("currency needs its code", Refusal(BitableFieldDefinition.Currency("C", "")), StringComparison.Ordinal);
        Assert.Contains("minimum below its maximum", Refusal(BitableFieldDefinition.Progress("P", min: 5, max: 1)), StringComparison.Ordinal);
        Assert.Contains("only_mobile or not_limit", Refusal(BitableFieldDefinition.Location("L", "anywhere")), StringComparison.Ordinal);
        Assert.Contains("no name", Refusal(BitableFieldDefinition.Text(" ")), StringComparison.Ordinal);
        BitableFieldDefinition.Rating("R", 0, 10).ThrowIfInvalid("field");

        static string Refusal(BitableFieldDefinition definition) => Assert.Throws<ArgumentException>(() => definition.ThrowIfInvalid("field")).Message;
    }

    [Fact]
    public void Fields_read_as_listed_with_typed_properties_and_unknown_members_kept()
    {
        const string Page = """
            {"code":0,"msg":"success","data":{"has_more":false,"total":4,"items":[
              {"field_id":"fldYWaldeW","field_name":"多行文本","is_primary":true,"property":null,"type":1,"ui_type":"Text","description":"说明"},
              {"field_id":"fldmeqmpVA","field_name":"多选","is_primary":false,"property":{"options":[{"color":0,"id":"opt5XoXIB0","name":"选项1"},{"color":1,"id":"optCvWAQfP","name":"选项2"}]},"type":4,"ui_type":"MultiSelect"},
              {"field_id":"fldaQAG9aL","field_name":"数据表","is_primary":false,"property":{"multiple":true,"table_id":"tbltDA6cN3ou5r43","table_name":"数据表","filter_info":{"target_table":"tbl2"}},"type":18,"ui_type":"SingleLink","description":[{"type":"text","text":"关联"}]},
              {"field_id":"fldNew","field_name":"签名","type":99,"ui_type":"Signature","is_hidden":true,"description":{"text":"新","disable_sync":false}}
            ]}}
            """;

        var page = JsonSerializer.Deserialize(Page, BitableJsonContext.Wire.FieldPageEnvelope)!.Data!;
        var fields = page.Items!;

        Assert.Equal(("多行文本", BitableFieldType.Text, true, "说明"), (fields[0].FieldName, fields[0].Type, fields[0].IsPrimary, fields[0].Description));
        Assert.Equal(["选项1", "选项2"], fields[1].Property!.Options!.Select(o => o.Name));
        Assert.Equal(("optCvWAQfP", 1), (fields[1].Property!.Options![1].Id, fields[1].Property!.Options![1].Color));
        Assert.Equal(("tbltDA6cN3ou5r43", "数据表", true), (fields[2].Property!.TableId, fields[2].Property!.TableName, fields[2].Property!.Multiple));
        Assert.True(fields[2].Property!.Extra!.ContainsKey("filter_info"));
        Assert.Equal("关联", fields[2].Description);
        Assert.Equal(((BitableFieldType)99, "Signature", true, "新"), (fields[3].Type, fields[3].UiType, fields[3].IsHidden, fields[3].Description));

        // A property read back is sent back with what the library does not model.
        var again = JsonSerializer.SerializeToNode(fields[2].Property!, BitableJsonContext.Wire.Options);
        Assert.Equal("tbl2", again!["filter_info"]!["target_table"]!.GetValue<string>());
    }
}
