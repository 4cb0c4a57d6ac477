using Larkway.Feishu.Approval;
using static Larkway.Feishu.Tests.Approval.ApprovalFixtures;
using V = Larkway.Feishu.Approval.ApprovalFormValue;

namespace Larkway.Feishu.Tests.Approval;

public class ApprovalFormFromJsonTests
{
    private static readonly ApprovalDefinition Definition = ApprovalFixtures.Definition();

    [Fact]
    public void Loose_values_of_every_type_become_typed_values_with_the_widgets_ids_and_types()
    {
        var form = ApprovalForm.FromJson(Parse("""
            {
              "reason": "Offsite", "widget_notes": 42, "qty": "3.5", "amount": {"value": "1200.50", "currency": "CNY"},
              "total": 7, "day": "2026-01-31T09:00:00+08:00", "trip": {"start": "2026-01-31T09:00:00+08:00", "end": "2026-02-01T09:00:00Z"},
              "kind": "a", "tags": "y", "people": ["u1", "ou_1"], "dept": [{"open_id": "od-1"}, "od-2"], "phone": "+86 138 0000 0000",
              "files": ["F1"], "pics": "P1", "linked": ["I-1"], "doc": {"token": "doxTok"},
              "items": [{"item_name": "Taxi", "price": {"value": 42, "currency": "CNY"}}],
              "widgetLeaveGroupV2": [{"id": "widgetLeaveGroupType", "type": "radioV2", "value": "1"}]
            }
            """), Definition);

        Assert.Empty(form.Validate(Definition));
        Assert.Equal(18, form.Count);
        Assert.All(form, v => Assert.StartsWith("widget", v.Id, StringComparison.Ordinal));
        Assert.Equal(new V.Input("widget_reason", "Offsite") { Type = "input" }, form[0]);
        Assert.Equal("42", Assert.IsType<V.Textarea>(form[1]).Value);
        Assert.Equal(3.5m, Assert.IsType<V.Number>(form[2]).Value);
        var amount = Assert.IsType<V.Amount>(form[3]);
        Assert.Equal((1200.50m, "CNY"), (amount.Value, amount.Currency));
        Assert.Equal(Nine, Assert.IsType<V.Date>(form[5]).Value);
        var trip = Assert.IsType<V.DateInterval>(form[6]);
        Assert.Equal((Nine, new DateTimeOffset(2026, 2, 1, 9, 0, 0, TimeSpan.Zero), (double?)null), (trip.Start, trip.End, trip.Interval));
        Assert.Equal("radioV2", form[7].Type);
        Assert.Equal(["y"], Assert.IsType<V.Checkbox>(form[8]).Options);
        var people = Assert.IsType<V.Contact>(form[9]);
        Assert.Equal(["u1"], people.UserIds);
        Assert.Equal(["ou_1"], people.OpenIds!);
        Assert.Equal(["od-1", "od-2"], Assert.IsType<V.Department>(form[10]).OpenDepartmentIds);
        var phone = Assert.IsType<V.Telephone>(form[11]);
        Assert.Equal(("+86", "13800000000"), (phone.CountryCode, phone.NationalNumber));
        Assert.Equal(["P1"], Assert.IsType<V.Image>(form[13]).FileCodes);
        Assert.Equal("doxTok", Assert.IsType<V.Document>(form[15]).Token);
        var row = Assert.Single(Assert.IsType<V.FieldList>(form[16]).Rows);
        Assert.Equal(["widget_item_name", "widget_item_price"], row.Select(c => c.Id));
        Assert.Equal("leaveGroupV2", Assert.IsType<V.Raw>(form[17]).Type);
    }

    [Fact]
    public void An_epoch_millisecond_number_is_a_date()
    {
        var form = ApprovalForm.FromJson(Parse("""{"day": 1769821200000}"""), Definition);

        Assert.Equal(Nine, Assert.IsType<V.Date>(Assert.Single(form)).Value);
    }

    [Fact]
    public void Null_means_not_given_so_validation_reports_a_required_widget()
    {
        var form = ApprovalForm.FromJson(Parse("""{"reason": null, "qty": 1, "amount": {"value": 1, "currency": "CNY"}, "kind": "b"}"""), Definition);

        Assert.Equal(3, form.Count);
        Assert.Equal("reason", Assert.Single(form.Validate(Definition)).WidgetId);
    }

    [Fact]
    public void A_bare_amount_converts_and_validation_asks_for_the_currency()
    {
        var form = ApprovalForm.FromJson(Parse("""{"reason": "r", "qty": 1, "amount": 12.5, "kind": "a"}"""), Definition);

        Assert.Equal("widget 'amount' (amount) needs a currency such as \"CNY\"", Assert.Single(form.Validate(Definition)).Message);
    }

