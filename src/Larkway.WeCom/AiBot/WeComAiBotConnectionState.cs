namespace Larkway.WeCom.AiBot;

/// <summary>Where the AI bot's long connection stands.</summary>
public enum WeComAiBotConnectionState
{
    /// <summary>Not started yet.</summary>
    NotStarted,

    /// <summary>Opening the first connection.</summary>
    Connecting,

    /// <summary>Subscribed: messages arrive.</summary>
    Connected,

    /// <summary>The connection was lost or found dead; a new one is being opened after a back-off. Nothing arrives meanwhile.</summary>
    Reconnecting,

    /// <summary>
    /// Another connection subscribed for the same bot and WeCom closed this one (<c>disconnected_event</c>). The client
    /// does not reconnect — WeCom holds one connection per bot, and reconnecting would take it back and start a fight
    /// with the other. Stop the other holder, then start a new client.
    /// </summary>
    TakenOver,

    /// <summary>WeCom refused the bot id or secret on a reconnect; the client stopped rather than retry the same credentials.</summary>
    AuthenticationFailed,

    /// <summary>Stopped by the application.</summary>
    Stopped,
}

/// <summary>A change of <see cref="WeComAiBotClient.State"/>, with why.</summary>
public sealed record WeComAiBotStateChange(WeComAiBotConnectionState Previous, WeComAiBotConnectionState Current, string Reason);
