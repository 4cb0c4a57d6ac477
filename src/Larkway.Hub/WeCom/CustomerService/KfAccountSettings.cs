using System.ComponentModel;
using System.Text;
using System.Text.Json;
using Larkway.Hub.Apps;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.WeCom.CustomerService;

/// <summary>An account's settings as the API takes them: what is null is kept (or defaulted on a new account).</summary>
public sealed record KfAccountInput
{
    /// <summary>False stops the assistant answering (events are still stored); default true.</summary>
    [Description("Whether the assistant of the app answers the account's customers (default true). Off: messages are still pulled and stored.")]
    public bool? Enabled { get; set; }

    /// <summary>The welcome message.</summary>
    [Description("Sent when a customer opens the account's link (enter_session's welcome code); \"\" for none. At most 2,048 bytes.")]
    public string? WelcomeMessage { get; set; }

    /// <summary>The end message.</summary>
    [Description("Sent when a receptionist ends a session (its end code); \"\" for none. At most 2,048 bytes.")]
    public string? EndMessage { get; set; }

    /// <summary>The hand-over message.</summary>
    [Description("Told to a customer handed to people; \"\" for none. At most 2,048 bytes.")]
    public string? HandoverMessage { get; set; }

    /// <summary>The hand-over words.</summary>
    [Description("Words that hand a customer to people when a message contains one (case-insensitive), at most 20 of 1–32 characters. Default: 人工, 转人工, human, agent.")]
    public List<string>? HandoverWords { get; set; }

    /// <summary>The receptionist a hand-over goes to.</summary>
    [Description("The receptionist (WeCom userid) a hand-over goes to; \"\" or absent: WeCom's queue (待接入池), where any receptionist takes it.")]
    public string? HandoverTo { get; set; }

    /// <summary>The hand-over button.</summary>
    [Description("A button sent with the welcome (the welcome goes as a menu, its text at most 1,024 bytes): a customer who presses it is handed to people. At most 128 bytes, e.g. \"转人工\"; \"\" for none.")]
    public string? HandoverButton { get; set; }

    /// <summary>The answer-count rule.</summary>
    [Description("After this many answers by the assistant in one session, the customer's next message goes to people (1–100); 0 for never (the default).")]
    public int? HandoverAfterAnswers { get; set; }
}

/// <summary>An account the Hub serves, as the API shows it.</summary>
public sealed record KfAccountInfo(
    string App,
    [property: System.Text.Json.Serialization.JsonPropertyName("open_kfid")] string OpenKfId,
    bool Enabled,
    string? WelcomeMessage,
    string? EndMessage,
    string? HandoverMessage,
    IReadOnlyList<string> HandoverWords,
    string? HandoverTo,
    string? HandoverButton,
    int HandoverAfterAnswers,
    DateTimeOffset AnswerFrom,
    long ItemsPulled,
    DateTimeOffset? LastPulledAt,
    string PullState,
    string? LastError,
    DateTimeOffset CreatedAt);

/// <summary>A customer's session as the API shows it.</summary>
public sealed record KfSessionInfo(
    [property: System.Text.Json.Serialization.JsonPropertyName("open_kfid")] string OpenKfId, string ExternalUserId, int State, string StateName, string? ServicerUserId, int SendsLeft,
    DateTimeOffset? WindowUntil, DateTimeOffset? LastCustomerAt, int Handovers, int Answers);

/// <summary>A problem with an account's settings, naming the field.</summary>
public sealed record KfProblem(string Field, string Message);

/// <summary>
/// The accounts the Hub serves: added (their first pull takes WeCom's backlog in as history), changed, removed (with
/// their stored messages and sessions), listed.
/// </summary>
internal sealed class KfAccountSettings(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, HubAppRegistry apps, WorkSignals signals, TimeProvider time)
{
    /// <summary>The hand-over words of a new account.</summary>
    public static readonly IReadOnlyList<string> DefaultHandoverWords = ["人工", "转人工", "human", "agent"];

