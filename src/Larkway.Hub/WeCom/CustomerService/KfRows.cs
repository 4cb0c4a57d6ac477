using Larkway.Hub.Platform.Queue;

namespace Larkway.Hub.WeCom.CustomerService;

/// <summary>
/// A customer-service account (客服账号) of a WeCom app that the Hub serves, and its pull: the row is the work item of the
/// <c>wecom-kf-pulls</c> queue, so one replica at a time pulls an account (the queue's lease), and the cursor it keeps
/// moves only once the page it ends is stored. A callback asks for a pull by bumping <see cref="PullRequests"/>.
/// </summary>
public sealed class KfAccountRow : IWorkItem
{
    /// <inheritdoc />
    public long Id { get; set; }

    /// <summary>The Hub's WeCom app the account is handed to (its callback URL receives the account's events).</summary>
    public string App { get; set; } = "";

    /// <summary>WeCom's id of the account (<c>open_kfid</c>, <c>wk…</c>).</summary>
    public string OpenKfId { get; set; } = "";

    /// <summary>False: its events are stored and forwarded, nobody is answered by the assistant.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Sent with the welcome code of a customer entering (none when null).</summary>
    public string? WelcomeMessage { get; set; }

    /// <summary>Sent with the code of a session ending (none when null).</summary>
    public string? EndMessage { get; set; }

    /// <summary>Told to a customer handed to people (none when null).</summary>
    public string? HandoverMessage { get; set; }

    /// <summary>Words that hand a customer to people: a JSON array of strings.</summary>
    public string HandoverWords { get; set; } = "[]";

    /// <summary>The receptionist (userid) a hand-over goes to; null: WeCom's queue (待接入池).</summary>
    public string? HandoverTo { get; set; }

    /// <summary>
    /// The words of a hand-over button sent with the welcome (a <c>msgmenu</c> click item); a customer pressing it is handed
    /// to people. Null: no button.
    /// </summary>
    public string? HandoverButton { get; set; }

    /// <summary>The administrator's rule: after this many answers in one session the next message goes to people; 0: never.</summary>
    public int HandoverAfterAnswers { get; set; }

    /// <summary>
    /// Customers' messages sent before this are history: stored and shown, never answered (an account added to the Hub
    /// brings up to three days of backlog with its first pull).
    /// </summary>
    public DateTimeOffset AnswerFrom { get; set; }

    /// <summary>The cursor after the last stored page (null: none yet, the first pull starts at the oldest WeCom keeps).</summary>
    public string? Cursor { get; set; }

    /// <summary>The last callback's token (protected): pulls with it are not limited as strictly (valid 10 minutes).</summary>
    public string? Token { get; set; }

    /// <summary>When the token came.</summary>
    public DateTimeOffset? TokenAt { get; set; }

    /// <summary>Pulls asked for (one per callback); a pull that ends behind this number runs again.</summary>
    public long PullRequests { get; set; }

    /// <summary>Items stored from all pulls.</summary>
    public long ItemsPulled { get; set; }

    /// <summary>When a pull last ended.</summary>
    public DateTimeOffset? LastPulledAt { get; set; }

    /// <summary>When added.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When its settings last changed.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <inheritdoc />
    public WorkState State { get; set; }

    /// <inheritdoc />
    public int Attempts { get; set; }

    /// <inheritdoc />
    public DateTimeOffset? NextAttemptAt { get; set; }

    /// <inheritdoc />
    public string? LeaseOwner { get; set; }

    /// <inheritdoc />
    public DateTimeOffset? LeaseUntil { get; set; }

    /// <inheritdoc />
    public string? LastError { get; set; }
}

/// <summary>One pulled message or event of an account, or one the Hub sent: stored once per (app, account, msgid).</summary>
public sealed class KfMessageRow
{
    /// <summary>Row id, in the order stored.</summary>
    public long Id { get; set; }

    /// <summary>The Hub's WeCom app.</summary>
    public string App { get; set; } = "";

    /// <summary>The account.</summary>
    public string OpenKfId { get; set; } = "";

    /// <summary>WeCom's msgid (the Hub's own for what it sent).</summary>
    public string MsgId { get; set; } = "";

    /// <summary>The customer; null on events that name none.</summary>
    public string? ExternalUserId { get; set; }

    /// <summary>Who: <see cref="KfOrigins"/>.</summary>
    public string Origin { get; set; } = "";

    /// <summary>The message type, or the event's type for an event.</summary>
    public string Type { get; set; } = "";

