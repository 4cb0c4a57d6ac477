using Larkway.Emulator.State;

namespace Larkway.Emulator.DingTalk.Chat;

/// <summary>A message an org user wrote to the app robot, one-to-one (<c>conversationType</c> "1") or in a group ("2").</summary>
internal sealed record DingTalkUserMessage(string MsgId, string AppKey, string ConversationId, string ConversationType, string SenderUserId, string SenderNick, string Text, bool AtBot, DateTimeOffset CreatedAt);

/// <summary>What users wrote to robots, by conversation; kept in the state file.</summary>
internal sealed class UserMessageStore(StateRevision revision)
{
    private readonly Lock _gate = new();
    private readonly List<DingTalkUserMessage> _messages = [];

    public void Append(DingTalkUserMessage message)
    {
        lock (_gate)
        {
            _messages.Add(message);
            revision.Advance();
        }
    }

    public IReadOnlyList<DingTalkUserMessage> In(string conversationId)
    {
        lock (_gate)
        {
            return [.. _messages.Where(m => m.ConversationId == conversationId)];
        }
    }

    public IReadOnlyList<DingTalkUserMessage> Export()
    {
        lock (_gate)
        {
            return [.. _messages];
        }
    }

    public void Restore(IEnumerable<DingTalkUserMessage> messages)
    {
        lock (_gate)
        {
            _messages.AddRange(messages);
        }
    }
}
