using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Hub.Notifications.Cards;
using Larkway.DingTalk.Robots;
using Larkway.Hub.DingTalk.Notifications;

namespace Larkway.Hub.Tests.DingTalk.Notifications;

/// <summary>Every element kind of both card schemas comes through as DingTalk shows it, in the shape that carries the card.</summary>
public sealed class DingTalkCardRendererTests
{
    internal static string Link(CardButton button) => $"https://hub.example.com/dt/{button.Index}";

    internal static DingTalkRendering Rendered(string card, DingTalkRenderOptions? options = null)
    {
        var result = DingTalkCardRenderer.Render(card, Link, options);
        result.Problems.ShouldBeEmpty();
        return result.Rendering!;
    }

    internal static string V1(string elements, string title = "PO 4711") =>
        "{\"header\":{\"template\":\"blue\",\"title\":{\"tag\":\"plain_text\",\"content\":" + Json(title) + "}},\"elements\":" + elements + "}";

    internal static string V2(string elements, string title = "PO 4711") =>
        "{\"schema\":\"2.0\",\"header\":{\"title\":{\"tag\":\"plain_text\",\"content\":" + Json(title) + "}},\"body\":{\"elements\":" + elements + "}}";

    internal static string Json(string text) => JsonSerializer.Serialize(text);

    internal static string Buttons(int count) =>
        "[{\"tag\":\"action\",\"actions\":[" + string.Join(',', Enumerable.Range(1, count).Select(i => $$"""{"tag":"button","text":{"tag":"plain_text","content":"B{{i}}"},"value":{"n":{{i}} } }""")) + "]}]";

    [Fact]
    public void A_card_without_buttons_is_markdown_titled_by_its_header()
    {
        var rendering = Rendered(V1("""[{"tag":"div","text":{"tag":"lark_md","content":"**Supplier:** ACME\nTotal: 5"}}]"""));

        rendering.Title.ShouldBe("PO 4711");
        rendering.Robot.RobotKey.ShouldBe("sampleMarkdown");
        rendering.WorkNotification.WorkNotificationType.ShouldBe("markdown");
        rendering.Robot.Text.ShouldBe("#### PO 4711\n\n**Supplier:** ACME  \nTotal: 5");
        rendering.ToAppRobotMessage().Parameters["title"].ShouldBe("PO 4711");
        rendering.ToWorkNotification().MessageType.ShouldBe("markdown");
        rendering.Fallbacks.ShouldBeEmpty();
    }

    [Fact]
    public void A_link_to_dingtalks_own_pages_stays_a_link()
    {
        var rendering = Rendered(V1("""[{"tag":"div","text":{"tag":"lark_md","content":"[Open the app](dingtalk://dingtalkclient/page/link?url=x)"}}]"""));

        rendering.Robot.Text.ShouldContain("[Open the app](dingtalk://dingtalkclient/page/link?url=x)");
        rendering.Fallbacks.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(1, "sampleActionCard")]
    [InlineData(2, "sampleActionCard6")]
    [InlineData(3, "sampleActionCard3")]
    [InlineData(4, "sampleActionCard4")]
    [InlineData(5, "sampleActionCard5")]
    public void Buttons_become_the_action_card_template_for_their_count(int count, string key)
    {
        var rendering = Rendered(V1(Buttons(count)));

        rendering.Robot.RobotKey.ShouldBe(key);
        rendering.Robot.Buttons.Select(b => b.ActionUrl).ShouldBe(Enumerable.Range(0, count).Select(i => $"https://hub.example.com/dt/{i}"));
        rendering.ToAppRobotMessage().Key.ShouldBe(key);
        rendering.WorkNotification.WorkNotificationType.ShouldBe("action_card");
        rendering.ToWorkNotification().MessageType.ShouldBe("action_card");
        rendering.Robot.Orientation.ShouldBe(count == 2 ? DingTalkButtonOrientation.Horizontal : DingTalkButtonOrientation.Vertical);
    }

    [Fact]
    public void The_linker_gets_each_buttons_text_value_url_and_index()
    {
        var seen = new List<CardButton>();
        var card = V1("""
            [{"tag":"action","actions":[
              {"tag":"button","text":{"tag":"plain_text","content":"Approve"},"value":{"action":"approve","po":"4711"}},
              {"tag":"button","text":{"tag":"plain_text","content":"Open"},"url":"https://erp.example.com/po/4711"},
              {"tag":"button","text":{"tag":"plain_text","content":"Multi"},"multi_url":{"url":"https://erp.example.com/m","pc_url":""}}]}]
            """);

        DingTalkCardRenderer.Render(card, b => { seen.Add(b); return Link(b); }).Problems.ShouldBeEmpty();

        seen.Select(b => (b.Index, b.Text, b.Url)).ShouldBe([(0, "Approve", null), (1, "Open", "https://erp.example.com/po/4711"), (2, "Multi", "https://erp.example.com/m")]);
        seen[0].Value!.Value.GetProperty("action").GetString().ShouldBe("approve");
        seen[1].Value.ShouldBeNull();
    }

