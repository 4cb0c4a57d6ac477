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

    /// <param name="ids">The reading app's ids: senders, mentions and shared contacts are written in them.</param>
    /// <param name="originalCard">card_msg_content_type=user_card_content: return the card as sent.</param>
    public static MessageView From(EmulatorMessage message, AppUserIds ids, bool originalCard = false)
    {
        var tenantKey = ids.State.Tenant.TenantKey;
        var content = message.Deleted
            ? RecalledContent
            : originalCard && message.MsgType == "interactive" ? message.SendContent : ReadContent(message, ids);
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
            new SenderView(SenderId(message.Sender, ids), message.Sender.IdType, message.Sender.SenderType, tenantKey),
            new BodyView(content),
            message.Mentions.Count == 0 ? null : [.. message.Mentions.Select(m => new MentionView(m.Key, ids.Of(m.Id, "open_id"), m.IdType, m.Name, tenantKey))]);
    }

    /// <summary>A user sender in the reader's open_ids; apps (app_id) and custom bots as stored.</summary>
    public static string SenderId(MessageSender sender, AppUserIds ids) =>
        sender.IdType == "open_id" ? ids.Of(sender.Id, "open_id") : sender.Id;

    /// <summary>The read-side content; a shared contact names the user in the reader's open_id.</summary>
    public static string ReadContent(EmulatorMessage message, AppUserIds ids)
    {
        if (message.MsgType != "share_user" || System.Text.Json.Nodes.JsonNode.Parse(message.Content) is not System.Text.Json.Nodes.JsonObject content
            || content["user_id"]?.GetValue<string>() is not { } openId)
        {
            return message.Content;
        }

        content["user_id"] = ids.Of(openId, "open_id");
        return content.ToJsonString(Platform.EmulatorJson.Options);
    }
}

internal sealed record SenderView(string Id, string IdType, string SenderType, string TenantKey);

internal sealed record BodyView(string Content);

internal sealed record MentionView(string Key, string Id, string IdType, string Name, string TenantKey);
