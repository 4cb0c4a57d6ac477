using System.Text.Json.Nodes;
using Larkway.Emulator.WeCom.Callbacks;
using Larkway.Emulator.WeCom.Platform;
using Larkway.Emulator.WeCom.State;

namespace Larkway.Emulator.WeCom.CustomerService;

/// <summary>
/// What customers and receptionists do, as WeCom turns it into pullable items and a <c>kf_msg_or_event</c> callback (with a
/// fresh token) to the app's callback URL: a customer entering through a link (<c>enter_session</c>, with a welcome code
/// when no welcome went out and they did not write within 48 hours), a customer's message (it opens an ended session
/// again and a new send budget: 48 hours, 5 messages), a receptionist taking, ending or writing in a session.
/// </summary>
internal sealed class KfSignals(KfStore store, WeComOrg org, WeComCallbackSender callbacks)
{
    /// <summary>A welcome or end code's lifetime.</summary>
    public static readonly TimeSpan ShortCode = TimeSpan.FromSeconds(20);

    /// <summary>A queue or pick-up code's lifetime.</summary>
    public static readonly TimeSpan LongCode = TimeSpan.FromHours(48);

    /// <summary>The customer opens the account's contact link (<paramref name="scene"/> and the scene_param it carried).</summary>
    public Task<WeComCallbackOutcome?> EnterAsync(string account, string customer, string? nickname, string? scene, string? sceneParam) =>
        SignalAsync(account, s =>
        {
            s.Customer(customer, nickname);
            var session = s.Session(account, customer);
            var now = s.Now;
            var quiet = (session.LastWelcome is not { } welcomed || now - welcomed > KfStore.Window)
                && (session.LastCustomerMessage is not { } wrote || now - wrote > KfStore.Window);
            (session.EnteredAt, session.LastScene, session.LastSceneParam) = (now, scene, sceneParam);
            var e = new JsonObject
            {
                ["event_type"] = "enter_session",
                ["open_kfid"] = account,
                ["external_userid"] = customer,
                ["scene"] = scene ?? "",
                ["scene_param"] = sceneParam ?? "",
            };
            if (quiet)
            {
                e["welcome_code"] = s.IssueCode("welcome", account, customer, validInState: null, ShortCode);
            }

            s.Append(account, Event(s, e));
        });

    /// <summary>The customer writes <paramref name="text"/>: an ended session opens again (0) and the send budget starts over.</summary>
    public Task<WeComCallbackOutcome?> SayAsync(string account, string customer, string text, string? menuId = null) =>
        SignalAsync(account, s =>
        {
            s.Customer(customer);
            var session = s.Session(account, customer);
            if (session.State == 4)
            {
                (session.State, session.Servicer, session.CodeIssuedForQueue, session.CodeIssuedForServicer) = (0, null, false, false);
            }

            (session.LastCustomerMessage, session.SendsLeft) = (s.Now, KfStore.SendsPerMessage);
            var item = Message(s, account, customer, origin: 3, "text", new JsonObject { ["content"] = text });
            if (menuId is not null)
            {
                item["text"]!["menu_id"] = menuId;
            }

            s.Append(account, item);
        });

    /// <summary>
    /// The customer sends something other than text: <paramref name="type"/> with its <paramref name="content"/> (an image's
    /// media_id, a location, a mini program…, or a type WeCom adds later — the app must store it, not choke on it). It opens
    /// the session and the send budget as a text does. Returns the item's msgid, so a test can recall it.
    /// </summary>
    public async Task<(string MsgId, WeComCallbackOutcome? Outcome)> SendAsync(string account, string customer, string type, JsonObject content)
    {
        var msgId = "";
        var outcome = await SignalAsync(account, s =>
        {
            s.Customer(customer);
            var session = s.Session(account, customer);
            if (session.State == 4)
            {
                (session.State, session.Servicer, session.CodeIssuedForQueue, session.CodeIssuedForServicer) = (0, null, false, false);
            }

            (session.LastCustomerMessage, session.SendsLeft) = (s.Now, KfStore.SendsPerMessage);
            var item = Message(s, account, customer, origin: 3, type, content);
            msgId = (string)item["msgid"]!;
            s.Append(account, item);
        }).ConfigureAwait(false);
        return (msgId, outcome);
    }

