namespace Larkway.Emulator.WeCom.AiBot;

/// <summary>A group the bots are in: its chatid, name and members.</summary>
public sealed record AiBotGroup(string ChatId, string Name, IReadOnlyList<string> Members);

/// <summary>
/// Who can talk to the bots: the WeCom corp's members (userid → name; <see cref="AiBotOptions.Users"/> instead when set)
/// and the group chats the bots are members of (one seeded group with every member in it).
/// </summary>
internal sealed class AiBotDirectory(AiBotOptions options, State.WeComOrg org)
{
    /// <summary>The seeded group's chatid (WeCom group chatids are opaque strings).</summary>
    public const string DefaultGroupChatId = "wrkSFfCgAAemulatorgroup01";

    private readonly IReadOnlyDictionary<string, string> _users = options.Users.Count > 0
        ? options.EffectiveUsers()
        : org.Users.OrderBy(u => u.UserId, StringComparer.Ordinal).ToDictionary(u => u.UserId, u => u.Name, StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Users => _users;

    public IReadOnlyList<AiBotGroup> Groups => [new(DefaultGroupChatId, "AI 助手试用群", [.. _users.Keys])];

    public string? UserName(string? userId) => userId is not null && _users.TryGetValue(userId, out var name) ? name : null;

    public AiBotGroup? Group(string? chatId) => Groups.FirstOrDefault(g => g.ChatId == chatId);
}
