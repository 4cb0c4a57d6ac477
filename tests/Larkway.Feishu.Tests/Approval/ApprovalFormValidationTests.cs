using System.Text.Json;
using Larkway.Feishu.Approval;
using static Larkway.Feishu.Tests.Approval.ApprovalFixtures;
using V = Larkway.Feishu.Approval.ApprovalFormValue;

namespace Larkway.Feishu.Tests.Approval;

public class ApprovalFormValidationTests
{
    private static readonly ApprovalDefinition Definition = ApprovalFixtures.Definition();

    [Fact]
    public void The_required_widgets_alone_are_valid()
    {
        Assert.Empty(ApprovalForm.Of(Required()).Validate(Definition));
    }

    [Fact]
    public void A_value_for_every_supported_widget_type_is_valid()
    {
        var form = ApprovalForm.Of(
        [
            .. Required(),
            new V.Textarea("widget_notes", "line 1\nline 2"),
            new V.Formula("total", 3601.5m),
            new V.Date("day", Nine),
            new V.DateInterval("trip", Nine, Nine.AddDays(2)),
            new V.Checkbox("tags", ["x", "z"]),
            new V.Contact("people", ["u1"], ["ou_1"]),
            new V.Department("dept", ["od-1"]),
            new V.Telephone("phone", "+86", "13800000000"),
            new V.Attachment("files", ["F1"]),
            new V.Image("pics", ["P1"]),
            new V.Connect("linked", ["I-1"]),
            new V.Document("doc", "doxcnToken"),
            new V.FieldList("items", [[new V.Input("item_name", "Taxi"), new V.Amount("price", 42m, "CNY")]]),
            new V.Raw("widgetLeaveGroupV2", "leaveGroupV2", Parse("""[{"id":"widgetLeaveGroupType","type":"radioV2","value":"1"}]""")),
        ]);

        Assert.Empty(form.Validate(Definition));
    }

    [Fact]
    public void An_empty_form_lists_every_required_widget_at_once()
    {
        var errors = ApprovalForm.Empty.Validate(Definition);

        Assert.Equal(["reason", "qty", "amount", "kind"], errors.Select(e => e.WidgetId));
        Assert.Equal("widget 'reason' (input) is required; give a text", errors[0].Message);
        Assert.Equal("widget 'kind' (radioV2) is required; give one of: a, b", errors[3].Message);
    }

