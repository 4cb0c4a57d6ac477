namespace Larkway.Channels.Messages;

/// <summary>
/// The bot's own identity on a platform, given by the caller, so that a normalizer can tell "the bot was mentioned"
/// and "the bot sent this" apart from other people and bots.
/// </summary>
/// <param name="Id">
/// The bot's id as messages name it: Feishu the bot's open_id (from <c>/bot/v3/info</c>); DingTalk the robot's
/// chatbotUserId or robotCode; WeCom the AI bot's aibotid (or the app's AgentID).
/// </param>
/// <param name="Name">The bot's display name (WeCom AI bot: how group members @-mention it, used to take the mention out of the text).</param>
public sealed record ChannelBotIdentity(string Id, string? Name = null)
{
    /// <summary>Other ids that also mean this bot (e.g. DingTalk's robotCode beside its chatbotUserId).</summary>
    public IReadOnlyList<string> OtherIds { get; init; } = [];

    /// <summary>True when <paramref name="id"/> is one of this bot's ids.</summary>
    public bool Is(string? id) => !string.IsNullOrEmpty(id) && (id == Id || OtherIds.Contains(id));
}
