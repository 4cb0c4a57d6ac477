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
    string Account, string App, string Answers, string Handover, IReadOnlyList<string> HandoverRules, long ItemsPulled, DateTimeOffset? LastPulledAt, string PullState, string? LastError)
{
    /// <summary>The console's address of its settings.</summary>
    public string SettingsPath => $"/console/customer-service/account/{Uri.EscapeDataString(App)}/{Uri.EscapeDataString(Account)}";
}

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

/// <summary>
/// How the console adds, changes and removes a served account, through the room that serves customers: the same rules
/// and checks as the room's API, so a setting refused there is refused here with the same words.
/// </summary>
internal interface ICustomerServiceAccounts
{
    /// <summary>The audit actions' prefix (the room's API writes the same: <c>{prefix}.create</c>, <c>.update</c>, <c>.delete</c>).</summary>
    string AuditPrefix { get; }

    /// <summary>What an account is called on its platform, e.g. "open_kfid", and where an administrator finds it.</summary>
    string AccountIdHelp { get; }

    /// <summary>The settings of an account not yet served.</summary>
    CustomerServiceAccountSettings Defaults { get; }

    /// <summary>The Hub's apps an account may belong to.</summary>
    Task<IReadOnlyList<string>> AppsAsync(CancellationToken cancellationToken);

    /// <summary>An account's settings, or null when the Hub does not serve it.</summary>
    Task<CustomerServiceAccountSettings?> SettingsAsync(string app, string account, CancellationToken cancellationToken);

    /// <summary>Adds or changes an account; the problems (field, message) when refused, nothing stored then.</summary>
    Task<IReadOnlyList<(string Field, string Message)>> SaveAsync(string app, string account, CustomerServiceAccountSettings settings, CancellationToken cancellationToken);

    /// <summary>Stops serving an account, with its stored messages and sessions; false when it was not served.</summary>
    Task<bool> RemoveAsync(string app, string account, CancellationToken cancellationToken);
}

/// <summary>An account's settings, as the console edits them.</summary>
/// <param name="Enabled">Whether the app's assistant answers its customers.</param>
/// <param name="WelcomeMessage">Sent when a customer opens the account's link; null for none.</param>
/// <param name="EndMessage">Sent when a person ends a session; null for none.</param>
/// <param name="HandoverMessage">Told to a customer handed to people; null for none.</param>
/// <param name="HandoverWords">Words in a message that hand the customer to people.</param>
/// <param name="HandoverTo">The person a hand-over goes to; null for the platform's queue.</param>
/// <param name="HandoverButton">A button sent with the welcome that hands the customer over; null for none.</param>
/// <param name="HandoverAfterAnswers">Answers in a session after which people take over; 0 for never.</param>
internal sealed record CustomerServiceAccountSettings(
    bool Enabled, string? WelcomeMessage, string? EndMessage, string? HandoverMessage, IReadOnlyList<string> HandoverWords, string? HandoverTo, string? HandoverButton,
    int HandoverAfterAnswers);
