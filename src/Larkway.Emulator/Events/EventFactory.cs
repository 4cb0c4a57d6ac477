using System.Globalization;
using System.Text.Json.Nodes;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Events;

/// <summary>An event for one app: the plaintext v2 envelope, kept for delivery and redelivery.</summary>
internal sealed record OutgoingEvent(string EventId, string EventType, string AppId, long CreateTimeMs, string Body);

/// <summary>
/// Turns state changes into v2 event envelopes for the apps that would receive them (event pages of
/// the IM docs): <c>schema</c> "2.0", <c>header{event_id,event_type,create_time,token,app_id,tenant_key}</c>,
/// <c>event{…}</c>. Only apps with an event subscription get events.
/// </summary>
internal sealed class EventFactory(EmulatorState state)
{
    public const string MessageReceive = "im.message.receive_v1";
    public const string MessageRead = "im.message.message_read_v1";
    public const string BotAdded = "im.chat.member.bot.added_v1";
    public const string BotDeleted = "im.chat.member.bot.deleted_v1";
    public const string UserAdded = "im.chat.member.user.added_v1";
    public const string UserDeleted = "im.chat.member.user.deleted_v1";
    public const string UserWithdrawn = "im.chat.member.user.withdrawn_v1";
    public const string ChatDisbanded = "im.chat.disbanded_v1";

    private readonly ContactEventFactory _contact = new(state);

    public IReadOnlyList<OutgoingEvent> From(StateChange change) => change switch
    {
        MessageAddedChange added => FromMessage(added.Message),
        ChatChangedChange chat => FromChat(chat.Before, chat.After, chat.Actor),
        MessageReadChange read => FromRead(read.Receipt),
        V1EventChange v1 => FromV1(v1),
        V2EventChange v2 => FromV2(v2),
        ContactUserChange or ContactDepartmentChange or ContactScopeChange => [.. _contact.From(change).Select(e => Create(e.EventType, e.Subscription, e.Payload))],
        _ => [],
    };

    /// <summary>
    /// receive_v1: messages sent by users only (a bot never receives its own or another bot's
    /// messages). p2p: the chat's bot. Groups: bots @-mentioned, or with the group-message scope.
    /// </summary>
    private List<OutgoingEvent> FromMessage(EmulatorMessage message)
    {
        if (message.Sender.SenderType != "user" || state.FindChat(message.ChatId) is not { } chat || chat.Dissolved)
        {
            return [];
        }

        var isP2p = chat.ChatMode == ChatModes.P2p;
        var events = new List<OutgoingEvent>();
        foreach (var appId in chat.BotAppIds)
        {
            if (state.EventSubscriptionOf(appId) is not { } subscription || state.FindApp(appId) is not { } app)
            {
                continue;
            }

            var mentioned = message.Mentions.Any(m => m.Id == app.BotOpenId);
            if (!isP2p && !mentioned && !subscription.ReceiveAllGroupMessages)
            {
                continue;
            }

            var body = new JsonObject
            {
                ["message_id"] = message.MessageId,
                ["root_id"] = message.RootId,
                ["parent_id"] = message.ParentId,
                ["create_time"] = Ms(message.CreateTimeMs),
                ["update_time"] = Ms(message.UpdateTimeMs == 0 ? message.CreateTimeMs : message.UpdateTimeMs),
                ["chat_id"] = chat.ChatId,
                ["thread_id"] = message.ThreadId,
                ["chat_type"] = isP2p ? "p2p" : "group",
                ["message_type"] = message.MsgType,
                ["content"] = Api.Im.MessageView.ReadContent(message, state.IdsFor(appId)),
            };
            if (message.Mentions.Count > 0)
            {
                body["mentions"] = new JsonArray([.. message.Mentions.Select(m => (JsonNode)new JsonObject
                {
                    ["key"] = m.Key,
                    ["id"] = UserIdOf(appId, m.Id),
                    ["name"] = m.Name,
                    ["tenant_key"] = state.Tenant.TenantKey,
                })]);
            }

            RemoveNulls(body);
            var payload = new JsonObject
            {
                ["sender"] = new JsonObject
                {
                    ["sender_id"] = UserIdOf(appId, message.Sender.Id),
                    ["sender_type"] = "user",
                    ["tenant_key"] = state.Tenant.TenantKey,
                },
                ["message"] = body,
            };
            events.Add(Create(MessageReceive, subscription, payload));
        }

        return events;
    }

