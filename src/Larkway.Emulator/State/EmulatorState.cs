using Larkway.Emulator.Platform;

namespace Larkway.Emulator.State;

/// <summary>
/// The emulated tenant: apps, directory, chats, messages, uploads and custom bots. One lock guards
/// all of it — operations are short and in-memory, and a single lock makes the compound ones
/// (dedup-then-append, find-or-create p2p chat) atomic without ordering rules between locks.
/// Public members are the typed read/seed surface for tests and hosts.
/// </summary>
public sealed partial class EmulatorState
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

    /// <summary>Advanced by every change, here and in the approval and token stores (the state file writes after it moves).</summary>
    internal StateRevision Revision { get; } = new();

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

    /// <summary>Adds or replaces an app; the first app ever added is the home app (<see cref="HomeAppId"/>).</summary>
    public EmulatorApp AddApp(EmulatorApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        lock (_gate)
        {
            _homeAppId ??= app.AppId;
            _apps[app.AppId] = app;
            Revision.Advance();
            return app;
        }
    }

    /// <summary>Adds or replaces a user (keyed by its home-app open_id); no contact event (seeding, tests).</summary>
    public EmulatorUser AddUser(EmulatorUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        lock (_gate)
        {
            PutUserLocked(user);
            Revision.Advance();
            return user;
        }
    }

    /// <summary>Adds or replaces a department; a parent named by department_id is stored as its open_department_id. No contact event.</summary>
    public EmulatorDepartment AddDepartment(EmulatorDepartment department)
    {
        ArgumentNullException.ThrowIfNull(department);
        lock (_gate)
        {
            var stored = PutDepartmentLocked(department);
            Revision.Advance();
            return stored;
        }
    }

    public EmulatorChat AddChat(EmulatorChat chat)
    {
        lock (_gate)
        {
            _chats[chat.ChatId] = chat;
            _chatMessages.TryAdd(chat.ChatId, []);
            Revision.Advance();
            if (chat.ChatMode == ChatModes.P2p && chat.BotAppIds.Count == 1 && chat.MemberOpenIds.Count == 1)
            {
                _p2pChats[(chat.BotAppIds[0], chat.MemberOpenIds[0])] = chat.ChatId;
            }

            return chat;
        }
    }

    public CustomBotWebhook AddWebhook(CustomBotWebhook webhook) => Put(_webhooks, webhook.Token, webhook);

    /// <summary>
    /// The direct chat between <paramref name="appId"/>'s bot and the user <paramref name="openId"/>, created if there is
    /// none yet (as the first message either way would): a host seeds them so the chat list offers a DM from the start.
    /// </summary>
    public EmulatorChat OpenDirectChat(string appId, string openId)
    {
        var app = FindApp(appId) ?? throw new ArgumentException($"No app '{appId}'.", nameof(appId));
        var user = Get(_users, openId) ?? throw new ArgumentException($"No user '{openId}'.", nameof(openId));
        return GetOrCreateP2pChat(app, user);
    }

    public void AddResource(EmulatorResource resource) => Put(_resources, resource.Key, resource);

    /// <summary>Sets (replaces) an app's event subscription; no url_verification here (seeding, tests).</summary>
    public EventSubscription SetEventSubscription(EventSubscription subscription) => Put(_subscriptions, subscription.AppId, subscription);

    public bool RemoveEventSubscription(string appId)
    {
        lock (_gate)
        {
            return Removed(_subscriptions.Remove(appId));
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
            return Removed(_cardCallbacks.Remove(appId));
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
                Revision.Advance();
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

    /// <summary>
    /// Resolves a user by an id of the given type in the home app's ids (<see cref="HomeAppId"/>): open_id, union_id, user_id,
    /// email or mobile (any spelling <see cref="MobileNumbers"/> reads). The Open API resolves with the caller's app instead
    /// (<see cref="FindUser(string, string, string)"/>).
    /// </summary>
    public EmulatorUser? FindUser(string idType, string id)
    {
        lock (_gate)
        {
            return FindUserLocked(idType, id);
        }
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

    // ---- the state file ------------------------------------------------------------------------

    /// <summary>Everything this class holds, as one consistent copy (taken under the lock) for the state file.</summary>
    internal TenantSnapshot Export()
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            return new TenantSnapshot(
                Tenant,
                [.. _apps.Values],
                [.. _users.Values],
                [.. _departments.Values],
                [.. _chats.Values],
                [.. _messages.Values.OrderBy(m => m.Sequence)],
                [.. _resources.Values],
                [.. _webhooks.Values],
                [.. _reads.Values.SelectMany(r => r)],
                [.. _subscriptions.Values],
                [.. _cardCallbacks.Values],
                [.. _sendUuids.Where(u => u.Value.Expires > now).Select(u => new UuidClaim(u.Key.AppId, u.Key.Uuid, u.Value.MessageId, u.Value.Expires))],
                [.. _createChatUuids.Where(u => u.Value.Expires > now).Select(u => new UuidClaim(u.Key.AppId, u.Key.Uuid, u.Value.ChatId, u.Value.Expires))],
                _sequence)
            {
                HomeAppId = _homeAppId,
            };
        }
    }

    /// <summary>A state as <see cref="Export"/> left it (the snapshot was checked by <see cref="TenantSnapshot.Check"/>).</summary>
    /// <param name="homeAppId">The home app of a file written before per-app ids (the options' app, as a seed would choose).</param>
    internal static EmulatorState Restore(TenantSnapshot snapshot, TimeProvider time, string homeAppId)
    {
        var state = new EmulatorState(snapshot.Tenant, time);
        Fill(state._apps, snapshot.Apps, a => a.AppId);

        // Files written before per-app ids have no home app: their ids were every app's; the options' app keeps them.
        state._homeAppId = snapshot.HomeAppId ?? homeAppId;
        foreach (var department in snapshot.Departments)
        {
            state.PutDepartmentLocked(department);
        }

        foreach (var user in snapshot.Users)
        {
            state.PutUserLocked(user);
        }
        foreach (var chat in snapshot.Chats)
        {
            state.AddChat(chat);
        }

        // Arrival order is sequence order: AppendMessage numbers and appends under one lock.
        foreach (var message in snapshot.Messages.OrderBy(m => m.Sequence))
        {
            state._messages[message.MessageId] = message;
            state._chatMessages[message.ChatId].Add(message.MessageId);
        }

        Fill(state._resources, snapshot.Resources, r => r.Key);
        Fill(state._webhooks, snapshot.Webhooks, w => w.Token);
        foreach (var read in snapshot.Reads)
        {
            if (!state._reads.TryGetValue(read.MessageId, out var list))
            {
                state._reads[read.MessageId] = list = [];
            }

            list.Add(read);
        }

        Fill(state._subscriptions, snapshot.EventSubscriptions, e => e.AppId);
        Fill(state._cardCallbacks, snapshot.CardCallbacks, c => c.AppId);
        foreach (var claim in snapshot.MessageUuids)
        {
            state._sendUuids[(claim.AppId, claim.Uuid)] = (claim.Id, claim.Expires);
        }

        foreach (var claim in snapshot.ChatUuids)
        {
            state._createChatUuids[(claim.AppId, claim.Uuid)] = (claim.Id, claim.Expires);
        }

        state._sequence = snapshot.Sequence;
        return state;
    }

    private static void Fill<T>(Dictionary<string, T> map, IEnumerable<T> items, Func<T, string> key)
    {
        foreach (var item in items)
        {
            map[key(item)] = item;
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

            Revision.Advance();
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
            Revision.Advance();
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
            Revision.Advance();
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
            Revision.Advance();
            return value;
        }
    }

    private bool Removed(bool removed)
    {
        if (removed)
        {
            Revision.Advance();
        }

        return removed;
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
