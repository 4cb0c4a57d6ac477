namespace Larkway.DingTalk.Callbacks;

/// <summary>The receiving policy of <see cref="DingTalkCallbackCrypto"/>: how fresh a signed push must be, and by which clock.</summary>
public sealed class DingTalkCallbackOptions
{
    /// <summary>
    /// The default allowed skew either side of now: 5 minutes, as the Feishu receiver's. DingTalk stamps each push when it
    /// sends it (milliseconds) and documents no window of its own for the event subscription; its re-sends are new requests.
    /// </summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How far the query's <c>timestamp</c> (milliseconds since 1970) may be from now, either way; null turns the check
    /// off (decrypting a push captured earlier). Default <see cref="DefaultWindow"/>.
    /// </summary>
    public TimeSpan? TimestampWindow { get; set; } = DefaultWindow;

    /// <summary>The clock of the timestamp window.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
