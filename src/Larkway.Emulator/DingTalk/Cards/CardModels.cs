namespace Larkway.Emulator.DingTalk.Cards;

/// <summary>Where a card went: <c>IM_GROUP</c> + openConversationId or <c>IM_ROBOT</c> + userid, and whether it arrived.</summary>
internal sealed record CardDelivery(string SpaceType, string SpaceId, bool Success, string? ErrorMsg);

/// <summary>One <c>PUT /v1.0/card/streaming</c> call as received; <see cref="Duplicate"/> when its guid was seen before (ignored).</summary>
internal sealed record CardStreamUpdate(string Guid, string Key, string Content, bool IsFull, bool IsFinalize, bool IsError, bool Duplicate, DateTimeOffset At);

/// <summary>
/// An interactive card instance, named by the caller's <c>outTrackId</c>: its template, its cardParamMap (string values),
/// where it was delivered, and its streaming history. Status: created → streaming → finished (a key finalized) or
/// failed (isError). <see cref="OpenSpaces"/> are the space types the card was created for (or appended) by the two-step
/// API — deliver reaches only those; null for a card from createAndDeliver, which names its spaces in the same call.
/// </summary>
internal sealed record CardInstance(
    string OutTrackId,
    string AppKey,
    string CardTemplateId,
    string? CallbackType,
    IReadOnlyDictionary<string, string> Data,
    IReadOnlyList<CardDelivery> Deliveries,
    IReadOnlyList<CardStreamUpdate> Stream,
    IReadOnlyList<string> FinalizedKeys,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<string>? OpenSpaces = null)
{
    public const string Created = "created";
    public const string Streaming = "streaming";
    public const string Finished = "finished";
    public const string Failed = "failed";
}
