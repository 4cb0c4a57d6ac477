using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Feishu.Bitable;
using Larkway.Feishu.Tests.Cards;

namespace Larkway.Feishu.Tests.Bitable;

/// <summary>
/// The cell shapes of feishu-api.md §8.2, from the examples of the record data-structure and search pages: each typed
/// value reads what Feishu returns and writes what it accepts.
/// </summary>
public class BitableValueShapeTests
{
    // One record as the search page's response example returns it (values as documented; URLs shortened).
    private const string SearchRecordFields = """
        {
          "人员": [
            {"avatar_url": "https://example.test/a.webp", "email": "zhangsan.leben@bytedance.com", "en_name": "ZhangSan", "id": "ou_2910013f1e6456f16a0ce75ede950a0a", "name": "张三"},
            {"avatar_url": "https://example.test/b.webp", "email": "lisi.00@bytedance.com", "en_name": "LiSi", "id": "ou_e04138c9633dd0d2ea166d79f548ab5d", "name": "李四"}
          ],
          "创建时间": 1691049973000,
          "单向关联": {"link_record_ids": ["recnVYsuqV"]},
          "单选": "选项1",
          "双向关联": {"link_record_ids": ["recqLvMaXT", "recrdld32q"]},
          "地理位置": {"address": "东长安街", "adname": "东城区", "cityname": "北京市", "full_address": "天安门广场，北京市东城区东长安街", "location": "116.397755,39.903179", "name": "天安门广场", "pname": "北京市"},
          "复选框": true,
          "多行文本": [
            {"text": "多行文本内容1", "type": "text"},
            {"mentionNotify": false, "mentionType": "User", "name": "张三", "text": "@张三", "token": "ou_2910013f1e6456f16a0ce75ede950a0a", "type": "mention"}
          ],
          "多选": ["选项1", "选项2"],
          "数字": 2323.2323,
          "日期": 1690992000000,
          "条码": [{"text": "123", "type": "text"}],
          "电话号码": "131xxxx6666",
          "自动编号": "17",
          "群组": [{"avatar_url": "https://example.test/c.webp", "id": "oc_cd07f55f14d6f4a4f1b51504e7e97f48", "name": "武侠聊天组"}],
          "评分": 3,
          "货币": 1,
          "超链接": {"link": "https://bitable.feishu.cn", "text": "飞书多维表格官网"},
          "进度": 0.66,
          "附件": [{"file_token": "Vl3FbVkvnowlgpxpqsAbBrtFcrd", "name": "飞书.jpeg", "size": 32975, "tmp_url": "https://example.test/tmp", "type": "image/jpeg", "url": "https://example.test/download"}],
          "是否延期": {"type": 1, "value": [{"text": "✅ 正常", "type": "text"}]}
        }
        """;

    private static BitableFieldValues Cells()
    {
        var cells = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(SearchRecordFields)!;
        return new BitableFieldValues(cells);
    }

    [Fact]
    public void Text_reads_segments_with_mentions_and_writes_one_string()
    {
        var text = Cells().Get<BitableValue.Text>("多行文本")!;

        Assert.Equal(2, text.Segments.Count);
        Assert.Equal(new BitableTextSegment("mention", "@张三") { MentionType = "User", MentionNotify = false, Name = "张三", Token = "ou_2910013f1e6456f16a0ce75ede950a0a" }, text.Segments[1]);
        Assert.Equal("多行文本内容1@张三", text.PlainText);
        Assert.Equal("\"多行文本内容1@张三\"", text.ToJson());
        Assert.Equal("\"hello\"", new BitableValue.Text("hello").ToJson());
        Assert.Equal("123", Cells().Get<BitableValue.Text>("条码")!.PlainText);
    }

    [Fact]
    public void An_email_reads_as_a_url_segment_and_writes_the_address()
    {
        var email = BitableValue.Parse<BitableValue.Text>("""[{"link": "mailto:zhangmin@bytedance.com", "text": "zhangmin@bytedance.com", "type": "url"}]""")!;

        Assert.Equal("url", email.Segments[0].Type);
        Assert.Equal("mailto:zhangmin@bytedance.com", email.Segments[0].Link);
        Assert.Equal("\"zhangmin@bytedance.com\"", email.ToJson());
    }