    /// <summary>
    /// The customer recalls <paramref name="msgId"/> (<c>user_recall_msg</c>), which must be theirs and at most
    /// <see cref="RecallWindow"/> old, as WeChat allows.
    /// </summary>
    public Task<WeComCallbackOutcome?> RecallAsync(string account, string customer, string msgId) =>
        SignalAsync(account, s =>
        {
            var sent = s.HistoryOf(account).FirstOrDefault(i => (string?)i.Json["msgid"] == msgId && (string?)i.Json["external_userid"] == customer
                && (int?)i.Json["origin"] == 3)
                ?? throw WeComException.InvalidParameter($"customer '{customer}' sent no message '{msgId}' to this account (or WeCom no longer keeps it)");
            if (s.Now - sent.At > RecallWindow)
            {
                throw WeComException.InvalidParameter($"message '{msgId}' is older than {RecallWindow.TotalMinutes:0} minutes; WeChat no longer lets its sender recall it");
            }

            s.Append(account, Event(s, new JsonObject
            {
                ["event_type"] = "user_recall_msg",
                ["open_kfid"] = account,
                ["external_userid"] = customer,
                ["recall_msgid"] = msgId,
            }));
        });

    /// <summary>How long after sending a WeChat user may recall a message.</summary>
    public static readonly TimeSpan RecallWindow = TimeSpan.FromMinutes(2);

    /// <summary>A receptionist takes the session from the queue (or the app) in the WeCom client: change_type 1, with a pick-up code.</summary>
    public Task<WeComCallbackOutcome?> TakeAsync(string account, string customer, string servicer) =>
        SignalAsync(account, s =>
        {
            var session = Existing(s, account, customer);
            if (session.State is not (0 or 1 or 2))
            {
                throw WeComException.InvalidParameter($"the session is in state {session.State}; a receptionist takes one that is new, the app's or queued");
            }

            var old = session.Servicer;
            var code = Move(s, account, customer, session, 3, servicer);
            s.Append(account, Event(s, SessionChange(account, customer, 1, old, servicer, code)));
        });

    /// <summary>The receptionist ends the session in the WeCom client: change_type 3, with an end code.</summary>
    public Task<WeComCallbackOutcome?> EndAsync(string account, string customer) =>
        SignalAsync(account, s =>
        {
            var session = Existing(s, account, customer);
            if (session.State != 3)
            {
                throw WeComException.InvalidParameter($"the session is in state {session.State}; only a receptionist's session (3) is ended here");
            }

            var old = session.Servicer;
            var code = Move(s, account, customer, session, 4, null);
            s.Append(account, Event(s, SessionChange(account, customer, 3, old, null, code)));
        });

    /// <summary>The receptionist writes from the WeCom client (origin 5).</summary>
    public Task<WeComCallbackOutcome?> ServicerSaysAsync(string account, string customer, string text) =>
        SignalAsync(account, s =>
        {
            var session = Existing(s, account, customer);
            if (session.State != 3 || session.Servicer is not { } servicer)
            {
                throw WeComException.InvalidParameter("no receptionist holds this session");
            }

            var item = Message(s, account, customer, origin: 5, "text", new JsonObject { ["content"] = text });
            item["servicer_userid"] = servicer;
            s.Append(account, item);
        });

