using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Feishu.Cards;

namespace Larkway.Feishu.Tests.Cards;

public class CardValidatorTests
{
    // --- Valid cards ---

    [Fact]
    public void Documented_v1_card_is_valid()
    {
        AssertValid("""
            {
              "config": { "wide_screen_mode": true, "update_multi": true },
              "header": { "title": { "tag": "plain_text", "content": "Alert" }, "template": "red" },
              "elements": [
                { "tag": "div", "text": { "tag": "lark_md", "content": "**CPU** 95%" },
                  "fields": [ { "is_short": true, "text": { "tag": "lark_md", "content": "host\na1" } } ],
                  "extra": { "tag": "button", "text": { "tag": "plain_text", "content": "Mute" }, "value": { "a": "mute" } } },
                { "tag": "hr" },
                { "tag": "action", "actions": [
                  { "tag": "button", "text": { "tag": "plain_text", "content": "Ack" }, "type": "primary", "value": { "a": "ack" } },
                  { "tag": "select_static", "placeholder": { "tag": "plain_text", "content": "Snooze" },
                    "options": [ { "text": { "tag": "plain_text", "content": "1h" }, "value": "1h" } ] },
                  { "tag": "date_picker", "initial_date": "2024-01-01" } ] },
                { "tag": "note", "elements": [ { "tag": "plain_text", "content": "from CI" }, { "tag": "img", "img_key": "img_1" } ] }
              ]
            }
            """);
    }

    [Fact]
    public void Documented_v2_form_card_is_valid()
    {
        AssertValid("""
            {
              "schema": "2.0",
              "config": { "update_multi": true, "width_mode": "fill", "summary": { "content": "form" } },
              "body": { "elements": [
                { "tag": "markdown", "content": "**Project**", "element_id": "md_1" },
                { "tag": "form", "name": "form_1", "elements": [
                  { "tag": "input", "name": "reason", "required": true, "max_length": 200 },
                  { "tag": "column_set", "columns": [
                    { "tag": "column", "width": "auto", "elements": [
                      { "tag": "button", "text": { "tag": "plain_text", "content": "Submit" }, "type": "primary",
                        "behaviors": [ { "type": "callback", "value": { "key": "value" } } ],
                        "form_action_type": "submit", "name": "Button_1" } ] },
                    { "tag": "column", "width": "auto", "elements": [
                      { "tag": "button", "text": { "tag": "plain_text", "content": "Reset" },
                        "behaviors": [ { "type": "open_url", "default_url": "https://example.com" } ],
                        "form_action_type": "reset", "name": "Button_2" } ] } ] } ] } ] }
            }
            """);
    }

    [Fact]
    public void Empty_card_is_valid_in_both_versions()
    {
        AssertValid("{}");
        AssertValid("""{"schema":"2.0"}""");
    }

    // --- Malformed input ---

    [Fact]
    public void Malformed_json_is_reported_with_its_line_and_position()
    {
        var result = CardValidator.Validate("{\n  \"elements\": [\n    {\"tag\": \"hr\"},\n  ]\n}");

        var error = Assert.Single(result.Errors);
        Assert.Equal("$", error.Path);
        Assert.Contains("Malformed JSON at line 4, position 3", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"card\"")]
    [InlineData("null")]
    public void A_card_must_be_an_object(string json) => AssertError(json, "$", "must be a JSON object");

    // --- Tags per version ---

    [Fact]
    public void Unknown_tags_are_rejected_per_version()
    {
        AssertError("""{"elements":[{"tag":"marquee"}]}""", "$.elements[0].tag", "Unknown component tag 'marquee' for card JSON 1.0");
        AssertError("""{"schema":"2.0","body":{"elements":[{"tag":"hr"},{"tag":"marquee"}]}}""", "$.body.elements[1].tag", "for card JSON 2.0");
    }

