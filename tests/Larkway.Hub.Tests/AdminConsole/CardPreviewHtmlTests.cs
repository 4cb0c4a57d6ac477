using System.Text.Json.Nodes;
using Larkway.Hub.AdminConsole.Cards;

namespace Larkway.Hub.Tests.AdminConsole;

public sealed class CardPreviewHtmlTests
{
    [Fact]
    public void Renders_header_text_fields_buttons_and_images_and_encodes_every_value()
    {
        var card = JsonNode.Parse("""
            {"header":{"template":"red","title":{"tag":"plain_text","content":"PO <b>42</b>"}},
             "elements":[
               {"tag":"div","text":{"tag":"lark_md","content":"**Bold** & <script>x</script>\nnext"},
                "fields":[{"is_short":true,"text":{"tag":"lark_md","content":"Amount: 5"}}]},
               {"tag":"hr"},
               {"tag":"img","img_key":"img_1","alt":{"tag":"plain_text","content":"logo"}},
               {"tag":"action","actions":[{"tag":"button","type":"primary","text":{"tag":"plain_text","content":"Open"},"url":"https://e.example/\"x"}]},
               {"tag":"mystery"}]}
            """);

        var html = CardPreviewHtml.Render(card);

        html.ShouldContain("card-header-red");
        html.ShouldContain("PO &lt;b&gt;42&lt;/b&gt;");
        html.ShouldContain("<strong>Bold</strong> &amp; &lt;script&gt;x&lt;/script&gt;<br>next");
        html.ShouldContain("card-field card-field-short");
        html.ShouldContain("<hr class=\"card-hr\">");
        html.ShouldContain("[image img_1 logo]");
        html.ShouldContain("card-button card-button-primary\" title=\"https://e.example/&quot;x\">Open</span>");
        html.ShouldContain("[mystery]");
        html.ShouldNotContain("<script>");
    }

    [Fact]
    public void Reads_json_2_cards_from_the_body()
    {
        var html = CardPreviewHtml.Render(JsonNode.Parse("""{"schema":"2.0","body":{"elements":[{"tag":"markdown","content":"*hi*"}]}}"""));

        html.ShouldContain("<em>hi</em>");
    }
}
