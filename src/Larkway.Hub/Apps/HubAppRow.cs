namespace Larkway.Hub.Apps;

/// <summary>
/// A Feishu/Lark or DingTalk app the Hub serves besides the configured default app (<c>hub_apps</c>). Secrets are stored
/// protected. A DingTalk app keeps its AppKey in <see cref="AppId"/>, and its event subscription's aes_key and token in
/// <see cref="EncryptKey"/> and <see cref="VerificationToken"/>.
/// </summary>
public sealed class HubAppRow
{
    /// <summary>The app's name in the Hub (a slug: <c>[a-z0-9-]</c>, 1–40 characters); part of its event URLs.</summary>
    public string Name { get; set; } = "";

    /// <summary>The app's platform (<see cref="HubAppPlatform"/>); Feishu for apps stored before platforms existed.</summary>
    public string Platform { get; set; } = HubAppPlatform.Feishu;

    /// <summary>Feishu's app id (<c>cli_…</c>), or DingTalk's AppKey (Client ID).</summary>
    public string AppId { get; set; } = "";

    /// <summary>The Open Platform's base URL: Feishu, Lark, or any http(s) URL (the Emulator).</summary>
    public string BaseUrl { get; set; } = "";

    /// <summary>The App Secret, protected (<see cref="HubSecretProtector"/>).</summary>
    public string AppSecret { get; set; } = "";

    /// <summary>The Encrypt Key, protected; null when not set.</summary>
    public string? EncryptKey { get; set; }

    /// <summary>The Verification Token, protected; null when not set.</summary>
    public string? VerificationToken { get; set; }

    /// <summary>Whether old-style card callbacks (SHA-1 with the Verification Token) are accepted; false leaves card.action.trigger only.</summary>
    public bool LegacyCardCallbacks { get; set; } = true;

    /// <summary>DingTalk: the app robot's code (null: the AppKey, as for an internal app's robot).</summary>
    public string? RobotCode { get; set; }

    /// <summary>DingTalk: the app's AgentId, which work notifications need.</summary>
    public long? AgentId { get; set; }

    /// <summary>WeCom: the id of the corp's AI bot (智能机器人) whose long connection the Hub holds; null when the app has none.</summary>
    public string? AiBotId { get; set; }

    /// <summary>WeCom: the AI bot's long-connection Secret, protected (<see cref="HubSecretProtector"/>); set with <see cref="AiBotId"/>.</summary>
    public string? AiBotSecret { get; set; }

    /// <summary>WeCom: where the AI bot's long connection goes (null: WeCom's own <c>wss://openws.work.weixin.qq.com</c>).</summary>
    public string? AiBotUrl { get; set; }

    /// <summary>Feishu: events and card callbacks over the long connection (held by one replica) instead of webhooks.</summary>
    public bool LongConnection { get; set; }

    /// <summary>Whether the Hub accepts its events and hands out its client.</summary>
    public bool Enabled { get; set; }

    /// <summary>When added.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When last changed; replicas compare it to notice a change.</summary>
    public DateTimeOffset UpdatedAt { get; set; }
}
