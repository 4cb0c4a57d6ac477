namespace Larkway.Channels.Messages;

/// <summary>Who sent a message.</summary>
/// <param name="Id">
/// The platform's id of the sender as this app sees it: Feishu open_id, DingTalk staff id (the encrypted senderId
/// when the sender is outside the organisation), WeCom userid.
/// </param>
/// <param name="DisplayName">The sender's name, when the platform sends it (DingTalk does; Feishu and WeCom do not).</param>
/// <param name="IsBot">True when a bot or app sent it (never answer one in a loop).</param>
public sealed record ChannelSender(string Id, string? DisplayName = null, bool IsBot = false)
{
    /// <summary>
    /// The sender's other ids, by the platform's field name (Feishu <c>union_id</c> / <c>user_id</c>, DingTalk
    /// <c>senderId</c> / <c>senderCorpId</c>, WeCom <c>corpid</c>): what the directory links people by.
    /// </summary>
    public IReadOnlyDictionary<string, string> OtherIds { get; init; } = new Dictionary<string, string>();
}
