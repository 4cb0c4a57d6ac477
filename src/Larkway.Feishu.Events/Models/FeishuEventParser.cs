using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Feishu.Events.Models.App;
using Larkway.Feishu.Events.Models.Approval;
using Larkway.Feishu.Events.Models.Cards;
using Larkway.Feishu.Events.Models.Chats;
using Larkway.Feishu.Events.Models.Contact;
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
        var ctx = FeishuEventsJsonContext.Default;
        return eventType switch
        {
            MessageReceivedEvent.Type => Deserialize(eventType, @event, ctx.MessageReceivedEvent),
            MessageReadEvent.Type => Deserialize(eventType, @event, ctx.MessageReadEvent),
            MessageReactionCreatedEvent.Type => Deserialize(eventType, @event, ctx.MessageReactionCreatedEvent),
            MessageReactionDeletedEvent.Type => Deserialize(eventType, @event, ctx.MessageReactionDeletedEvent),
            ChatBotAddedEvent.Type => Deserialize(eventType, @event, ctx.ChatBotAddedEvent),
            ChatBotDeletedEvent.Type => Deserialize(eventType, @event, ctx.ChatBotDeletedEvent),
            ChatUserAddedEvent.Type => Deserialize(eventType, @event, ctx.ChatUserAddedEvent),
            ChatUserDeletedEvent.Type => Deserialize(eventType, @event, ctx.ChatUserDeletedEvent),
            ChatDisbandedEvent.Type => Deserialize(eventType, @event, ctx.ChatDisbandedEvent),
            CardActionTriggerEvent.Type => Deserialize(eventType, @event, ctx.CardActionTriggerEvent),
            LegacyCardActionEvent.Type => Deserialize(eventType, @event, ctx.LegacyCardActionEvent),
            ApprovalInstanceEvent.Type => Deserialize(eventType, @event, ctx.ApprovalInstanceEvent),
            ApprovalTaskEvent.Type => Deserialize(eventType, @event, ctx.ApprovalTaskEvent),
            ApprovalUpdatedEvent.Type => Deserialize(eventType, @event, ctx.ApprovalUpdatedEvent),
            ContactUserCreatedEvent.Type => Deserialize(eventType, @event, ctx.ContactUserCreatedEvent),
            ContactUserUpdatedEvent.Type => Deserialize(eventType, @event, ctx.ContactUserUpdatedEvent),
            ContactUserDeletedEvent.Type => Deserialize(eventType, @event, ctx.ContactUserDeletedEvent),
            ContactDepartmentCreatedEvent.Type => Deserialize(eventType, @event, ctx.ContactDepartmentCreatedEvent),
            ContactDepartmentUpdatedEvent.Type => Deserialize(eventType, @event, ctx.ContactDepartmentUpdatedEvent),
            ContactDepartmentDeletedEvent.Type => Deserialize(eventType, @event, ctx.ContactDepartmentDeletedEvent),
            AppTicketEvent.Type => Deserialize(eventType, @event, ctx.AppTicketEvent),
            _ => new UnknownEvent(eventType, @event),
        };
    }

    private static T Deserialize<T>(string eventType, JsonElement @event, JsonTypeInfo<T> typeInfo)
        where T : FeishuEvent
    {
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
