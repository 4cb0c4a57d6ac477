using System.Globalization;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Api.Im;

/// <summary>The Message object on the wire (reference §4.1).</summary>
internal sealed record MessageView(
    string MessageId,
    string? RootId,
    string? ParentId,
    string? ThreadId,
    string MsgType,
    string CreateTime,
    string UpdateTime,
    bool Deleted,
    bool Updated,
    string ChatId,
    SenderView Sender,
    BodyView Body,
    IReadOnlyList<MentionView>? Mentions)
{
    private const string RecalledContent = """{"text":"This message was recalled"}""";

    /// <param name="originalCard">card_msg_content_type=user_card_content: return the card as sent.</param>
    public static MessageView From(EmulatorMessage message, string tenantKey, bool originalCard = false)
    {
        var content = message.Deleted
            ? RecalledContent
            : originalCard && message.MsgType == "interactive" ? message.SendContent : message.Content;
        return new MessageView(
            message.MessageId,
            message.RootId,
            message.ParentId,
            message.ThreadId,
            message.MsgType,
            message.CreateTimeMs.ToString(CultureInfo.InvariantCulture),
            message.UpdateTimeMs.ToString(CultureInfo.InvariantCulture),
            message.Deleted,
            message.Updated,
            message.ChatId,
            new SenderView(message.Sender.Id, message.Sender.IdType, message.Sender.SenderType, tenantKey),
            new BodyView(content),
            message.Mentions.Count == 0 ? null : [.. message.Mentions.Select(m => new MentionView(m.Key, m.Id, m.IdType, m.Name, tenantKey))]);
    }
}

internal sealed record SenderView(string Id, string IdType, string SenderType, string TenantKey);

internal sealed record BodyView(string Content);

internal sealed record MentionView(string Key, string Id, string IdType, string Name, string TenantKey);
