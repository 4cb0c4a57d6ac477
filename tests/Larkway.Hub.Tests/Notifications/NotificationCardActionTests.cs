using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Feishu.Events.Models.Cards;
using Larkway.Hub.Feishu.Notifications;
using Larkway.Hub.Feishu.Recipients;
using Larkway.Hub.Notifications;
using Larkway.Hub.Notifications.Actions;
using Larkway.Hub.Notifications.Types;

namespace Larkway.Hub.Tests.Notifications;

/// <summary>The Hub's mark on notification cards, and types' card actions as data.</summary>
public sealed class NotificationCardActionTests
{
    [Fact]
    public void Every_callback_value_is_marked_and_the_business_systems_fields_are_kept()
    {
        var card = """
            {"elements":[{"tag":"action","actions":[
              {"tag":"button","text":{"tag":"plain_text","content":"Approve"},"value":{"action":"approve","po":"PO-1","larkway_notification":"ntf_forged"}},
              {"tag":"button","text":{"tag":"plain_text","content":"Open"},"url":"https://erp.example.com"},
              {"tag":"overflow","options":[{"text":{"tag":"plain_text","content":"A"},"value":"a"}],"value":{"action":"more"}}]},
             {"tag":"button","behaviors":[{"type":"callback","value":{"action":"v2"}}]}]}
            """;

        var marked = JsonNode.Parse(NotificationCardReference.Embed(card, "ntf_1", "po.created"))!;

        var approve = marked["elements"]![0]!["actions"]![0]!["value"]!;
        approve["action"]!.GetValue<string>().ShouldBe("approve");
        approve["po"]!.GetValue<string>().ShouldBe("PO-1");
        approve["larkway_notification"]!.GetValue<string>().ShouldBe("ntf_1");
        approve["larkway_type"]!.GetValue<string>().ShouldBe("po.created");
        marked["elements"]![0]!["actions"]![1]!.AsObject().ContainsKey("value").ShouldBeFalse();
        marked["elements"]![0]!["actions"]![2]!["options"]![0]!["value"]!.GetValue<string>().ShouldBe("a");
        marked["elements"]![0]!["actions"]![2]!["value"]!["larkway_notification"]!.GetValue<string>().ShouldBe("ntf_1");
        marked["elements"]![1]!["behaviors"]![0]!["value"]!["larkway_notification"]!.GetValue<string>().ShouldBe("ntf_1");

        using var value = JsonDocument.Parse(approve.ToJsonString());
        NotificationCardReference.Read(value.RootElement).ShouldBe(("ntf_1", "po.created"));
        using var plain = JsonDocument.Parse("""{"action":"sample.ack"}""");
        NotificationCardReference.Read(plain.RootElement).ShouldBeNull();
    }

    [Fact]
    public void The_packs_requisition_actions_answer_with_toast_and_after_card_over_data_operator_and_form()
    {
        var type = NotificationTypeStore.BuiltInPack().Single(t => t.Name == "requisition.submitted");
        NotificationTypeAction.Validate(type.Actions, type.SampleData).ShouldBeEmpty();
        var approve = NotificationTypeAction.Find(type.Actions, "approve").ShouldNotBeNull();
        approve.Decision.ShouldBe("approved");

        var context = NotificationTypeAction.Context(type.SampleData, "approve", new global::Larkway.Hub.Bots.CardClickOperator("ou_alice"), new JsonObject { ["comment"] = "fine" });
        var (response, problems) = approve.Answer(context, "ntf_1", type.Name);

        problems.ShouldBeEmpty();
        response.Toast!.Kind.ShouldBe(global::Larkway.Hub.Bots.CardToastKind.Success);
        response.Toast.Text.ShouldBe("Approved PR-2026-0042");
        var card = response.PlatformCard.ShouldNotBeNull();
        card.GetProperty("elements")[0].GetProperty("text").GetProperty("content").GetString()!.ShouldEndWith("Approved by <at id=ou_alice></at>");
        card.GetProperty("config").GetProperty("update_multi").GetBoolean().ShouldBeTrue();
        NotificationTypeAction.Find(type.Actions, "escalate").ShouldBeNull();
    }

    [Theory]
    [InlineData("""[]""", "actions")]
    [InlineData("""{"approve":{}}""", "actions.approve")]
    [InlineData("""{"bad name":{"toast":{"content":"x"}}}""", "actions.bad name")]
    [InlineData("""{"approve":{"toast":{"type":"loud","content":"x"}}}""", "actions.approve.toast.type")]
    [InlineData("""{"approve":{"toast":{"content":"{{#each lines}}unclosed"}}}""", "actions.approve.toast.content")]
    [InlineData("""{"approve":{"toast":{"content":"ok"},"decision":""}}""", "actions.approve.decision")]
    [InlineData("""{"approve":{"toast":{"content":"ok"},"colour":"red"}}""", "actions.approve.colour")]
    [InlineData("""{"approve":{"card":{"elements":[{"tag":"no_such_tag"}]}}}""", "actions.approve.card")]
    public void A_bad_action_definition_is_refused_naming_the_field(string actions, string field)
    {
        var problems = NotificationTypeAction.Validate(actions, "{}");

        problems.ShouldContain(p => p.Field.StartsWith(field, StringComparison.Ordinal), string.Join("; ", problems));
    }

    [Fact]
    public void A_click_s_values_are_the_form_or_the_single_component_s_option_and_input()
    {
        using var form = JsonDocument.Parse("""{"comment":"ok","qty":"2"}""");
        global::Larkway.Hub.Feishu.FeishuCardClicks.FormValues(new CardAction { FormValue = form.RootElement.Clone() }).ToJsonString().ShouldBe("""{"comment":"ok","qty":"2"}""");
        global::Larkway.Hub.Feishu.FeishuCardClicks.FormValues(new CardAction { Option = "b", InputValue = "hi" }).ToJsonString().ShouldBe("""{"option":"b","input":"hi"}""");
        global::Larkway.Hub.Feishu.FeishuCardClicks.FormValues(new CardAction()).ToJsonString().ShouldBe("{}");
    }

    [Fact]
    public void A_person_named_twice_gets_one_message_compared_by_open_id_first_mention_kept()
    {
        var recipients = new NotificationRecipient[]
        {
            new("email", "alice@example.com"), new("open_id", "ou_bob"), new("open_id", "ou_alice"), new("chat_id", "oc_1"),
            new("email", "nobody@example.com"), new("open_id", "ou_bob"), new("chat_id", "oc_1"),
        };
        var lookups = new Dictionary<string, string?> { ["alice@example.com"] = "ou_alice", ["nobody@example.com"] = null };

        RecipientExpander.Deduplicate(recipients, lookups).ShouldBe(
            [new("email", "alice@example.com"), new("open_id", "ou_bob"), new("chat_id", "oc_1"), new("email", "nobody@example.com")]);
    }
}
