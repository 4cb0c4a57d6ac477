using Larkway.Emulator.DingTalk.State;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;

namespace Larkway.Emulator.DingTalk.Robots;

/// <summary>
/// The custom robots, their group conversations and what they received; kept in the state file when there is one
/// (<see cref="DingTalkSnapshot"/>), else in memory. The default robot is seeded on a start without a file.
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

    private readonly StateRevision _revision;

    public RobotStore(TimeProvider time, StateRevision revision)
    {
        _revision = revision;
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
            _revision.Advance();
            return robot;
        }
    }

    /// <summary>A new group with members (test control); the app robot can post into it.</summary>
    public RobotConversation AddGroup(string title, IReadOnlyList<string> members)
    {
        lock (_gate)
        {
            var conversation = new RobotConversation("cid" + Ids.Hex(22) + "==", title, members);
            _conversations[conversation.ConversationId] = conversation;
            _revision.Advance();
            return conversation;
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
            _revision.Advance();
        }
    }

    public IReadOnlyList<RobotMessage> MessagesOf(string accessToken)
    {
        lock (_gate)
        {
            return [.. _messages.Where(m => m.RobotAccessToken == accessToken)];
        }
    }

    /// <summary>Robots, conversations and messages for the state file (tokens are added by the caller).</summary>
    public DingTalkSnapshot Export(IReadOnlyList<Platform.DingTalkToken> tokens)
    {
        lock (_gate)
        {
            return new DingTalkSnapshot(tokens, [.. _robots.Values], [.. _conversations.Values], [.. _messages]);
        }
    }

    /// <summary>Replaces the seeded robot with the file's robots, groups and messages.</summary>
    public void Restore(DingTalkSnapshot snapshot)
    {
        lock (_gate)
        {
            _robots.Clear();
            _conversations.Clear();
            _messages.Clear();
            foreach (var conversation in snapshot.Conversations)
            {
                _conversations[conversation.ConversationId] = conversation;
            }

            foreach (var robot in snapshot.Robots)
            {
                _robots[robot.AccessToken] = robot;
            }

            _messages.AddRange(snapshot.Messages);
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
