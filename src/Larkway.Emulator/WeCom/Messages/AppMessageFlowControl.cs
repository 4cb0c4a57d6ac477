using System.Security.Cryptography;
using Larkway.Emulator.Hosting;

namespace Larkway.Emulator.WeCom.Messages;

/// <summary>
/// Two send-time rules kept in memory (a restart forgets them, as WeCom's windows would pass): the per-member limit —
/// "每应用对同一个成员不可超过30次/分钟 … 超过部分会被丢弃不下发" (dropped silently, the send still succeeds) — and
/// <c>enable_duplicate_check</c>: the same request JSON within <c>duplicate_check_interval</c> (default 1800 s, at most
/// 4 h) is not delivered again.
/// </summary>
internal sealed class AppMessageFlowControl(TimeProvider time, EmulatorOptions options)
{
    public static readonly TimeSpan DefaultDuplicateInterval = TimeSpan.FromSeconds(1800);
    public static readonly TimeSpan MaxDuplicateInterval = TimeSpan.FromHours(4);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<DateTimeOffset>> _perMember = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string MsgId, DateTimeOffset Until)> _duplicates = new(StringComparer.Ordinal);

    /// <summary>The members of <paramref name="users"/> over their minute's limit (the message is dropped for them).</summary>
    public IReadOnlyList<string> OverLimit(IEnumerable<string> users)
    {
        if (!options.EnforceRateLimits)
        {
            return [];
        }

        var now = time.GetUtcNow();
        var dropped = new List<string>();
        lock (_gate)
        {
            foreach (var user in users)
            {
                if (!_perMember.TryGetValue(user, out var window))
                {
                    _perMember[user] = window = new Queue<DateTimeOffset>();
                }

                while (window.Count > 0 && window.Peek() <= now - TimeSpan.FromMinutes(1))
                {
                    window.Dequeue();
                }

                if (window.Count >= options.WeComMemberMessagesPerMinute)
                {
                    dropped.Add(user);
                }
                else
                {
                    window.Enqueue(now);
                }
            }
        }

        return dropped;
    }

    /// <summary>The message id this same request produced within the interval, or null (and the request is remembered under <paramref name="msgId"/>).</summary>
    public string? Duplicate(byte[] request, TimeSpan interval, string msgId)
    {
        var key = Convert.ToHexString(SHA256.HashData(request));
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_duplicates.TryGetValue(key, out var seen) && seen.Until > now)
            {
                return seen.MsgId;
            }

            foreach (var old in _duplicates.Where(d => d.Value.Until <= now).Select(d => d.Key).ToList())
            {
                _duplicates.Remove(old);
            }

            _duplicates[key] = (msgId, now + interval);
            return null;
        }
    }
}
