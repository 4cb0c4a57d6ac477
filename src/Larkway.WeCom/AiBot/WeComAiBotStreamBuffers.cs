using System.Text;

namespace Larkway.WeCom.AiBot;

/// <summary>
/// The streams of a bot in URL-callback mode, held between WeCom's polls: the generator appends text as it comes, and
/// each poll is answered with the text so far (<see cref="Poll"/>), the last one with finish. A stream is kept 6 minutes
/// (WeCom stops polling then) and forgotten after. One message gets one stream even when WeCom delivers it again.
/// Thread-safe; in memory (several replicas need the polls routed to the one that holds the stream, or a shared store).
/// </summary>
public sealed class WeComAiBotStreamBuffers(TimeProvider? timeProvider = null)
{
    /// <summary>How long WeCom polls a stream after the user's message.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(6);

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _streams = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _byMsgId = new(StringComparer.Ordinal);

    /// <summary>Streams held now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                Prune();
                return _streams.Count;
            }
        }
    }

    /// <summary>Starts the stream of message <paramref name="msgId"/> (the same one again for a redelivered message) and returns its id.</summary>
    public string Begin(string msgId, string? feedbackId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(msgId);
        lock (_gate)
        {
            Prune();
            if (_byMsgId.TryGetValue(msgId, out var existing))
            {
                return existing;
            }

            var id = "stream_" + Guid.NewGuid().ToString("N");
            _streams[id] = new Entry(msgId, _time.GetUtcNow(), feedbackId);
            _byMsgId[msgId] = id;
            return id;
        }
    }

    /// <summary>True when the message already has a stream: a redelivery, to answer without starting the work again.</summary>
    public bool TryGetStream(string msgId, out string streamId)
    {
        lock (_gate)
        {
            Prune();
            return _byMsgId.TryGetValue(msgId, out streamId!);
        }
    }

    /// <summary>Appends text to a stream.</summary>
    /// <exception cref="WeComApiException">The stream is unknown or finished, or the text would pass 20,480 bytes (nothing is appended).</exception>
    public void Append(string streamId, string text) => Change(streamId, e =>
    {
        WeComAiBotReply.CheckContent(e.Text.ToString() + text, "The stream's text");
        e.Text.Append(text);
    });

    /// <summary>Replaces a stream's text.</summary>
    /// <exception cref="WeComApiException">The stream is unknown or finished, or the text is over 20,480 bytes.</exception>
    public void SetText(string streamId, string text) => Change(streamId, e =>
    {
        WeComAiBotReply.CheckContent(text, "The stream's text");
        e.Text.Clear().Append(text);
    });

    /// <summary>Ends a stream (after appending <paramref name="finalText"/>): the next poll is answered with finish.</summary>
    /// <exception cref="WeComApiException">The stream is unknown or finished, or the text would pass 20,480 bytes.</exception>
    public void Finish(string streamId, string? finalText = null) => Change(streamId, e =>
    {
        if (finalText is { Length: > 0 })
        {
            WeComAiBotReply.CheckContent(e.Text.ToString() + finalText, "The stream's text");
            e.Text.Append(finalText);
        }

        e.Finished = true;
    });

    /// <summary>
    /// The reply to a poll of <paramref name="streamId"/> (and to the message itself, for the first frame): the text so
    /// far, finish once the stream is finished. Null for a stream unknown here (expired, or held by another replica).
    /// </summary>
    public WeComAiBotReply? Poll(string streamId)
    {
        lock (_gate)
        {
            Prune();
            if (!_streams.TryGetValue(streamId, out var entry))
            {
                return null;
            }

            var reply = WeComAiBotReply.Stream(streamId, entry.Text.ToString(), entry.Finished, entry.Polled ? null : entry.FeedbackId);
            entry.Polled = true;
            return reply;
        }
    }

    private void Change(string streamId, Action<Entry> change)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        lock (_gate)
        {
            Prune();
            if (!_streams.TryGetValue(streamId, out var entry))
            {
                throw WeComAiBotReply.Invalid($"No stream {streamId} here: it is unknown, or its {Lifetime.TotalMinutes:0} minutes are over.");
            }

            if (entry.Finished)
            {
                throw WeComAiBotReply.Invalid($"Stream {streamId} is finished.");
            }

            change(entry);
        }
    }

    private void Prune()
    {
        var horizon = _time.GetUtcNow() - Lifetime;
        foreach (var (id, entry) in _streams.Where(s => s.Value.Started < horizon).ToList())
        {
            _streams.Remove(id);
            _byMsgId.Remove(entry.MsgId);
        }
    }

    private sealed class Entry(string msgId, DateTimeOffset started, string? feedbackId)
    {
        public string MsgId { get; } = msgId;

        public DateTimeOffset Started { get; } = started;

        public string? FeedbackId { get; } = feedbackId;

        public StringBuilder Text { get; } = new();

        public bool Finished { get; set; }

        public bool Polled { get; set; }
    }
}
