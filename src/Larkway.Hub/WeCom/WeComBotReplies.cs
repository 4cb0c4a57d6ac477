using Larkway.Channels.Messages;

namespace Larkway.Hub.WeCom;

/// <summary>What a bot's answer may show through a WeCom AI bot.</summary>
internal static class WeComBotReplies
{
    /// <summary>
    /// The answer without its callback buttons: a click on an AI bot's template card reaches the business webhooks, not
    /// the bot's card actions, so such a button would answer nothing. Link buttons stay. Decision: drop the buttons rather
    /// than show one that does nothing, until AI bots' card clicks reach the bot's actions (an app's do:
    /// <see cref="WeComBotCardClicks"/>).
    /// </summary>
    public static ChannelReply Shown(ChannelReply reply) =>
        reply is CardReply card && card.Buttons.Any(b => b.IsCallback)
            ? card with { Buttons = [.. card.Buttons.Where(b => !b.IsCallback)] }
            : reply;
}