    private List<OutgoingEvent> FromChat(EmulatorChat before, EmulatorChat after, ChangeActor? actor)
    {
        var events = new List<OutgoingEvent>();
        if (after.ChatMode == ChatModes.P2p)
        {
            return events;
        }

        if (!before.Dissolved && after.Dissolved)
        {
            foreach (var appId in before.BotAppIds)
            {
                Add(events, appId, ChatDisbanded, ChatEvent(appId, after, actor));
            }

            return events;
        }

        var addedBots = after.BotAppIds.Except(before.BotAppIds, StringComparer.Ordinal).ToList();
        var removedBots = before.BotAppIds.Except(after.BotAppIds, StringComparer.Ordinal).ToList();
        var addedUsers = after.MemberOpenIds.Except(before.MemberOpenIds, StringComparer.Ordinal).ToList();
        var removedUsers = before.MemberOpenIds.Except(after.MemberOpenIds, StringComparer.Ordinal).ToList();
        foreach (var appId in addedBots)
        {
            Add(events, appId, BotAdded, ChatEvent(appId, after, actor));
        }

        foreach (var appId in removedBots)
        {
            Add(events, appId, BotDeleted, ChatEvent(appId, after, actor));
        }

        // Bots that were in the chat before and still are see the membership changes.
        var stayingBots = after.BotAppIds.Intersect(before.BotAppIds, StringComparer.Ordinal).ToList();
        foreach (var appId in stayingBots)
        {
            if (addedUsers.Count > 0)
            {
                Add(events, appId, UserAdded, UsersEvent(appId, after, actor, addedUsers));
            }

            // A user who removes themselves left the chat (withdrawn); others were removed (deleted).
            var withdrawn = removedUsers.Where(id => id == actor?.OpenId).ToList();
            var deleted = removedUsers.Except(withdrawn, StringComparer.Ordinal).ToList();
            if (withdrawn.Count > 0)
            {
                Add(events, appId, UserWithdrawn, UsersEvent(appId, after, actor, withdrawn));
            }

            if (deleted.Count > 0)
            {
                Add(events, appId, UserDeleted, UsersEvent(appId, after, actor, deleted));
            }
        }

        return events;
    }

    /// <summary>message_read_v1: a user read a message the bot sent in a p2p chat (event page: single-chat messages only).</summary>
    private List<OutgoingEvent> FromRead(ReadReceipt receipt)
    {
        var events = new List<OutgoingEvent>();
        if (state.FindMessage(receipt.MessageId) is not { } message || message.Sender.SenderType != "app"
            || state.FindChat(message.ChatId) is not { ChatMode: ChatModes.P2p })
        {
            return events;
        }

        Add(events, message.Sender.Id, MessageRead, new JsonObject
        {
            ["reader"] = new JsonObject
            {
                ["reader_id"] = UserIdOf(message.Sender.Id, receipt.OpenId),
                ["read_time"] = Ms(receipt.TimestampMs),
                ["tenant_key"] = state.Tenant.TenantKey,
            },
            ["message_id_list"] = new JsonArray(receipt.MessageId),
        });
        return events;
    }

    /// <summary>
    /// v1 envelope (approval event pages): <c>{"uuid","token","ts","type":"event_callback","event":{…,"app_id","tenant_key"}}</c>;
    /// <c>uuid</c> is the event id receivers dedupe on, <c>ts</c> seconds with a fraction, as a string.
    /// </summary>
    private List<OutgoingEvent> FromV1(V1EventChange change)
    {
        var events = new List<OutgoingEvent>();
        foreach (var appId in change.AppIds.Distinct(StringComparer.Ordinal))
        {
            if (state.EventSubscriptionOf(appId) is not { } subscription)
            {
                continue;
            }

            var eventId = Ids.Hex(32);
            var now = state.NowMs();
            var payload = change.PayloadFor(state.IdsFor(appId));
            payload["app_id"] = appId;
            payload["tenant_key"] = state.Tenant.TenantKey;
            var envelope = new JsonObject
            {
                ["uuid"] = eventId,
                ["token"] = subscription.VerificationToken ?? string.Empty,
                ["ts"] = (now / 1000).ToString(CultureInfo.InvariantCulture) + "." + (now % 1000).ToString("D3", CultureInfo.InvariantCulture),
                ["type"] = "event_callback",
                ["event"] = payload,
            };
            events.Add(new OutgoingEvent(eventId, change.EventType, appId, now, envelope.ToJsonString(EmulatorJson.Options)));
        }

        return events;
    }

