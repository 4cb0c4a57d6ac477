using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Larkway.Emulator.State;
using Larkway.Emulator.WeCom.Platform;

namespace Larkway.Emulator.WeCom.CustomerService;

/// <summary>A customer-service account (客服账号) of the corp; the emulator's app manages every account.</summary>
internal sealed class KfAccount(string openKfId, string name, string avatarMediaId)
{
    public string OpenKfId { get; } = openKfId;

    public string Name { get; set; } = name;

    public string AvatarMediaId { get; set; } = avatarMediaId;

    /// <summary>Receptionists by userid: 0 receiving, 1 stopped (servicer/list's encoding).</summary>
    public Dictionary<string, int> Servicers { get; } = new(StringComparer.Ordinal);

    public HashSet<long> ServicerDepartments { get; } = [];
}

/// <summary>A customer on personal WeChat, known to the corp by an external_userid.</summary>
internal sealed record KfCustomer(string ExternalUserId, string Nickname, int Gender);

/// <summary>
/// A session between a customer and an account: its state (0 new, 1 the app, 2 queued, 3 a receptionist, 4 ended), the
/// receptionist holding it, and the send budget the customer's last message opened (48 hours, 5 messages).
/// </summary>
internal sealed class KfSession
{
    public int State { get; set; } = 4;

    public string? Servicer { get; set; }

    public DateTimeOffset? LastCustomerMessage { get; set; }

    public int SendsLeft { get; set; }

    public DateTimeOffset? LastWelcome { get; set; }

    public bool CodeIssuedForQueue { get; set; }

    public bool CodeIssuedForServicer { get; set; }

    public string? LastScene { get; set; }

    public string? LastSceneParam { get; set; }

    public DateTimeOffset? EnteredAt { get; set; }
}

/// <summary>One pulled item of an account's history: its sequence (the cursor's position), when, and the msg_list JSON.</summary>
internal sealed record KfItem(long Seq, DateTimeOffset At, JsonObject Json);

/// <summary>What the app sent a customer (send_msg, send_msg_on_event), for the customer's view.</summary>
internal sealed record KfSent(string MsgId, string OpenKfId, string ExternalUserId, string MsgType, JsonObject Content, DateTimeOffset At, bool OnEvent);

/// <summary>A code for one <c>send_msg_on_event</c>: its kind, session, the state it is valid in, and until when.</summary>
internal sealed record KfCode(string Kind, string OpenKfId, string ExternalUserId, int? ValidInState, DateTimeOffset Expires);

/// <summary>
/// WeCom customer service as the emulator keeps it, in memory: accounts with their receptionists, customers, sessions,
/// every account's pullable history (3 days) with opaque cursors, the callback tokens (10 minutes) and the event codes
/// (each once). The rules — which session moves are allowed, the send window and count — are WeCom's documented ones
/// (document 94669, 94670, 94677, 95122); where the documents are silent, the choice is named where it is made.
/// </summary>
internal sealed class KfStore(TimeProvider time, StateRevision revision)
{
    /// <summary>The sandbox's account, handed to the emulator's app.</summary>
    public const string SandboxAccount = "wkLarkwaySandboxKf000001";

    /// <summary>How long a callback's token is valid.</summary>
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(10);

    /// <summary>How long WeCom keeps the history sync_msg serves.</summary>
    public static readonly TimeSpan History = TimeSpan.FromDays(3);

    /// <summary>The send window after a customer's message.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(48);

    /// <summary>How many messages the app may send after each customer message.</summary>
    public const int SendsPerMessage = 5;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, KfAccount> _accounts = new(StringComparer.Ordinal)
    {
        [SandboxAccount] = new KfAccount(SandboxAccount, "Larkway Support", "sandbox-kf-avatar") { Servicers = { ["carol"] = 0, ["dave"] = 0 } },
    };

