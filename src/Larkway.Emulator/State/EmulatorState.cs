using Larkway.Emulator.Platform;

namespace Larkway.Emulator.State;

/// <summary>
/// The emulated tenant: apps, directory, chats, messages, uploads and custom bots. One lock guards
/// all of it — operations are short and in-memory, and a single lock makes the compound ones
/// (dedup-then-append, find-or-create p2p chat) atomic without ordering rules between locks.
/// Public members are the typed read/seed surface for tests and hosts.
/// </summary>
public sealed class EmulatorState
{
    private static readonly TimeSpan UuidWindow = TimeSpan.FromHours(1);

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<string, EmulatorApp> _apps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EmulatorUser> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EmulatorDepartment> _departments = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EmulatorChat> _chats = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EmulatorMessage> _messages = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _chatMessages = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EmulatorResource> _resources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CustomBotWebhook> _webhooks = new(StringComparer.Ordinal);
    private readonly Dictionary<(string AppId, string Uuid), (string MessageId, DateTimeOffset Expires)> _sendUuids = [];
    private readonly Dictionary<(string AppId, string OpenId), string> _p2pChats = [];
    private readonly Dictionary<(string AppId, string Uuid), (string ChatId, DateTimeOffset Expires)> _createChatUuids = [];
    private readonly Dictionary<string, List<ReadReceipt>> _reads = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EventSubscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CardCallbackSettings> _cardCallbacks = new(StringComparer.Ordinal);
    private long _sequence;

    public EmulatorState(EmulatorTenant tenant, TimeProvider time)
    {
        Tenant = tenant;
        _time = time;
    }

    public EmulatorTenant Tenant { get; }

    public IReadOnlyList<EmulatorApp> Apps => Snapshot(_apps.Values);

    public IReadOnlyList<EmulatorUser> Users => Snapshot(_users.Values);

    public IReadOnlyList<EmulatorDepartment> Departments => Snapshot(_departments.Values);

    public IReadOnlyList<EmulatorChat> Chats => Snapshot(_chats.Values.OrderBy(c => c.CreateTimeMs));

    public IReadOnlyList<CustomBotWebhook> Webhooks => Snapshot(_webhooks.Values);

    public IReadOnlyList<EmulatorResource> Resources => Snapshot(_resources.Values.OrderBy(r => r.CreateTimeMs));

    public IReadOnlyList<EventSubscription> EventSubscriptions => Snapshot(_subscriptions.Values);

    /// <summary>Raised after a message is stored, a chat changes or a read is recorded (outside the lock).</summary>
    internal event Action<StateChange>? Changed;

    // ---- seed ----------------------------------------------------------------------------------

    public EmulatorApp AddApp(EmulatorApp app) => Put(_apps, app.AppId, app);

    public EmulatorUser AddUser(EmulatorUser user) => Put(_users, user.OpenId, user);

    public EmulatorDepartment AddDepartment(EmulatorDepartment department) => Put(_departments, department.OpenDepartmentId, department);

    public EmulatorChat AddChat(EmulatorChat chat)
    {
        lock (_gate)
        {
            _chats[chat.ChatId] = chat;
            _chatMessages.TryAdd(chat.ChatId, []);
            if (chat.ChatMode == ChatModes.P2p && chat.BotAppIds.Count == 1 && chat.MemberOpenIds.Count == 1)
            {
                _p2pChats[(chat.BotAppIds[0], chat.MemberOpenIds[0])] = chat.ChatId;
            }

            return chat;
        }
    }

    public CustomBotWebhook AddWebhook(CustomBotWebhook webhook) => Put(_webhooks, webhook.Token, webhook);

    public void AddResource(EmulatorResource resource) => Put(_resources, resource.Key, resource);

    /// <summary>Sets (replaces) an app's event subscription; no url_verification here (seeding, tests).</summary>
    public EventSubscription SetEventSubscription(EventSubscription subscription) => Put(_subscriptions, subscription.AppId, subscription);

    public bool RemoveEventSubscription(string appId)
    {
        lock (_gate)
        {
            return _subscriptions.Remove(appId);
        }
    }

