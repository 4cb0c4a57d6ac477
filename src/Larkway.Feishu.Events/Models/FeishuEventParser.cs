using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Feishu.Events.Models.App;
using Larkway.Feishu.Events.Models.Approval;
using Larkway.Feishu.Events.Models.Bitable;
using Larkway.Feishu.Events.Models.Cards;
using Larkway.Feishu.Events.Models.Chats;
using Larkway.Feishu.Events.Models.Contact;
using Larkway.Feishu.Events.Models.Drive;
using Larkway.Feishu.Events.Models.Im;
using Larkway.Feishu.Events.Serialization;

namespace Larkway.Feishu.Events.Models;

/// <summary>Maps an envelope's <c>event</c> object to its typed model; unknown types become <see cref="UnknownEvent"/>.</summary>
public static class FeishuEventParser
{
    /// <summary>The event types with a typed model.</summary>
    public static IReadOnlyCollection<string> KnownTypes { get; } =
    [
        MessageReceivedEvent.Type, MessageReadEvent.Type, MessageReactionCreatedEvent.Type, MessageReactionDeletedEvent.Type,
        ChatBotAddedEvent.Type, ChatBotDeletedEvent.Type, ChatUserAddedEvent.Type, ChatUserDeletedEvent.Type, ChatDisbandedEvent.Type,
        CardActionTriggerEvent.Type, LegacyCardActionEvent.Type,
        ApprovalInstanceEvent.Type, ApprovalTaskEvent.Type, ApprovalUpdatedEvent.Type,
        ContactUserCreatedEvent.Type, ContactUserUpdatedEvent.Type, ContactUserDeletedEvent.Type,
        ContactDepartmentCreatedEvent.Type, ContactDepartmentUpdatedEvent.Type, ContactDepartmentDeletedEvent.Type,
        ContactScopeUpdatedEvent.Type,
        BitableRecordChangedEvent.Type, BitableFieldChangedEvent.Type,
        DriveFileEditedEvent.Type, DriveFileTitleUpdatedEvent.Type, DriveFileTrashedEvent.Type, DriveFileDeletedEvent.Type,
        DrivePermissionMemberAddedEvent.Type, DrivePermissionMemberRemovedEvent.Type,
        AppTicketEvent.Type,
    ];

    /// <summary>Parses the typed event of an envelope.</summary>
    /// <exception cref="FeishuEventException">Reason <see cref="FeishuEventErrorReason.Malformed"/> when a known type does not match its model.</exception>
    public static FeishuEvent Parse(FeishuEventEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return Parse(envelope.EventType, envelope.Event);
    }