    [Fact]
    public void V1_only_tags_are_rejected_in_v2()
    {
        AssertError("""{"schema":"2.0","body":{"elements":[{"tag":"action","actions":[]}]}}""", "$.body.elements[0].tag", "no 'action' module");
        AssertError("""{"schema":"2.0","body":{"elements":[{"tag":"note","elements":[]}]}}""", "$.body.elements[0].tag", "no 'note' component");
    }

    [Fact]
    public void V2_only_tags_and_fields_are_rejected_in_v1()
    {
        AssertError("""{"elements":[{"tag":"audio","file_key":"file_1"}]}""", "$.elements[0].tag", "only supported in JSON 2.0");
        AssertError("""{"body":{"elements":[]}}""", "$.body", "JSON 2.0 field");
    }

    [Fact]
    public void V2_rejects_root_elements_and_unknown_properties()
    {
        var result = CardValidator.Validate("""{"schema":"2.0","elements":[],"i18n_elements":{},"colour":"red"}""");

        Assert.Equal(["$.elements", "$.i18n_elements", "$.colour"], result.Errors.Select(e => e.Path));
        Assert.Contains("body.elements", result.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Column_outside_a_column_set_is_rejected() =>
        AssertError("""{"elements":[{"tag":"column","elements":[]}]}""", "$.elements[0].tag", "column_set");

    [Fact]
    public void Interactive_component_at_v1_root_must_be_in_an_action_module() =>
        AssertError("""{"elements":[{"tag":"button","text":{"tag":"plain_text","content":"Go"}}]}""", "$.elements[0]", "wrapped in an action module");

    [Fact]
    public void Action_module_holds_only_interactive_components() =>
        AssertError("""{"elements":[{"tag":"action","actions":[{"tag":"markdown","content":"x"}]}]}""", "$.elements[0].actions[0].tag", "cannot go in an action module");

    [Fact]
    public void Missing_or_non_string_tag_is_rejected()
    {
        AssertError("""{"elements":[{"content":"x"}]}""", "$.elements[0].tag", "Missing 'tag'");
        AssertError("""{"elements":[{"tag":3}]}""", "$.elements[0].tag", "must be a string");
        AssertError("""{"elements":["hr"]}""", "$.elements[0]", "must be an object");
    }

    // --- Required fields ---

    [Fact]
    public void Markdown_needs_content()
    {
        AssertError("""{"schema":"2.0","body":{"elements":[{"tag":"markdown"}]}}""", "$.body.elements[0].content", "Missing required 'content'");
        AssertError("""{"elements":[{"tag":"markdown","content":"  "}]}""", "$.elements[0].content", "must not be empty");
    }

    [Fact]
    public void Image_needs_img_key_and_alt()
    {
        var result = CardValidator.Validate("""{"elements":[{"tag":"img"}]}""");

        Assert.Equal(["$.elements[0].img_key", "$.elements[0].alt"], result.Errors.Select(e => e.Path));
        AssertValid("""{"elements":[{"tag":"img","img_key":"img_1","alt":{"tag":"plain_text","content":""}}]}""");
    }

    [Fact]
    public void Button_needs_text_with_content()
    {
        AssertError("""{"schema":"2.0","body":{"elements":[{"tag":"hr"},{"tag":"hr"},{"tag":"button","type":"primary"}]}}""",
            "$.body.elements[2].text", "Missing 'text'");
        AssertError("""{"elements":[{"tag":"hr"},{"tag":"action","actions":[{"tag":"button","text":{"tag":"plain_text","content":""}}]}]}""",
            "$.elements[1].actions[0].text.content", "must not be empty");
        AssertError("""{"schema":"2.0","body":{"elements":[{"tag":"button","text":{"tag":"lark_md","content":"x"}}]}}""",
            "$.body.elements[0].text.tag", "use plain_text");
    }

    [Fact]
    public void V2_button_text_is_at_most_100_characters()
    {
        var ok = $$$"""{"schema":"2.0","body":{"elements":[{"tag":"button","text":{"tag":"plain_text","content":"{{{new string('x', 100)}}}"}}]}}""";
        var tooLong = $$$"""{"schema":"2.0","body":{"elements":[{"tag":"button","text":{"tag":"plain_text","content":"{{{new string('x', 101)}}}"}}]}}""";

        AssertValid(ok);
        AssertError(tooLong, "$.body.elements[0].text.content", "at most 100");
    }

    [Fact]
    public void Button_type_value_and_behaviours_are_checked()
    {
        AssertError("""{"schema":"2.0","body":{"elements":[{"tag":"button","text":{"tag":"plain_text","content":"x"},"type":"huge"}]}}""",
            "$.body.elements[0].type", "Unknown button type 'huge'");
        AssertError("""{"schema":"2.0","body":{"elements":[{"tag":"button","text":{"tag":"plain_text","content":"x"},"value":"ok"}]}}""",
            "$.body.elements[0].value", "must be a JSON object");
        AssertError("""{"schema":"2.0","body":{"elements":[{"tag":"button","text":{"tag":"plain_text","content":"x"},"behaviors":[{"type":"open_url"}]}]}}""",
            "$.body.elements[0].behaviors[0].default_url", "Missing required 'default_url'");
        AssertError("""{"schema":"2.0","body":{"elements":[{"tag":"button","text":{"tag":"plain_text","content":"x"},"behaviors":[{"type":"callback"}]}]}}""",
            "$.body.elements[0].behaviors[0].value", "Missing 'value'");
    }

    [Fact]
    public void Header_needs_a_title()
    {
        AssertError("""{"header":{"template":"blue"}}""", "$.header.title", "Missing 'title'");
        AssertError("""{"header":{"title":{"tag":"plain_text"}}}""", "$.header.title.content", "Missing required 'content'");
        AssertError("""{"header":{"title":{"tag":"markdown","content":"x"}}}""", "$.header.title.tag", "plain_text or lark_md");
    }

    [Theory]
    [InlineData("\"pink\"", "'pink'")]
    [InlineData("\"Blue\"", "'Blue'")]
    [InlineData("3", "a number")]
    public void Header_template_must_be_a_documented_colour(string template, string described) =>
        AssertError($$$"""{"header":{"title":{"tag":"plain_text","content":"t"},"template":{{{template}}}}}""", "$.header.template",
            $"Unknown header template {described}: use one of blue, wathet, turquoise, green, yellow, orange, red, carmine, violet, purple, indigo, grey, default");

    [Fact]
    public void Column_set_needs_columns_and_each_column_needs_elements()
    {
        AssertError("""{"schema":"2.0","body":{"elements":[{"tag":"column_set"}]}}""", "$.body.elements[0].columns", "Missing 'columns'");
        AssertError("""{"schema":"2.0","body":{"elements":[{"tag":"column_set","columns":[{"tag":"column","elements":[]},{"tag":"column"}]}]}}""",
            "$.body.elements[0].columns[1].elements", "Missing 'elements'");
        AssertError("""{"schema":"2.0","body":{"elements":[{"tag":"column_set","columns":[{"tag":"div","elements":[]}]}]}}""",
            "$.body.elements[0].columns[0].tag", "\"tag\":\"column\"");
    }

    [Fact]
    public void Select_needs_non_empty_options_with_text_and_value()
    {
        AssertError("""{"schema":"2.0","body":{"elements":[{"tag":"select_static"}]}}""", "$.body.elements[0].options", "Missing required 'options'");
        AssertError("""{"schema":"2.0","body":{"elements":[{"tag":"select_static","options":[]}]}}""", "$.body.elements[0].options", "must not be empty");
        AssertError("""{"schema":"2.0","body":{"elements":[{"tag":"select_static","options":[{"text":{"tag":"plain_text","content":"a"}}]}]}}""",
            "$.body.elements[0].options[0].value", "Missing required 'value'");
        AssertError("""{"schema":"2.0","body":{"elements":[{"tag":"overflow","options":[{"value":"1"}]}]}}""",
            "$.body.elements[0].options[0].text", "Missing 'text'");
    }

    [Fact]
    public void Div_needs_text_or_fields_and_fields_need_is_short()
    {
        AssertError("""{"elements":[{"tag":"div"}]}""", "$.elements[0]", "needs 'text'");
        AssertError("""{"elements":[{"tag":"div","fields":[{"text":{"tag":"lark_md","content":"a"}}]}]}""", "$.elements[0].fields[0].is_short", "Missing 'is_short'");
        AssertError("""{"schema":"2.0","body":{"elements":[{"tag":"div","fields":[]}]}}""", "$.body.elements[0].fields", "JSON 1.0 only");
    }

    [Fact]
    public void Note_and_action_need_content()
    {
        AssertError("""{"elements":[{"tag":"note"}]}""", "$.elements[0].elements", "Missing required 'elements'");
        AssertError("""{"elements":[{"tag":"note","elements":[{"tag":"button"}]}]}""", "$.elements[0].elements[0].tag", "only text objects");
        AssertError("""{"elements":[{"tag":"action","actions":[]}]}""", "$.elements[0].actions", "must not be empty");
    }

    // --- Wrong types ---

    [Fact]
    public void Wrong_types_are_reported_at_their_path()
    {
        AssertError("""{"elements":{"tag":"hr"}}""", "$.elements", "must be an array");
        AssertError("""{"config":{"update_multi":"yes"}}""", "$.config.update_multi", "must be true or false, not a string");
        AssertError("""{"elements":[{"tag":"markdown","content":42}]}""", "$.elements[0].content", "must be a string, not a number");
        AssertError("""{"elements":[{"tag":"div","fields":[{"is_short":"true","text":{"tag":"lark_md","content":"a"}}]}]}""",
            "$.elements[0].fields[0].is_short", "must be true or false");
        AssertError("""{"header":"Title"}""", "$.header", "'header' must be an object, not a string");
        AssertError("""{"schema":2}""", "$.schema", "must be the string");
        AssertError("""{"schema":"2.0","body":[]}""", "$.body", "must be an object");
        AssertError("""{"config":{"width_mode":"huge"}}""", "$.config.width_mode", "\"default\", \"compact\" or \"fill\"");
    }

    [Fact]
    public void Unsupported_schema_value_is_rejected() =>
        AssertError("""{"schema":"3.0"}""", "$.schema", "Unsupported schema '3.0'");

    // --- Limits ---

    [Fact]
    public void Size_limit_counts_UTF8_bytes_of_the_compact_card()
    {
        // 11,000 CJK characters are 33,000 UTF-8 bytes (over 30 KB); 11,000 ASCII characters are not.
        var cjk = new string('中', 11000);
        var ascii = new string('a', 11000);

        AssertError($$"""{"elements":[{"tag":"markdown","content":"{{cjk}}"}]}""", "$", "limit is 30720 bytes");
        AssertValid($$"""{"elements":[{"tag":"markdown","content":"{{ascii}}"}]}""");
    }

    [Fact]
    public void Size_limit_ignores_insignificant_whitespace_and_can_be_configured()
    {
        var padded = "{" + new string(' ', 40_000) + "}";

        AssertValid(padded);
        AssertError("""{"elements":[{"tag":"markdown","content":"0123456789"}]}""", "$", "limit is 20 bytes",
            new CardValidationOptions { MaxBytes = 20 });
    }

    [Fact]
    public void V2_allows_at_most_200_components_and_elements()
    {
        AssertValid(V2WithHr(200));
        AssertError(V2WithHr(201), "$.body.elements", "201 components");

        // Text objects count too: 100 buttons = 100 components + 100 plain_text elements.
        var buttons = string.Join(",", Enumerable.Repeat("""{"tag":"button","text":{"tag":"plain_text","content":"b"}}""", 101));
        AssertError($$$"""{"schema":"2.0","body":{"elements":[{{{buttons}}}]}}""", "$.body.elements", "202 components");
    }

    [Fact]
    public void Containers_nest_at_most_five_levels()
    {
        AssertValid(NestedColumnSets(5));
        var result = CardValidator.Validate(NestedColumnSets(6));

        var error = Assert.Single(result.Errors);
        Assert.Equal("$.body.elements[0]" + string.Concat(Enumerable.Repeat(".columns[0].elements[0]", 5)), error.Path);
        Assert.Contains("at most 5", error.Message, StringComparison.Ordinal);
    }

    // --- Forms ---

    [Fact]
    public void Form_needs_a_name_elements_and_a_submit_button()
    {
        AssertError("""{"schema":"2.0","body":{"elements":[{"tag":"form","elements":[{"tag":"button","name":"b","text":{"tag":"plain_text","content":"Go"},"form_action_type":"submit"}]}]}}""",
            "$.body.elements[0].name", "A form needs a 'name'");
        AssertError("""{"schema":"2.0","body":{"elements":[{"tag":"form","name":"f","elements":[{"tag":"input","name":"i"}]}]}}""",
            "$.body.elements[0].elements", "needs a submit button");
        AssertError("""{"schema":"2.0","body":{"elements":[{"tag":"form","name":"f"}]}}""", "$.body.elements[0].elements", "Missing 'elements'");
    }

    [Fact]
    public void Interactive_components_in_a_form_need_unique_names()
    {
        AssertError("""
            {"schema":"2.0","body":{"elements":[{"tag":"form","name":"f","elements":[
              {"tag":"input"},
              {"tag":"button","name":"go","text":{"tag":"plain_text","content":"Go"},"form_action_type":"submit"}]}]}}
            """, "$.body.elements[0].elements[0].name", "inside a form needs a 'name'");
        AssertError("""
            {"schema":"2.0","body":{"elements":[{"tag":"form","name":"f","elements":[
              {"tag":"input","name":"x"},
              {"tag":"button","name":"x","text":{"tag":"plain_text","content":"Go"},"form_action_type":"submit"}]}]}}
            """, "$.body.elements[0].elements[1].name", "already used at $.body.elements[0].elements[0]");
    }

    [Fact]
    public void Form_is_only_allowed_at_the_root_and_without_tables()
    {
        AssertError("""
            {"schema":"2.0","body":{"elements":[{"tag":"column_set","columns":[{"tag":"column","elements":[
              {"tag":"form","name":"f","elements":[{"tag":"button","name":"b","text":{"tag":"plain_text","content":"Go"},"form_action_type":"submit"}]}]}]}]}}
            """, "$.body.elements[0].columns[0].elements[0]", "only be placed at the card root");
        AssertError("""
            {"schema":"2.0","body":{"elements":[{"tag":"form","name":"f","elements":[
              {"tag":"table"},
              {"tag":"button","name":"b","text":{"tag":"plain_text","content":"Go"},"form_action_type":"submit"}]}]}}
            """, "$.body.elements[0].elements[0]", "table can only be placed at the card root");
    }

    // --- Config and intent ---

    [Fact]
    public void Update_intended_requires_a_shared_v1_card()
    {
        var intent = new CardValidationOptions { UpdateIntended = true };

        AssertError("""{"elements":[]}""", "$.config", "set config.update_multi to true", intent);
        AssertError("""{"config":{"update_multi":false}}""", "$.config.update_multi", "set config.update_multi to true", intent);
        AssertValid("""{"config":{"update_multi":true}}""", intent);
        AssertValid("""{"config":{"update_multi":false}}""");
    }

    [Fact]
    public void V2_cards_are_always_shared()
    {
        var intent = new CardValidationOptions { UpdateIntended = true };

        AssertValid("""{"schema":"2.0"}""", intent);
        AssertError("""{"schema":"2.0","config":{"update_multi":false}}""", "$.config.update_multi", "can only be shared");
    }

    [Fact]
    public void V2_config_rejects_v1_and_unknown_properties()
    {
        AssertError("""{"schema":"2.0","config":{"wide_screen_mode":true}}""", "$.config.wide_screen_mode", "JSON 1.0 only");
        AssertError("""{"schema":"2.0","config":{"colour":"red"}}""", "$.config.colour", "Unknown config property");
        AssertValid("""{"config":{"wide_screen_mode":true}}""");

        // JSON 1.0 ignores what it does not know: a misspelling would silently change the card, so it is an error too.
        AssertError("""{"config":{"wide_screen_mode":true,"colour":"red"}}""", "$.config.colour", "Feishu ignores it");
    }

    [Fact]
    public void Audio_cards_must_not_be_forwardable()
    {
        AssertError("""{"schema":"2.0","body":{"elements":[{"tag":"audio","file_key":"file_v3_1"}]}}""", "$.config", "enable_forward to false");
        AssertValid("""{"schema":"2.0","config":{"enable_forward":false},"body":{"elements":[{"tag":"audio","file_key":"file_v3_1"}]}}""");
    }

    [Fact]
    public void V2_element_ids_follow_the_documented_format_and_are_unique()
    {
        AssertError("""{"schema":"2.0","body":{"elements":[{"tag":"hr","element_id":"1abc"}]}}""", "$.body.elements[0].element_id", "start with a letter");
        AssertError("""{"schema":"2.0","body":{"elements":[{"tag":"hr","element_id":"abcdefghijklmnopqrstu"}]}}""", "$.body.elements[0].element_id", "at most 20");
        AssertError("""{"schema":"2.0","body":{"elements":[{"tag":"hr","element_id":"a_1"},{"tag":"hr","element_id":"a_1"}]}}""",
            "$.body.elements[1].element_id", "already used");
    }

    // --- Template and entity references ---

    [Fact]
    public void Template_reference_is_validated_for_shape()
    {
        AssertValid("""{"type":"template","data":{"template_id":"AAqk1234","template_version_name":"1.0.0","template_variable":{"name":"x"}}}""");
        AssertError("""{"type":"template","data":{}}""", "$.data.template_id", "Missing required 'template_id'");
        AssertError("""{"type":"template"}""", "$.data", "Missing 'data'");
        AssertError("""{"type":"template","data":"AAqk"}""", "$.data", "must be an object");
        AssertError("""{"type":"template","data":{"template_id":"A","template_variable":[]}}""", "$.data.template_variable", "must be an object");
        AssertError("""{"type":"blueprint","data":{}}""", "$.type", "Unknown card reference type 'blueprint'");
    }

    [Fact]
    public void Card_entity_reference_needs_a_card_id()
    {
        AssertValid("""{"type":"card","data":{"card_id":"7355372766134157313"}}""");
        AssertError("""{"type":"card","data":{"card_id":""}}""", "$.data.card_id", "must not be empty");
    }

    [Fact]
    public void Json_element_and_node_overloads_agree_with_the_string_overload()
    {
        const string json = """{"schema":"2.0","body":{"elements":[{"tag":"markdown"}]}}""";
        using var document = JsonDocument.Parse(json);

        var fromString = CardValidator.Validate(json).Errors;
        Assert.Equal(fromString, CardValidator.Validate(document.RootElement).Errors);
        Assert.Equal(fromString, CardValidator.Validate(JsonNode.Parse(json)!).Errors);
        Assert.Single(fromString);
    }

    private static string V2WithHr(int count) =>
        $$$"""{"schema":"2.0","body":{"elements":[{{{string.Join(",", Enumerable.Repeat("""{"tag":"hr"}""", count))}}}]}}""";

    private static string NestedColumnSets(int depth)
    {
        var inner = """{"tag":"markdown","content":"deep"}""";
        for (var i = 0; i < depth; i++)
        {
            inner = $$"""{"tag":"column_set","columns":[{"tag":"column","elements":[{{inner}}]}]}""";
        }

        return $$$"""{"schema":"2.0","body":{"elements":[{{{inner}}}]}}""";
    }

    private static void AssertValid(string json, CardValidationOptions? options = null)
    {
        var result = CardValidator.Validate(json, options);
        Assert.True(result.IsValid, result.ToString());
    }

    [Fact]
    public void A_misspelt_root_property_of_a_v1_card_is_an_error_with_a_suggestion() =>
        AssertError("""{"headr": {"title": {"tag": "plain_text", "content": "Hi"}}, "elements": []}""", "$.headr", "did you mean 'header'?");

    [Fact]
    public void A_misspelt_root_property_of_a_v2_card_is_an_error_with_a_suggestion() =>
        AssertError("""{"schema": "2.0", "bdy": {"elements": []}}""", "$.bdy", "did you mean 'body'?");

    [Fact]
    public void An_unknown_header_property_is_an_error_at_its_path() =>
        AssertError("""{"header": {"title": {"tag": "plain_text", "content": "Hi"}, "templte": "blue"}, "elements": []}""", "$.header.templte", "did you mean 'template'?");

    [Fact]
    public void An_unknown_v1_config_property_is_an_error() =>
        AssertError("""{"config": {"update_mult": true}, "elements": []}""", "$.config.update_mult", "did you mean 'update_multi'?");

    [Fact]
    public void A_misspelt_component_property_is_an_error_at_its_path_with_a_suggestion()
    {
        AssertError("""{"elements": [{"tag": "div", "txt": {"tag": "plain_text", "content": "Hi"}, "text": {"tag": "plain_text", "content": "Hi"}}]}""",
            "$.elements[0].txt", "did you mean 'text'?");
        AssertError("""{"elements": [{"tag": "action", "actions": [{"tag": "button", "text": {"tag": "plain_text", "content": "Go"}, "valeu": {"a": 1}}]}]}""",
            "$.elements[0].actions[0].valeu", "did you mean 'value'?");
        AssertError("""{"schema": "2.0", "body": {"elements": [{"tag": "markdown", "contnet": "x", "content": "y"}]}}""",
            "$.body.elements[0].contnet", "did you mean 'content'?");
    }

    [Fact]
    public void A_component_property_far_from_every_known_one_passes_since_components_gain_properties() =>
        AssertValid("""{"elements": [{"tag": "markdown", "content": "**Hi**", "some_new_feature": true}]}""");

    [Fact]
    public void A_message_body_sent_as_a_card_says_to_send_the_card_itself()
    {
        var result = CardValidator.Validate("""{"msg_type": "interactive", "card": {"elements": []}}""");
        Assert.Contains(result.Errors, e => e.Path == "$.msg_type" && e.Message.Contains("send the card object itself", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_documented_root_and_header_property_is_accepted()
    {
        var result = CardValidator.Validate("""
            {"config": {"wide_screen_mode": true, "update_multi": true, "enable_forward": true},
             "card_link": {"url": "https://example.com"},
             "header": {"title": {"tag": "plain_text", "content": "Hi"}, "subtitle": {"tag": "plain_text", "content": "there"},
                        "template": "blue", "text_tag_list": [], "i18n_text_tag_list": {}},
             "elements": [], "i18n_elements": {"en_us": []}}
            """);
        Assert.True(result.IsValid, result.ToString());
    }

    [Fact]
    public void A_button_with_an_empty_url_is_an_error() =>
        AssertError(
            """{"elements": [{"tag": "action", "actions": [{"tag": "button", "text": {"tag": "plain_text", "content": "Open"}, "url": ""}]}]}""",
            "$.elements[0].actions[0].url",
            "lead nowhere");

    private static void AssertError(string json, string path, string messageFragment, CardValidationOptions? options = null)
    {
        var result = CardValidator.Validate(json, options);
        var error = Assert.Single(result.Errors);
        Assert.False(result.IsValid);
        Assert.Equal(path, error.Path);
        Assert.Contains(messageFragment, error.Message, StringComparison.Ordinal);
    }
}