    [Fact]
    public void Numbers_dates_checkboxes_selects_phones_and_auto_numbers_read_and_write_as_scalars()
    {
        var cells = Cells();

        Assert.Equal(2323.2323m, cells.Get<BitableValue.Number>("数字")!.Value);
        Assert.Equal(0.66m, cells.Get<BitableValue.Number>("进度")!.Value);
        Assert.Equal(3m, cells.Get<BitableValue.Number>("评分")!.Value);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1690992000000), cells.Get<BitableValue.Date>("日期")!.Value);
        Assert.True(cells.Get<BitableValue.Checkbox>("复选框")!.Checked);
        Assert.Equal("选项1", cells.Get<BitableValue.SingleSelect>("单选")!.Option);
        Assert.Equal(["选项1", "选项2"], cells.Get<BitableValue.MultiSelect>("多选")!.Options);
        Assert.Equal("131xxxx6666", cells.Get<BitableValue.Phone>("电话号码")!.Value);
        Assert.Equal("17", cells.Get<BitableValue.AutoNumber>("自动编号")!.Value);

        Assert.Equal("2323.2323", new BitableValue.Number(2323.2323m).ToJson());
        Assert.Equal("1675526400000", new BitableValue.Date(DateTimeOffset.FromUnixTimeMilliseconds(1675526400000)).ToJson());
        Assert.Equal("true", new BitableValue.Checkbox(true).ToJson());
        Assert.Equal("\"进行中\"", new BitableValue.SingleSelect("进行中").ToJson());
        Assert.Equal("""["审批集成","办公管理","身份管理"]""", new BitableValue.MultiSelect("审批集成", "办公管理", "身份管理").ToJson());
        Assert.Equal("\"17899870000\"", new BitableValue.Phone("17899870000").ToJson());
        Assert.Equal("null", BitableValue.Clear.ToJson());
    }

    [Fact]
    public void People_read_as_objects_and_write_as_ids()
    {
        var people = Cells().Get<BitableValue.Persons>("人员")!;

        Assert.Equal(["ou_2910013f1e6456f16a0ce75ede950a0a", "ou_e04138c9633dd0d2ea166d79f548ab5d"], people.Ids);
        Assert.Equal(("张三", "ZhangSan", "zhangsan.leben@bytedance.com"), (people.People[0].Name, people.People[0].EnName, people.People[0].Email));
        JsonAssert.Equal("""[{"id":"ou_2910013f1e6456f16a0ce75ede950a0a"},{"id":"ou_e04138c9633dd0d2ea166d79f548ab5d"}]""", JsonNode.Parse(people.ToJson()));
        Assert.Equal("""[{"id":"ou_1"}]""", new BitableValue.Persons("ou_1").ToJson());
    }

    [Fact]
    public void Links_read_from_link_record_ids_and_write_as_ids()
    {
        var cells = Cells();
        var one = cells.Get<BitableValue.Links>("单向关联")!;
        var two = cells.Get<BitableValue.Links>("双向关联")!;

        Assert.Equal(["recnVYsuqV"], one.RecordIds);
        Assert.Equal(["recqLvMaXT", "recrdld32q"], two.RecordIds);
        Assert.Equal("""["recqLvMaXT","recrdld32q"]""", two.ToJson());

        // The write shape and the older list shape read too.
        Assert.Equal(["rec1"], BitableValue.Parse<BitableValue.Links>("""["rec1"]""")!.RecordIds);
        Assert.Equal(["rec1", "rec2"], BitableValue.Parse<BitableValue.Links>("""[{"record_ids":["rec1","rec2"],"table_id":"tbl1","text":"a,b","type":"text"}]""")!.RecordIds);
        Assert.Empty(BitableValue.Parse<BitableValue.Links>("""{"link_record_ids":null}""")!.RecordIds);
    }

    [Fact]
    public void Urls_attachments_places_and_chats_read_their_objects_and_write_what_Feishu_takes()
    {
        var cells = Cells();
        var url = cells.Get<BitableValue.Url>("超链接")!;
        var files = cells.Get<BitableValue.Attachments>("附件")!;
        var place = cells.Get<BitableValue.Location>("地理位置")!;
        var chats = cells.Get<BitableValue.GroupChats>("群组")!;

        Assert.Equal(new BitableValue.Url("飞书多维表格官网", "https://bitable.feishu.cn"), url);
        JsonAssert.Equal("""{"text":"飞书多维表格官网","link":"https://bitable.feishu.cn"}""", JsonNode.Parse(url.ToJson()));
        Assert.Equal(("飞书.jpeg", "image/jpeg", 32975L), (files.Files[0].Name, files.Files[0].Type, files.Files[0].Size));
        Assert.Equal("""[{"file_token":"Vl3FbVkvnowlgpxpqsAbBrtFcrd"}]""", files.ToJson());
        Assert.Equal(("天安门广场", "北京市", 116.397755, 39.903179), (place.Place.Name, place.Place.Cityname, place.Place.Longitude, place.Place.Latitude));
        Assert.Equal("\"116.397755,39.903179\"", place.ToJson());
        Assert.Equal("\"116.3,39.9\"", new BitableValue.Location(116.3, 39.9).ToJson());
        Assert.Equal("武侠聊天组", chats.Chats[0].Name);
        Assert.Equal("""[{"id":"oc_cd07f55f14d6f4a4f1b51504e7e97f48"}]""", chats.ToJson());
    }

    [Fact]
    public void A_formula_reads_its_result_by_its_type_and_is_not_writable()
    {
        var formula = Cells().Get<BitableValue.Formula>("是否延期")!;

        Assert.Equal(BitableFieldType.Text, formula.ResultType);
        Assert.False(formula.IsWritable);
        var text = Assert.IsType<BitableValue.Text>(Assert.Single(formula.Results));
        Assert.Equal("✅ 正常", text.PlainText);

        var numeric = BitableValue.Parse<BitableValue.Formula>("""{"type":2,"value":[3.5,4]}""")!;
        Assert.Equal([new BitableValue.Number(3.5m), new BitableValue.Number(4m)], numeric.Results);
    }

    [Fact]
    public void Reading_by_field_type_picks_the_shape_and_created_fields_read_as_dates_and_people()
    {
        var cells = Cells();

        Assert.Equal(new BitableValue.Date(DateTimeOffset.FromUnixTimeMilliseconds(1691049973000)), cells.Get("创建时间", BitableFieldType.CreatedTime));
        Assert.IsType<BitableValue.Persons>(cells.Get("人员", BitableFieldType.CreatedUser));
        Assert.IsType<BitableValue.Links>(cells.Get("双向关联", BitableFieldType.DuplexLink));
        Assert.IsType<BitableValue.Raw>(cells.Get("数字", (BitableFieldType)42));
        Assert.Null(cells.Get("没有", BitableFieldType.Text));

        var typed = cells.Read([
            new BitableField { FieldName = "多行文本", Type = BitableFieldType.Text },
            new BitableField { FieldName = "人员", Type = BitableFieldType.User },
        ]);
        Assert.IsType<BitableValue.Text>(typed["多行文本"]);
        Assert.IsType<BitableValue.Persons>(typed["人员"]);
        Assert.IsType<BitableValue.Raw>(typed["数字"]);
        Assert.Equal(cells.Count, typed.Count);
    }

    [Fact]
    public void A_cell_of_the_wrong_shape_names_the_field()
    {
        var ex = Assert.Throws<FormatException>(() => Cells().Get<BitableValue.Persons>("数字"));

        Assert.Contains("'数字'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("the number 2323.2323", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_read_from_a_record_is_written_back_in_the_write_shape()
    {
        var cells = Cells();
        var fields = new BitableRecordFields
        {
            ["多行文本"] = cells.Get<BitableValue.Text>("多行文本")!,
            ["人员"] = cells.Get<BitableValue.Persons>("人员")!,
            ["双向关联"] = cells.Get<BitableValue.Links>("双向关联")!,
            ["附件"] = cells.Get<BitableValue.Attachments>("附件")!,
            ["地理位置"] = cells.Get<BitableValue.Location>("地理位置")!,
            ["新类型"] = BitableValue.Raw.FromText("""{"anything":[1,2]}"""),
            ["清空"] = BitableValue.Clear,
        };

        var json = JsonSerializer.SerializeToNode(fields, BitableJsonContext.Wire.Options);

        JsonAssert.Equal("""
            {"多行文本":"多行文本内容1@张三",
             "人员":[{"id":"ou_2910013f1e6456f16a0ce75ede950a0a"},{"id":"ou_e04138c9633dd0d2ea166d79f548ab5d"}],
             "双向关联":["recqLvMaXT","recrdld32q"],
             "附件":[{"file_token":"Vl3FbVkvnowlgpxpqsAbBrtFcrd"}],
             "地理位置":"116.397755,39.903179",
             "新类型":{"anything":[1,2]},
             "清空":null}
            """, json);
    }

    [Fact]
    public void Values_Feishu_would_refuse_are_refused_locally_with_every_problem_named()
    {
        var fields = new BitableRecordFields
        {
            ["Phone"] = new BitableValue.Phone("call me"),
            ["Chats"] = new BitableValue.GroupChats(Enumerable.Range(0, 11).Select(i => $"oc_{i}").ToArray()),
            ["People"] = new BitableValue.Persons("ou_1", " "),
            ["Formula"] = BitableValue.Parse<BitableValue.Formula>("""{"type":2,"value":[1]}""")!,
            ["Place"] = new BitableValue.Location(200, 10),
            ["Ok"] = new BitableValue.Text("fine"),
        };

        var ex = Assert.Throws<ArgumentException>(() => fields.ThrowIfInvalid("fields", row: 3));

        Assert.StartsWith("Record [3]: field 'Phone'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("field 'Chats' has 11 group chats; a cell holds at most 10", ex.Message, StringComparison.Ordinal);
        Assert.Contains("field 'People' has an empty user id at [1]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("field 'Formula' is a formula or lookup result", ex.Message, StringComparison.Ordinal);
        Assert.Contains("field 'Place' '200,10' is not", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'Ok'", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new BitableRecordFields().ThrowIfInvalid("fields"));
        new BitableRecordFields { ["Phone"] = new BitableValue.Phone("+8613800000000") }.ThrowIfInvalid("fields");
    }

    [Fact]
    public void An_event_field_value_string_parses_by_type()
    {
        Assert.Equal(666m, ((BitableValue.Number)BitableValue.Parse(BitableFieldType.Number, "666")!).Value);
        Assert.Equal("a", BitableValue.Parse<BitableValue.Text>("""[{"type":"text","text":"a"}]""")!.PlainText);
        Assert.Null(BitableValue.Parse(BitableFieldType.Text, "null"));
        Assert.Null(BitableValue.Parse(BitableFieldType.Text, ""));
        Assert.Throws<FormatException>(() => BitableValue.Parse(BitableFieldType.Text, "{not json"));
    }
}
