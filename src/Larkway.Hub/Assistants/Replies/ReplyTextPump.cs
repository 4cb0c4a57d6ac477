using System.Threading.Channels;

namespace Larkway.Hub.Assistants.Replies;

/// <summary>
/// Carries a streamed answer's latest text to the platform without holding up the caller: <see cref="Show"/> only
/// records the text; one background loop sends the latest text at most once per interval (what came meanwhile is
/// coalesced — the platform gets whole texts, so nothing is lost by skipping the ones in between). A send that fails is
/// counted and the loop goes on: the next text (or the reply's end) repairs it. <see cref="StopAsync"/> ends the loop
/// after the send in flight, so the reply's end is the last thing the platform gets.
/// </summary>
internal sealed class ReplyTextPump
{
    private readonly Func<string, CancellationToken, Task> _send;
    private readonly Action<Exception> _failed;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private string? _latest;
    private string? _sent;
    private int _sends;
    private int _poked;

    /// <summary>A pump calling <paramref name="send"/> with the latest text, at most once per <paramref name="interval"/>.</summary>
    /// <param name="send">Shows one text on the platform (called one at a time).</param>
    /// <param name="failed">Told of a send that threw (not of cancellations at the stop).</param>
    /// <param name="interval">The least time from one send's start to the next one's.</param>
    /// <param name="time">The clock.</param>
    public ReplyTextPump(Func<string, CancellationToken, Task> send, Action<Exception> failed, TimeSpan interval, TimeProvider time)
    {
        _send = send;
        _failed = failed;
        _interval = interval;
        _time = time;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>The last text a send completed with, or null.</summary>
    public string? Sent => Volatile.Read(ref _sent);

    /// <summary>The latest text shown to the pump, or null.</summary>
    public string? Latest => Volatile.Read(ref _latest);

    /// <summary>Sends that completed.</summary>
    public int Sends => Volatile.Read(ref _sends);

    /// <summary>Records <paramref name="text"/> as the latest; it goes with the next send.</summary>
    public void Show(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Volatile.Write(ref _latest, text);
        _signal.Writer.TryWrite(true);
    }

    /// <summary>Has the loop call the send once more with the latest text, even unchanged (a deadline the send checks has come).</summary>
    public void Poke()
    {
        Volatile.Write(ref _poked, 1);
        _signal.Writer.TryWrite(true);
    }

    /// <summary>Stops the loop: no send starts after this; the one in flight, if any, ends first.</summary>
    public async Task StopAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }

        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var token = _stop.Token;
        try
        {
            while (await _signal.Reader.WaitToReadAsync(token).ConfigureAwait(false))
            {
                _signal.Reader.TryRead(out _);
                var poked = Interlocked.Exchange(ref _poked, 0) == 1;
                var text = Volatile.Read(ref _latest) ?? (poked ? "" : null);
                if (text is null || (!poked && string.Equals(text, Volatile.Read(ref _sent), StringComparison.Ordinal)))
                {
                    continue;
                }

                var started = _time.GetTimestamp();
                try
                {
                    // Not cancelled by the stop: the send in flight finishes, so the end never overtakes it half-sent.
                    await _send(text, CancellationToken.None).ConfigureAwait(false);
                    Volatile.Write(ref _sent, text);
                    Interlocked.Increment(ref _sends);
                }
#pragma warning disable CA1031 // A failed update must not end the answer: the next one (or the end) shows the whole text again.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    _failed(ex);
                }

                var wait = _interval - _time.GetElapsedTime(started);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time, token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopped.
        }
    }
}