    public EventSubscription? EventSubscriptionOf(string appId) => Get(_subscriptions, appId);

    /// <summary>Sets (replaces) an app's card callback configuration; no url_verification here.</summary>
    public CardCallbackSettings SetCardCallback(CardCallbackSettings settings) => Put(_cardCallbacks, settings.AppId, settings);

    public CardCallbackSettings? CardCallbackOf(string appId) => Get(_cardCallbacks, appId);

    public bool RemoveCardCallback(string appId)
    {
        lock (_gate)
        {
            return _cardCallbacks.Remove(appId);
        }
    }

    /// <summary>Records that a user read a message (there are no emulated clients to do it).</summary>
    public void MarkRead(string messageId, string openId)
    {
        ReadReceipt? added = null;
        lock (_gate)
        {
            if (!_reads.TryGetValue(messageId, out var list))
            {
                _reads[messageId] = list = [];
            }

            if (!list.Exists(r => r.OpenId == openId))
            {
                added = new ReadReceipt(messageId, openId, _time.GetUtcNow().ToUnixTimeMilliseconds());
                list.Add(added);
            }
        }

        if (added is not null)
        {
            Changed?.Invoke(new MessageReadChange(added));
        }
    }

    // ---- reads ---------------------------------------------------------------------------------

    public EmulatorApp? FindApp(string appId) => Get(_apps, appId);

    public EmulatorChat? FindChat(string chatId) => Get(_chats, chatId);

    public EmulatorMessage? FindMessage(string messageId) => Get(_messages, messageId);

    public EmulatorResource? FindResource(string key) => Get(_resources, key);

    public CustomBotWebhook? FindWebhook(string token) => Get(_webhooks, token);

    /// <summary>Resolves a user by an id of the given type: open_id, union_id, user_id, email or mobile (any spelling <see cref="MobileNumbers"/> reads).</summary>
    public EmulatorUser? FindUser(string idType, string id)
    {
        lock (_gate)
        {
            return idType switch
            {
                "open_id" => _users.GetValueOrDefault(id),
                "union_id" => _users.Values.FirstOrDefault(u => u.UnionId == id),
                "user_id" => _users.Values.FirstOrDefault(u => u.UserId == id),
                "email" => _users.Values.FirstOrDefault(u => string.Equals(u.Email, id, StringComparison.OrdinalIgnoreCase)),
                "mobile" => MobileNumbers.Normalize(id) is { } mobile ? _users.Values.FirstOrDefault(u => u.Mobile == mobile) : null,
                _ => null,
            };
        }
    }

    /// <summary>A user's id of another type (open_id → user_id/union_id); unknown users keep the open_id.</summary>
    public string UserIdOf(string openId, string idType)
    {
        var user = FindUser("open_id", openId);
        return idType switch
        {
            "union_id" => user?.UnionId ?? openId,
            "user_id" => user?.UserId ?? openId,
            _ => openId,
        };
    }

    /// <summary>Messages of a chat in arrival order.</summary>
    public IReadOnlyList<EmulatorMessage> MessagesIn(string chatId)
    {
        lock (_gate)
        {
            return _chatMessages.TryGetValue(chatId, out var ids) ? [.. ids.Select(id => _messages[id])] : [];
        }
    }

    /// <summary>Messages of a thread (root included) in arrival order; empty when the thread is unknown.</summary>
    public IReadOnlyList<EmulatorMessage> MessagesInThread(string threadId)
    {
        lock (_gate)
        {
            return [.. _messages.Values.Where(m => m.ThreadId == threadId).OrderBy(m => m.Sequence)];
        }
    }

    public IReadOnlyList<ReadReceipt> ReadsOf(string messageId)
    {
        lock (_gate)
        {
            return _reads.TryGetValue(messageId, out var list) ? [.. list] : [];
        }
    }

    // ---- operations used by the API ------------------------------------------------------------

    internal EmulatorChat GetOrCreateP2pChat(EmulatorApp app, EmulatorUser user)
    {
        lock (_gate)
        {
            if (_p2pChats.TryGetValue((app.AppId, user.OpenId), out var existing))
            {
                return _chats[existing];
            }

            var chat = new EmulatorChat(Ids.ChatId(), string.Empty, string.Empty, ChatModes.P2p, "private", [user.OpenId], [app.AppId], NowMs());
            return AddChat(chat);
        }
    }