    /// <summary>
    /// A message the app sent is not delivered after all (<c>msg_send_fail</c>, with its <paramref name="failType"/>: 4 past 48
    /// hours, 6 over the 5 messages, 10 the customer refuses, …): what WeCom reports after accepting a send.
    /// </summary>
    public Task<WeComCallbackOutcome?> FailAsync(string account, string customer, string msgId, int failType) =>
        SignalAsync(account, s =>
        {
            if (s.SentTo(account, customer).All(m => m.MsgId != msgId))
            {
                throw WeComException.InvalidParameter($"the app sent customer '{customer}' no message '{msgId}'");
            }

            s.Append(account, Event(s, new JsonObject
            {
                ["event_type"] = "msg_send_fail",
                ["open_kfid"] = account,
                ["external_userid"] = customer,
                ["fail_msgid"] = msgId,
                ["fail_type"] = failType,
            }));
        });

    /// <summary>
    /// Moves a session (under the store's lock) and returns the code WeCom gives for it: the first move into the queue or to
    /// a receptionist (48 hours), and an end (20 seconds) — each valid only while the session stays there.
    /// </summary>
    public string? Move(KfStore s, string account, string customer, KfSession session, int target, string? servicer)
    {
        string? code = null;
        if (target == 2 && !session.CodeIssuedForQueue)
        {
            (session.CodeIssuedForQueue, code) = (true, s.IssueCode("queue", account, customer, 2, LongCode));
        }
        else if (target == 3 && !session.CodeIssuedForServicer)
        {
            (session.CodeIssuedForServicer, code) = (true, s.IssueCode("pickup", account, customer, 3, LongCode));
        }
        else if (target == 4)
        {
            code = s.IssueCode("end", account, customer, 4, ShortCode);
        }

        (session.State, session.Servicer) = (target, target == 3 ? servicer : null);
        return code;
    }

    private static KfSession Existing(KfStore s, string account, string customer) =>
        s.FindSession(account, customer) ?? throw WeComException.InvalidParameter($"customer '{customer}' has no session with account {account}");

    private static JsonObject SessionChange(string account, string customer, int changeType, string? old, string? @new, string? code)
    {
        var e = new JsonObject { ["event_type"] = "session_status_change", ["open_kfid"] = account, ["external_userid"] = customer, ["change_type"] = changeType };
        if (old is not null)
        {
            e["old_servicer_userid"] = old;
        }

        if (@new is not null)
        {
            e["new_servicer_userid"] = @new;
        }

        if (code is not null)
        {
            e["msg_code"] = code;
        }

        return e;
    }

    private static JsonObject Message(KfStore s, string account, string customer, int origin, string type, JsonObject content) => new()
    {
        ["msgid"] = "from_msgid_" + WeComIds.Digits(19),
        ["open_kfid"] = account,
        ["external_userid"] = customer,
        ["send_time"] = s.Now.ToUnixTimeSeconds(),
        ["origin"] = origin,
        ["msgtype"] = type,
        [type] = content,
    };

    /// <summary>An event item: WeCom's documents show its account and customer only inside <c>event</c>, so they are left out above it.</summary>
    private static JsonObject Event(KfStore s, JsonObject e) => new()
    {
        ["msgid"] = "event_msgid_" + WeComIds.Digits(19),
        ["send_time"] = s.Now.ToUnixTimeSeconds(),
        ["origin"] = 4,
        ["msgtype"] = "event",
        ["event"] = e,
    };

    /// <summary>Applies <paramref name="change"/> under the store's lock, then tells the app (a fresh token) without holding it.</summary>
    private Task<WeComCallbackOutcome?> SignalAsync(string account, Action<KfStore> change)
    {
        var token = store.Locked(s =>
        {
            s.Account(account);
            change(s);
            return s.IssueToken(account);
        });
        var xml = WeComCallbackSender.Xml(
        [
            ("ToUserName", org.CorpId),
            ("CreateTime", store.Now.ToUnixTimeSeconds()),
            ("MsgType", "event"),
            ("Event", "kf_msg_or_event"),
            ("Token", token),
            ("OpenKfId", account),
        ]);
        return callbacks.DeliverAsync("event", xml, CancellationToken.None);
    }
}
