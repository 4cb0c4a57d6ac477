namespace Larkway.Channels.Messages;

/// <summary>An @mention in a message.</summary>
/// <param name="Id">The platform's id of who was mentioned (null for @all, or where the platform gives none).</param>
/// <param name="Name">The name shown after the @ (empty when the platform gives none).</param>
/// <param name="IsBot">True when it mentions this bot.</param>
/// <param name="IsAll">True for @all (@所有人).</param>
public sealed record ChannelMention(string? Id, string Name, bool IsBot = false, bool IsAll = false);
