using Larkway.Emulator.State;

namespace Larkway.Emulator.DingTalk.AppRobot;

/// <summary>Why a processQueryKey could not be recalled (the texts are the emulator's; DingTalk's are unsure).</summary>
internal static class RecallFailures
{
    public const string NotFound = "processQueryKey not found";
    public const string AlreadyRecalled = "message already recalled";
    public const string Expired = "message sent more than 24 hours ago can not be recalled";
}

/// <summary>
/// What the app robot delivered, one-to-one and in groups; kept in the state file when there is one. Recall marks a
/// message (it stays readable for tests, with <c>recalledAt</c>).
/// </summary>
internal sealed class AppRobotStore(StateRevision revision)
{
    /// <summary>Documented: a message can be recalled within 24 hours of being sent.</summary>
    public static readonly TimeSpan RecallWindow = TimeSpan.FromHours(24);

    private readonly Lock _gate = new();
    private readonly List<AppRobotMessage> _messages = [];

    public void Append(IEnumerable<AppRobotMessage> messages)
    {
        lock (_gate)
        {
            _messages.AddRange(messages);
            revision.Advance();
        }
    }

    public IReadOnlyList<AppRobotMessage> ToUser(string userId)
    {
        lock (_gate)
        {
            return [.. _messages.Where(m => m.UserId == userId)];
        }
    }

    public IReadOnlyList<AppRobotMessage> InGroup(string conversationId)
    {
        lock (_gate)
        {
            return [.. _messages.Where(m => m.ConversationId == conversationId)];
        }
    }

    /// <summary>
    /// Recalls the messages under each key that <paramref name="belongs"/> accepts (one-to-one keys for batchRecall, the
    /// group's keys for group recall); returns the keys recalled and the reason for each key that was not.
    /// </summary>
    public (List<string> Recalled, Dictionary<string, string> Failed) Recall(IEnumerable<string> keys, Func<AppRobotMessage, bool> belongs, DateTimeOffset now)
    {
        var recalled = new List<string>();
        var failed = new Dictionary<string, string>(StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var key in keys.Distinct(StringComparer.Ordinal))
            {
                var indexes = Enumerable.Range(0, _messages.Count).Where(i => _messages[i].ProcessQueryKey == key && belongs(_messages[i])).ToList();
                if (indexes.Count == 0)
                {
                    failed[key] = RecallFailures.NotFound;
                }
                else if (indexes.All(i => _messages[i].RecalledAt is not null))
                {
                    failed[key] = RecallFailures.AlreadyRecalled;
                }
                else if (now - _messages[indexes[0]].CreatedAt > RecallWindow)
                {
                    failed[key] = RecallFailures.Expired;
                }
                else
                {
                    foreach (var i in indexes)
                    {
                        _messages[i] = _messages[i] with { RecalledAt = _messages[i].RecalledAt ?? now };
                    }

                    recalled.Add(key);
                }
            }

            if (recalled.Count > 0)
            {
                revision.Advance();
            }
        }

        return (recalled, failed);
    }

    public IReadOnlyList<AppRobotMessage> Export()
    {
        lock (_gate)
        {
            return [.. _messages];
        }
    }

    public void Restore(IEnumerable<AppRobotMessage> messages)
    {
        lock (_gate)
        {
            _messages.Clear();
            _messages.AddRange(messages);
        }
    }
}