    private readonly Dictionary<string, KfCustomer> _customers = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Account, string Customer), KfSession> _sessions = [];
    private readonly Dictionary<string, List<KfItem>> _history = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Account, DateTimeOffset Expires)> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KfCode> _codes = new(StringComparer.Ordinal);
    private readonly HashSet<(string Account, string MsgId)> _sentIds = [];
    private readonly List<KfSent> _sent = [];
    private long _seq;

    /// <summary>Runs <paramref name="work"/> under the store's lock: every read and change of this area goes through it.</summary>
    public T Locked<T>(Func<KfStore, T> work)
    {
        lock (_gate)
        {
            return work(this);
        }
    }

    public IReadOnlyCollection<KfAccount> Accounts => _accounts.Values;

    public KfAccount Account(string? openKfId) =>
        openKfId is { Length: > 0 } id && _accounts.TryGetValue(id, out var account) ? account
            : throw new WeComException(KfCodes.InvalidAccount, $"invalid open_kfid: '{openKfId}' is not one of this corp's customer-service accounts");

    public KfAccount AddAccount(string name, string mediaId)
    {
        var id = "wk" + WeComIds.Alphanumeric(20);
        var account = new KfAccount(id, name, mediaId);
        _accounts[id] = account;
        revision.Advance();
        return account;
    }

    public void DeleteAccount(KfAccount account)
    {
        _accounts.Remove(account.OpenKfId);
        revision.Advance();
    }

    public KfCustomer Customer(string externalUserId, string? nickname = null)
    {
        if (!_customers.TryGetValue(externalUserId, out var customer))
        {
            customer = new KfCustomer(externalUserId, nickname ?? "WeChat user " + externalUserId[Math.Max(0, externalUserId.Length - 4)..], 0);
            _customers[externalUserId] = customer;
        }

        return customer;
    }

    public KfCustomer? FindCustomer(string externalUserId) => _customers.GetValueOrDefault(externalUserId);

    public KfSession Session(string account, string customer)
    {
        if (!_sessions.TryGetValue((account, customer), out var session))
        {
            session = new KfSession();
            _sessions[(account, customer)] = session;
        }

        return session;
    }

    public KfSession? FindSession(string account, string customer) => _sessions.GetValueOrDefault((account, customer));

    /// <summary>The account's sessions, by customer (under <see cref="Locked{T}"/>).</summary>
    public IReadOnlyList<(string Customer, KfSession Session)> Sessions(string account) =>
        [.. _sessions.Where(p => p.Key.Account == account).OrderBy(p => p.Key.Customer, StringComparer.Ordinal).Select(p => (p.Key.Customer, p.Value))];

    /// <summary>The account's pullable history, oldest first (under <see cref="Locked{T}"/>).</summary>
    public IReadOnlyList<KfItem> HistoryOf(string account) => _history.GetValueOrDefault(account) ?? [];

    /// <summary>Appends an item to the account's history and returns it, numbered after the last.</summary>
    public KfItem Append(string account, JsonObject json)
    {
        var item = new KfItem(++_seq, time.GetUtcNow(), json);
        if (!_history.TryGetValue(account, out var list))
        {
            list = [];
            _history[account] = list;
        }

        list.Add(item);
        revision.Advance();
        return item;
    }

    /// <summary>A token for the account's next pull, as a callback carries it.</summary>
    public string IssueToken(string account)
    {
        var token = "ENC" + WeComIds.Alphanumeric(44);
        _tokens[token] = (account, time.GetUtcNow() + TokenLifetime);
        return token;
    }

    /// <summary>True when <paramref name="token"/> was issued for the account and has not expired.</summary>
    public bool TokenValid(string token, string account) =>
        _tokens.TryGetValue(token, out var issued) && issued.Account == account && issued.Expires > time.GetUtcNow();

    /// <summary>
    /// The account's items after <paramref name="cursor"/> within the last 3 days, at most <paramref name="limit"/>, and the
    /// cursor after them. The emulator's cursor names the account and a position, base64url-encoded (WeCom documents only
    /// that it is opaque and at most 64 bytes); a cursor of another account, or not one it issued, is 40058.
    /// </summary>
    public (IReadOnlyList<KfItem> Items, string NextCursor, bool HasMore) Pull(string account, string? cursor, int limit)
    {
        var after = cursor is { Length: > 0 } ? Position(cursor, account) : 0;
        var since = time.GetUtcNow() - History;
        var all = _history.GetValueOrDefault(account) ?? [];
        var fresh = all.Where(i => i.Seq > after && i.At >= since).ToList();
        var page = fresh.Take(limit).ToList();
        var last = page.Count > 0 ? page[^1].Seq : Math.Max(after, all.Count > 0 ? all[^1].Seq : 0);
        return (page, Cursor(account, last), fresh.Count > page.Count);
    }

    public string IssueCode(string kind, string account, string customer, int? validInState, TimeSpan lifetime)
    {
        var code = kind[..3].ToUpperInvariant() + WeComIds.Alphanumeric(40);
        _codes[code] = new KfCode(kind, account, customer, validInState, time.GetUtcNow() + lifetime);
        return code;
    }

    /// <summary>Takes a code for its one message; null (and the code gone) when unknown, used or expired.</summary>
    public KfCode? TakeCode(string code)
    {
        if (!_codes.Remove(code, out var taken) || taken.Expires <= time.GetUtcNow())
        {
            return null;
        }

        return taken;
    }

    /// <summary>Records a msgid as used in the account; false when it was used before (95033).</summary>
    public bool ClaimMsgId(string account, string msgId) => _sentIds.Add((account, msgId));

    public void RecordSent(KfSent sent)
    {
        _sent.Add(sent);
        revision.Advance();
    }

    /// <summary>What the app sent the customer through the account, oldest first.</summary>
    public IReadOnlyList<KfSent> SentTo(string account, string customer) => [.. _sent.Where(s => s.OpenKfId == account && s.ExternalUserId == customer)];

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Everything above for the state file, so cursors, tokens and codes hold across a restart as they do at WeCom.</summary>
    public KfSnapshot Export()
    {
        lock (_gate)
        {
            return new KfSnapshot(
                [.. _accounts.Values.Select(a => new KeptKfAccount(a.OpenKfId, a.Name, a.AvatarMediaId, new Dictionary<string, int>(a.Servicers), [.. a.ServicerDepartments]))],
                [.. _customers.Values],
                [.. _sessions.Select(p => new KeptKfSession(p.Key.Account, p.Key.Customer, p.Value.State, p.Value.Servicer, p.Value.LastCustomerMessage, p.Value.SendsLeft,
                    p.Value.LastWelcome, p.Value.CodeIssuedForQueue, p.Value.CodeIssuedForServicer, p.Value.LastScene, p.Value.LastSceneParam, p.Value.EnteredAt))],
                [.. _history.SelectMany(p => p.Value.Select(i => new KeptKfItem(p.Key, i.Seq, i.At, i.Json.ToJsonString())))],
                [.. _tokens.Select(p => new KeptKfToken(p.Key, p.Value.Account, p.Value.Expires))],
                [.. _codes.Select(p => new KeptKfCode(p.Key, p.Value))],
                [.. _sentIds.Select(p => new KeptKfMsgId(p.Account, p.MsgId))],
                [.. _sent.Select(m => new KeptKfSent(m.MsgId, m.OpenKfId, m.ExternalUserId, m.MsgType, m.Content.ToJsonString(), m.At, m.OnEvent))],
                _seq);
        }
    }

    /// <summary>What a state file kept; without one the sandbox's account alone.</summary>
    public void Restore(KfSnapshot? kept)
    {
        if (kept is null)
        {
            return;
        }

        lock (_gate)
        {
            _accounts.Clear();
            foreach (var a in kept.Accounts)
            {
                var account = new KfAccount(a.OpenKfId, a.Name, a.AvatarMediaId);
                foreach (var (user, status) in a.Servicers)
                {
                    account.Servicers[user] = status;
                }

                account.ServicerDepartments.UnionWith(a.Departments);
                _accounts[a.OpenKfId] = account;
            }

            foreach (var c in kept.Customers)
            {
                _customers[c.ExternalUserId] = c;
            }

            foreach (var k in kept.Sessions)
            {
                _sessions[(k.Account, k.Customer)] = new KfSession
                {
                    State = k.State, Servicer = k.Servicer, LastCustomerMessage = k.LastCustomerMessage, SendsLeft = k.SendsLeft, LastWelcome = k.LastWelcome,
                    CodeIssuedForQueue = k.CodeIssuedForQueue, CodeIssuedForServicer = k.CodeIssuedForServicer, LastScene = k.LastScene, LastSceneParam = k.LastSceneParam, EnteredAt = k.EnteredAt,
                };
            }

            foreach (var item in kept.History.OrderBy(i => i.Seq))
            {
                if (!_history.TryGetValue(item.Account, out var list))
                {
                    list = [];
                    _history[item.Account] = list;
                }

                list.Add(new KfItem(item.Seq, item.At, JsonNode.Parse(item.Json) as JsonObject ?? throw new InvalidDataException($"WeCom customer-service item {item.Seq} is not a JSON object")));
            }

            foreach (var t in kept.Tokens)
            {
                _tokens[t.Token] = (t.Account, t.Expires);
            }

            foreach (var c in kept.Codes)
            {
                _codes[c.Code] = c.Value;
            }

            foreach (var m in kept.MsgIds)
            {
                _sentIds.Add((m.Account, m.MsgId));
            }

            foreach (var m in kept.Sent)
            {
                _sent.Add(new KfSent(m.MsgId, m.OpenKfId, m.ExternalUserId, m.MsgType, JsonNode.Parse(m.Content) as JsonObject ?? [], m.At, m.OnEvent));
            }

            _seq = Math.Max(_seq, kept.Seq);
        }
    }

    private static string Cursor(string account, long seq) =>
        System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{account}:{seq.ToString(CultureInfo.InvariantCulture)}"));

    private static long Position(string cursor, string account)
    {
        try
        {
            var text = Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(cursor));
            var colon = text.LastIndexOf(':');
            if (colon > 0 && text[..colon] == account && long.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
            {
                return seq;
            }
        }
        catch (FormatException)
        {
        }

        throw WeComException.InvalidParameter($"cursor '{cursor}' was not issued for open_kfid {account}; pull without a cursor to start from the oldest message kept");
    }
}

