namespace Larkway.Feishu;

/// <summary>
/// CardKit v1 codes (the error tables of the cardkit-v1 pages and the streaming overview). Most come with HTTP 200 or
/// 400; decide on the code, not the status.
/// </summary>
public static partial class FeishuErrorCodes
{
    /// <summary>CardKit: the sequence was not greater than the card's last one. The client's per-card allocator prevents it.</summary>
    public const int CardKitSequenceNotIncreasing = 300317;
    /// <summary>CardKit: streaming mode is not on (or was closed) for the card; switch it on with the settings call.</summary>
    public const int CardKitStreamingClosed = 300309;
    /// <summary>CardKit: the streaming session timed out (streaming closes 10 minutes after it was switched on).</summary>
    public const int CardKitStreamingTimeout = 200850;
    /// <summary>CardKit: the card is in a user's interaction (a callback) and cannot be updated now.</summary>
    public const int CardKitInteractionInProgress = 200810;
    /// <summary>CardKit: the card entity was sent already, or by another app (an entity is sendable once, by its creator).</summary>
    public const int CardKitAlreadySent = 300311;
    /// <summary>CardKit: the card is over 30 KB.</summary>
    public const int CardKitCardTooLarge = 200860;
    /// <summary>CardKit: the card has more than 200 elements.</summary>
    public const int CardKitTooManyElements = 300305;
    /// <summary>CardKit: an element id is used twice in the card.</summary>
    public const int CardKitDuplicateElementId = 300301;
    /// <summary>CardKit: the card is exclusive (<c>update_multi: false</c>), which entities do not support.</summary>
    public const int CardKitExclusiveCard = 300302;
    /// <summary>CardKit: the card is not JSON 2.0.</summary>
    public const int CardKitNotJson2 = 300303;
    /// <summary>CardKit: the card entity expired (entities live 14 days).</summary>
    public const int CardKitCardExpired = 200750;
    /// <summary>CardKit: an internal error; the documentation advises an increasing sequence and a retry.</summary>
    public const int CardKitInternalError = 300120;

    /// <summary>Whether <paramref name="code"/> says the card's streaming is off (closed by time or never on): switch it on again.</summary>
    public static bool IsCardKitStreamingClosed(int code) => code is CardKitStreamingClosed or CardKitStreamingTimeout or 200510;
}
