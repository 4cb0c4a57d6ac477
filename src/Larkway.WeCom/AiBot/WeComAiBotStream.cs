using System.Text;

namespace Larkway.WeCom.AiBot;

/// <summary>
/// A stream reply to one callback: text is appended as it comes (from a model, say) and WeCom shows it growing; every
/// frame carries the whole text so far, the first one sets the stream id, the last one says finish. Frames go at most
/// one per <see cref="WeComAiBotOptions.StreamMinInterval"/> — text appended faster rides on the next frame, sent when the
/// interval is up — and one at a time, each after the previous one's ack. The text is held to WeCom's 20,480 bytes.
/// WeCom takes updates for 6 minutes after the user's message.
/// </summary>
public sealed class WeComAiBotStream
{
    private readonly WeComAiBotClient _client;
    private readonly string? _feedbackId;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly Lock _gate = new();
    private readonly StringBuilder _text = new();
    private string? _sentText;
    private long _lastSentTimestamp;
    private bool _anySent;
    private bool _finished;
    private Task? _scheduled;
    private Exception? _backgroundFailure;

    internal WeComAiBotStream(WeComAiBotClient client, string reqId, string id, string? feedbackId)
    {
        _client = client;
        ReqId = reqId;
        Id = id;
        _feedbackId = feedbackId;

        // A reply with a bad feedback id fails here, not at the first frame.
        if (feedbackId is not null)
        {
            _ = WeComAiBotReply.Stream(id, "", finish: false, feedbackId);
        }
    }

    /// <summary>The stream's id (sent on every frame).</summary>
    public string Id { get; }

    /// <summary>The req_id of the callback it answers.</summary>
    public string ReqId { get; }

    /// <summary>The text so far.</summary>
    public string Text
    {
        get
        {
            lock (_gate)
            {
                return _text.ToString();
            }
        }
    }

    /// <summary>Frames WeCom acked.</summary>
    public int FramesSent { get; private set; }

    /// <summary>
    /// Appends text. A frame goes now when the last one went at least <see cref="WeComAiBotOptions.StreamMinInterval"/> ago
    /// (this call then waits for its ack); otherwise the text goes with the next frame, which is sent when the interval is up.
    /// </summary>
    /// <exception cref="WeComApiException">The text would pass 20,480 bytes (nothing is appended), the stream is finished, or a frame failed.</exception>
    public async Task AppendAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        lock (_gate)
        {
            ThrowIfDone();
            WeComAiBotReply.CheckContent(_text.ToString() + text, "The stream's text");
            _text.Append(text);
        }

        await FlushAsync(finish: false, scheduled: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Replaces the whole text (WeCom shows the new text in place of the old).</summary>
    /// <exception cref="WeComApiException">The text is over 20,480 bytes, the stream is finished, or a frame failed.</exception>
    public async Task SetTextAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        lock (_gate)
        {
            ThrowIfDone();
            WeComAiBotReply.CheckContent(text, "The stream's text");
            _text.Clear().Append(text);
        }

        await FlushAsync(finish: false, scheduled: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends the last frame (finish) with the whole text, after <paramref name="finalText"/> is appended, and waits for its ack.</summary>
    /// <exception cref="WeComApiException">The text would pass 20,480 bytes, the stream is already finished, or the frame failed.</exception>
    public async Task FinishAsync(string? finalText = null, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            ThrowIfDone();
            if (finalText is { Length: > 0 })
            {
                WeComAiBotReply.CheckContent(_text.ToString() + finalText, "The stream's text");
                _text.Append(finalText);
            }

            _finished = true;
        }

        await FlushAsync(finish: true, scheduled: false, cancellationToken).ConfigureAwait(false);
    }

    private void ThrowIfDone()
    {
        if (_backgroundFailure is { } failure)
        {
            throw new WeComApiException(WeComErrorCodes.NetworkError, $"A frame of stream {Id} failed: {failure.Message}", innerException: failure);
        }

        if (_finished)
        {
            throw WeComAiBotReply.Invalid($"Stream {Id} is finished; start another one for more text.");
        }
    }

    private async Task FlushAsync(bool finish, bool scheduled, CancellationToken cancellationToken)
    {
        var interval = _client.Options.StreamMinInterval;

        // A scheduled frame goes when its timer fires, even a hair before the interval by the clock (timers round to
        // milliseconds): checking again here would drop it, since it is itself the frame that is scheduled.
        if (!finish && !scheduled)
        {
            lock (_gate)
            {
                var since = _client.TimeProvider.GetElapsedTime(_lastSentTimestamp);
                if (_anySent && since < interval)
                {
                    // Too soon: one delayed frame carries everything appended meanwhile.
                    if (_scheduled is null || _scheduled.IsCompleted)
                    {
                        _scheduled = SendLaterAsync(interval - since);
                    }

                    return;
                }
            }
        }

        await _sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            string content;
            lock (_gate)
            {
                content = _text.ToString();
                if (!finish && ((scheduled && _finished) || (_anySent && content == _sentText)))
                {
                    // Nothing new (or the finish frame is on its way with this text).
                    return;
                }
            }

            var frame = WeComAiBotReply.Stream(Id, content, finish, _anySent ? null : _feedbackId);
            await _client.RespondAsync(ReqId, frame, cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                _sentText = content;
                _anySent = true;
                _lastSentTimestamp = _client.TimeProvider.GetTimestamp();
                FramesSent++;
            }
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task SendLaterAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _client.TimeProvider).ConfigureAwait(false);
            await FlushAsync(finish: false, scheduled: true, CancellationToken.None).ConfigureAwait(false);
        }
        catch (WeComApiException ex)
        {
            // Reported by the next append or finish: nobody awaits this frame.
            _backgroundFailure = ex;
        }
    }
}