/// <summary>The customer-service codes the emulator answers (WeCom's global error code page, document 90313).</summary>
internal static class KfCodes
{
    public const int InvalidAccount = 95000;
    public const int MessageLimit = 95001;
    public const int TimeLimit = 95002;
    public const int InvalidToken = 95007;
    public const int SessionEnded = 95013;
    public const int NotAServicer = 95014;
    public const int TransitionRefused = 95016;
    public const int StateForbidsSending = 95018;
    public const int ServicerStopped = 95019;
    public const int DuplicateMsgId = 95033;
}

/// <summary>Customer service as the state file keeps it; JSON objects as text.</summary>
internal sealed record KfSnapshot(
    IReadOnlyList<KeptKfAccount> Accounts,
    IReadOnlyList<KfCustomer> Customers,
    IReadOnlyList<KeptKfSession> Sessions,
    IReadOnlyList<KeptKfItem> History,
    IReadOnlyList<KeptKfToken> Tokens,
    IReadOnlyList<KeptKfCode> Codes,
    IReadOnlyList<KeptKfMsgId> MsgIds,
    IReadOnlyList<KeptKfSent> Sent,
    long Seq);

internal sealed record KeptKfAccount(string OpenKfId, string Name, string AvatarMediaId, IReadOnlyDictionary<string, int> Servicers, IReadOnlyList<long> Departments);

internal sealed record KeptKfSession(string Account, string Customer, int State, string? Servicer, DateTimeOffset? LastCustomerMessage, int SendsLeft, DateTimeOffset? LastWelcome,
    bool CodeIssuedForQueue, bool CodeIssuedForServicer, string? LastScene, string? LastSceneParam, DateTimeOffset? EnteredAt);

internal sealed record KeptKfItem(string Account, long Seq, DateTimeOffset At, string Json);

internal sealed record KeptKfToken(string Token, string Account, DateTimeOffset Expires);

internal sealed record KeptKfCode(string Code, KfCode Value);

internal sealed record KeptKfMsgId(string Account, string MsgId);

internal sealed record KeptKfSent(string MsgId, string OpenKfId, string ExternalUserId, string MsgType, string Content, DateTimeOffset At, bool OnEvent);
