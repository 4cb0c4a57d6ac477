using System.Text.Json.Nodes;
using Larkway.Feishu.Cards;

namespace Larkway.Feishu.Tests.Cards;

public class CardBuilderTests
{
    [Fact]
    public void V2_card_has_schema_config_header_and_body_elements()
    {
        var card = Card.V2()
            .Header("Title", HeaderTemplate.Blue)
            .Markdown("**hi**")
            .Button("OK", ButtonType.Primary, value: new { action = "ok" })
            .UpdateMulti()
            .Build();

        JsonAssert.Equal("""
            {
              "schema": "2.0",
              "config": { "update_multi": true },
              "header": { "title": { "tag": "plain_text", "content": "Title" }, "template": "blue" },
              "body": { "elements": [
                { "tag": "markdown", "content": "**hi**" },
                { "tag": "button", "text": { "tag": "plain_text", "content": "OK" }, "type": "primary",
                  "behaviors": [ { "type": "callback", "value": { "action": "ok" } } ] }
              ] }
            }
            """, card);
    }

    [Fact]
    public void V1_card_has_config_header_and_root_elements_with_buttons_in_one_action_block()
    {
        var card = Card.V1()
            .WideScreenMode()
            .UpdateMulti()
            .EnableForward(false)
            .Header("**Release** 1.2", HeaderTemplate.Green, subtitle: "today", format: TextFormat.LarkMd)
            .Markdown("notes")
            .Text("plain")
            .Fields([new CardField("**Owner**\nAlice"), new CardField("**Due**\nFriday", IsShort: false)], text: "Details")
            .Image("img_v2_1", "diagram")
            .Divider()
            .Note("sent by CI")
            .Button("Approve", ButtonType.Primary, value: new JsonObject { ["id"] = 7 })
            .Button("Docs", url: "https://example.com/docs")
            .Markdown("after")
            .DatePicker("pick", new DateOnly(2024, 1, 31), new JsonObject { ["k"] = "d" })
            .Build();

        JsonAssert.Equal("""
            {
              "config": { "wide_screen_mode": true, "update_multi": true, "enable_forward": false },
              "header": {
                "title": { "tag": "lark_md", "content": "**Release** 1.2" },
                "subtitle": { "tag": "lark_md", "content": "today" },
                "template": "green"
              },
              "elements": [
                { "tag": "markdown", "content": "notes" },
                { "tag": "div", "text": { "tag": "plain_text", "content": "plain" } },
                { "tag": "div", "text": { "tag": "lark_md", "content": "Details" }, "fields": [
                  { "is_short": true, "text": { "tag": "lark_md", "content": "**Owner**\nAlice" } },
                  { "is_short": false, "text": { "tag": "lark_md", "content": "**Due**\nFriday" } } ] },
                { "tag": "img", "img_key": "img_v2_1", "alt": { "tag": "plain_text", "content": "diagram" } },
                { "tag": "hr" },
                { "tag": "note", "elements": [ { "tag": "plain_text", "content": "sent by CI" } ] },
                { "tag": "action", "actions": [
                  { "tag": "button", "text": { "tag": "plain_text", "content": "Approve" }, "type": "primary", "value": { "id": 7 } },
                  { "tag": "button", "text": { "tag": "plain_text", "content": "Docs" }, "type": "default", "url": "https://example.com/docs" } ] },
                { "tag": "markdown", "content": "after" },
                { "tag": "action", "actions": [
                  { "tag": "date_picker", "placeholder": { "tag": "plain_text", "content": "pick" }, "initial_date": "2024-01-31", "value": { "k": "d" } } ] }
              ]
            }
            """, card);
    }

    [Fact]
    public void Links_are_url_or_multi_url_in_V1_and_open_url_behaviours_in_V2()
    {
        var urls = new CardMultiUrl("https://e.com", AndroidUrl: "https://a.e.com", IosUrl: "https://i.e.com", PcUrl: "https://p.e.com");

        var v1 = Card.V1().Button("Go", multiUrl: urls).Build();
        var v2 = Card.V2().Button("Go", ButtonType.Danger, new JsonObject { ["a"] = 1 }, url: "https://e.com").Button("Go2", multiUrl: urls).Build();

        JsonAssert.Equal("""
            { "elements": [ { "tag": "action", "actions": [ { "tag": "button", "text": { "tag": "plain_text", "content": "Go" }, "type": "default",
              "multi_url": { "url": "https://e.com", "android_url": "https://a.e.com", "ios_url": "https://i.e.com", "pc_url": "https://p.e.com" } } ] } ] }
            """, v1);
        JsonAssert.Equal("""
            { "schema": "2.0", "body": { "elements": [
              { "tag": "button", "text": { "tag": "plain_text", "content": "Go" }, "type": "danger", "behaviors": [
                { "type": "open_url", "default_url": "https://e.com" }, { "type": "callback", "value": { "a": 1 } } ] },
              { "tag": "button", "text": { "tag": "plain_text", "content": "Go2" }, "type": "default", "behaviors": [
                { "type": "open_url", "default_url": "https://e.com", "android_url": "https://a.e.com", "ios_url": "https://i.e.com", "pc_url": "https://p.e.com" } ] }
            ] } }
            """, v2);
    }

