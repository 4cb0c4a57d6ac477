namespace Larkway.Feishu.Events.LongConnection;

/// <summary>
/// Reassembles data frames split into <c>sum</c> fragments (indexed by <c>seq</c>, any arrival order) by
/// <c>message_id</c>. Bounded three ways, because a peer that never completes a message must not grow
/// memory: a cap on pending messages (the oldest is dropped), a cap on buffered bytes (oldest dropped; a
/// message that alone exceeds it is dropped), and a timeout per message. Dropping is safe: the server
/// redelivers events that were never acknowledged. One instance per connection; not thread-safe (the
/// receive loop is its only caller).
/// </summary>
internal sealed class FragmentAssembler
{
    /// <summary>No real message is split this finely; a larger <c>sum</c> would only size a big slot array.</summary>
    internal const int MaxFragments = 1024;

    private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly int _maxMessages;
    private readonly long _maxBytes;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly Action<string, string> _dropped;
    private long _bytes;

    /// <param name="dropped">Told (message id, reason) whenever fragments are discarded.</param>
    public FragmentAssembler(int maxMessages, long maxBytes, TimeSpan timeout, TimeProvider time, Action<string, string> dropped)
    {
        _maxMessages = Math.Max(1, maxMessages);
        _maxBytes = Math.Max(1, maxBytes);
        _timeout = timeout;
        _time = time;
        _dropped = dropped;
    }

    /// <summary>Incomplete messages held.</summary>
    public int PendingCount => _pending.Count;

    /// <summary>Bytes held for incomplete messages.</summary>
    public long PendingBytes => _bytes;

    /// <summary>
    /// Adds fragment <paramref name="seq"/> of <paramref name="sum"/>. Returns the whole payload when this
    /// fragment completes the message, otherwise null.
    /// </summary>
    public byte[]? Add(string messageId, int sum, int seq, ReadOnlyMemory<byte> part)
    {
        DropExpired();

        if (sum is < 2 or > MaxFragments || seq < 0 || seq >= sum)
        {
            _dropped(messageId, $"fragment {seq} of {sum} is out of range");
            return null;
        }

        if (_pending.TryGetValue(messageId, out var pending) && pending.Parts.Length != sum)
        {
            Drop(messageId, pending, $"the fragment count changed from {pending.Parts.Length} to {sum}");
            pending = null;
        }

        if (pending?.Parts[seq] is not null)
        {
            return null; // a repeated fragment adds nothing
        }

        if (pending is null)
        {
            while (_pending.Count >= _maxMessages)
            {
                DropOldest(except: null, "too many incomplete messages");
            }

            pending = new Pending(new byte[]?[sum], _time.GetTimestamp());
            _pending.Add(messageId, pending);
        }

        if (pending.Bytes + part.Length > _maxBytes)
        {
            Drop(messageId, pending, "the message is larger than the fragment byte limit");
            return null;
        }

        while (_bytes + part.Length > _maxBytes)
        {
            DropOldest(except: messageId, "the fragment byte limit was reached");
        }

        pending.Parts[seq] = part.ToArray();
        pending.Received++;
        pending.Bytes += part.Length;
        _bytes += part.Length;

        if (pending.Received < sum)
        {
            return null;
        }

        Remove(messageId, pending);
        var whole = new byte[pending.Bytes];
        var offset = 0;
        foreach (var fragment in pending.Parts)
        {
            fragment!.CopyTo(whole, offset);
            offset += fragment.Length;
        }

        return whole;
    }

    /// <summary>Drops messages whose first fragment is older than the timeout.</summary>
    public void DropExpired()
    {
        if (_pending.Count == 0)
        {
            return;
        }

        List<string>? expired = null;
        foreach (var (id, pending) in _pending)
        {
            if (_time.GetElapsedTime(pending.StartedAt) >= _timeout)
            {
                (expired ??= []).Add(id);
            }
        }

        if (expired is null)
        {
            return;
        }

        foreach (var id in expired)
        {
            Drop(id, _pending[id], "incomplete after the fragment timeout");
        }
    }

    private void DropOldest(string? except, string reason)
    {
        string? oldestId = null;
        Pending? oldest = null;
        foreach (var (id, pending) in _pending)
        {
            if (id != except && (oldest is null || pending.StartedAt < oldest.StartedAt))
            {
                oldestId = id;
                oldest = pending;
            }
        }

        Drop(oldestId!, oldest!, reason);
    }

    private void Drop(string messageId, Pending pending, string reason)
    {
        Remove(messageId, pending);
        _dropped(messageId, reason);
    }

    private void Remove(string messageId, Pending pending)
    {
        _pending.Remove(messageId);
        _bytes -= pending.Bytes;
    }

    private sealed class Pending(byte[]?[] parts, long startedAt)
    {
        public byte[]?[] Parts { get; } = parts;

        public long StartedAt { get; } = startedAt;

        public int Received { get; set; }

        public long Bytes { get; set; }
    }
}