    private List<OutgoingEvent> FromV2(V2EventChange change)
    {
        var events = new List<OutgoingEvent>();
        foreach (var appId in change.AppIds.Distinct(StringComparer.Ordinal))
        {
            if (state.EventSubscriptionOf(appId) is { } subscription)
            {
                events.Add(Create(change.EventType, subscription, change.PayloadFor(state.IdsFor(appId))));
            }
        }

        return events;
    }

    private void Add(List<OutgoingEvent> events, string appId, string eventType, JsonObject payload)
    {
        if (state.EventSubscriptionOf(appId) is { } subscription)
        {
            events.Add(Create(eventType, subscription, payload));
        }
    }

    private JsonObject ChatEvent(string appId, EmulatorChat chat, ChangeActor? actor) => new()
    {
        ["chat_id"] = chat.ChatId,
        ["operator_id"] = OperatorOf(appId, actor),
        ["external"] = false,
        ["operator_tenant_key"] = state.Tenant.TenantKey,
        ["name"] = chat.Name,
        ["i18n_names"] = new JsonObject { ["zh_cn"] = chat.Name, ["en_us"] = chat.Name, ["ja_jp"] = chat.Name },
    };

    private JsonObject UsersEvent(string appId, EmulatorChat chat, ChangeActor? actor, IEnumerable<string> openIds)
    {
        var body = ChatEvent(appId, chat, actor);
        body["users"] = new JsonArray([.. openIds.Select(id => (JsonNode)new JsonObject
        {
            ["name"] = state.FindUser("open_id", id)?.Name ?? string.Empty,
            ["tenant_key"] = state.Tenant.TenantKey,
            ["user_id"] = UserIdOf(appId, id),
        })]);
        return body;
    }

    private JsonObject OperatorOf(string receiverAppId, ChangeActor? actor) =>
        actor?.OpenId is { } openId ? UserIdOf(receiverAppId, openId)
        : actor?.AppId is { } appId && state.FindApp(appId) is { } app ? new JsonObject { ["open_id"] = app.BotOpenId }
        : new JsonObject();

    /// <summary>The user id triple in the receiving app's ids; ids that are not users (bots) carry the open_id only.</summary>
    private JsonObject UserIdOf(string appId, string openId) => state.FindUser("open_id", openId) is { } user
        ? new JsonObject { ["union_id"] = state.UnionIdFor(appId, user), ["user_id"] = user.UserId, ["open_id"] = state.OpenIdFor(appId, user) }
        : new JsonObject { ["union_id"] = string.Empty, ["user_id"] = string.Empty, ["open_id"] = openId };

    private OutgoingEvent Create(string eventType, EventSubscription subscription, JsonObject payload)
    {
        var eventId = Ids.Hex(32);
        var now = state.NowMs();
        var envelope = new JsonObject
        {
            ["schema"] = "2.0",
            ["header"] = new JsonObject
            {
                ["event_id"] = eventId,
                ["event_type"] = eventType,
                ["create_time"] = Ms(now),
                ["token"] = subscription.VerificationToken ?? string.Empty,
                ["app_id"] = subscription.AppId,
                ["tenant_key"] = state.Tenant.TenantKey,
            },
            ["event"] = payload.Parent is null ? payload : payload.DeepClone(),
        };
        return new OutgoingEvent(eventId, eventType, subscription.AppId, now, envelope.ToJsonString(EmulatorJson.Options));
    }

    private static void RemoveNulls(JsonObject node)
    {
        foreach (var name in node.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            node.Remove(name);
        }
    }

    private static string Ms(long value) => value.ToString(CultureInfo.InvariantCulture);
}
