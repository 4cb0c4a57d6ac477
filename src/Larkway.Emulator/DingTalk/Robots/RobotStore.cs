using Larkway.Emulator.Platform;

namespace Larkway.Emulator.DingTalk.Robots;

/// <summary>
/// The custom robots, their group conversations and what they received. In memory only (not in the state file yet):
/// robots created through the control API are gone after a restart; the default robot is seeded again.
/// </summary>
internal sealed class RobotStore
{
    /// <summary>The seeded robot's access token (documented; no secret, keywords or IP whitelist).</summary>
    public const string DefaultAccessToken = "dev-robot";

    public const string DefaultConversationTitle = "Larkway Dev";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, CustomRobot> _robots = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RobotConversation> _conversations = new(StringComparer.Ordinal);
    private readonly List<RobotMessage> _messages = [];

    public RobotStore(TimeProvider time)
    {
        Add(DefaultAccessToken, "Larkway Dev Robot", DefaultConversationTitle, secret: null, keywords: [], ipWhitelist: [], time.GetUtcNow());
    }

    /// <summary>Adds a robot; its conversation is the existing one with that title, else a new one.</summary>
    public CustomRobot Add(string? accessToken, string name, string conversationTitle, string? secret, IReadOnlyList<string> keywords, IReadOnlyList<string> ipWhitelist, DateTimeOffset now)
    {
        lock (_gate)
        {
            var conversation = _conversations.Values.FirstOrDefault(c => c.Title == conversationTitle);
            if (conversation is null)
            {
                conversation = new RobotConversation("cid" + Ids.Hex(22) + "==", conversationTitle);
                _conversations[conversation.ConversationId] = conversation;
            }

            var robot = new CustomRobot(accessToken ?? Ids.Hex(64), name, conversation.ConversationId, secret, keywords, ipWhitelist, now);
            _robots[robot.AccessToken] = robot;
            return robot;
        }
    }

    public bool Exists(string accessToken)
    {
        lock (_gate)
        {
            return _robots.ContainsKey(accessToken);
        }
    }

    public CustomRobot? Find(string accessToken)
    {
        lock (_gate)
        {
            return _robots.GetValueOrDefault(accessToken);
        }
    }

    public IReadOnlyList<CustomRobot> Robots()
    {
        lock (_gate)
        {
            return [.. _robots.Values.OrderBy(r => r.CreatedAt)];
        }
    }

    public IReadOnlyList<RobotConversation> Conversations()
    {
        lock (_gate)
        {
            return [.. _conversations.Values];
        }
    }

    public RobotConversation? Conversation(string conversationId)
    {
        lock (_gate)
        {
            return _conversations.GetValueOrDefault(conversationId);
        }
    }

    public void Append(RobotMessage message)
    {
        lock (_gate)
        {
            _messages.Add(message);
        }
    }

    public IReadOnlyList<RobotMessage> MessagesOf(string accessToken)
    {
        lock (_gate)
        {
            return [.. _messages.Where(m => m.RobotAccessToken == accessToken)];
        }
    }

    public IReadOnlyList<RobotMessage> MessagesIn(string conversationId)
    {
        lock (_gate)
        {
            return [.. _messages.Where(m => m.ConversationId == conversationId)];
        }
    }
}
