namespace Larkway.Hub.AdminConsole;

/// <summary>
/// What the console's Customer service pages read, from whichever room serves customers outside the company (WeCom's
/// 微信客服): the accounts, the customers' sessions and a transcript masked for display. The pages speak only these views.
/// </summary>
internal interface ICustomerServiceConsole
{
    /// <summary>The newest lines a transcript shows.</summary>
    int TranscriptLines { get; }

    /// <summary>Every served account.</summary>
    Task<IReadOnlyList<CustomerServiceAccountView>> AccountsAsync(CancellationToken cancellationToken);

    /// <summary>The sessions, the most recently active first (at most <paramref name="limit"/>).</summary>
    Task<IReadOnlyList<CustomerServiceSessionView>> SessionsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>One customer's session with an account, or null.</summary>
    Task<CustomerServiceSessionView?> SessionAsync(string app, string account, string customer, CancellationToken cancellationToken);

    /// <summary>The customer's transcript, oldest first, masked for display.</summary>
    Task<IReadOnlyList<CustomerServiceLineView>> TranscriptAsync(string app, string account, string customer, CancellationToken cancellationToken);
}

/// <summary>A served account.</summary>
/// <param name="Account">The account's id.</param>
/// <param name="App">The Hub app it belongs to.</param>
/// <param name="Answers">Who answers its customers, in words.</param>
/// <param name="Handover">Where a hand-over goes, in words.</param>
/// <param name="HandoverRules">What hands a customer over, in words: the hand-over words, a button, an answer limit.</param>
/// <param name="ItemsPulled">Messages and events stored.</param>
/// <param name="LastPulledAt">When a pull last ended.</param>
/// <param name="PullState">The pull's queue state (pending, inprogress, done, retrying, deadletter).</param>
/// <param name="LastError">What the last failed pull said.</param>
internal sealed record CustomerServiceAccountView(
    string Account, string App, string Answers, string Handover, IReadOnlyList<string> HandoverRules, long ItemsPulled, DateTimeOffset? LastPulledAt, string PullState, string? LastError);

/// <summary>A customer's session.</summary>
/// <param name="App">The Hub app.</param>
/// <param name="Account">The account.</param>
/// <param name="Customer">The customer's id.</param>
/// <param name="State">The session's state in words (untreated, assistant, queued, receptionist, ended).</param>
/// <param name="Servicer">The person holding it.</param>
/// <param name="SendsLeft">Messages the Hub may still send now.</param>
/// <param name="WindowUntil">Until when it may send them.</param>
/// <param name="LastCustomerAt">When the customer last wrote.</param>
/// <param name="Handovers">Times handed to people.</param>
/// <param name="Name">The customer's name as the platform gives it (a nickname), when it does.</param>
internal sealed record CustomerServiceSessionView(
    string App, string Account, string Customer, string State, string? Servicer, int SendsLeft, DateTimeOffset? WindowUntil, DateTimeOffset? LastCustomerAt, int Handovers,
    string? Name = null)
{
    /// <summary>The console's address of the transcript.</summary>
    public string TranscriptPath => $"/console/customer-service/{Uri.EscapeDataString(App)}/{Uri.EscapeDataString(Account)}/{Uri.EscapeDataString(Customer)}";
}

/// <summary>A line of a transcript.</summary>
/// <param name="At">When sent.</param>
/// <param name="Origin">customer, hub, receptionist or system (the row's <c>data-origin</c>).</param>
/// <param name="From">Who, in words.</param>
/// <param name="Text">What it said, masked; an event in words.</param>
/// <param name="Did">What the Hub did with a customer's message, in words.</param>
/// <param name="Problem">Why a message did not reach the customer, when it did not.</param>
/// <param name="Recalled">True when recalled.</param>
internal sealed record CustomerServiceLineView(DateTimeOffset At, string Origin, string From, string Text, string? Did, string? Problem, bool Recalled);
