using Larkway.Channels.Messages;

namespace Larkway.Hub.WeCom;

/// <summary>What a bot's answer may show on WeCom.</summary>
internal static class WeComBotReplies
{
    /// <summary>
    /// The answer without its callback buttons: WeCom hands a click on a bot's template card to the business webhooks, not
    /// to the bot's card actions, so such a button would answer nothing. Link buttons stay. Decision: drop the buttons
    /// rather than show one that does nothing, until WeCom's bot-card clicks reach the bot's actions.
    /// </summary>
    public static ChannelReply Shown(ChannelReply reply) =>
        reply is CardReply card && card.Buttons.Any(b => b.IsCallback)
            ? card with { Buttons = [.. card.Buttons.Where(b => !b.IsCallback)] }
            : reply;
}
