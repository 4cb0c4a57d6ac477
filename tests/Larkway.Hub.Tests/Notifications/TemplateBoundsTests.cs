using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Hub.Notifications.Types;

namespace Larkway.Hub.Tests.Notifications;

/// <summary>Templates are bounded before the Handlebars compiler sees them: nesting, expressions, length, partials.</summary>
public sealed class TemplateBoundsTests
{
    public static string NestedSubExpressions(int depth)
    {
        var text = new StringBuilder("{{a ");
        for (var i = 0; i < depth; i++)
        {
            text.Append("(b ");
        }

        return text.Append('c').Append(')', depth).Append("}}").ToString();
    }

    [Theory]
    [InlineData(1_000)]
    [InlineData(TemplateBounds.MaxSubExpressionDepth + 1)]
    public void Sub_expressions_nested_past_the_limit_are_refused_naming_the_path_without_compiling(int depth)
    {
        var template = new JsonObject { ["header"] = new JsonObject { ["title"] = new JsonObject { ["content"] = NestedSubExpressions(depth) } } };

        var problem = CardTemplate.Check(template).ShouldHaveSingleItem();

        problem.ShouldStartWith("$.header.title.content: ");
        problem.ShouldContain($"nested more than {TemplateBounds.MaxSubExpressionDepth} deep");
    }

    [Fact]
    public void The_template_that_overflowed_the_compilers_stack_is_refused_before_compiling()
    {
        var problem = CardTemplate.Check(new JsonObject { ["content"] = NestedSubExpressions(10_000) }).ShouldHaveSingleItem();

        problem.ShouldStartWith("$.content: ");
    }

    [Fact]
    public void Nesting_within_the_limits_compiles_and_renders()
    {
        var blocks = string.Concat(Enumerable.Repeat("{{#with a}}", TemplateBounds.MaxBlockDepth)) + "{{v}}" + string.Concat(Enumerable.Repeat("{{/with}}", TemplateBounds.MaxBlockDepth));
        var template = new JsonObject { ["text"] = blocks, ["sub"] = NestedSubExpressions(TemplateBounds.MaxSubExpressionDepth) };
        CardTemplate.Check(template).ShouldBeEmpty();

        var data = "{\"v\": 0}";
        for (var i = 0; i < TemplateBounds.MaxBlockDepth; i++)
        {
            data = "{\"a\": " + data + "}";
        }

        using var document = JsonDocument.Parse(data.Replace("{\"v\": 0}", "{\"v\": \"deep\"}", StringComparison.Ordinal));
        CardTemplate.Render(new JsonObject { ["text"] = blocks }, document.RootElement)["text"]!.GetValue<string>().ShouldBe("deep");
    }

    [Fact]
    public void Blocks_nested_past_the_limit_are_refused()
    {
        var depth = TemplateBounds.MaxBlockDepth + 1;
        var text = string.Concat(Enumerable.Repeat("{{#if x}}", depth)) + "y" + string.Concat(Enumerable.Repeat("{{/if}}", depth));

        TemplateBounds.Problem(text).ShouldNotBeNull().ShouldContain("blocks");
    }

    [Fact]
    public void Too_many_expressions_too_long_a_string_partials_and_raw_blocks_are_refused()
    {
        TemplateBounds.Problem(string.Concat(Enumerable.Repeat("{{x}}", TemplateBounds.MaxExpressions + 1))).ShouldNotBeNull().ShouldContain("expressions");
        TemplateBounds.Problem(new string('x', TemplateBounds.MaxLength + 1)).ShouldNotBeNull().ShouldContain("characters long");
        TemplateBounds.Problem("{{> header}}").ShouldNotBeNull().ShouldContain("partials");
        TemplateBounds.Problem("{{{{raw}}}} {{x}} {{{{/raw}}}}").ShouldNotBeNull().ShouldContain("raw blocks");
    }

    [Fact]
    public void Comments_triple_stashes_and_whitespace_control_are_ordinary_template_text()
    {
        TemplateBounds.Problem("{{!-- ((((((((((( {{#if}} --}}{{{name}}} {{~#each xs~}}{{this}}{{~/each~}}").ShouldBeNull();
    }

    [Fact]
    public void A_real_template_renders_the_same_twice_from_the_compile_cache()
    {
        var template = JsonNode.Parse("""{"content": "PO {{po.number}}: {{#each lines}}{{name}} × {{qty}}; {{/each}}"}""")!;
        using var data = JsonDocument.Parse("""{"po": {"number": "PO-1"}, "lines": [{"name": "Pen", "qty": 2}, {"name": "Ink", "qty": 1}]}""");

        var first = CardTemplate.Render(template, data.RootElement).ToJsonString();
        var second = CardTemplate.Render(template, data.RootElement).ToJsonString();

        first.ShouldBe("""{"content":"PO PO-1: Pen × 2; Ink × 1; "}""".Replace("×", "\\u00D7", StringComparison.Ordinal), StringCompareShould.IgnoreCase);
        second.ShouldBe(first);
    }

    [Fact]
    public void Rendering_a_stored_template_past_the_limits_fails_with_a_template_error_not_a_crash()
    {
        using var data = JsonDocument.Parse("{}");

        var error = Should.Throw<CardTemplateException>(() => CardTemplate.Render(new JsonObject { ["t"] = NestedSubExpressions(10_000) }, data.RootElement));

        error.Path.ShouldBe("$.t");
    }

    [Theory]
    [InlineData("""{"lines": [{"qty": {}}]}""")]
    [InlineData("""{"lines": [{"qty": {"a": [1, {"b": null}]}}]}""")]
    [InlineData("""{"lines": {"qty": 1}}""")]
    [InlineData("""{"lines": [[], null, 5, "x"]}""")]
    public void Data_of_any_shape_renders_or_fails_as_a_template_error(string data)
    {
        var template = new JsonObject { ["content"] = "{{#each lines}}- {{name}} × {{qty}}\n{{/each}}" };
        using var document = JsonDocument.Parse(data);

        try
        {
            CardTemplate.Render(template, document.RootElement)["content"]!.GetValue<string>().ShouldNotBeNull();
        }
        catch (CardTemplateException ex)
        {
            ex.Path.ShouldBe("$.content");
        }
    }
}
