using System.Text.Json;
using Larkway.DingTalk.Workflow;
using Larkway.Hub.Approvals;
using Larkway.Hub.DingTalk.Approvals;

namespace Larkway.Hub.Tests.DingTalk;

/// <summary>A DingTalk template's controls as the approvals' fields, and normalised values as DingTalk's form values.</summary>
public sealed class DingTalkApprovalFormTests
{
    private static readonly IReadOnlyList<DingTalkFormComponent> Components =
    [
        new("MoneyField", "m1", "Amount", true),
        new("DDDateField", "d1", "Due", false),
        new("DDDateRangeField", "r1", "Trip", false),
        new("DDSelectField", "s1", "Category", false) { Options = [new("option_0", "Hardware"), new("option_1", "Software")] },
        new("DDMultiSelectField", "s2", "Sites", false) { Options = [new("option_0", "Beijing"), new("option_1", "Hangzhou")] },
        new("TableField", "t1", "Items", false) { Children = [new("TextField", "t1c1", "Item", true), new("NumberField", "t1c2", "Count", true)] },
        new("DDAttachment", "a1", "Files", false),
        new("InnerContactField", "p1", "Contact", false),
    ];

    [Fact]
    public void Controls_map_to_the_vocabularys_kinds_with_options_and_columns()
    {
        var fields = DingTalkApprovalForm.Fields(Components);

        fields.Select(f => f.Kind).ShouldBe(
        [
            ApprovalFieldKind.Amount, ApprovalFieldKind.Date, ApprovalFieldKind.DateRange, ApprovalFieldKind.Option,
            ApprovalFieldKind.Options, ApprovalFieldKind.Table, ApprovalFieldKind.Attachment, ApprovalFieldKind.Other,
        ]);
        fields[3].Options.ShouldBe([("option_0", "Hardware"), ("option_1", "Software")]);
        fields[5].Columns.Select(c => (c.Id, c.Name, c.Kind, c.Required)).ShouldBe([("t1c1", "Item", ApprovalFieldKind.Text, true), ("t1c2", "Count", ApprovalFieldKind.Number, true)]);
        fields.ShouldAllBe(f => f.PlatformKind != null);
    }

    [Fact]
    public void Values_go_as_dingtalk_documents_them_each_a_string_under_the_controls_label()
    {
        var definition = new ApprovalFieldsDefinition { Code = "PROC-1", Fields = DingTalkApprovalForm.Fields(Components) };
        var form = Json("""
            {
              "Amount": {"value": 1200.5, "currency": "CNY"},
              "d1": "2026-12-01T02:30:00Z",
              "Trip": {"start": "2026-12-01", "end": "2026-12-03"},
              "Category": "Software",
              "Sites": ["option_0", "Hangzhou"],
              "Items": [{"Item": "Cable", "Count": 3}],
              "Files": [{"spaceId": "1", "fileId": "f1", "fileName": "a.pdf", "fileSize": "10", "fileType": "pdf"}],
              "Contact": ["alice"]
            }
            """);
        definition.CheckForm(form).Problems.ShouldBeEmpty();

        var wire = DingTalkApprovalForm.Wire(definition.Values(form)).ToDictionary(v => v.Name, v => v.Value);

        wire["Amount"].ShouldBe("1200.5");
        wire["Due"].ShouldBe("2026-12-01 10:30"); // a time goes in China Standard Time
        wire["Trip"].ShouldBe("""["2026-12-01","2026-12-03"]""");
        wire["Category"].ShouldBe("Software");
        wire["Sites"].ShouldBe("""["Beijing","Hangzhou"]""");
        wire["Items"].ShouldBe("""[[{"name":"Item","value":"Cable"},{"name":"Count","value":"3"}]]""");
        JsonDocument.Parse(wire["Files"]).RootElement[0].GetProperty("fileId").GetString().ShouldBe("f1");
        wire["Contact"].ShouldBe("""["alice"]""");
    }

    [Fact]
    public void A_table_row_in_the_wrong_shape_is_named_by_its_row_and_column()
    {
        var definition = new ApprovalFieldsDefinition { Code = "PROC-1", Fields = DingTalkApprovalForm.Fields(Components), MaxFields = DingTalkApprovalForm.MaxComponents };

        var check = definition.CheckForm(Json("""{"Amount": 1, "Items": [{"Item": "Cable", "Count": 3}, {"Item": "Plug"}]}"""));

        check.Problems.ShouldHaveSingleItem().Field.ShouldBe("form.Items[1].Count");
    }

    [Fact]
    public void A_form_holds_what_was_sent_only_when_every_filled_control_matches()
    {
        IReadOnlyList<DingTalkFormValue> sent = [new("Amount", "10") { Id = "m1" }, new("Reason", "Coffee")];

        DingTalkApprovalForm.Holds([new("Amount", "10"), new("Reason", "Coffee"), new("Due", "")], sent).ShouldBeTrue();
        DingTalkApprovalForm.Holds([new("Amount", "10"), new("Reason", "Tea")], sent).ShouldBeFalse();
        DingTalkApprovalForm.Holds([new("Amount", "10"), new("Reason", "Coffee"), new("Due", "2026-12-01")], sent).ShouldBeFalse();
    }

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
