using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Feishu.Bitable;
using Larkway.Feishu.Tests.Cards;

namespace Larkway.Feishu.Tests.Bitable;

/// <summary>
/// The filter builder against the record-filter guide (feishu-api.md §8.6): the guide's examples come out as written,
/// and every per-type operator and value rule refuses locally what Feishu would refuse.
/// </summary>
public class BitableFilterTests
{
    private static JsonNode? Wire(BitableFilter filter)
    {
        filter.ThrowIfInvalid("filter");
        return JsonSerializer.SerializeToNode(filter.ToWire(), BitableJsonContext.Wire.Options);
    }

    private static string Refusal(Func<object> build) => Assert.Throws<ArgumentException>(build).Message;

    [Fact]
    public void The_guides_examples_come_out_as_written()
    {
        JsonAssert.Equal("""
            {"conjunction":"and","conditions":[
              {"field_name":"职位","operator":"is","value":["初级销售员"]},
              {"field_name":"销售额","operator":"isGreater","value":["10000.0"]}]}
            """, Wire(BitableFilter.And(BitableWhere.SingleSelect("职位").Is("初级销售员"), BitableWhere.Number("销售额").IsGreater(10000.0m))));

        JsonAssert.Equal("""
            {"conjunction":"or","conditions":[
              {"field_name":"职位","operator":"is","value":["高级销售员"]},
              {"field_name":"销售额","operator":"isGreater","value":["20000.0"]}]}
            """, Wire(BitableFilter.Or(BitableWhere.SingleSelect("职位").Is("高级销售员"), BitableWhere.Number("销售额").IsGreater(20000.0m))));

        JsonAssert.Equal("""
            {"conjunction":"and","children":[
              {"conjunction":"or","conditions":[{"field_name":"职位","operator":"is","value":["高级销售员"]},{"field_name":"职位","operator":"is","value":["初级销售员"]}]},
              {"conjunction":"or","conditions":[{"field_name":"销售额","operator":"is","value":["10000.0"]},{"field_name":"销售额","operator":"is","value":["20000.0"]}]}]}
            """, Wire(BitableFilter.And(
                BitableFilter.Or(BitableWhere.SingleSelect("职位").Is("高级销售员"), BitableWhere.SingleSelect("职位").Is("初级销售员")),
                BitableFilter.Or(BitableWhere.Number("销售额").Is(10000.0m), BitableWhere.Number("销售额").Is(20000.0m)))));
    }

