namespace Larkway.WeCom.Callbacks;

/// <summary>The receiving policy of <see cref="WeComCallbackCrypto"/>: how fresh a signed callback must be, and by which clock.</summary>
public sealed class WeComCallbackOptions
{
    /// <summary>
    /// The default allowed skew either side of now: 5 minutes, as the Feishu receiver's. WeCom stamps each callback when
    /// it sends it (seconds) and retries within seconds (5 s deadline, 3 tries); it documents no window of its own.
    /// </summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How far the query's <c>timestamp</c> (seconds since 1970) may be from now, either way; null turns the check off
    /// (decrypting a callback captured earlier, or a passive reply). Default <see cref="DefaultWindow"/>.
    /// </summary>
    public TimeSpan? TimestampWindow { get; set; } = DefaultWindow;

    /// <summary>The clock of the timestamp window.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