    [Fact]
    public void Select_static_has_placeholder_options_and_value_in_each_version()
    {
        SelectOption[] options = [new("High", "p0"), new("Low", "p2")];

        var v1 = Card.V1().SelectStatic("Priority", options, new JsonObject { ["f"] = "prio" }, initialOption: "p2").Build();
        var v2 = Card.V2().SelectStatic("Priority", options, new JsonObject { ["f"] = "prio" }).Build();

        JsonAssert.Equal("""
            { "elements": [ { "tag": "action", "actions": [ { "tag": "select_static",
              "placeholder": { "tag": "plain_text", "content": "Priority" }, "initial_option": "p2",
              "options": [ { "text": { "tag": "plain_text", "content": "High" }, "value": "p0" },
                           { "text": { "tag": "plain_text", "content": "Low" }, "value": "p2" } ],
              "value": { "f": "prio" } } ] } ] }
            """, v1);
        JsonAssert.Equal("""
            { "schema": "2.0", "body": { "elements": [ { "tag": "select_static",
              "placeholder": { "tag": "plain_text", "content": "Priority" },
              "options": [ { "text": { "tag": "plain_text", "content": "High" }, "value": "p0" },
                           { "text": { "tag": "plain_text", "content": "Low" }, "value": "p2" } ],
              "behaviors": [ { "type": "callback", "value": { "f": "prio" } } ] } ] } }
            """, v2);
    }

    [Fact]
    public void Columns_hold_weighted_columns_and_interactive_components_directly()
    {
        var card = Card.V1()
            .Columns(set => set
                .Column(c => c.Markdown("left"), weight: 2)
                .Column(c => c.Button("Right")))
            .Build();

        JsonAssert.Equal("""
            { "elements": [ { "tag": "column_set", "columns": [
              { "tag": "column", "width": "weighted", "weight": 2, "elements": [ { "tag": "markdown", "content": "left" } ] },
              { "tag": "column", "width": "weighted", "weight": 1, "elements": [
                { "tag": "button", "text": { "tag": "plain_text", "content": "Right" }, "type": "default" } ] }
            ] } ] }
            """, card);
    }

    [Fact]
    public void V2_form_has_name_inputs_and_submit_and_reset_buttons()
    {
        var card = Card.V2()
            .Form("leave", form => form
                .Input("reason", placeholder: "Why?", required: true)
                .DatePicker("From", name: "from")
                .SubmitButton("Send", value: new JsonObject { ["form"] = "leave" })
                .ResetButton("Clear"))
            .Build();

        JsonAssert.Equal("""
            { "schema": "2.0", "body": { "elements": [ { "tag": "form", "name": "leave", "elements": [
              { "tag": "input", "name": "reason", "placeholder": { "tag": "plain_text", "content": "Why?" }, "required": true },
              { "tag": "date_picker", "name": "from", "placeholder": { "tag": "plain_text", "content": "From" } },
              { "tag": "button", "name": "submit", "text": { "tag": "plain_text", "content": "Send" }, "type": "primary",
                "form_action_type": "submit", "behaviors": [ { "type": "callback", "value": { "form": "leave" } } ] },
              { "tag": "button", "name": "reset", "text": { "tag": "plain_text", "content": "Clear" }, "type": "default",
                "form_action_type": "reset" }
            ] } ] } }
            """, card);
        Assert.True(CardValidator.Validate(card).IsValid, CardValidator.Validate(card).ToString());
    }

    [Fact]
    public void Actions_group_is_an_action_block_in_V1_and_plain_elements_in_V2()
    {
        var v1 = Card.V1().Actions(a => a.Button("A").Button("B")).Build();
        var v2 = Card.V2().Actions(a => a.Button("A").Button("B")).Build();

        Assert.Equal("action", (string?)v1["elements"]![0]!["tag"]);
        Assert.Equal(2, v1["elements"]![0]!["actions"]!.AsArray().Count);
        var v2Elements = v2["body"]!["elements"]!.AsArray();
        Assert.Equal(["button", "button"], v2Elements.Select(e => (string?)e!["tag"]));
    }