    [Fact]
    public void Schema_2_buttons_say_what_they_do_in_behaviors()
    {
        var seen = new List<CardButton>();
        var card = V2("""
            [{"tag":"button","text":{"tag":"plain_text","content":"Go"},"behaviors":[{"type":"open_url","default_url":"https://x.example.com"}]},
             {"tag":"column_set","columns":[{"tag":"column","elements":[
               {"tag":"button","text":{"tag":"plain_text","content":"Ok"},"behaviors":[{"type":"callback","value":{"k":"v"}}]}]}]}]
            """);

        var result = DingTalkCardRenderer.Render(card, b => { seen.Add(b); return Link(b); });

        result.Rendering!.Robot.RobotKey.ShouldBe("sampleActionCard6");
        seen[0].Url.ShouldBe("https://x.example.com");
        seen[1].Value!.Value.GetProperty("k").GetString().ShouldBe("v");
    }

    [Fact]
    public void Every_schema_1_element_kind_comes_through()
    {
        var card = V1("""
            [{"tag":"div","text":{"tag":"plain_text","content":"Plain"},"fields":[
               {"is_short":true,"text":{"tag":"lark_md","content":"**Owner**\nAlice"}},
               {"is_short":true,"text":{"tag":"lark_md","content":"**Due**\n2026-12-01"}}]},
             {"tag":"markdown","content":"# Heading\n- one\n1. two\n> quoted\n*it* ~~gone~~ `code`"},
             {"tag":"hr"},
             {"tag":"note","elements":[{"tag":"plain_text","content":"Sent by ERP"},{"tag":"img","img_key":"img_v2_abc"}]},
             {"tag":"img","img_key":"img_v2_xyz","alt":{"tag":"plain_text","content":"Chart"}},
             {"tag":"img","img_key":"https://cdn.example.com/a.png"}]
            """);

        var rendering = Rendered(card);
        var text = rendering.Robot.Text;

        text.ShouldContain("Plain\n\n**Owner**  \nAlice  \n**Due**  \n2026-12-01");
        text.ShouldContain("# Heading  \n- one  \n1. two  \n> quoted  \n*it* gone code");
        text.ShouldContain("\n\n---\n\n");
        text.ShouldContain("###### Sent by ERP [image not shown on DingTalk]");
        text.ShouldContain("[image not shown on DingTalk: Chart]");
        text.ShouldContain("![](https://cdn.example.com/a.png)");
        text.ShouldNotContain("img_v2");
        rendering.Fallbacks.Count(f => f.Kind == CardFallbackKind.ImageNotShown).ShouldBe(2);
    }

    [Fact]
    public void Every_schema_2_container_is_read_through_in_order()
    {
        var card = V2("""
            [{"tag":"markdown","content":"first"},
             {"tag":"column_set","columns":[{"tag":"column","elements":[{"tag":"markdown","content":"left"}]},{"tag":"column","elements":[{"tag":"div","text":{"tag":"plain_text","content":"right"}}]}]},
             {"tag":"interactive_container","elements":[{"tag":"markdown","content":"inside"}]},
             {"tag":"collapsible_panel","header":{"title":{"tag":"plain_text","content":"More"}},"elements":[{"tag":"markdown","content":"folded"}]},
             {"tag":"hr"},
             {"tag":"table","columns":[],"rows":[]},
             {"tag":"chart","chart_spec":{}}]
            """);

        var rendering = Rendered(card);

        rendering.Robot.Text.ShouldBe("#### PO 4711\n\nfirst\n\nleft\n\nright\n\ninside\n\n**More**\n\nfolded\n\n---\n\n[A table not shown on DingTalk]\n\n[A chart not shown on DingTalk]");
        rendering.Fallbacks.Where(f => f.Kind == CardFallbackKind.ElementNotShown).Select(f => f.Path).ShouldBe(["$.body.elements[5]", "$.body.elements[6]"]);
    }

    [Fact]
    public void I18n_cards_use_the_chinese_version()
    {
        var card = """{"i18n_header":{"zh_cn":{"title":{"tag":"plain_text","content":"采购单"}},"en_us":{"title":{"tag":"plain_text","content":"PO"}}},"i18n_elements":{"en_us":[{"tag":"markdown","content":"hello"}],"zh_cn":[{"tag":"markdown","content":"你好"}]}}""";

        var rendering = Rendered(card);

        rendering.Title.ShouldBe("采购单");
        rendering.Robot.Text.ShouldBe("#### 采购单\n\n你好");
    }

    [Fact]
    public void A_card_without_a_header_takes_its_first_line_as_the_title()
    {
        var rendering = Rendered("""{"elements":[{"tag":"hr"},{"tag":"div","text":{"tag":"lark_md","content":"**Payment due**\nsoon"}}]}""");

        rendering.Title.ShouldBe("Payment due");
        rendering.Fallbacks.ShouldContain(f => f.Kind == CardFallbackKind.TitleMissing);
    }