    [Fact]
    public void Every_shape_problem_is_reported_at_once_with_its_widget()
    {
        var ex = Assert.Throws<ApprovalFormException>(() => ApprovalForm.FromJson(Parse("""
            {
              "reason": {"text": "x"}, "qty": "three", "amount": {"currency": "CNY"}, "day": "2026-01-31T09:00:00",
              "trip": {"start": "2026-01-31T09:00:00+08:00"}, "kind": ["a"], "tags": [1, {}], "phone": "13800000000",
              "addr": "Road 1", "ghost": 1, "items": {"item_name": "x"}, "doc": 5, "qty2": null
            }
            """), Definition));

        Assert.Equal(["reason", "qty", "amount", "day", "trip", "kind", "tags", "phone", "addr", "ghost", "items", "doc", "qty2"], ex.Errors.Select(e => e.WidgetId));
        var byId = ex.Errors.ToDictionary(e => e.WidgetId, e => e.Message);
        Assert.Equal("widget 'reason' (input): got an object; give a text", byId["reason"]);
        Assert.Equal("widget 'qty' (number): got the text \"three\"; give a number", byId["qty"]);
        Assert.Equal("widget 'day' (date): got the text \"2026-01-31T09:00:00\"; give an RFC 3339 date with an offset, such as 2026-01-31T09:00:00+08:00", byId["day"]);
        Assert.Equal("widget 'kind' (radioV2): got an array; give one of: a, b", byId["kind"]);
        Assert.Equal("widget 'addr' (address): the create API does not accept address widgets; leave it out (fill it in Feishu) or remove it from the definition", byId["addr"]);
        Assert.StartsWith("there is no widget 'ghost' in the form; use one of: widget_reason (reason), widget_notes, ", byId["ghost"], StringComparison.Ordinal);
        Assert.Equal("widget 'items' (fieldList): got an object; give an array of rows, each an object keyed by the table's widget ids", byId["items"]);
    }

    [Fact]
    public void Problems_inside_detail_table_rows_carry_the_row_path()
    {
        var ex = Assert.Throws<ApprovalFormException>(() => ApprovalForm.FromJson(
            Parse("""{"items": [{"item_name": "ok", "price": {"value": 1, "currency": "CNY"}}, {"price": "lots"}, 5]}"""), Definition));

        Assert.Equal(["items[1].price", "items[2]"], ex.Errors.Select(e => e.WidgetId));
        Assert.Equal("widget 'items' (fieldList) row 2: widget 'price' (amount): got the text \"lots\"; give a number and a currency such as \"CNY\"", ex.Errors[0].Message);
        Assert.Equal("widget 'items' (fieldList) row 3: the form values must be a JSON object keyed by widget id or custom_id, not the number 5", ex.Errors[1].Message);
    }

    [Theory]
    [InlineData("[]", "an array")]
    [InlineData("\"x\"", "the text \"x\"")]
    public void The_values_must_be_an_object(string json, string described)
    {
        var ex = Assert.Throws<ApprovalFormException>(() => ApprovalForm.FromJson(Parse(json), Definition));

        Assert.Equal("the form values must be a JSON object keyed by widget id or custom_id, not " + described, Assert.Single(ex.Errors).Message);
    }

    [Fact]
    public void A_number_too_large_for_a_decimal_is_refused()
    {
        var ex = Assert.Throws<ApprovalFormException>(() => ApprovalForm.FromJson(Parse("""{"qty": 1e400}"""), Definition));

        Assert.Equal("qty", Assert.Single(ex.Errors).WidgetId);
    }

    [Fact]
    public void Contact_ids_may_be_given_as_an_object_of_user_ids_and_open_ids()
    {
        var form = ApprovalForm.FromJson(Parse("""{"people": {"user_ids": ["u1"], "open_ids": ["ou_2"]}}"""), Definition);

        var people = Assert.IsType<V.Contact>(Assert.Single(form));
        Assert.Equal(["u1"], people.UserIds);
        Assert.Equal(["ou_2"], people.OpenIds!);
    }

    [Fact]
    public void TryFromJson_reports_shape_errors_and_validation_errors_together_each_widget_once()
    {
        // qty has the wrong shape (read error), kind names no option and reason/amount are missing (validation errors).
        var ok = ApprovalForm.TryFromJson(Parse("""{"qty": "lots", "kind": "zz"}"""), Definition, out var form, out var errors);

        Assert.False(ok);
        Assert.Null(form);
        Assert.Equal(["amount", "kind", "qty", "reason"], errors.Select(e => e.WidgetId).Order(StringComparer.Ordinal));
        Assert.Contains("number", errors.Single(e => e.WidgetId == "qty").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryFromJson_gives_the_form_when_nothing_is_wrong()
    {
        var ok = ApprovalForm.TryFromJson(Parse("""{"reason": "Offsite", "qty": 2, "amount": {"value": 10, "currency": "CNY"}, "kind": "a"}"""), Definition, out var form, out var errors);

        Assert.True(ok);
        Assert.Empty(errors);
        Assert.Equal(4, form!.Count);
    }

    [Fact]
    public void TryFromJson_of_a_non_object_reports_only_that()
    {
        Assert.False(ApprovalForm.TryFromJson(Parse("[]"), Definition, out _, out var errors));

        Assert.Equal("", Assert.Single(errors).WidgetId);
    }
}