    /// <summary>Adds or changes <paramref name="openKfId"/> on <paramref name="app"/>; the problems when refused.</summary>
    public async Task<(KfAccountInfo? Account, bool Created, IReadOnlyList<KfProblem> Problems)> PutAsync(string app, string openKfId, KfAccountInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var problems = Check(openKfId, input);
        var stored = await apps.FindAsync(app, cancellationToken).ConfigureAwait(false);
        if (stored is null || HubAppPlatform.Display(stored.Platform) != HubAppPlatform.Display(HubAppPlatform.WeCom))
        {
            problems.Insert(0, new("app", $"'{app}' is not a stored WeCom app: customer-service accounts belong to the WeCom app whose callback URL receives their events (GET /api/v1/apps lists them)."));
        }

        if (problems.Count > 0)
        {
            return (null, false, problems);
        }

        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var now = time.GetUtcNow();
            var row = await db.Set<KfAccountRow>().SingleOrDefaultAsync(a => a.App == app && a.OpenKfId == openKfId, cancellationToken).ConfigureAwait(false);
            var created = row is null;
            if (row is null)
            {
                // Due at once: the first pull takes what WeCom keeps (3 days) in as history and moves the cursor to now.
                row = new KfAccountRow
                {
                    App = app, OpenKfId = openKfId, AnswerFrom = now, CreatedAt = now, State = WorkState.Pending, NextAttemptAt = now,
                    HandoverWords = JsonSerializer.Serialize(DefaultHandoverWords.ToList(), KfJson.Default.ListString),
                };
                db.Add(row);
            }

            row.Enabled = input.Enabled ?? row.Enabled;
            row.WelcomeMessage = Text(input.WelcomeMessage, row.WelcomeMessage);
            row.EndMessage = Text(input.EndMessage, row.EndMessage);
            row.HandoverMessage = Text(input.HandoverMessage, row.HandoverMessage);
            row.HandoverTo = Text(input.HandoverTo, row.HandoverTo);
            row.HandoverButton = Text(input.HandoverButton?.Trim(), row.HandoverButton);
            row.HandoverAfterAnswers = input.HandoverAfterAnswers ?? row.HandoverAfterAnswers;
            if (input.HandoverWords is { } words)
            {
                row.HandoverWords = JsonSerializer.Serialize(words.Select(w => w.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList(), KfJson.Default.ListString);
            }

            if (MenuWelcomeTooLong(row) is { } tooLong)
            {
                // Only the two together are wrong, so the check sees the settings kept as well as those sent.
                return (null, false, [tooLong]);
            }

            row.UpdatedAt = now;
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            if (created)
            {
                signals.For(KfPull.QueueName).Notify();
            }

            return (Info(row), created, []);
        }
    }

