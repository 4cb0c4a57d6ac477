namespace Larkway.Channels.Messages;

/// <summary>The chat platform a message came from or a reply goes to.</summary>
public enum ChannelPlatform
{
    /// <summary>Feishu / Lark.</summary>
    Feishu,

    /// <summary>DingTalk (钉钉).</summary>
    DingTalk,

    /// <summary>WeCom (企业微信).</summary>
    WeCom,
}
