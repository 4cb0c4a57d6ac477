using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Larkway.Feishu.CardKit;

/// <summary>
/// Streams a growing text into one element of a card in streaming mode. <see cref="SetText"/> (the whole text so far) and
/// <see cref="Append"/> only record the text; a pump sends the latest whole text at most once per
/// <see cref="CardKitStreamOptions.Interval"/>, so bursts of tokens become one update and nothing is lost (each update is
/// the full text; CardKit types out only what is new). A failed update is logged and the next one carries its text; when
/// CardKit has closed streaming (300309, 200850) it is switched on again once and the text resent.
/// <see cref="CompleteAsync"/> — or <see cref="DisposeAsync"/>, if never called — always ends the card: the final text, then
/// streaming off, bounded by <see cref="CardKitStreamOptions.FinishTimeout"/> and not cancellable otherwise, so no card is
/// left "generating".
/// </summary>
public sealed partial class CardKitStream : IAsyncDisposable
{
    private readonly CardKitClient _client;
    private readonly CardKitStreamOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _changed = new(0, 1);
    private readonly CancellationTokenSource _stopPump = new();
    private readonly Task _pump;
    private string _text = string.Empty;
    private string _sent = string.Empty;
    private long _lastSentAt;
    private bool _everSent;
    private int _updates;
    private int _state;
    private Task? _finishing;

    /// <summary>Starts streaming into <paramref name="elementId"/> of <paramref name="cardId"/> (a card already in streaming mode).</summary>
    /// <exception cref="ArgumentException">A bad card or element id, or bad options.</exception>
    public CardKitStream(CardKitClient client, string cardId, string elementId, CardKitStreamOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        CardId = CardKitChecks.CardId(cardId, nameof(cardId));
        ElementId = CardKitChecks.ElementId(elementId, nameof(elementId));
        _options = (options ?? new CardKitStreamOptions()).Validated();
        _clock = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _pump = Task.Run(() => PumpAsync(_stopPump.Token));
    }

    /// <summary>The card streamed into.</summary>
    public string CardId { get; }

    /// <summary>The element streamed into.</summary>
    public string ElementId { get; }

    /// <summary>The latest text given.</summary>
    public string Text
    {
        get
        {
            lock (_gate)
            {
                return _text;
            }
        }
    }

    /// <summary>Text updates sent so far (the final one included).</summary>
    public int UpdatesSent => Volatile.Read(ref _updates);

    /// <summary>Where the stream is.</summary>
    public CardKitStreamState State => (CardKitStreamState)Volatile.Read(ref _state);

    /// <summary>Why a terminal write failed, when <see cref="State"/> is <see cref="CardKitStreamState.FinishFailed"/>.</summary>
    public Exception? FinishError { get; private set; }

