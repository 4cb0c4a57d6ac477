namespace Larkway.Channels.Messages;

/// <summary>The app (bot) on the platform that received a message: Feishu app_id, DingTalk robotCode, WeCom AgentID or AI bot id.</summary>
/// <param name="Id">The platform's id of the app or bot.</param>
/// <param name="Name">A name the caller knows it by, when given.</param>
public sealed record ChannelApp(string Id, string? Name = null);
