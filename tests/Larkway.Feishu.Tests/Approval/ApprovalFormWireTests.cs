using Larkway.Feishu.Approval;
using static Larkway.Feishu.Tests.Approval.ApprovalFixtures;
using V = Larkway.Feishu.Approval.ApprovalFormValue;

namespace Larkway.Feishu.Tests.Approval;

public class ApprovalFormWireTests
{
    [Fact]
    public void Each_widget_type_is_written_as_documented()
    {
        var form = ApprovalForm.Of(
            new V.Input("w1", "出差"),
            new V.Textarea("w2", "a\nb"),
            new V.Number("w3", 1234.5678m),
            new V.Amount("w4", 12.50m, "USD"),
            new V.Formula("w5", 7m),
            new V.Date("w6", Nine),
            new V.DateInterval("w7", Nine, Nine.AddDays(1).AddHours(12)),
            new V.DateInterval("w8", Nine, Nine.AddDays(1), 0.5),
            new V.Radio("w9", "opt-1"),
            new V.Checkbox("w10", ["a", "b"]),
            new V.Contact("w11", ["u1"], ["ou_1"]),
            new V.Contact("w12", ["u2"]),
            new V.Department("w13", ["od-1", "od-2"]),
            new V.Telephone("w14", "+86", "13122222222"),
            new V.Attachment("w15", ["F1"]),
            new V.Image("w16", ["P1"]),
            new V.Connect("w17", ["I1"]),
            new V.Document("w18", "doxTok"),
            new V.Raw("w19", "shiftGroup", Parse("""{"shiftTime":"2019-10-01T08:12:01+08:00","returnTime":"2019-10-02T08:12:01+08:00","reason":"swap"}""")));

        var expected = string.Concat(
            """[{"id":"w1","type":"input","value":"出差"},""",
            """{"id":"w2","type":"textarea","value":"a\nb"},""",
            """{"id":"w3","type":"number","value":1234.5678},""",
            """{"id":"w4","type":"amount","value":12.50,"currency":"USD"},""",
            """{"id":"w5","type":"formula","value":7},""",
            """{"id":"w6","type":"date","value":"2026-01-31T09:00:00+08:00"},""",
            """{"id":"w7","type":"dateInterval","value":{"start":"2026-01-31T09:00:00+08:00","end":"2026-02-01T21:00:00+08:00","interval":1.5}},""",
            """{"id":"w8","type":"dateInterval","value":{"start":"2026-01-31T09:00:00+08:00","end":"2026-02-01T09:00:00+08:00","interval":0.5}},""",
            """{"id":"w9","type":"radioV2","value":"opt-1"},""",
            """{"id":"w10","type":"checkboxV2","value":["a","b"]},""",
            """{"id":"w11","type":"contact","value":["u1"],"open_ids":["ou_1"]},""",
            """{"id":"w12","type":"contact","value":["u2"]},""",
            """{"id":"w13","type":"department","value":[{"open_id":"od-1"},{"open_id":"od-2"}]},""",
            """{"id":"w14","type":"telephone","value":{"countryCode":"+86","nationalNumber":"13122222222"}},""",
            """{"id":"w15","type":"attachmentV2","value":["F1"]},""",
            """{"id":"w16","type":"image","value":["P1"]},""",
            """{"id":"w17","type":"connect","value":["I1"]},""",
            """{"id":"w18","type":"document","value":{"token":"doxTok","type":"docx"}},""",
            """{"id":"w19","type":"shiftGroup","value":{"shiftTime":"2019-10-01T08:12:01+08:00","returnTime":"2019-10-02T08:12:01+08:00","reason":"swap"}}]""");
        Assert.Equal(expected, form.ToWireJson());
    }

    [Fact]
    public void A_detail_table_is_a_two_dimensional_array_of_entries()
    {
        var form = ApprovalForm.Of(new V.FieldList("t", [[new V.Input("c1", "x"), new V.Number("c2", 1)], [new V.Input("c1", "y")]]));

        Assert.Equal(
            """[{"id":"t","type":"fieldList","value":[[{"id":"c1","type":"input","value":"x"},{"id":"c2","type":"number","value":1}],[{"id":"c1","type":"input","value":"y"}]]}]""",
            form.ToWireJson());
    }

    [Fact]
    public void With_the_definition_custom_ids_become_widget_ids_and_types_follow_the_widget()
    {
        var definition = ApprovalFixtures.Definition("""
            [{"id":"widget_kind","custom_id":"kind","name":"K","type":"radio","option":[{"value":"a","text":"A"}]},
             {"id":"widget_pics","custom_id":"pics","name":"P","type":"imageV2"},
             {"id":"widget_items","custom_id":"items","name":"T","type":"fieldList","children":[{"id":"widget_c","custom_id":"c","name":"C","type":"checkbox","option":[{"value":"x","text":"X"}]}]}]
            """);
        var form = ApprovalForm.Of(
            new V.Radio("kind", "a"),
            new V.Image("widget_pics", ["P1"]),
            new V.FieldList("items", [[new V.Checkbox("c", ["x"])]]));

        Assert.Equal(
            """[{"id":"widget_kind","type":"radio","value":"a"},{"id":"widget_pics","type":"imageV2","value":["P1"]},{"id":"widget_items","type":"fieldList","value":[[{"id":"widget_c","type":"checkbox","value":["x"]}]]}]""",
            form.ToWireJson(definition));
        Assert.StartsWith("""[{"id":"kind","type":"radioV2",""", form.ToWireJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_explicit_type_is_kept()
    {
        var form = ApprovalForm.Of(new V.Radio("k", "a") { Type = "radio" });

        Assert.Equal("""[{"id":"k","type":"radio","value":"a"}]""", form.ToWireJson());
    }

    [Fact]
    public void Dates_keep_their_offset_and_drop_sub_seconds()
    {
        var utc = new DateTimeOffset(2026, 3, 1, 23, 59, 58, 999, TimeSpan.Zero);

        Assert.Equal("""[{"id":"d","type":"date","value":"2026-03-01T23:59:58+00:00"}]""", ApprovalForm.Of(new V.Date("d", utc)).ToWireJson());
    }
}
