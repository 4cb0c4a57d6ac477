using System.Text.Json;
using Larkway.Emulator.Web;

namespace Larkway.Emulator.Tests.Web;

public sealed class CardHtmlRendererTests
{
    private static string Render(string json)
    {
        using var document = JsonDocument.Parse(json);
        return CardHtmlRenderer.Render(document.RootElement);
    }

    [Fact]
    public void V1_card_renders_header_colour_fields_note_hr_and_buttons()
    {
        var html = Render("""
            {"config":{"wide_screen_mode":true},
             "header":{"title":{"tag":"plain_text","content":"Purchase order"},"template":"red"},
             "elements":[
               {"tag":"div","fields":[{"is_short":true,"text":{"tag":"lark_md","content":"**Vendor**\nACME"}},{"is_short":false,"text":{"tag":"plain_text","content":"Total 99"}}]},
               {"tag":"hr"},
               {"tag":"note","elements":[{"tag":"plain_text","content":"auto-generated"}]},
               {"tag":"action","actions":[
                  {"tag":"button","text":{"tag":"plain_text","content":"Open"},"type":"primary","url":"https://erp.example.com/po/7"},
                  {"tag":"button","text":{"tag":"plain_text","content":"Approve"},"type":"danger","value":{"k":"v"}},
                  {"tag":"button","text":{"tag":"plain_text","content":"Evil"},"url":"javascript:alert(1)"}]}]}
            """);

        Assert.Contains("data-template=\"red\"", html, StringComparison.Ordinal);
        Assert.Contains("#f54a45", html, StringComparison.Ordinal);
        Assert.Contains("Purchase order", html, StringComparison.Ordinal);
        Assert.Contains("<div class=\"field short\"><strong>Vendor</strong><br>ACME</div>", html, StringComparison.Ordinal);
        Assert.Contains("<div class=\"field long\">Total 99</div>", html, StringComparison.Ordinal);
        Assert.Contains("<hr>", html, StringComparison.Ordinal);
        Assert.Contains("auto-generated", html, StringComparison.Ordinal);
        Assert.Contains("<a class=\"btn btn-primary\" href=\"https://erp.example.com/po/7\"", html, StringComparison.Ordinal);
        Assert.Contains("<button type=\"button\" class=\"btn btn-danger\">Approve</button>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript:", html, StringComparison.Ordinal);
    }

    [Fact]
    public void V2_card_renders_body_elements_columns_images_and_open_url_behaviours()
    {
        var html = Render("""
            {"schema":"2.0","header":{"title":{"tag":"plain_text","content":"V2"},"template":"not-a-colour\"><script>"},
             "body":{"elements":[
               {"tag":"markdown","content":"see [docs](https://docs.example.com) and <at id=all></at>"},
               {"tag":"column_set","columns":[{"tag":"column","elements":[{"tag":"markdown","content":"left"}]},{"tag":"column","elements":[{"tag":"img","img_key":"img_v3_abc","alt":{"tag":"plain_text","content":"chart"}}]}]},
               {"tag":"button","text":{"tag":"plain_text","content":"Go"},"behaviors":[{"type":"open_url","default_url":"https://go.example.com"}]}]}}
            """);

        Assert.Contains("<a href=\"https://docs.example.com\"", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"mention\">@所有人</span>", html, StringComparison.Ordinal);
        Assert.Contains("<div class=\"el-columns\"><div class=\"el-column\">", html, StringComparison.Ordinal);
        Assert.Contains("src=\"/_emulator/resources/img_v3_abc\" alt=\"chart\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://go.example.com\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("#1f2329", html, StringComparison.Ordinal);
    }

    [Fact]
    public void User_text_is_encoded_everywhere()
    {
        var html = Render("""
            {"elements":[{"tag":"div","text":{"tag":"plain_text","content":"<img src=x onerror=alert(1)>"}},
                         {"tag":"markdown","content":"<b>raw</b> [x](\" onmouseover=alert(1))"}]}
            """);

        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>raw</b>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("onmouseover=alert(1)\"", html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Template_cards_show_their_template_id()
    {
        var html = Render("""{"type":"template","data":{"template_id":"ctp_<x>"}}""");

        Assert.Contains("ctp_&lt;x&gt;", html, StringComparison.Ordinal);
    }
}
