using Larkway.Emulator.Approval;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Seed;

/// <summary>
/// Sample approval definitions of the default tenant, with fixed codes so docs and scripts can name
/// them: a payment request (amount + currency, reason, payment method; Bob, then Carol and Dave
/// together) and a general request whose approvers the submitter picks, one after another.
/// </summary>
public static class DefaultApprovals
{
    public const string PaymentCode = "8B3D5A10-4C6E-4F1A-9D2B-7E5C3A1F0001";
    public const string GeneralRequestCode = "8B3D5A10-4C6E-4F1A-9D2B-7E5C3A1F0002";

    internal static void Seed(ApprovalStore store, EmulatorState state, string appId)
    {
        if (state.FindUser("email", "bob@example.com") is not { } bob || state.FindUser("email", "carol@example.com") is not { } carol
            || state.FindUser("email", "dave@example.com") is not { } dave || state.FindUser("email", "alice@example.com") is not { } alice)
        {
            return;
        }

        var payment = new ApprovalDefinition
        {
            Code = PaymentCode,
            Name = "Payment",
            OwnerAppId = appId,
            FormContent = """[{"id":"amount","name":"Amount","type":"amount","required":true},{"id":"reason","name":"Reason","type":"textarea","required":true},{"id":"method","name":"Payment method","type":"radioV2","required":true,"option":[{"value":"bank","text":"Bank transfer"},{"value":"card","text":"Corporate card"}]}]""",
            Widgets =
            [
                new FormWidget("amount", null, "Amount", "amount", true, []),
                new FormWidget("reason", null, "Reason", "textarea", true, []),
                new FormWidget("method", null, "Payment method", "radioV2", true, [new WidgetOption("bank", "Bank transfer"), new WidgetOption("card", "Corporate card")]),
            ],
            Nodes =
            [
                new ApprovalNode(Ids.Stable(string.Empty, "node:payment:manager"), "manager", "Manager", NodeTypes.Or, [bob.OpenId], [], false),
                new ApprovalNode(Ids.Stable(string.Empty, "node:payment:finance"), "finance", "Finance", NodeTypes.And, [carol.OpenId, dave.OpenId], [alice.OpenId], false),
            ],
        };
        var general = new ApprovalDefinition
        {
            Code = GeneralRequestCode,
            Name = "General request",
            OwnerAppId = appId,
            FormContent = """[{"id":"title","name":"Title","type":"input","required":true},{"id":"details","name":"Details","type":"textarea","required":false}]""",
            Widgets =
            [
                new FormWidget("title", null, "Title", "input", true, []),
                new FormWidget("details", null, "Details", "textarea", false, []),
            ],
            Nodes = [new ApprovalNode(Ids.Stable(string.Empty, "node:general:approvers"), "approvers", "Approvers", NodeTypes.Sequential, [], [], true)],
        };
        store.PutDefinition(payment);
        store.PutDefinition(general);
    }
}
