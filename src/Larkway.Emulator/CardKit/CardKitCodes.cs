using Larkway.Emulator.Platform;

namespace Larkway.Emulator.CardKit;

/// <summary>
/// The CardKit v1 codes the emulator answers with (from the error tables of the cardkit-v1 endpoint pages and
/// 流式更新卡片, cardkit-v1/streaming-updates-openapi-overview). All with HTTP 400 except the per-card rate limit.
/// </summary>
internal static class CardKitCodes
{
    /// <summary>
    /// Emulator choice: no documented code was found for "no such card_id" or a malformed request field; the generic
    /// invalid-parameter code is used, with a message naming what to fix.
    /// </summary>
    public const int InvalidParameter = ErrorCodes.InvalidParameter;

    /// <summary>An element_id appears twice in the card.</summary>
    public const int DuplicateElementId = 300301;

    /// <summary><c>config.update_multi</c> is false: card entities are always shared cards.</summary>
    public const int UpdateMultiRequired = 300302;

    /// <summary>Only card JSON 2.0 (<c>"schema": "2.0"</c>) can be a card entity.</summary>
    public const int SchemaNotSupported = 300303;

    /// <summary>More than 200 elements in one card.</summary>
    public const int TooManyElements = 300305;

    /// <summary>Streaming text update while the card's streaming mode is off (never switched on, or switched off).</summary>
    public const int StreamingClosed = 300309;

    /// <summary>The card entity was already sent, or belongs to another app.</summary>
    public const int NotSendable = 300311;

    /// <summary>The sequence is not greater than the last one the card accepted.</summary>
    public const int SequenceNotIncreasing = 300317;

    /// <summary>The card entity is older than 14 days.</summary>
    public const int CardExpired = 200750;

    /// <summary>A user's interaction with the streaming card is being answered by the app's callback.</summary>
    public const int InteractionInProgress = 200810;

    /// <summary>Streaming text update after streaming mode closed itself (10 minutes after it was last switched on).</summary>
    public const int StreamingTimeout = 200850;

    /// <summary>The card JSON is larger than 30 KB.</summary>
    public const int CardTooLarge = 200860;
}
