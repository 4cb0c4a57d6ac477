namespace Larkway.Channels.Masking;

/// <summary>Where masked text is going; each direction has its own rule set (<see cref="MaskingOptions"/>) and is named in the audit.</summary>
public enum MaskingDirection
{
    /// <summary>A user's question (and what goes with it) on its way to an AI backend.</summary>
    ToBackend = 0,

    /// <summary>A reply on its way to a platform (Feishu, WeCom, DingTalk) to be shown in a conversation.</summary>
    ToPlatform = 1,

    /// <summary>Text on its way to storage (conversation history, feedback) that people browse later.</summary>
    ToStorage = 2,
}
