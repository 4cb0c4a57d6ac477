using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Feishu.Cards;
using Larkway.Hub.Notifications;
using Larkway.Hub.Notifications.Types;

namespace Larkway.Hub.Tests.Notifications;

public sealed class NotificationTypeTests
{
    [Fact]
    public void Every_type_of_the_built_in_pack_renders_a_valid_card_with_its_sample_data()
    {
        var pack = NotificationTypeStore.BuiltInPack();

        pack.Select(t => t.Name).ShouldBe(["requisition.submitted", "approval.decided", "purchase_order.created", "payment.pending", "contract.expiring"]);
        foreach (var type in pack)
        {
            NotificationTypeDefinition.Validate(type.Name, type.Template, type.SampleData, type.Recipients).ShouldBeEmpty(type.Name);
        }
    }

    [Fact]
    public void Data_is_inserted_as_text_so_quotes_and_newlines_cannot_break_the_card()
    {
        var template = JsonNode.Parse("""{"elements":[{"tag":"div","text":{"tag":"lark_md","content":"**{{supplier}}**\n{{#each lines}}- {{item}} × {{qty}}\n{{/each}}"}}],"config":{"wide_screen_mode":true}}""")!;
        using var data = JsonDocument.Parse("""{"supplier":"ACME \"Best\" Ltd.\n<b>","lines":[{"item":"Laptop 14\"","qty":2},{"item":"Dock","qty":1}]}""");

        var card = CardTemplate.Render(template, data.RootElement);

        card["elements"]![0]!["text"]!["content"]!.GetValue<string>().ShouldBe("**ACME \"Best\" Ltd.\n<b>**\n- Laptop 14\" × 2\n- Dock × 1\n");
        card["config"]!["wide_screen_mode"]!.GetValue<bool>().ShouldBeTrue();
        CardValidator.Validate(card).IsValid.ShouldBeTrue();
    }

    [Fact]
    public void A_type_whose_template_does_not_make_a_valid_card_is_refused_with_the_reason()
    {
        var problems = NotificationTypeDefinition.Validate(
            "po.created",
            """{"elements":[{"tag":"div","text":{"tag":"lark_md","content":"{{#if x}}unclosed"}}]}""",
            "{}",
            "[]");
        problems.ShouldHaveSingleItem().Field.ShouldBe("template");

        NotificationTypeDefinition.Validate("po.created", """{"elements":[{"tag":"{{tag}}"}]}""", """{"tag":"bogus"}""", "[]")
            .ShouldContain(p => p.Field == "sample_data.tag" && p.Message.Contains("$.elements[0].tag", StringComparison.Ordinal) && p.Message.Contains("{{tag}}", StringComparison.Ordinal));
        NotificationTypeDefinition.Validate("po created", "{}", "{}", "[]").ShouldContain(p => p.Field == "name");
        NotificationTypeDefinition.Validate("po.created", "[]", "{}", "{}").Select(p => p.Field).ShouldBe(["template", "recipients"]);
        NotificationTypeDefinition.Validate("po.created", """{"elements":[]}""", """{"a":""}""", """[{"email":"{{a}}"},{"fax":"1"}]""")
            .Select(p => p.Field).ShouldBe(["sample_data.a", "recipients[1]"]);
        NotificationTypeDefinition.Validate("po.created", """{"elements":[{"tag":"div","text":{"tag":"plain_text","content":"{{po.number}}"}}]}""", """{"po":{}}""", "[]")
            .ShouldHaveSingleItem().Field.ShouldBe("sample_data.po.number");
    }
}
