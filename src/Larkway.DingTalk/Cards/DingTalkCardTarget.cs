namespace Larkway.DingTalk.Cards;

/// <summary>Where an interactive card is delivered: a group the robot is in, or one person's chat with the robot.</summary>
public sealed record DingTalkCardTarget
{
    private DingTalkCardTarget(string openSpaceId, string? conversationId, string? userId)
    {
        OpenSpaceId = openSpaceId;
        ConversationId = conversationId;
        UserId = userId;
    }

    /// <summary>DingTalk's open space id (<c>dtv1.card//IM_GROUP.…</c> or <c>dtv1.card//IM_ROBOT.…</c>).</summary>
    public string OpenSpaceId { get; }

    /// <summary>The group's open conversation id, for a group.</summary>
    public string? ConversationId { get; }

    /// <summary>The user id, for a one-to-one chat with the robot.</summary>
    public string? UserId { get; }

    /// <summary>People to mention in the group (user id → display name), or everyone.</summary>
    public IReadOnlyDictionary<string, string>? Mentions { get; init; }

    /// <summary>In a group, only these users see the card; null for everyone.</summary>
    public IReadOnlyList<string>? Recipients { get; init; }

    /// <summary>A group (its open conversation id, <c>cid…</c>).</summary>
    public static DingTalkCardTarget Group(string openConversationId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(openConversationId);
        return new DingTalkCardTarget("dtv1.card//IM_GROUP." + openConversationId, openConversationId, null);
    }

    /// <summary>One person's chat with the app's robot.</summary>
    public static DingTalkCardTarget User(string userId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        return new DingTalkCardTarget("dtv1.card//IM_ROBOT." + userId, null, userId);
    }

    internal bool IsGroup => ConversationId is not null;
}

/// <summary>A delivered card: its id (for updates) and, per space, whether delivery worked.</summary>
public sealed record DingTalkCardDelivery(string OutTrackId, IReadOnlyList<DingTalkCardSpaceResult> Spaces)
{
    /// <summary>True when every space took the card.</summary>
    public bool Delivered => Spaces.Count == 0 || Spaces.All(s => s.Success);
}

/// <summary>One space's delivery result.</summary>
public sealed record DingTalkCardSpaceResult(string SpaceType, string SpaceId, bool Success, string? Error);

/// <summary>The <c>flowStatus</c> of an AI card, which the card template shows (thinking, writing, done, failed).</summary>
public enum DingTalkAiCardStatus
{
    /// <summary>1: preparing an answer.</summary>
    Processing = 1,

    /// <summary>2: the answer is being written.</summary>
    Inputing = 2,

    /// <summary>3: finished.</summary>
    Finished = 3,

    /// <summary>4: running a tool.</summary>
    Executing = 4,

    /// <summary>5: failed.</summary>
    Failed = 5,
}