    [Fact]
    public void Emptiness_sends_an_empty_value_list_which_Feishu_requires()
    {
        JsonAssert.Equal("""{"conjunction":"and","conditions":[{"field_name":"附件","operator":"isEmpty","value":[]},{"field_name":"备注","operator":"isNotEmpty","value":[]}]}""",
            Wire(BitableFilter.And(BitableWhere.Attachment("附件").IsEmpty(), BitableWhere.Text("备注").IsNotEmpty())));
        Assert.Contains("takes no values", Refusal(() => BitableCondition.Create("备注", BitableFieldType.Text, "isEmpty", "x")), StringComparison.Ordinal);
        Assert.Contains("takes no values", Refusal(() => BitableCondition.Unchecked("f", "isNotEmpty", "x")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(BitableFieldType.Text)]
    [InlineData(BitableFieldType.Number)]
    [InlineData(BitableFieldType.Phone)]
    [InlineData(BitableFieldType.Url)]
    [InlineData(BitableFieldType.Location)]
    [InlineData(BitableFieldType.AutoNumber)]
    public void Text_like_and_numeric_fields_take_exactly_one_value(BitableFieldType type)
    {
        Assert.Contains("exactly one value", Refusal(() => BitableCondition.Create("f", type, "is", "1", "2")), StringComparison.Ordinal);
        Assert.Contains("exactly one value", Refusal(() => BitableCondition.Create("f", type, "contains")), StringComparison.Ordinal);
        Assert.Equal(["1"], BitableCondition.Create("f", type, "isGreater", "1").Values);
        Assert.Empty(BitableCondition.Create("f", type, "isEmpty").Values);
    }

    [Fact]
    public void Numbers_are_invariant_strings_and_a_non_number_is_refused()
    {
        Assert.Equal(["23.4"], BitableWhere.Number("n").IsLessEqual(23.4m).Values);
        Assert.Equal(["-0.5"], BitableWhere.Number("n").IsNot(-0.5m).Values);
        Assert.Contains("is not a number", Refusal(() => BitableCondition.Create("n", BitableFieldType.Number, "is", "abc")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(BitableFieldType.SingleSelect)]
    [InlineData(BitableFieldType.MultiSelect)]
    [InlineData(BitableFieldType.User)]
    [InlineData(BitableFieldType.GroupChat)]
    [InlineData(BitableFieldType.SingleLink)]
    [InlineData(BitableFieldType.DuplexLink)]
    [InlineData(BitableFieldType.CreatedUser)]
    [InlineData(BitableFieldType.ModifiedUser)]
    public void Choice_fields_take_one_value_with_is_and_isNot_and_several_with_the_others(BitableFieldType type)
    {
        Assert.Contains("exactly one value", Refusal(() => BitableCondition.Create("f", type, "is", "a", "b")), StringComparison.Ordinal);
        Assert.Contains("exactly one value", Refusal(() => BitableCondition.Create("f", type, "isNot")), StringComparison.Ordinal);
        Assert.Contains("at least one value", Refusal(() => BitableCondition.Create("f", type, "contains")), StringComparison.Ordinal);
        Assert.Equal(["a", "b", "c"], BitableCondition.Create("f", type, "contains", "a", "b", "c").Values);
        Assert.Equal(["a", "b"], BitableCondition.Create("f", type, "doesNotContain", "a", "b").Values);
        Assert.Contains("at most 10", Refusal(() => BitableCondition.Create("f", type, "contains", Enumerable.Range(0, 11).Select(i => $"v{i}"))), StringComparison.Ordinal);
    }

    [Fact]
    public void Typed_choice_builders_give_ids_for_people_chats_and_records()
    {
        var person = BitableWhere.User("人员").Is("ou_9a971ded01b4ca66f4798549878abcef");
        Assert.Equal((BitableFieldType.User, "is"), (person.FieldType, person.Operator));
        Assert.Equal(["ou_9a971ded01b4ca66f4798549878abcef"], person.Values);
        Assert.Equal(["oc_1", "oc_2"], BitableWhere.GroupChat("群组").Contains("oc_1", "oc_2").Values);
        Assert.Equal(["recnVYsuqV"], BitableWhere.DuplexLink("双向关联").IsNot("recnVYsuqV").Values);
        Assert.Throws<ArgumentException>(() => BitableWhere.MultiSelect("多选").Contains());
        Assert.Throws<ArgumentException>(() => BitableWhere.SingleLink("单向关联").Contains("rec1", ""));
    }

    [Theory]
    [InlineData("isNot")]
    [InlineData("contains")]
    [InlineData("doesNotContain")]
    [InlineData("isGreaterEqual")]
    [InlineData("isLessEqual")]
    public void Dates_refuse_the_operators_the_guide_excludes(string op)
    {
        foreach (var type in new[] { BitableFieldType.DateTime, BitableFieldType.CreatedTime, BitableFieldType.ModifiedTime })
        {
            Assert.Contains("a date takes is, isGreater, isLess", Refusal(() => BitableCondition.Create("d", type, op, "Today")), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Date_values_are_exact_days_relative_days_or_ranges_with_is_only()
    {
        var exact = BitableDateValue.Exact(DateTimeOffset.FromUnixTimeMilliseconds(1702449755000));
        Assert.Equal(["ExactDate", "1702449755000"], BitableWhere.Date("日期").Is(exact).Values);
        Assert.Equal(["Tomorrow"], BitableWhere.CreatedTime("创建时间").IsGreater(BitableDateValue.Tomorrow).Values);
        Assert.Equal(["Yesterday"], BitableWhere.ModifiedTime("最后更新时间").IsLess(BitableDateValue.Yesterday).Values);
        Assert.Equal(["TheLastMonth"], BitableWhere.Date("日期").Is(BitableDateValue.TheLastMonth).Values);

        foreach (var range in new[] { BitableDateValue.CurrentWeek, BitableDateValue.LastWeek, BitableDateValue.CurrentMonth, BitableDateValue.LastMonth,
                     BitableDateValue.TheLastWeek, BitableDateValue.TheNextWeek, BitableDateValue.TheLastMonth, BitableDateValue.TheNextMonth })
        {
            Assert.True(range.IsRange);
            Assert.Contains("takes 'is' only", Refusal(() => BitableWhere.Date("日期").IsGreater(range)), StringComparison.Ordinal);
            Assert.Contains("takes 'is' only", Refusal(() => BitableWhere.Date("日期").IsLess(range)), StringComparison.Ordinal);
        }

        Assert.Contains("ExactDate needs exactly one more value", Refusal(() => BitableCondition.Create("d", BitableFieldType.DateTime, "is", "ExactDate")), StringComparison.Ordinal);
        Assert.Contains("ExactDate needs exactly one more value", Refusal(() => BitableCondition.Create("d", BitableFieldType.DateTime, "is", "ExactDate", "2024-01-01")), StringComparison.Ordinal);
        Assert.Contains("takes no further values", Refusal(() => BitableCondition.Create("d", BitableFieldType.DateTime, "is", "Today", "1")), StringComparison.Ordinal);
        Assert.Contains("is not a date value", Refusal(() => BitableCondition.Create("d", BitableFieldType.DateTime, "is", "today")), StringComparison.Ordinal);
        Assert.Contains("needs a value", Refusal(() => BitableCondition.Create("d", BitableFieldType.DateTime, "isLess")), StringComparison.Ordinal);
        Assert.Empty(BitableWhere.Date("日期").IsEmpty().Values);
    }

    [Fact]
    public void A_checkbox_takes_is_with_true_or_false_only()
    {
        Assert.Equal(["true"], BitableWhere.Checkbox("复选框").Is(true).Values);
        Assert.Equal(["false"], BitableWhere.Checkbox("复选框").Is(false).Values);
        Assert.Contains("'is' only", Refusal(() => BitableCondition.Create("c", BitableFieldType.Checkbox, "isNot", "true")), StringComparison.Ordinal);
        Assert.Contains("\"true\" or \"false\"", Refusal(() => BitableCondition.Create("c", BitableFieldType.Checkbox, "is", "yes")), StringComparison.Ordinal);
        Assert.Contains("\"true\" or \"false\"", Refusal(() => BitableCondition.Create("c", BitableFieldType.Checkbox, "is", "true", "false")), StringComparison.Ordinal);
    }

    [Fact]
    public void Attachments_take_emptiness_only_and_formulas_and_lookups_nothing()
    {
        Assert.Contains("isEmpty or isNotEmpty only", Refusal(() => BitableCondition.Create("a", BitableFieldType.Attachment, "is", "x")), StringComparison.Ordinal);
        Assert.Equal("isNotEmpty", BitableWhere.Attachment("附件").IsNotEmpty().Operator);
        Assert.Contains("cannot be filtered", Refusal(() => BitableCondition.Create("f", BitableFieldType.Formula, "is", "1")), StringComparison.Ordinal);
        Assert.Contains("cannot be filtered", Refusal(() => BitableCondition.Create("f", BitableFieldType.Lookup, "isEmpty")), StringComparison.Ordinal);
    }

    [Fact]
    public void Like_and_in_are_not_supported_yet_and_operators_are_case_sensitive()
    {
        Assert.Contains("does not support 'like' yet", Refusal(() => BitableCondition.Unchecked("f", "like", "a")), StringComparison.Ordinal);
        Assert.Contains("does not support 'in' yet", Refusal(() => BitableCondition.Create("f", BitableFieldType.SingleSelect, "in", "a")), StringComparison.Ordinal);
        Assert.Contains("is not an operator", Refusal(() => BitableCondition.Unchecked("f", "IS", "a")), StringComparison.Ordinal);
        Assert.Contains("the field is not named", Refusal(() => BitableCondition.Unchecked(" ", "is", "a")), StringComparison.Ordinal);

        // An unknown type is checked by the shared rules only.
        Assert.Equal(["a", "b"], BitableCondition.Unchecked("sig", "is", "a", "b").Values);
        Assert.Null(BitableCondition.Unchecked("sig", "is", "a").FieldType);
    }

    [Fact]
    public void A_filter_takes_50_conditions_per_level_and_one_level_of_children()
    {
        var fifty = Enumerable.Range(0, 50).Select(i => BitableWhere.Text("t").Is($"{i}")).ToArray();
        BitableFilter.And(fifty).ThrowIfInvalid("filter");
        BitableFilter.Or(BitableFilter.And(fifty), BitableFilter.And(fifty)).ThrowIfInvalid("filter");

        Assert.Contains("has 51 conditions; Feishu takes at most 50",
            Refusal(() => { BitableFilter.And([.. fifty, BitableWhere.Text("t").Is("x")]).ThrowIfInvalid("filter"); return 0; }), StringComparison.Ordinal);
        Assert.Contains("child [1] has 51 conditions",
            Refusal(() => { BitableFilter.And(BitableFilter.And(fifty), BitableFilter.Or([.. fifty, BitableWhere.Text("t").Is("x")])).ThrowIfInvalid("filter"); return 0; }), StringComparison.Ordinal);

        var nested = BitableFilter.And(BitableFilter.Or(BitableFilter.And(BitableWhere.Text("t").Is("x"))));
        Assert.Contains("child [0] has children of its own; Feishu takes one level of children only",
            Refusal(() => { nested.ThrowIfInvalid("filter"); return 0; }), StringComparison.Ordinal);
    }

    [Fact]
    public void Conditions_and_children_together_keep_both_and_an_unchecked_condition_is_rechecked_in_the_filter()
    {
        var filter = BitableFilter.And(BitableWhere.Checkbox("Done").Is(false)).WithChildren(BitableFilter.Or(BitableWhere.Text("A").Is("1"), BitableWhere.Text("B").Is("2")));

        JsonAssert.Equal("""
            {"conjunction":"and","conditions":[{"field_name":"Done","operator":"is","value":["false"]}],
             "children":[{"conjunction":"or","conditions":[{"field_name":"A","operator":"is","value":["1"]},{"field_name":"B","operator":"is","value":["2"]}]}]}
            """, Wire(filter));
    }

    [Fact]
    public void Filters_compare_by_content()
    {
        Assert.Equal(
            BitableFilter.And(BitableWhere.Text("A").Is("1"), BitableWhere.Date("D").Is(BitableDateValue.Today)),
            BitableFilter.And(BitableWhere.Text("A").Is("1"), BitableWhere.Date("D").Is(BitableDateValue.Today)));
        Assert.NotEqual(BitableFilter.And(BitableWhere.Text("A").Is("1")), BitableFilter.Or(BitableWhere.Text("A").Is("1")));
    }
}