    /// <summary>What it said (protected): a text's words, or a short description of other kinds.</summary>
    public string? Content { get; set; }

    /// <summary>The receptionist who wrote it (origin receptionist).</summary>
    public string? ServicerUserId { get; set; }

    /// <summary>When WeCom says it was sent.</summary>
    public DateTimeOffset SentAt { get; set; }

    /// <summary>When stored.</summary>
    public DateTimeOffset StoredAt { get; set; }

    /// <summary>What the Hub did with it: <see cref="KfRoutes"/>.</summary>
    public string Route { get; set; } = "";

    /// <summary>A message the Hub sent that WeCom could not deliver: its fail_type (msg_send_fail).</summary>
    public int? FailType { get; set; }

    /// <summary>True once recalled.</summary>
    public bool Recalled { get; set; }
}

/// <summary>A customer's session with an account, as the Hub follows it: WeCom's state, who holds it, the send budget.</summary>
public sealed class KfSessionRow
{
    /// <summary>Row id.</summary>
    public long Id { get; set; }

    /// <summary>The Hub's WeCom app.</summary>
    public string App { get; set; } = "";

    /// <summary>The account.</summary>
    public string OpenKfId { get; set; } = "";

    /// <summary>The customer (an external WeChat user, never a directory person).</summary>
    public string ExternalUserId { get; set; } = "";

    /// <summary>WeCom's service state: 0 untreated, 1 the assistant, 2 waiting for a person, 3 a receptionist, 4 ended.</summary>
    public int State { get; set; }

    /// <summary>The receptionist holding it (state 3).</summary>
    public string? ServicerUserId { get; set; }

    /// <summary>Messages the Hub may still send since the customer's last message (WeCom: 5).</summary>
    public int SendsLeft { get; set; }

    /// <summary>Until when the Hub may send (WeCom: 48 hours after the customer's last message).</summary>
    public DateTimeOffset? WindowUntil { get; set; }

    /// <summary>When the customer last wrote.</summary>
    public DateTimeOffset? LastCustomerAt { get; set; }

    /// <summary>Times handed to people.</summary>
    public int Handovers { get; set; }

    /// <summary>Messages the assistant was given to answer since it took the session (0 again once it leaves the assistant).</summary>
    public int Answers { get; set; }

    /// <summary>When last changed.</summary>
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Who a stored message is from.</summary>
public static class KfOrigins
{
    /// <summary>The customer (origin 3), WeCom (4, events), a receptionist (5), the Hub (what it sent).</summary>
    public const string Customer = "customer", System = "system", Receptionist = "receptionist", Hub = "hub";
}

/// <summary>What the Hub did with a stored item.</summary>
public static class KfRoutes
{
    /// <summary>Stored, not yet acted on (a crash between store and act leaves it so: the next pull acts on it).</summary>
    public const string Waiting = "waiting";

    /// <summary>From before the account was added (or past WeCom's window): kept, never answered.</summary>
    public const string History = "history";

    /// <summary>Given to the assistant to answer.</summary>
    public const string Assistant = "assistant";

    /// <summary>A person holds the session (or it waits for one): the assistant stays silent.</summary>
    public const string People = "people";

    /// <summary>Asked for a person: the session was handed over.</summary>
    public const string Handover = "handover";

    /// <summary>Acted on (an event applied, a receptionist's message recorded).</summary>
    public const string Done = "done";

    /// <summary>Not answered: the account is disabled, or no assistant answers on its app.</summary>
    public const string Unanswered = "unanswered";

    /// <summary>Sent by the Hub.</summary>
    public const string Sent = "sent";

    /// <summary>The Hub's message that did not go: WeCom refused it, or the session's budget was used up (the reason kept with it).</summary>
    public const string NotSent = "not_sent";
}

/// <summary>What handed a customer to people, as the <c>wecom.kf.session</c> webhook's <c>trigger</c> names it.</summary>
public static class KfHandoverTriggers
{
    /// <summary>The customer's message held one of the account's hand-over words.</summary>
    public const string Words = "words";

    /// <summary>The customer pressed the hand-over button sent with the welcome.</summary>
    public const string Menu = "menu";

    /// <summary>The backend's answer carried the hand-over signal.</summary>
    public const string BackendSignal = "backend_signal";

    /// <summary>The backend failed to answer.</summary>
    public const string BackendFailed = "backend_failed";

    /// <summary>The account's rule: the assistant had answered its number of messages in the session.</summary>
    public const string AnswerLimit = "answer_limit";
}
