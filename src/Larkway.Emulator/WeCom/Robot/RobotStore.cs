using Larkway.Emulator.State;

namespace Larkway.Emulator.WeCom.Robot;

/// <summary>A message a group robot posted (<see cref="Content"/> is the JSON of the msgtype's object, as sent).</summary>
internal sealed record WeComRobotMessage(string Id, string Key, string MsgType, string Content, DateTimeOffset At);

/// <summary>What the group robots posted, per key, in order.</summary>
internal sealed class RobotStore(StateRevision revision)
{
    private readonly Lock _gate = new();
    private readonly List<WeComRobotMessage> _messages = [];

    public void Add(WeComRobotMessage message)
    {
        lock (_gate)
        {
            _messages.Add(message);
        }

        revision.Advance();
    }

    public IReadOnlyList<WeComRobotMessage> Of(string key)
    {
        lock (_gate)
        {
            return [.. _messages.Where(m => m.Key == key)];
        }
    }

    public IReadOnlyList<WeComRobotMessage> Export()
    {
        lock (_gate)
        {
            return [.. _messages];
        }
    }

    public void Restore(IEnumerable<WeComRobotMessage> messages)
    {
        lock (_gate)
        {
            _messages.AddRange(messages);
        }
    }
}