    /// <summary>Sets the whole text so far (it may also replace the text, e.g. after a moderation replace).</summary>
    /// <exception cref="ArgumentException">Over 100,000 characters: continue in another card.</exception>
    /// <exception cref="InvalidOperationException">The stream is finishing or finished.</exception>
    public void SetText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > CardKitChecks.MaxContentLength)
        {
            throw new ArgumentException($"The text is {text.Length} characters; a card element takes at most {CardKitChecks.MaxContentLength}. Continue the answer in another card.", nameof(text));
        }

        lock (_gate)
        {
            EnsureStreaming();
            _text = text;
        }

        Signal();
    }

    /// <summary>Appends <paramref name="delta"/> to the text.</summary>
    public void Append(string delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        string text;
        lock (_gate)
        {
            EnsureStreaming();
            text = _text + delta;
        }

        SetText(text);
    }

    /// <summary>
    /// Ends the stream: waits for an update in flight, sends <paramref name="finalText"/> (else the latest text) when the card
    /// does not show it yet, then switches streaming off. Always runs to the end (bounded by
    /// <see cref="CardKitStreamOptions.FinishTimeout"/>); a failure is kept in <see cref="FinishError"/> and rethrown.
    /// Calling it again returns the same finish.
    /// </summary>
    public Task CompleteAsync(string? finalText = null)
    {
        lock (_gate)
        {
            if (_finishing is not null)
            {
                return _finishing;
            }

            if (finalText is not null)
            {
                if (finalText.Length > CardKitChecks.MaxContentLength)
                {
                    throw new ArgumentException($"The final text is {finalText.Length} characters; a card element takes at most {CardKitChecks.MaxContentLength}.", nameof(finalText));
                }

                _text = finalText;
            }

            Volatile.Write(ref _state, (int)CardKitStreamState.Finishing);
            _finishing = FinishAsync();
            return _finishing;
        }
    }

    /// <summary>Finishes the stream if <see cref="CompleteAsync"/> was not called; never throws.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is FeishuApiException or HttpRequestException or OperationCanceledException)
        {
            // Kept in FinishError and logged.
        }

        _stopPump.Dispose();
        _changed.Dispose();
    }

    private void EnsureStreaming()
    {
        if (_finishing is not null)
        {
            throw new InvalidOperationException("The stream is finishing or finished; no more text can be added.");
        }
    }

    private void Signal()
    {
        try
        {
            if (_changed.CurrentCount == 0)
            {
                _changed.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Another change signalled first: one wake-up covers both.
        }
    }

    private async Task PumpAsync(CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await _changed.WaitAsync(stop).ConfigureAwait(false);
                if (_everSent)
                {
                    var wait = _options.Interval - _clock.GetElapsedTime(_lastSentAt);
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, _clock, stop).ConfigureAwait(false);
                    }
                }

                string text;
                lock (_gate)
                {
                    text = _text;
                }

                if (text.Length == 0 || text == _sent)
                {
                    continue;
                }

                await SendAsync(text, final: false, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Finishing: the finish sends what is left.
        }
    }

    private async Task SendAsync(string text, bool final, CancellationToken cancellationToken)
    {
        try
        {
            await SendReopeningAsync(text, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!final && e is FeishuApiException or HttpRequestException)
        {
            // The next update carries the whole text again.
            LogUpdateFailed(_logger, CardId, (e as FeishuApiException)?.Code ?? 0, e);
        }
    }

    private async Task SendReopeningAsync(string text, CancellationToken cancellationToken)
    {
        try
        {
            await _client.StreamTextAsync(CardId, ElementId, text, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (FeishuApiException e) when (FeishuErrorCodes.IsCardKitStreamingClosed(e.Code))
        {
            LogReopened(_logger, CardId, e.Code);
            await _client.UpdateSettingsAsync(CardId, new CardKitSettings(true, _options.Summary), cancellationToken: cancellationToken).ConfigureAwait(false);
            await _client.StreamTextAsync(CardId, ElementId, text, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        _sent = text;
        _lastSentAt = _clock.GetTimestamp();
        _everSent = true;
        Interlocked.Increment(ref _updates);
    }

    private async Task FinishAsync()
    {
        await _stopPump.CancelAsync().ConfigureAwait(false);
        await _pump.ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(_options.FinishTimeout, _clock);
        try
        {
            string text;
            lock (_gate)
            {
                text = _text;
            }

            if (text.Length > 0 && text != _sent)
            {
                await SendReopeningAsync(text, timeout.Token).ConfigureAwait(false);
            }

            await _client.SetStreamingModeAsync(CardId, on: false, cancellationToken: timeout.Token).ConfigureAwait(false);
            Volatile.Write(ref _state, (int)CardKitStreamState.Finished);
        }
        catch (Exception e) when (e is FeishuApiException or HttpRequestException or OperationCanceledException)
        {
            FinishError = e;
            Volatile.Write(ref _state, (int)CardKitStreamState.FinishFailed);
            LogFinishFailed(_logger, CardId, (e as FeishuApiException)?.Code ?? 0, e);
            throw;
        }
    }

    [LoggerMessage(EventId = LogEvents.CardKitStreamUpdateFailed, Level = LogLevel.Warning, Message = "CardKit stream update of card {CardId} failed (code {Code}); the next update carries the whole text")]
    private static partial void LogUpdateFailed(ILogger logger, string cardId, int code, Exception exception);

    [LoggerMessage(EventId = LogEvents.CardKitStreamReopened, Level = LogLevel.Information, Message = "CardKit closed streaming on card {CardId} (code {Code}); switching it on again")]
    private static partial void LogReopened(ILogger logger, string cardId, int code);

    [LoggerMessage(EventId = LogEvents.CardKitStreamFinishFailed, Level = LogLevel.Warning, Message = "CardKit stream of card {CardId} could not be finished (code {Code})")]
    private static partial void LogFinishFailed(ILogger logger, string cardId, int code, Exception exception);
}
