namespace Larkway.Emulator.WeCom.AiBot;

/// <summary>A group the bots are in: its chatid, name and members.</summary>
public sealed record AiBotGroup(string ChatId, string Name, IReadOnlyList<string> Members);

/// <summary>
/// Who can talk to the bots: the corp's users (userid → name) and the group chats the bots are members of (one seeded
/// group with every user in it).
/// </summary>
internal sealed class AiBotDirectory(AiBotOptions options)
{
    /// <summary>The seeded group's chatid (WeCom group chatids are opaque strings).</summary>
    public const string DefaultGroupChatId = "wrkSFfCgAAemulatorgroup01";

    private readonly IReadOnlyDictionary<string, string> _users = options.EffectiveUsers();

    public IReadOnlyDictionary<string, string> Users => _users;

    public IReadOnlyList<AiBotGroup> Groups { get; } = [new(DefaultGroupChatId, "AI 助手试用群", [.. options.EffectiveUsers().Keys])];

    public string? UserName(string? userId) => userId is not null && _users.TryGetValue(userId, out var name) ? name : null;

    public AiBotGroup? Group(string? chatId) => Groups.FirstOrDefault(g => g.ChatId == chatId);
}
