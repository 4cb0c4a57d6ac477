using System.Text;
using System.Text.Json;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Feishu.Events.Models;
using Larkway.Feishu.Events.Models.Bitable;

namespace Larkway.Feishu.Events.Tests.Models;

/// <summary>The two bitable events, shaped like the examples of their official pages.</summary>
public sealed class BitableEventTests
{
    private const string Ids = """{"union_id":"on_8ed6aa67826108097d9ee143816345","user_id":"e33ggbyz","open_id":"ou_84aad35d084aa403a838cf73ee18467"}""";

    private static FeishuEvent ParseV2(string eventType, string eventJson) =>
        FeishuEventParser.Parse(FeishuEventEnvelope.Parse(Encoding.UTF8.GetBytes(
            """{"schema":"2.0","header":{"event_id":"5e3702a84e847582be8db7fb73283c02","event_type":""" + "\"" + eventType + "\"" +
            ""","create_time":"1608725989000","token":"rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV","app_id":"cli_9f5343c580712544","tenant_key":"2ca1d211f64f6438"},"event":""" + eventJson + "}")));

    [Fact]
    public void Record_changed_carries_per_field_values_as_json_strings_with_people_named()
    {
        var identity = """{"users":[{"user_id":""" + Ids + ""","name":"张敏","en_name":"Zhangmin","avatar_url":"https://example.test/a.webp"}]}""";
        var e = Assert.IsType<BitableRecordChangedEvent>(ParseV2(BitableRecordChangedEvent.Type, """
            {"file_type":"bitable","file_token":"bascnItn6oHUSEL8RDUdF6abcef","table_id":"tblOaqBWfGeabcef","revision":41,
             "operator_id":
            """ + Ids + """
            ,"action_list":[
               {"record_id":"rec9sabcef","action":"record_edited",
                "before_value":[{"field_id":"fld9Eabcef","field_value":"666","field_identity_value":
            """ + identity + """
            }],
                "after_value":[{"field_id":"fld9Eabcef","field_value":"[{\"type\":\"text\",\"text\":\"新\"}]"}]},
               {"record_id":"recNew","action":"record_added","before_value":[],"after_value":[{"field_id":"fldP","field_value":"[{\"id\":\"ou_1\"}]"}]}],
             "subscriber_id_list":[
            """ + Ids + """
            ],"update_time":1663727688}
            """));

        Assert.Equal(("bitable", "bascnItn6oHUSEL8RDUdF6abcef", "tblOaqBWfGeabcef", 41L), (e.FileType, e.FileToken, e.TableId, e.Revision));
        Assert.Equal("ou_84aad35d084aa403a838cf73ee18467", e.OperatorId?.OpenId);
        Assert.Equal(1663727688L, e.UpdateTime);
        var edited = e.ActionList[0];
        Assert.Equal((BitableRecordActions.Edited, "rec9sabcef"), (edited.Action, edited.RecordId));
        Assert.Equal("666", edited.BeforeValue![0].FieldValue);
        Assert.Equal(666, edited.BeforeValue[0].ParseValue().GetInt32());
        Assert.Equal("张敏", edited.BeforeValue[0].FieldIdentityValue!.Users![0].Name);
        Assert.Equal("e33ggbyz", edited.BeforeValue[0].FieldIdentityValue!.Users![0].UserId!.UserId);
        Assert.Equal("新", edited.AfterValue![0].ParseValue()[0].GetProperty("text").GetString());
        Assert.Equal(BitableRecordActions.Added, e.ActionList[1].Action);
        Assert.Empty(e.ActionList[1].BeforeValue!);
        Assert.Single(e.SubscriberIdList!);
    }

    [Fact]
    public void Field_changed_carries_the_field_before_and_after()
    {
        var field = """
            {"id":"fldmj5qNii","name":"field name","type":20,"description":"description","property":{
              "formatter":"1,000","date_formatter":"yyyyMMdd","auto_fill":true,"multiple":true,"table_id":"tblIniLz0Ic8oXyN","table_name":"table name",
              "back_field_name":"field name","input_type":"only_mobile","back_field_id":"fldmj5qNii",
              "auto_serial":{"type":"custom","options":[{"type":"created_time","value":"yyyyMMdd"}]},
              "options":[{"name":"option name","id":"optabcef","color":3}],
              "formula_expression":"bitable::$table[tblIniLz0Ic8oXyN].$field[fldqatAwxx]*6+333","new_setting":1}}
            """;
        var e = Assert.IsType<BitableFieldChangedEvent>(ParseV2(BitableFieldChangedEvent.Type,
            """{"file_type":"bitable","file_token":"bascntUPmnoH9kZbGJ8RWeabcef","table_id":"tblWXe2d0I0abcef","operator_id":""" + Ids +
            ""","action_list":[{"action":"field_edited","field_id":"fldmj5qNii","before_value":""" + field + ""","after_value":""" + field +
            """}],"revision":10,"subscriber_id_list":[""" + Ids + """],"update_time":1663727688}"""));

        Assert.Equal(("bascntUPmnoH9kZbGJ8RWeabcef", "tblWXe2d0I0abcef", 10L), (e.FileToken, e.TableId, e.Revision));
        var action = Assert.Single(e.ActionList);
        Assert.Equal((BitableFieldActions.Edited, "fldmj5qNii"), (action.Action, action.FieldId));
        var after = action.AfterValue!;
        Assert.Equal(("field name", 20, "description"), (after.Name, after.Type, after.Description));
        Assert.Equal(("1,000", "only_mobile", "fldmj5qNii"), (after.Property!.Formatter, after.Property.InputType, after.Property.BackFieldId));
        Assert.Equal(("custom", "created_time"), (after.Property.AutoSerial!.Type, after.Property.AutoSerial.Options![0].Type));
        Assert.Equal(("option name", "optabcef", 3), (after.Property.Options![0].Name, after.Property.Options[0].Id, after.Property.Options[0].Color));
        Assert.StartsWith("bitable::$table", after.Property.FormulaExpression, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Number, after.Property.Extra!["new_setting"].ValueKind);
    }

    [Fact]
    public void Both_types_are_known()
    {
        Assert.Contains(BitableRecordChangedEvent.Type, FeishuEventParser.KnownTypes);
        Assert.Contains(BitableFieldChangedEvent.Type, FeishuEventParser.KnownTypes);
    }
}
