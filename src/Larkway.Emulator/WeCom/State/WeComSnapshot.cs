using Larkway.Emulator.WeCom.Platform;

namespace Larkway.Emulator.WeCom.State;

/// <summary>
/// WeCom's part of the state file: live tokens, what the app sent (with template cards as last updated and their
/// response codes), what members wrote to the app, the group robots' messages, uploaded media, the callback
/// settings, the approval applications and customer service (accounts, sessions, history, cursors' positions, tokens, codes). Not in it: the corp (rebuilt from the options), rate windows, faults and the callback attempt log.
/// Every list is optional, so a file written before a part existed still reads.
/// </summary>
internal sealed record WeComSnapshot(
    IReadOnlyList<WeComToken> Tokens,
    IReadOnlyList<Messages.AppMessage>? AppMessages = null,
    IReadOnlyList<Messages.ResponseCodeClaim>? ResponseCodes = null,
    IReadOnlyList<Messages.InboundMessage>? Inbound = null,
    IReadOnlyList<Robot.WeComRobotMessage>? RobotMessages = null,
    IReadOnlyList<Media.StoredMedia>? Media = null,
    Callbacks.WeComCallbackSettings? Callback = null,
    IReadOnlyList<AiBot.AiBotConversation>? AiBotConversations = null,
    IReadOnlyList<AiBot.AiBotMessage>? AiBotMessages = null,
    IReadOnlyList<AiBot.AiBotCallbackSettings>? AiBotCallbacks = null,
    IReadOnlyList<AiBot.AiBotResponseCode>? AiBotResponseCodes = null,
    IReadOnlyList<Approvals.KeptApplication>? Approvals = null,
    CustomerService.KfSnapshot? CustomerService = null)
{
    /// <summary>Fails naming the first record that points at something the file does not have.</summary>
    public void Check()
    {
        var messages = (AppMessages ?? []).Select(m => m.MsgId).ToHashSet(StringComparer.Ordinal);
        if ((ResponseCodes ?? []).FirstOrDefault(c => !messages.Contains(c.MsgId)) is { } claim)
        {
            throw new InvalidDataException($"WeCom response_code names message {claim.MsgId}, which the file does not have");
        }
    }
}