    [Fact]
    public void An_empty_card_with_a_header_is_still_a_message() =>
        Rendered("""{"header":{"title":{"tag":"plain_text","content":"Ping"}}}""").Robot.Text.ShouldBe("#### Ping");

    [Theory]
    [InlineData("""{"tag":"select_static","options":[]}""", "A drop-down list")]
    [InlineData("""{"tag":"date_picker"}""", "A date picker")]
    [InlineData("""{"tag":"overflow","options":[]}""", "A menu")]
    public void An_interaction_a_message_cannot_offer_falls_back_to_plain_text_with_the_button_links(string component, string named)
    {
        var card = V1("""[{"tag":"div","text":{"tag":"lark_md","content":"**Pick** one"}},{"tag":"action","actions":[""" + component + """,{"tag":"button","text":{"tag":"plain_text","content":"Approve"},"value":{"a":1}}]}]""");

        var rendering = Rendered(card);

        rendering.Robot.RobotKey.ShouldBe("sampleText");
        rendering.WorkNotification.WorkNotificationType.ShouldBe("text");
        rendering.Robot.Text.ShouldBe($"PO 4711\n\nPick one\n\n[{named} — not available on DingTalk]\n\nApprove: https://hub.example.com/dt/0");
        rendering.Fallbacks.ShouldContain(f => f.Kind == CardFallbackKind.PlainTextForInteraction && f.Path == "$.elements[1].actions[0]");
        rendering.ToAppRobotMessage().Key.ShouldBe("sampleText");
        rendering.ToWorkNotification().MessageType.ShouldBe("text");
    }

    [Fact]
    public void An_input_in_a_schema_2_form_falls_back_to_plain_text() =>
        Rendered(V2("""[{"tag":"form","name":"f","elements":[{"tag":"input","name":"reason"},{"tag":"button","text":{"tag":"plain_text","content":"Send"},"form_action_type":"submit"}]}]"""))
            .Robot.Text.ShouldEndWith("[An input box — not available on DingTalk]\n\nSend: https://hub.example.com/dt/0");

    [Fact]
    public void A_mention_becomes_text()
    {
        var rendering = Rendered(V1("""[{"tag":"div","text":{"tag":"lark_md","content":"By <at id=ou_123></at> and <at id=ou_4>Bob</at>"}}]"""));

        rendering.Robot.Text.ShouldEndWith("By @… and @Bob");
        rendering.Fallbacks.Count(f => f.Kind == CardFallbackKind.MentionNotShown).ShouldBe(2);
    }

    [Theory]
    [InlineData("not json", "Not valid JSON")]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("\"card\"", "must be a JSON object")]
    [InlineData("{\"foo\":1}", "Not a Feishu card")]
    [InlineData("{\"schema\":\"2.0\",\"body\":{}}", "body.elements")]
    [InlineData("{\"elements\":{\"tag\":\"hr\"}}", "must be an array")]
    [InlineData("{\"type\":\"template\",\"data\":{\"template_id\":\"AAq\"}}", "template")]
    public void Input_that_is_not_a_card_is_a_problem_not_an_exception(string card, string says)
    {
        var result = DingTalkCardRenderer.Render(card, Link);

        result.Rendering.ShouldBeNull();
        result.Problems.ShouldHaveSingleItem().Field.ShouldBe("card");
        result.Problems[0].Message.ShouldContain(says);
    }

    [Fact]
    public void Nesting_deeper_than_json_allows_is_a_problem()
    {
        var deep = new string('[', 200) + new string(']', 200);
        var card = $$"""{"elements":[{"tag":"div","extra":{{deep}} }]}""";

        DingTalkCardRenderer.Render(card, Link).Problems.ShouldHaveSingleItem().Message.ShouldContain("Not valid JSON");
    }

    [Fact]
    public void Nested_containers_within_the_depth_render()
    {
        var inner = """{"tag":"markdown","content":"deep"}""";
        for (var i = 0; i < 12; i++)
        {
            inner = $$"""{"tag":"column_set","columns":[{"tag":"column","elements":[{{inner}}]}]}""";
        }

        Rendered(V2($"[{inner}]")).Robot.Text.ShouldEndWith("deep");
    }

    [Fact]
    public void A_link_the_hub_gives_that_is_not_https_is_a_problem()
    {
        var result = DingTalkCardRenderer.Render(V1(Buttons(1)), _ => "javascript:alert(1)");

        result.Rendering.ShouldBeNull();
        result.Problems.ShouldHaveSingleItem().Field.ShouldBe("$.elements[0].actions[0]");
    }

    [Fact]
    public void Results_go_through_the_client_librarys_own_checks()
    {
        var rendering = Rendered(V1(Buttons(3)));

        var message = rendering.ToAppRobotMessage();
        using var param = JsonDocument.Parse(message.Param);
        param.RootElement.GetProperty("actionTitle3").GetString().ShouldBe("B3");
        param.RootElement.GetProperty("actionURL1").GetString().ShouldBe("https://hub.example.com/dt/0");
        JsonNode.Parse(message.Param)!["title"]!.GetValue<string>().ShouldBe("PO 4711");
    }
}
