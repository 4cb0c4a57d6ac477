using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Hub.Notifications.Cards;
using Larkway.DingTalk.Robots;
using Larkway.Hub.DingTalk.Notifications;
using Larkway.Hub.Notifications.Types;

namespace Larkway.Hub.Tests.DingTalk.Notifications;

/// <summary>The procurement pack's types, rendered with their sample data as the composer renders them, on DingTalk.</summary>
public sealed class ProcurementPackDingTalkTests
{
    private static JsonObject Type(string name)
    {
        using var stream = typeof(CardTemplate).Assembly.GetManifestResourceStream("Larkway.Hub.procurement-pack.json")!;
        var pack = JsonNode.Parse(stream)!;
        return pack["types"]!.AsArray().Single(t => t!["name"]!.GetValue<string>() == name)!.AsObject();
    }

    private static string Card(JsonNode template, JsonNode data)
    {
        using var document = JsonDocument.Parse(data.ToJsonString());
        return CardTemplate.Render(template, document.RootElement).ToJsonString();
    }

    private static (DingTalkRendering Rendering, List<CardButton> Buttons) Render(string name)
    {
        var type = Type(name);
        var buttons = new List<CardButton>();
        var result = DingTalkCardRenderer.Render(Card(type["template"]!, type["sample_data"]!), b =>
        {
            buttons.Add(b);
            return b.Url ?? $"https://hub.example.com/dt/{name}/{b.Index}";
        });
        result.Problems.ShouldBeEmpty();
        return (result.Rendering!, buttons);
    }

    [Fact]
    public void Requisition_submitted_is_an_action_card_with_approve_reject_and_the_erp_link()
    {
        var (rendering, buttons) = Render("requisition.submitted");

        rendering.Title.ShouldBe("Requisition PR-2026-0042 needs your approval");
        rendering.Robot.RobotKey.ShouldBe("sampleActionCard3");
        rendering.Robot.Text.ShouldBe("#### Requisition PR-2026-0042 needs your approval\n\n**Laptops for the new hires**  \nRequested by Alice Chen · ¥ 48,000.00");
        rendering.Robot.Buttons.Select(b => b.Title).ShouldBe(["Approve", "Reject", "Open in ERP"]);
        rendering.Robot.Buttons[2].ActionUrl.ShouldBe("https://erp.example.com/pr/42");
        buttons[0].Value!.Value.GetProperty("action").GetString().ShouldBe("approve");
        buttons[1].Value!.Value.GetProperty("requisition").GetString().ShouldBe("PR-2026-0042");
        rendering.WorkNotification.ShouldBe(rendering.Robot);
        rendering.ToWorkNotification().MessageType.ShouldBe("action_card");
        rendering.ToAppRobotMessage().Key.ShouldBe("sampleActionCard3");
        rendering.Fallbacks.ShouldBeEmpty();
    }

    [Fact]
    public void Approval_decided_is_markdown_with_its_quote()
    {
        var (rendering, _) = Render("approval.decided");

        rendering.Robot.RobotKey.ShouldBe("sampleMarkdown");
        rendering.Robot.Text.ShouldBe("#### PR-2026-0042: approved\n\n**Laptops for the new hires** was approved by Bob Li.  \n> OK within budget.");
    }

    [Fact]
    public void Purchase_order_created_lists_its_lines_and_one_button()
    {
        var (rendering, _) = Render("purchase_order.created");

        rendering.Robot.RobotKey.ShouldBe("sampleActionCard");
        rendering.Robot.Text.ShouldContain("- Laptop 14\" × 6  \n- Docking station × 6");
        rendering.Robot.Buttons.ShouldHaveSingleItem().ShouldBe(new DingTalkRobotButton("View order", "https://erp.example.com/po/4711"));
    }

    [Fact]
    public void Payment_pending_has_its_request_approval_button()
    {
        var (rendering, buttons) = Render("payment.pending");

        rendering.Robot.RobotKey.ShouldBe("sampleActionCard");
        rendering.Robot.Text.ShouldEndWith("Needs a payment approval before it is paid.");
        buttons.ShouldHaveSingleItem().Value!.Value.GetProperty("action").GetString().ShouldBe("request_approval");
    }

    [Fact]
    public void Contract_expiring_is_markdown()
    {
        var (rendering, _) = Render("contract.expiring");

        rendering.Title.ShouldBe("Contract C-2024-007 expires in 30 days");
        rendering.Robot.Kind.ShouldBe(DingTalkMessageKind.Markdown);
    }

    [Fact]
    public void An_action_card_after_a_decision_shows_the_deciding_mention_as_text()
    {
        var approve = Type("requisition.submitted")["actions"]!["approve"]!["card"]!;
        var data = Type("requisition.submitted")["sample_data"]!.DeepClone().AsObject();
        data["operator"] = new JsonObject { ["open_id"] = "ou_abc" };

        var result = DingTalkCardRenderer.Render(Card(approve, data), b => b.Url!);

        result.Rendering!.Robot.Text.ShouldEndWith("Approved by @…");
        result.Rendering.Fallbacks.ShouldHaveSingleItem().Kind.ShouldBe(CardFallbackKind.MentionNotShown);
    }

    [Fact]
    public void Hostile_data_in_a_template_cannot_make_a_script_link()
    {
        var type = Type("approval.decided");
        var data = type["sample_data"]!.DeepClone().AsObject();
        data["comment"] = "[Click me](javascript:alert(document.cookie)) <a href=\"javascript:x\">y</a>";

        var result = DingTalkCardRenderer.Render(Card(type["template"]!, data), b => b.Url!);

        result.Rendering!.Robot.Text.ShouldNotContain("](javascript", Case.Insensitive);
        result.Rendering.Robot.Text.ShouldNotContain("<a", Case.Insensitive);
        result.Rendering.Fallbacks.ShouldContain(f => f.Kind == CardFallbackKind.UnsafeLinkRemoved);
    }
}