    /// <summary>Parses an <c>event</c> object of the given type.</summary>
    /// <exception cref="FeishuEventException">Reason <see cref="FeishuEventErrorReason.Malformed"/> when a known type does not match its model.</exception>
    public static FeishuEvent Parse(string eventType, JsonElement @event)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        return eventType switch
        {
            MessageReceivedEvent.Type => Deserialize<MessageReceivedEvent>(eventType, @event),
            MessageReadEvent.Type => Deserialize<MessageReadEvent>(eventType, @event),
            MessageReactionCreatedEvent.Type => Deserialize<MessageReactionCreatedEvent>(eventType, @event),
            MessageReactionDeletedEvent.Type => Deserialize<MessageReactionDeletedEvent>(eventType, @event),
            ChatBotAddedEvent.Type => Deserialize<ChatBotAddedEvent>(eventType, @event),
            ChatBotDeletedEvent.Type => Deserialize<ChatBotDeletedEvent>(eventType, @event),
            ChatUserAddedEvent.Type => Deserialize<ChatUserAddedEvent>(eventType, @event),
            ChatUserDeletedEvent.Type => Deserialize<ChatUserDeletedEvent>(eventType, @event),
            ChatDisbandedEvent.Type => Deserialize<ChatDisbandedEvent>(eventType, @event),
            CardActionTriggerEvent.Type => Deserialize<CardActionTriggerEvent>(eventType, @event),
            LegacyCardActionEvent.Type => Deserialize<LegacyCardActionEvent>(eventType, @event),
            ApprovalInstanceEvent.Type => Deserialize<ApprovalInstanceEvent>(eventType, @event),
            ApprovalTaskEvent.Type => Deserialize<ApprovalTaskEvent>(eventType, @event),
            ApprovalUpdatedEvent.Type => Deserialize<ApprovalUpdatedEvent>(eventType, @event),
            ContactUserCreatedEvent.Type => Deserialize<ContactUserCreatedEvent>(eventType, @event),
            ContactUserUpdatedEvent.Type => Deserialize<ContactUserUpdatedEvent>(eventType, @event),
            ContactUserDeletedEvent.Type => Deserialize<ContactUserDeletedEvent>(eventType, @event),
            ContactDepartmentCreatedEvent.Type => Deserialize<ContactDepartmentCreatedEvent>(eventType, @event),
            ContactDepartmentUpdatedEvent.Type => Deserialize<ContactDepartmentUpdatedEvent>(eventType, @event),
            ContactDepartmentDeletedEvent.Type => Deserialize<ContactDepartmentDeletedEvent>(eventType, @event),
            ContactScopeUpdatedEvent.Type => Deserialize<ContactScopeUpdatedEvent>(eventType, @event),
            BitableRecordChangedEvent.Type => Deserialize<BitableRecordChangedEvent>(eventType, @event),
            BitableFieldChangedEvent.Type => Deserialize<BitableFieldChangedEvent>(eventType, @event),
            DriveFileEditedEvent.Type => Deserialize<DriveFileEditedEvent>(eventType, @event),
            DriveFileTitleUpdatedEvent.Type => Deserialize<DriveFileTitleUpdatedEvent>(eventType, @event),
            DriveFileTrashedEvent.Type => Deserialize<DriveFileTrashedEvent>(eventType, @event),
            DriveFileDeletedEvent.Type => Deserialize<DriveFileDeletedEvent>(eventType, @event),
            DrivePermissionMemberAddedEvent.Type => Deserialize<DrivePermissionMemberAddedEvent>(eventType, @event),
            DrivePermissionMemberRemovedEvent.Type => Deserialize<DrivePermissionMemberRemovedEvent>(eventType, @event),
            AppTicketEvent.Type => Deserialize<AppTicketEvent>(eventType, @event),
            _ => new UnknownEvent(eventType, @event),
        };
    }

    /// <summary>
    /// The models' metadata with their nullability enforced on reading: <c>"action":null</c> where the model
    /// has a non-nullable object is a malformed event naming the field, not a null that a handler trips over.
    /// </summary>
    private static readonly JsonSerializerOptions ReadOptions = new(FeishuEventsJsonContext.Default.Options)
    {
        RespectNullableAnnotations = true,
    };

    private static T Deserialize<T>(string eventType, JsonElement @event)
        where T : FeishuEvent
    {
        var typeInfo = (JsonTypeInfo<T>)ReadOptions.GetTypeInfo(typeof(T));
        if (@event.ValueKind != JsonValueKind.Object)
        {
            throw new FeishuEventException(FeishuEventErrorReason.Malformed, $"Malformed Feishu event: the {eventType} event is not a JSON object.");
        }

        try
        {
            return @event.Deserialize(typeInfo)
                ?? throw new FeishuEventException(FeishuEventErrorReason.Malformed, $"Malformed Feishu event: the {eventType} event is null.");
        }
        catch (JsonException ex)
        {
            // The path names the field; the message never includes values.
            throw new FeishuEventException(FeishuEventErrorReason.Malformed, $"Malformed Feishu event: the {eventType} event does not match its model at {ex.Path ?? "$"}.", ex);
        }
    }
}
