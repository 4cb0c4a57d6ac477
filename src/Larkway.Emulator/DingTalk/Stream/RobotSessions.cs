using System.Security.Cryptography;

namespace Larkway.Emulator.DingTalk.Stream;

/// <summary>
/// A reply a bot posted to a robot message's <c>sessionWebhook</c> (or, for an outgoing robot in HTTP mode, the robot
/// message it answered the callback with; <see cref="Session"/> is then empty).
/// </summary>
public sealed record DingTalkSessionReply(string Session, string AppKey, string ConversationId, string MsgType, string Body, long AtMs);

/// <summary>An open session webhook, as the state file keeps it.</summary>
internal sealed record RobotSession(string Id, string AppKey, string ConversationId, DateTimeOffset ExpiresAt);

/// <summary>
/// The <c>sessionWebhook</c>s handed out with robot messages: each accepts replies until it expires
/// (<see cref="DingTalkStreamOptions.SessionWebhookLifetime"/>, on the injected clock); replies are kept for tests.
/// </summary>
internal sealed class RobotSessions(DingTalkStreamOptions options, TimeProvider time, Action? changed = null)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly List<DingTalkSessionReply> _replies = [];

    /// <summary>A new session for one conversation; returns its id and when it expires.</summary>
    public (string Id, DateTimeOffset ExpiresAt) Open(string appKey, string conversationId)
    {
        var now = time.GetUtcNow();
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var expiresAt = now + options.SessionWebhookLifetime;
        lock (_gate)
        {
            foreach (var stale in _sessions.Where(s => s.Value.ExpiresAt <= now - TimeSpan.FromDays(1)).Select(s => s.Key).ToList())
            {
                _sessions.Remove(stale);
            }

            _sessions[id] = new Session(appKey, conversationId, expiresAt);
        }

        changed?.Invoke();

        return (id, expiresAt);
    }

    /// <summary>Records a reply; false when the session is unknown or expired.</summary>
    public bool TryReply(string? sessionId, string msgType, string body)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (sessionId is null || !_sessions.TryGetValue(sessionId, out var session) || session.ExpiresAt <= now)
            {
                return false;
            }

            _replies.Add(new DingTalkSessionReply(sessionId, session.AppKey, session.ConversationId, msgType, body, now.ToUnixTimeMilliseconds()));
        }

        changed?.Invoke();
        return true;
    }

    /// <summary>Records a robot message an outgoing robot answered its HTTP callback with (no session involved).</summary>
    public void RecordDirectReply(string appKey, string conversationId, string msgType, string body)
    {
        lock (_gate)
        {
            _replies.Add(new DingTalkSessionReply(string.Empty, appKey, conversationId, msgType, body, time.GetUtcNow().ToUnixTimeMilliseconds()));
        }

        changed?.Invoke();
    }

    public IReadOnlyList<DingTalkSessionReply> RepliesIn(string conversationId)
    {
        lock (_gate)
        {
            return [.. _replies.Where(r => r.ConversationId == conversationId)];
        }
    }

    /// <summary>Open sessions and the replies, for the state file: a session webhook keeps working across a restart.</summary>
    public (IReadOnlyList<RobotSession> Sessions, IReadOnlyList<DingTalkSessionReply> Replies) Export()
    {
        lock (_gate)
        {
            return ([.. _sessions.Select(s => new RobotSession(s.Key, s.Value.AppKey, s.Value.ConversationId, s.Value.ExpiresAt))], [.. _replies]);
        }
    }

    public void Restore(IEnumerable<RobotSession> sessions, IEnumerable<DingTalkSessionReply> replies)
    {
        lock (_gate)
        {
            foreach (var session in sessions)
            {
                _sessions[session.Id] = new Session(session.AppKey, session.ConversationId, session.ExpiresAt);
            }

            _replies.AddRange(replies);
        }
    }

    public IReadOnlyList<DingTalkSessionReply> Replies()
    {
        lock (_gate)
        {
            return [.. _replies];
        }
    }

    private sealed record Session(string AppKey, string ConversationId, DateTimeOffset ExpiresAt);
}
