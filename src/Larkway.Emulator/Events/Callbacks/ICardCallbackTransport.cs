using Larkway.Emulator.State;

namespace Larkway.Emulator.Events.Callbacks;

/// <summary>The two callback body shapes Feishu sends for a card click.</summary>
internal enum CardCallbackStyle
{
    /// <summary><c>card.action.trigger</c>: v2 envelope, signed like events (SHA-256, Encrypt Key), encrypted when a key is set.</summary>
    Trigger,

    /// <summary>The old message-card callback (<c>card.action.trigger_v1</c>): flat body, SHA-1 with the Verification Token.</summary>
    LegacyCard,
}

/// <summary>
/// Where and how one app's card callbacks go through one transport. Transports may derive from it to
/// carry what they need (a URL and keys for HTTP, a connection for the long connection).
/// </summary>
/// <param name="AppId">The app whose bot sent the card.</param>
/// <param name="Style">Which body shape the receiver expects.</param>
/// <param name="VerificationToken">Put in the body (<c>header.token</c>); null = "".</param>
/// <param name="Target">Human-readable destination for logs and outcomes (a URL; never a secret).</param>
internal record CardCallbackRoute(string AppId, CardCallbackStyle Style, string? VerificationToken, string Target);

/// <summary>Why a callback got no usable HTTP answer.</summary>
internal enum CardCallbackFailure
{
    None,
    Timeout,
    Unreachable,
}

/// <summary>What came back: the status and body, or why nothing did.</summary>
internal sealed record CardCallbackReply(int? StatusCode, string? Body, CardCallbackFailure Failure, string? Error);

/// <summary>
/// One way to deliver card callbacks to an app (HTTP today; the long connection can be added as a
/// second implementation). The service asks each registered transport for a route, builds the body
/// for the route's style and sends it through the transport that answered.
/// </summary>
internal interface ICardCallbackTransport
{
    /// <summary>The app's route through this transport, or null when the app does not receive callbacks this way.</summary>
    CardCallbackRoute? RouteFor(EmulatorApp app);

    /// <summary>Delivers the plaintext JSON body and waits (at most <paramref name="timeout"/>) for the synchronous answer.</summary>
    Task<CardCallbackReply> SendAsync(CardCallbackRoute route, byte[] plaintextBody, TimeSpan timeout, CancellationToken cancellationToken);
}