    public static TheoryData<HeaderTemplate, string> Templates() => new()
    {
        { HeaderTemplate.Blue, "blue" }, { HeaderTemplate.Wathet, "wathet" }, { HeaderTemplate.Turquoise, "turquoise" },
        { HeaderTemplate.Green, "green" }, { HeaderTemplate.Yellow, "yellow" }, { HeaderTemplate.Orange, "orange" },
        { HeaderTemplate.Red, "red" }, { HeaderTemplate.Carmine, "carmine" }, { HeaderTemplate.Violet, "violet" },
        { HeaderTemplate.Purple, "purple" }, { HeaderTemplate.Indigo, "indigo" }, { HeaderTemplate.Grey, "grey" },
        { HeaderTemplate.Default, "default" },
    };

    [Theory]
    [MemberData(nameof(Templates))]
    public void Every_header_template_maps_to_its_documented_name(HeaderTemplate template, string wire)
    {
        var card = Card.V2().Header("t", template).Build();

        Assert.Equal(wire, (string?)card["header"]!["template"]);
        Assert.True(CardValidator.Validate(card).IsValid);
    }

    [Fact]
    public void Version_specific_components_refuse_the_wrong_version()
    {
        Assert.Throws<InvalidOperationException>(() => Card.V1().Form("f", f => f.SubmitButton("Go")));
        Assert.Throws<InvalidOperationException>(() => Card.V2().Note("n"));
        Assert.Throws<InvalidOperationException>(() => Card.V2().WideScreenMode());
        Assert.Throws<InvalidOperationException>(() => Card.V2().UpdateMulti(false));
        Assert.Throws<InvalidOperationException>(() => Card.V2().Fields(new CardField("x")));
    }

    [Fact]
    public void Arguments_are_checked()
    {
        Assert.Throws<ArgumentException>(() => Card.V2().Markdown(""));
        Assert.Throws<ArgumentException>(() => Card.V2().Button("x", url: "https://a", multiUrl: new CardMultiUrl("https://b")));
        Assert.Throws<ArgumentException>(() => Card.V2().SelectStatic("p", []));
        Assert.Throws<ArgumentOutOfRangeException>(() => Card.V2().Columns(s => s.Column(c => c.Divider(), weight: 6)));
        Assert.Throws<InvalidOperationException>(() => Card.V2().Columns(_ => { }));
    }

    [Fact]
    public void Build_returns_independent_copies()
    {
        var builder = Card.V2().Markdown("a");
        var first = builder.Build();
        first["body"]!["elements"]!.AsArray().Clear();

        var second = builder.Markdown("b").Build();

        Assert.Equal(2, second["body"]!["elements"]!.AsArray().Count);
    }

    [Fact]
    public void ToJsonString_is_compact_and_keeps_CJK_text_unescaped()
    {
        var json = Card.V2().Markdown("你好").ToJsonString();

        Assert.Equal("""{"schema":"2.0","body":{"elements":[{"tag":"markdown","content":"你好"}]}}""", json);
    }

    [Fact]
    public void Full_builder_output_passes_the_validator_in_both_versions()
    {
        var v1 = Card.V1().UpdateMulti().Header("T", HeaderTemplate.Red).Markdown("m").Text("t").Fields(new CardField("f"))
            .Image("img_1", "").Divider().Note("n").Button("b", value: new JsonObject { ["x"] = 1 })
            .SelectStatic("s", [new("a", "1")]).DatePicker()
            .Columns(s => s.Column(c => c.Button("in column").Markdown("m")))
            .Build();
        var v2 = Card.V2().Header("T", HeaderTemplate.Red, subtitle: "s").Markdown("m").Text("t").Image("img_1", "alt").Divider()
            .Button("b", value: new JsonObject { ["x"] = 1 }).SelectStatic("s", [new("a", "1")]).DatePicker()
            .Columns(s => s.Column(c => c.Button("in column")))
            .Form("f", f => f.Input("i").SubmitButton("go"))
            .Build();

        Assert.True(CardValidator.Validate(v1, new CardValidationOptions { UpdateIntended = true }).IsValid, CardValidator.Validate(v1).ToString());
        Assert.True(CardValidator.Validate(v2, new CardValidationOptions { UpdateIntended = true }).IsValid, CardValidator.Validate(v2).ToString());
    }
}
