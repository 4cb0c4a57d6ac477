namespace Larkway.Emulator.CardKit;

/// <summary>
/// A card entity (cardkit v1): its current card JSON 2.0, who created it, the last sequence it accepted, its streaming
/// mode, the message that shows it (once sent) and the log of operations on it. Immutable: the store replaces it.
/// </summary>
internal sealed record CardEntity(string CardId, string AppId, string CardJson, long CreateTimeMs)
{
    /// <summary>The greatest sequence an applied operation carried; null before the first update.</summary>
    public int? LastSequence { get; init; }

    /// <summary>Streaming mode as <c>config.streaming_mode</c> last set it (the 10-minute close is applied on access).</summary>
    public bool Streaming { get; init; }

    /// <summary>When streaming mode was last switched on (Unix ms), or null.</summary>
    public long? StreamingSinceMs { get; init; }

    /// <summary>Streaming mode was closed by the 10-minute rule rather than by the app.</summary>
    public bool StreamingTimedOut { get; init; }

    /// <summary>A send has claimed the card (it can be sent once); <see cref="MessageId"/> is set when the message exists.</summary>
    public bool SendClaimed { get; init; }

    /// <summary>The message showing the card, once sent.</summary>
    public string? MessageId { get; init; }

    /// <summary>uuids of applied operations: the same uuid again is answered with success and not applied twice.</summary>
    public IReadOnlyList<string> Uuids { get; init; } = [];

    /// <summary>Every operation tried on the card (applied, repeated, refused) and the automatic close, oldest first.</summary>
    public IReadOnlyList<CardOperation> Operations { get; init; } = [];
}

/// <summary>
/// One operation on a card entity as the log shows it. <paramref name="Outcome"/> is <c>applied</c>, <c>duplicate</c>
/// (a uuid seen before: success, nothing changed), <c>refused</c> (with <paramref name="Code"/>) or <c>auto_closed</c>.
/// </summary>
internal sealed record CardOperation(int Index, string Kind, int? Sequence, string? Uuid, long AtMs, string Outcome, int Code, string? Error)
{
    /// <summary>The element an element-level operation targets.</summary>
    public string? ElementId { get; init; }

    /// <summary>For a streaming text update: <c>append</c> (the old text was a prefix: only the delta is typed) or <c>replace</c>.</summary>
    public string? Typing { get; init; }

    /// <summary>For a streaming text update: how many characters are typed (the delta, or the whole text when replaced).</summary>
    public int? TypedChars { get; init; }

    /// <summary>For a streaming text update: the element's whole text after it, as Feishu's servers now hold it (and log it).</summary>
    public string? Text { get; init; }
}

/// <summary>The counters tests read (and the state file keeps).</summary>
internal sealed record CardKitCounters(long Operations, long Applied, long SequenceRefusals, long RateLimited, long InteractionRefusals, long StreamingRefusals, long AutoClosed);

/// <summary>What the CardKit store puts in the state file.</summary>
internal sealed record CardKitSnapshot(IReadOnlyList<CardEntity> Cards, CardKitCounters Counters);
