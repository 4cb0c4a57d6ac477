using System.Globalization;
using System.Text;

namespace Larkway.DingTalk.Cards;

/// <summary>How an AI card's answer is streamed.</summary>
public sealed class DingTalkAiCardOptions
{
    /// <summary>The shortest time between two updates of one card: text arriving faster is coalesced into the next update.</summary>
    public TimeSpan MinUpdateInterval { get; set; } = TimeSpan.FromMilliseconds(300);
}

/// <summary>
/// An AI card's answer as it is written. <see cref="AppendAsync"/> adds text as it comes (token by token if need be);
/// the card is updated at most every <see cref="DingTalkAiCardOptions.MinUpdateInterval"/>, and the app's streaming
/// calls together stay within DingTalk's rate. Every update replaces the whole text (<c>isFull</c>): an update lost,
/// retried or overtaken can never leave the card showing only the last piece or a piece twice. <see cref="SetTextAsync"/>
/// replaces the answer written so far (a backend that rewrites its answer). <see cref="CompleteAsync"/> or
/// <see cref="FailAsync"/> ends it.
/// </summary>
public sealed class DingTalkAiCardStream
{
    private readonly DingTalkCardsClient _cards;
    private readonly string _contentKey;
    private readonly DingTalkAiCardOptions _options;
    private readonly TimeProvider _time;
    private readonly CardStreamingPace _pace;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly Lock _gate = new();
    private readonly StringBuilder _text = new();
    private long _version;
    private long _sentVersion = -1;
    private long _lastSent;
    private bool _writing;
    private bool _ended;
    private int _trailingScheduled;
    private Task? _trailing;
    private Exception? _trailingFailure;

    internal DingTalkAiCardStream(DingTalkCardsClient cards, DingTalkCardDelivery delivery, string contentKey, DingTalkAiCardOptions options, TimeProvider time, CardStreamingPace pace)
    {
        _cards = cards;
        Delivery = delivery;
        _contentKey = contentKey;
        _options = options;
        _time = time;
        _pace = pace;
    }

    /// <summary>The card and where it was delivered.</summary>
    public DingTalkCardDelivery Delivery { get; }

    /// <summary>The card's id.</summary>
    public string OutTrackId => Delivery.OutTrackId;

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

    /// <summary>Adds <paramref name="delta"/> to the answer; the card shows it with the next update (now, if the last one is old enough).</summary>
    public async Task AppendAsync(string delta, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delta);
        lock (_gate)
        {
            ThrowIfEnded();
            if (delta.Length > 0)
            {
                _text.Append(delta);
                _version++;
            }
        }

        await ChangedAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Replaces the whole answer written so far with <paramref name="text"/> (a backend that rewrites its answer); the card
    /// shows it with the next update, paced as <see cref="AppendAsync"/> is.
    /// </summary>
    public async Task SetTextAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        lock (_gate)
        {
            ThrowIfEnded();
            if (!_text.Equals(text.AsSpan()))
            {
                _text.Clear().Append(text);
                _version++;
            }
        }

        await ChangedAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task ChangedAsync(CancellationToken cancellationToken)
    {
        ThrowIfTrailingFailed();

        // Updates come at most every MinUpdateInterval; a change arriving sooner goes with a trailing update, so that the
        // card is never left behind while the answer pauses (a tool call, say).
        var since = _time.GetElapsedTime(Interlocked.Read(ref _lastSent));
        if (since >= _options.MinUpdateInterval || Interlocked.Read(ref _sentVersion) < 0)
        {
            await FlushAsync(finalize: false, cancellationToken).ConfigureAwait(false);
        }
        else if (Interlocked.CompareExchange(ref _trailingScheduled, 1, 0) == 0)
        {
            _trailing = TrailingFlushAsync(_options.MinUpdateInterval - since);
        }
    }