    /// <summary>One account, or null.</summary>
    public async Task<KfAccountInfo?> GetAsync(string app, string openKfId, CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.Set<KfAccountRow>().AsNoTracking().SingleOrDefaultAsync(a => a.App == app && a.OpenKfId == openKfId, cancellationToken).ConfigureAwait(false) is { } row
                ? Info(row)
                : null;
        }
    }

    /// <summary>A page of an app's accounts by open_kfid, after <paramref name="after"/>; one more than <paramref name="limit"/> when there are more.</summary>
    public async Task<IReadOnlyList<KfAccountInfo>> ListPageAsync(string app, string? after, int limit, CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = db.Set<KfAccountRow>().AsNoTracking().Where(a => a.App == app);
            if (after is not null)
            {
                rows = rows.Where(a => a.OpenKfId.CompareTo(after) > 0);
            }

            return [.. (await rows.OrderBy(a => a.OpenKfId).Take(limit + 1).ToListAsync(cancellationToken).ConfigureAwait(false)).Select(Info)];
        }
    }

    /// <summary>A page of an account's sessions by customer, after <paramref name="after"/>.</summary>
    public async Task<IReadOnlyList<KfSessionInfo>> SessionsPageAsync(string app, string openKfId, string? after, int limit, CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = db.Set<KfSessionRow>().AsNoTracking().Where(s => s.App == app && s.OpenKfId == openKfId);
            if (after is not null)
            {
                rows = rows.Where(s => s.ExternalUserId.CompareTo(after) > 0);
            }

            return [.. (await rows.OrderBy(s => s.ExternalUserId).Take(limit + 1).ToListAsync(cancellationToken).ConfigureAwait(false))
                .Select(s => new KfSessionInfo(s.OpenKfId, s.ExternalUserId, s.State, StateName(s.State), s.ServicerUserId, s.SendsLeft, s.WindowUntil, s.LastCustomerAt, s.Handovers, s.Answers))];
        }
    }

    /// <summary>Removes an account with its stored messages and sessions; false when there was none.</summary>
    public async Task<bool> DeleteAsync(string app, string openKfId, CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var removed = await db.Set<KfAccountRow>().Where(a => a.App == app && a.OpenKfId == openKfId).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            await db.Set<KfMessageRow>().Where(m => m.App == app && m.OpenKfId == openKfId).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            await db.Set<KfSessionRow>().Where(s => s.App == app && s.OpenKfId == openKfId).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            return removed > 0;
        }
    }

    /// <summary>The hand-over words kept as JSON.</summary>
    internal static IReadOnlyList<string> ReadWords(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, KfJson.Default.ListString) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>WeCom's name of a service state.</summary>
    internal static string StateName(int state) => state switch
    {
        0 => "untreated",
        1 => "assistant",
        2 => "queued",
        3 => "receptionist",
        4 => "ended",
        _ => "unknown",
    };

    private static List<KfProblem> Check(string openKfId, KfAccountInput input)
    {
        var problems = new List<KfProblem>();
        if (openKfId.Length is 0 or > 64 || !openKfId.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            problems.Add(new("open_kfid", "The account's open_kfid (wk…, from kf/account/list or the WeCom admin console → 微信客服), letters and digits, at most 64."));
        }

        foreach (var (field, value) in new[] { ("welcome_message", input.WelcomeMessage), ("end_message", input.EndMessage), ("handover_message", input.HandoverMessage) })
        {
            if (value is not null && Encoding.UTF8.GetByteCount(value) > KfSender.MaxTextBytes)
            {
                problems.Add(new(field, $"At most {KfSender.MaxTextBytes} bytes (WeCom's longest text); this one has {Encoding.UTF8.GetByteCount(value)}."));
            }
        }

        if (input.HandoverWords is { } words && (words.Count > KfLimits.MaxHandoverWords || words.Any(w => w is null || w.Trim().Length is 0 or > 32)))
        {
            problems.Add(new("handover_words", $"At most {KfLimits.MaxHandoverWords} words, each 1–32 characters (e.g. [\"人工\", \"human\"]); [] for none."));
        }

        if (input.HandoverTo is { Length: > 0 } to && (to.Length > 64 || !to.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '@')))
        {
            problems.Add(new("handover_to", "A receptionist's WeCom userid (通讯录 → the member's 账号), or \"\" for WeCom's queue."));
        }

        if (input.HandoverButton is { Length: > 0 } button && (button.Trim().Length == 0 || Encoding.UTF8.GetByteCount(button) > KfLimits.MaxButtonLength))
        {
            problems.Add(new("handover_button", $"A button's words: 1–{KfLimits.MaxButtonLength} bytes (WeCom's menu item), e.g. \"转人工\"; \"\" for no button."));
        }

        if (input.HandoverAfterAnswers is < 0 or > KfLimits.MaxHandoverAfterAnswers)
        {
            problems.Add(new("handover_after_answers", $"From 1 to {KfLimits.MaxHandoverAfterAnswers} answers in a session before people take over, or 0 for never."));
        }

        return problems;
    }

    /// <summary>A welcome that cannot go as a menu with the hand-over button, or null.</summary>
    private static KfProblem? MenuWelcomeTooLong(KfAccountRow row) =>
        row.HandoverButton is not null && row.WelcomeMessage is { } welcome && Encoding.UTF8.GetByteCount(welcome) > KfLimits.MaxMenuHeadBytes
            ? new("welcome_message", $"With a handover_button the welcome goes as a menu, whose text holds at most {KfLimits.MaxMenuHeadBytes} bytes; this one has "
                + $"{Encoding.UTF8.GetByteCount(welcome)}. Shorten it, or set handover_button to \"\".")
            : null;

    private static string? Text(string? given, string? kept) => given is null ? kept : given.Length == 0 ? null : given;

    private static KfAccountInfo Info(KfAccountRow a) => new(
        a.App, a.OpenKfId, a.Enabled, a.WelcomeMessage, a.EndMessage, a.HandoverMessage, ReadWords(a.HandoverWords), a.HandoverTo, a.HandoverButton, a.HandoverAfterAnswers, a.AnswerFrom, a.ItemsPulled,
        a.LastPulledAt, a.State.ToString().ToLowerInvariant(), a.LastError, a.CreatedAt);
}
