using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Hub.Notifications.Types;

namespace Larkway.Hub.Tests.Notifications;

/// <summary>Rendering reports each placeholder the data has no value for, with the data field a caller sends.</summary>
public sealed class CardTemplateMissingValueTests
{
    [Theory]
    [InlineData("PO {{po.amount}}", "{\"po\": {}}", "po.amount", "po.amount")]
    [InlineData("{{#if po}}{{po.amount}}{{/if}}", "{\"po\": {\"x\": 1}}", "po.amount", "po.amount")]
    [InlineData("{{this.name}}", "{}", "this.name", "name")]
    [InlineData("{{@root.owner.email}}", "{}", "@root.owner.email", "owner.email")]
    [InlineData("{{#each lines}}{{qty}}{{/each}}", "{\"lines\": [{}]}", "qty", null)]
    [InlineData("{{#with po}}{{amount}}{{/with}}", "{\"po\": {\"x\": 1}}", "amount", null)]
    public void A_missing_value_names_its_placeholder_and_its_field_from_the_root(string text, string data, string placeholder, string? field)
    {
        var rendering = Render(text, data);

        var missing = rendering.Missing.ShouldHaveSingleItem();
        missing.TemplatePath.ShouldBe("$.text");
        missing.Placeholder.ShouldBe(placeholder);
        missing.DataPath.ShouldBe(field);
        rendering.Card["text"]!.GetValue<string>().ShouldNotContain("\uFDD0");
    }

    [Theory]
    [InlineData("{{#if note}}Note: {{note}}{{/if}}", "{}")]
    [InlineData("{{#unless urgent}}later{{/unless}}", "{}")]
    [InlineData("{{#each nothing}}{{x}}{{/each}}", "{}")]
    [InlineData("{{supplier}}", "{\"supplier\": null}")]
    [InlineData("{{supplier}}", "{\"supplier\": \"\"}")]
    public void Optional_parts_and_values_sent_empty_are_not_gaps(string text, string data) =>
        Render(text, data).Missing.ShouldBeEmpty();

    [Fact]
    public void Every_gap_of_one_string_is_reported_and_rendered_empty()
    {
        var rendering = Render("{{a}}-{{b.c}}-{{a}}-{{b.d}}-{{b.e}}", "{\"b\": {\"e\": \"E\"}}");

        rendering.Missing.Select(m => m.DataPath).ShouldBe(["a", "b.c", "b.d"]);
        rendering.Card["text"]!.GetValue<string>().ShouldBe("----E");
    }

    [Fact]
    public void Data_cannot_forge_a_missing_value()
    {
        var rendering = Render("{{a}}", "{\"a\": \"\\uFDD0x:y\\uFDD1\"}");

        rendering.Missing.ShouldBeEmpty();
    }

    [Fact]
    public void The_lenient_render_leaves_gaps_empty_without_markers() =>
        CardTemplate.Render(new JsonObject { ["text"] = "[{{a}}]" }, JsonDocument.Parse("{}").RootElement)["text"]!.GetValue<string>().ShouldBe("[]");

    private static TemplateRendering Render(string text, string data)
    {
        using var document = JsonDocument.Parse(data);
        return CardTemplate.RenderStrict(new JsonObject { ["text"] = text }, document.RootElement);
    }
}