    private async Task TrailingFlushAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _time).ConfigureAwait(false);
            Interlocked.Exchange(ref _trailingScheduled, 0);
            bool ended;
            lock (_gate)
            {
                ended = _ended;
            }

            if (!ended)
            {
                await FlushAsync(finalize: false, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is DingTalkApiException or OperationCanceledException)
        {
            // Surfaced by the next AppendAsync or CompleteAsync, which the caller is awaiting.
            _trailingFailure = ex;
        }
    }

    private void ThrowIfTrailingFailed()
    {
        if (Interlocked.Exchange(ref _trailingFailure, null) is { } failure)
        {
            throw failure as DingTalkApiException
                ?? new DingTalkApiException(DingTalkErrorCodes.Timeout, $"An update of AI card {OutTrackId} did not finish: {failure.Message}", innerException: failure);
        }
    }

    /// <summary>Shows the whole answer, ends the stream and marks the card finished.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            ThrowIfEnded();
            _ended = true;
        }

        if (_trailing is { } trailing)
        {
            await trailing.ConfigureAwait(false);
        }

        ThrowIfTrailingFailed();
        await FlushAsync(finalize: true, cancellationToken).ConfigureAwait(false);
        await _cards.UpdateAsync(OutTrackId, new Dictionary<string, string>
        {
            ["flowStatus"] = Status(DingTalkAiCardStatus.Finished),
            [_contentKey] = Text,
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends the stream as failed: the card shows what was written, then <paramref name="message"/>, and the failed status.</summary>
    public async Task FailAsync(string message, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(message);
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
            _text.Append(_text.Length > 0 ? "\n\n" : "").Append(message);
        }

        await _pace.WaitAsync(_time, cancellationToken).ConfigureAwait(false);
        await _cards.StreamAsync(OutTrackId, _contentKey, Text, isFull: true, isFinalize: true, isError: true, cancellationToken).ConfigureAwait(false);
        await _cards.UpdateAsync(OutTrackId, new Dictionary<string, string>
        {
            ["flowStatus"] = Status(DingTalkAiCardStatus.Failed),
            [_contentKey] = Text,
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task FlushAsync(bool finalize, CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            string text;
            long version;
            lock (_gate)
            {
                text = _text.ToString();
                version = _version;
            }

            if (!finalize && version == Interlocked.Read(ref _sentVersion))
            {
                return;
            }

            if (!_writing)
            {
                // The template shows "writing" from the first text on.
                await _cards.UpdateAsync(OutTrackId, new Dictionary<string, string> { ["flowStatus"] = Status(DingTalkAiCardStatus.Inputing) }, cancellationToken).ConfigureAwait(false);
                _writing = true;
            }

            await _pace.WaitAsync(_time, cancellationToken).ConfigureAwait(false);
            await _cards.StreamAsync(OutTrackId, _contentKey, text, isFull: true, isFinalize: finalize, isError: false, cancellationToken).ConfigureAwait(false);
            Interlocked.Exchange(ref _sentVersion, version);
            Interlocked.Exchange(ref _lastSent, _time.GetTimestamp());
        }
        finally
        {
            _sending.Release();
        }
    }

    private void ThrowIfEnded()
    {
        if (_ended)
        {
            throw new InvalidOperationException($"The AI card {OutTrackId} has been completed or failed; start another card for another answer.");
        }
    }

    private static string Status(DingTalkAiCardStatus status) => ((int)status).ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// Spaces an app's card streaming calls at least 1/<c>rate</c> apart. DingTalk has been seen refusing more than about
/// 20 a second per app (403 QpsLimit); the default stays under that.
/// </summary>
internal sealed class CardStreamingPace(double callsPerSecond)
{
    private readonly Lock _gate = new();
    private readonly TimeSpan _spacing = TimeSpan.FromSeconds(1 / callsPerSecond);
    private DateTimeOffset _next = DateTimeOffset.MinValue;

    public async Task WaitAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        TimeSpan wait;
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var slot = _next > now ? _next : now;
            _next = slot + _spacing;
            wait = slot - now;
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