    /// <summary>
    /// Creates a chat unless the app created one with <paramref name="uuid"/> within
    /// <paramref name="window"/> (create-chat page: one chat per uuid per 10 hours).
    /// </summary>
    internal EmulatorChat CreateChat(string appId, string? uuid, TimeSpan window, Func<EmulatorChat> create)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (uuid is not null && _createChatUuids.TryGetValue((appId, uuid), out var previous) && previous.Expires > now)
            {
                return _chats[previous.ChatId];
            }

            var chat = AddChat(create());
            if (uuid is not null)
            {
                _createChatUuids[(appId, uuid)] = (chat.ChatId, now + window);
            }

            return chat;
        }
    }

    /// <summary>
    /// Appends a message unless the app already sent one with <paramref name="uuid"/> within the
    /// hour, in which case that message is returned and nothing is stored (send page: uuid dedup).
    /// </summary>
    internal (EmulatorMessage Message, bool Created) AppendMessage(string appId, string? uuid, Func<long, long, EmulatorMessage> create)
    {
        var result = AppendMessageLocked(appId, uuid, create);
        if (result.Created)
        {
            Changed?.Invoke(new MessageAddedChange(result.Message));
        }

        return result;
    }

    private (EmulatorMessage Message, bool Created) AppendMessageLocked(string appId, string? uuid, Func<long, long, EmulatorMessage> create)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (uuid is not null && _sendUuids.TryGetValue((appId, uuid), out var previous) && previous.Expires > now)
            {
                return (_messages[previous.MessageId], false);
            }

            var message = create(now.ToUnixTimeMilliseconds(), ++_sequence);
            _messages[message.MessageId] = message;
            _chatMessages[message.ChatId].Add(message.MessageId);
            if (_chats.TryGetValue(message.ChatId, out var chat))
            {
                _chats[chat.ChatId] = chat with { LastActiveMs = message.CreateTimeMs };
            }

            if (uuid is not null)
            {
                _sendUuids[(appId, uuid)] = (message.MessageId, now + UuidWindow);
            }

            return (message, true);
        }
    }

    /// <summary>The message the app sent with this uuid within the last hour, if any.</summary>
    internal EmulatorMessage? FindSentByUuid(string appId, string uuid)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            return _sendUuids.TryGetValue((appId, uuid), out var previous) && previous.Expires > now ? _messages[previous.MessageId] : null;
        }
    }

    /// <summary>Replaces a message through <paramref name="change"/>, which may throw to refuse.</summary>
    internal EmulatorMessage UpdateMessage(string messageId, Func<EmulatorMessage, EmulatorMessage> change)
    {
        lock (_gate)
        {
            var updated = change(_messages[messageId]);
            _messages[messageId] = updated;
            return updated;
        }
    }

    /// <summary>Replaces a chat through <paramref name="change"/>, which may throw to refuse.</summary>
    internal EmulatorChat UpdateChat(string chatId, Func<EmulatorChat, EmulatorChat> change, ChangeActor? actor = null)
    {
        EmulatorChat before, updated;
        lock (_gate)
        {
            before = _chats[chatId];
            updated = change(before);
            _chats[chatId] = updated;
        }

        if (!ReferenceEquals(before, updated))
        {
            Changed?.Invoke(new ChatChangedChange(before, updated, actor));
        }

        return updated;
    }

    /// <summary>Raises a change produced outside this class (the approval engine), so it takes the one event path.</summary>
    internal void Publish(StateChange change) => Changed?.Invoke(change);

    internal long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private T Put<T>(Dictionary<string, T> map, string key, T value)
    {
        lock (_gate)
        {
            map[key] = value;
            return value;
        }
    }

    private T? Get<T>(Dictionary<string, T> map, string key)
        where T : class
    {
        lock (_gate)
        {
            return map.GetValueOrDefault(key);
        }
    }

    private List<T> Snapshot<T>(IEnumerable<T> source)
    {
        lock (_gate)
        {
            return [.. source];
        }
    }
}
