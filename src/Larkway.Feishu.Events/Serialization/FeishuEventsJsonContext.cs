using System.Text.Json.Serialization;
using Larkway.Feishu.Events.Models.App;
using Larkway.Feishu.Events.Models.Approval;
using Larkway.Feishu.Events.Models.Bitable;
using Larkway.Feishu.Events.Models.Cards;
using Larkway.Feishu.Events.Models.Chats;
using Larkway.Feishu.Events.Models.Contact;
using Larkway.Feishu.Events.Models.Im;

namespace Larkway.Feishu.Events.Serialization;

/// <summary>Source-generated JSON metadata for every wire model of this library (snake_case, lenient numbers, nulls omitted on write).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(MessageReceivedEvent))]
[JsonSerializable(typeof(MessageReadEvent))]
[JsonSerializable(typeof(MessageReactionCreatedEvent))]
[JsonSerializable(typeof(MessageReactionDeletedEvent))]
[JsonSerializable(typeof(TextContent))]
[JsonSerializable(typeof(PostContent))]
[JsonSerializable(typeof(ImageContent))]
[JsonSerializable(typeof(FileContent))]
[JsonSerializable(typeof(AudioContent))]
[JsonSerializable(typeof(MediaContent))]
[JsonSerializable(typeof(StickerContent))]
[JsonSerializable(typeof(ShareChatContent))]
[JsonSerializable(typeof(ShareUserContent))]
[JsonSerializable(typeof(MergeForwardContent))]
[JsonSerializable(typeof(LocationContent))]
[JsonSerializable(typeof(SystemContent))]
[JsonSerializable(typeof(ChatBotAddedEvent))]
[JsonSerializable(typeof(ChatBotDeletedEvent))]
[JsonSerializable(typeof(ChatUserAddedEvent))]
[JsonSerializable(typeof(ChatUserDeletedEvent))]
[JsonSerializable(typeof(ChatDisbandedEvent))]
[JsonSerializable(typeof(CardActionTriggerEvent))]
[JsonSerializable(typeof(LegacyCardActionEvent))]
[JsonSerializable(typeof(CardActionResponse))]
[JsonSerializable(typeof(CardTemplateData))]
[JsonSerializable(typeof(ApprovalInstanceEvent))]
[JsonSerializable(typeof(ApprovalTaskEvent))]
[JsonSerializable(typeof(ApprovalUpdatedEvent))]
[JsonSerializable(typeof(ContactUserCreatedEvent))]
[JsonSerializable(typeof(ContactUserUpdatedEvent))]
[JsonSerializable(typeof(ContactUserDeletedEvent))]
[JsonSerializable(typeof(ContactDepartmentCreatedEvent))]
[JsonSerializable(typeof(ContactDepartmentUpdatedEvent))]
[JsonSerializable(typeof(ContactDepartmentDeletedEvent))]
[JsonSerializable(typeof(ContactScopeUpdatedEvent))]
[JsonSerializable(typeof(BitableRecordChangedEvent))]
[JsonSerializable(typeof(Larkway.Feishu.Events.Models.Drive.DriveFileEditedEvent))]
[JsonSerializable(typeof(Larkway.Feishu.Events.Models.Drive.DriveFileTitleUpdatedEvent))]
[JsonSerializable(typeof(Larkway.Feishu.Events.Models.Drive.DriveFileTrashedEvent))]
[JsonSerializable(typeof(Larkway.Feishu.Events.Models.Drive.DriveFileDeletedEvent))]
[JsonSerializable(typeof(Larkway.Feishu.Events.Models.Drive.DrivePermissionMemberAddedEvent))]
[JsonSerializable(typeof(Larkway.Feishu.Events.Models.Drive.DrivePermissionMemberRemovedEvent))]
[JsonSerializable(typeof(BitableFieldChangedEvent))]
[JsonSerializable(typeof(AppTicketEvent))]
public sealed partial class FeishuEventsJsonContext : JsonSerializerContext;
