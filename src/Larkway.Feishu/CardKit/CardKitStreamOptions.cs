namespace Larkway.Feishu.CardKit;

/// <summary>How a <see cref="CardKitStream"/> coalesces and finishes.</summary>
public sealed class CardKitStreamOptions
{
    /// <summary>The shortest time between two text updates (500 ms by default): text arriving meanwhile goes out together.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long the terminal writes (final text, streaming off) may take in all; they are not cancellable otherwise.</summary>
    public TimeSpan FinishTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The chat-list summary set when streaming is switched back on after CardKit closed it; null keeps none.</summary>
    public string? Summary { get; set; }

    internal CardKitStreamOptions Validated()
    {
        if (Interval < TimeSpan.Zero || FinishTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("CardKitStreamOptions: Interval must not be negative and FinishTimeout must be positive.");
        }

        return new CardKitStreamOptions { Interval = Interval, FinishTimeout = FinishTimeout, Summary = Summary };
    }
}

/// <summary>Where a <see cref="CardKitStream"/> is.</summary>
public enum CardKitStreamState
{
    /// <summary>Taking text and sending it at most once an interval.</summary>
    Streaming,

    /// <summary>Finishing: the final text and streaming off are being sent.</summary>
    Finishing,

    /// <summary>Finished: the final text was sent and streaming switched off.</summary>
    Finished,

    /// <summary>Finished, but a terminal write failed (see <see cref="CardKitStream.FinishError"/>); the caller may fall back.</summary>
    FinishFailed,
}