    public static TheoryData<V, string, string> BadValues => new()
    {
        { new V.Amount("amount", 10m, ""), "amount", "widget 'amount' (amount) needs a currency such as \"CNY\"" },
        { new V.Amount("amount", 10m, "rmb"), "amount", "widget 'amount' (amount) has currency 'rmb'; give a three-letter upper-case code such as \"CNY\" or \"USD\"" },
        { new V.Radio("kind", "x"), "kind", "widget 'kind' (radioV2): 'x' is not one of: a, b" },
        { new V.Checkbox("tags", ["x", "q"]), "tags", "widget 'tags' (checkboxV2): 'q' is not one of: x, y, z" },
        { new V.Checkbox("tags", ["x", "x"]), "tags", "widget 'tags' (checkboxV2) lists 'x' more than once; list each option once" },
        { new V.Input("qty", "3"), "qty", "widget 'qty' (number) got a value of type input; give a number" },
        { new V.Number("reason", 1), "reason", "widget 'reason' (input) got a value of type number; give a text" },
        { new V.Textarea("reason", "x"), "reason", "widget 'reason' (input) got a value of type textarea; give a text" },
        { new V.Date("day", default), "day", "widget 'day' (date) has no date; give one such as 2026-01-31T09:00:00+08:00" },
        { new V.DateInterval("trip", Nine, Nine.AddHours(-1)), "trip", "widget 'trip' (dateInterval) ends (2026-01-31T08:00:00+08:00) before it starts (2026-01-31T09:00:00+08:00); swap them" },
        { new V.DateInterval("trip", Nine, Nine, -1), "trip", "widget 'trip' (dateInterval) has interval -1; give a length in days of 0 or more" },
        { new V.DateInterval("trip", Nine, Nine, double.NaN), "trip", "widget 'trip' (dateInterval) has interval NaN; give a length in days of 0 or more" },
        { new V.Telephone("phone", "86", "13800000000"), "phone", "widget 'phone' (telephone) has country code '86'; give '+' and digits such as \"+86\"" },
        { new V.Telephone("phone", "+86", "138-0000"), "phone", "widget 'phone' (telephone) has number '138-0000'; give the digits only, such as \"13800000000\"" },
        { new V.Contact("people", [" "]), "people", "widget 'people' (contact) has an empty user id at [0]; remove it or give a value" },
        { new V.Contact("people", [], ["ou_1", ""]), "people", "widget 'people' (contact) has an empty open id at [1]; remove it or give a value" },
        { new V.Department("dept", [""]), "dept", "widget 'dept' (department) has an empty department id at [0]; remove it or give a value" },
        { new V.Attachment("files", ["F1", ""]), "files", "widget 'files' (attachmentV2) has an empty file code at [1]; remove it or give a value" },
        { new V.Image("pics", [""]), "pics", "widget 'pics' (image) has an empty file code at [0]; remove it or give a value" },
        { new V.Connect("linked", [""]), "linked", "widget 'linked' (connect) has an empty instance code at [0]; remove it or give a value" },
        { new V.Document("doc", " "), "doc", "widget 'doc' (document) has no token; give a docx document_id, or leave the widget out" },
        { new V.Radio("widget_kind", ""), "kind", "widget 'kind' (radioV2) is required; give one of: a, b" },
        { new V.Telephone("phone", "+86", ""), "phone", "widget 'phone' (telephone) has number ''; give the digits only" },
        { new V.Input("nope", "x"), "nope", "there is no widget 'nope' in the form; use one of:" },
        { new V.Raw("addr", "address", Parse("\"Road 1\"")), "addr", "widget 'addr' (address): the create API does not accept address widgets; leave it out (fill it in Feishu) or remove it from the definition" },
        { new V.Input("widget_desc", "x"), "widget_desc", "widget 'widget_desc' (text): the create API does not accept text widgets" },
        { new V.Raw("widgetLeaveGroupV2", "workGroup", Parse("[]")), "widgetLeaveGroupV2", "widget 'widgetLeaveGroupV2' (leaveGroupV2) got a value of type workGroup; give a value as documented for leaveGroupV2" },
        { new V.Input("widget_kind", "a"), "kind", "widget 'kind' (radioV2) got a value of type input; give one of: a, b" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void A_bad_value_is_reported_with_its_widget_and_what_to_fix(V bad, string widgetId, string message)
    {
        var values = Required().Where(v => v.Id != bad.Id && !(bad.Id == "widget_kind" && v.Id == "kind")).Append(bad).ToArray();

        var errors = ApprovalForm.Of(values).Validate(Definition);

        var error = Assert.Single(errors);
        Assert.Equal(widgetId, error.WidgetId);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("  ")]
    [InlineData("")]
    public void A_blank_text_does_not_fill_a_required_widget(string text)
    {
        var values = Required().Where(v => v.Id != "reason").Append(new V.Input("reason", text)).ToArray();

        var error = Assert.Single(ApprovalForm.Of(values).Validate(Definition));

        Assert.Equal("widget 'reason' (input) is required; give a text", error.Message);
    }

    [Fact]
    public void A_widget_given_twice_by_id_and_custom_id_is_an_error()
    {
        var form = ApprovalForm.Of([.. Required(), new V.Input("widget_reason", "again")]);

        var error = Assert.Single(form.Validate(Definition));

        Assert.Equal("reason", error.WidgetId);
        Assert.Equal("widget 'reason' (input) is given more than once; give it once", error.Message);
    }

    [Fact]
    public void Detail_table_rows_are_checked_against_the_tables_widgets_with_row_paths()
    {
        var form = ApprovalForm.Of(
        [
            .. Required(),
            new V.FieldList("items",
            [
                [new V.Input("item_name", "Taxi"), new V.Amount("price", 42m, "")],
                [new V.Input("item_name", "Hotel")],
                [new V.Input("item_name", "Meal"), new V.Amount("price", 1m, "CNY"), new V.Input("colour", "red")],
            ]),
        ]);

        var errors = form.Validate(Definition);

        Assert.Equal(["items[0].price", "items[1].price", "items[2].colour"], errors.Select(e => e.WidgetId));
        Assert.Equal("widget 'items' (fieldList) row 1: widget 'price' (amount) needs a currency such as \"CNY\"", errors[0].Message);
        Assert.Equal("widget 'items' (fieldList) row 2: widget 'price' (amount) is required; give a number and a currency such as \"CNY\"", errors[1].Message);
        Assert.StartsWith("widget 'items' (fieldList) row 3: there is no widget 'colour' in the form; use one of: widget_item_name (item_name), widget_item_price (price)", errors[2].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var form = ApprovalForm.Of(
            new V.Amount("amount", 1m, ""),
            new V.Radio("kind", "nope"),
            new V.Input("ghost", "boo"),
            new V.Number("qty", 1));

        var errors = form.Validate(Definition);

        Assert.Equal(["amount", "kind", "ghost", "reason"], errors.Select(e => e.WidgetId));
    }

    [Fact]
    public void A_required_widget_the_api_cannot_fill_makes_the_form_unsendable_and_says_why()
    {
        var definition = ApprovalFixtures.Definition("""[{"id":"w1","name":"Where","type":"address","required":true},{"id":"w2","name":"Account","type":"apaascorehrOnboardingGroup","required":true}]""");

        var errors = ApprovalForm.Empty.Validate(definition);

        Assert.Equal(2, errors.Count);
        Assert.Equal("widget 'w1' (address) is required, but the create API cannot fill address widgets; make it optional in the definition or start the approval in Feishu", errors[0].Message);
        Assert.Contains("cannot fill apaascorehrOnboardingGroup widgets", errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_choice_widget_without_listed_options_accepts_any_value()
    {
        // External option sources are not listed in the definition; Feishu checks them.
        var definition = ApprovalFixtures.Definition("""[{"id":"w1","name":"Supplier","type":"radioV2","required":true}]""");

        Assert.Empty(ApprovalForm.Of(new V.Radio("w1", "ext-42")).Validate(definition));
    }

    [Fact]
    public void EnsureValid_throws_with_every_error()
    {
        var ex = Assert.Throws<ApprovalFormException>(() => ApprovalForm.Empty.EnsureValid(Definition));

        Assert.Equal(4, ex.Errors.Count);
        Assert.StartsWith("The approval form has 4 problems: widget 'reason' (input) is required", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_values_are_refused_when_the_form_is_built()
    {
        Assert.Throws<ArgumentNullException>(() => ApprovalForm.Of(new V.Input("a", "b"), null!));
    }

    [Fact]
    public void The_definition_form_parser_reads_options_given_as_a_json_string_and_skips_entries_without_an_id()
    {
        var widgets = ApprovalDefinitionForm.Parse("""[{"id":"w1","name":"K","type":"radio","option":"[{\"value\":\"a\",\"text\":\"A\"}]"},{"name":"no id","type":"input"}]""");

        var widget = Assert.Single(widgets);
        Assert.Equal([new ApprovalWidgetOption("a", "A")], widget.Options);
    }

    [Fact]
    public void A_definition_form_that_is_not_json_is_a_malformed_response()
    {
        var ex = Assert.Throws<FeishuApiException>(() => ApprovalDefinitionForm.Parse("[{oops"));

        Assert.Equal(FeishuErrorCodes.MalformedResponse, ex.Code);
        Assert.IsAssignableFrom<JsonException>(ex.InnerException);
    }
}
