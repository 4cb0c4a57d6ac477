using Larkway.Hub.Assistants.Storage;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.AdminConsole;

/// <summary>
/// The read-only views of the assistants' conversations the console shows: counts, sessions, turns and feedback. Turns are
/// read through a projection that never selects their protected columns (the placeholders' values and the reply
/// context), so they cannot reach a page. Changes go through <c>AssistantService</c>.
/// </summary>
internal sealed class AssistantConsoleQueries(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, TimeProvider time)
{
    /// <summary>Feedback values as stored.</summary>
    public const string Helpful = AssistantFeedbackRow.Helpful, NotHelpful = AssistantFeedbackRow.NotHelpful, Regenerate = AssistantFeedbackRow.Regenerate;

    /// <summary>Answers in the last 24 hours and feedback counts, by assistant (assistants with neither are absent).</summary>
    public async Task<IReadOnlyDictionary<string, AssistantActivity>> ActivityAsync(CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow().AddHours(-24);
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var answers = await db.AssistantTurns.AsNoTracking()
                .Where(t => t.Status == AssistantTurnStatus.Answered && t.FinishedAt >= since)
                .GroupBy(t => t.Assistant).Select(g => new { g.Key, Count = g.Count() })
                .ToDictionaryAsync(g => g.Key, g => g.Count, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);
            var feedback = await FeedbackCountsAsync(db, cancellationToken).ConfigureAwait(false);
            return answers.Keys.Union(feedback.Keys, StringComparer.Ordinal).ToDictionary(
                name => name,
                name => new AssistantActivity(answers.GetValueOrDefault(name), feedback.GetValueOrDefault(name) ?? FeedbackCounts.None),
                StringComparer.Ordinal);
        }
    }

    /// <summary>
    /// Every assistant's last hour, for the dashboard: the turns that ended in it by status, the median time from question
    /// to first text shown over those, and the questions waiting or being answered now. Read through the indexes on the
    /// finish time and the queue state, so a long history costs nothing.
    /// </summary>
    public async Task<AssistantLastHour> LastHourAsync(CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow().AddHours(-1);
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var ended = await db.AssistantTurns.AsNoTracking().Where(t => t.FinishedAt >= since)
                .Select(t => new { t.Status, t.ReceivedAt, t.FirstTokenAt })
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            var states = await db.AssistantTurns.AsNoTracking()
                .Where(t => t.State == Platform.Queue.WorkState.Pending || t.State == Platform.Queue.WorkState.Retrying || t.State == Platform.Queue.WorkState.InProgress)
                .GroupBy(t => t.State).Select(g => new { g.Key, Count = g.Count() })
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            var firstTexts = ended.Where(t => t.FirstTokenAt is not null).Select(t => (t.FirstTokenAt!.Value - t.ReceivedAt).TotalSeconds).Order().ToList();
            return new AssistantLastHour(
                ended.GroupBy(t => t.Status, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
                firstTexts.Count == 0 ? null : TimeSpan.FromSeconds(Median(firstTexts)),
                firstTexts.Count,
                states.Where(s => s.Key != Platform.Queue.WorkState.InProgress).Sum(s => s.Count),
                states.Where(s => s.Key == Platform.Queue.WorkState.InProgress).Sum(s => s.Count));
        }
    }

    /// <summary>The middle of sorted <paramref name="values"/> (the mean of the two middle ones for an even count).</summary>
    internal static double Median(IReadOnlyList<double> values) =>
        values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;

    /// <summary>How many sessions an assistant has.</summary>
    public async Task<int> SessionCountAsync(string assistant, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.AssistantSessions.CountAsync(s => s.Assistant == assistant, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// An assistant's sessions, newest first, older than <paramref name="before"/> (a session id), optionally with a turn on
    /// <paramref name="platform"/>, of <paramref name="person"/> (a <c>per_…</c> id or a platform sender id), and whose last
    /// turn is in <paramref name="lastStatus"/>; at most <paramref name="limit"/>.
    /// </summary>
    public async Task<IReadOnlyList<AssistantSessionSummary>> SessionsAsync(
        string assistant, string? platform, string? person, string? lastStatus, long? before, int limit, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var query = db.AssistantSessions.AsNoTracking().Where(s => s.Assistant == assistant);
            if (before is { } b)
            {
                query = query.Where(s => s.Id < b);
            }

            if (platform is not null)
            {
                query = query.Where(s => db.Set<AssistantTurnRow>().Any(t => t.SessionId == s.Id && t.Platform == platform));
            }

            if (person is not null)
            {
                query = query.Where(s => s.PersonId == person || db.Set<AssistantTurnRow>().Any(t => t.SessionId == s.Id && (t.PersonId == person || t.SenderId == person)));
            }

            if (lastStatus is not null)
            {
                query = query.Where(s => db.Set<AssistantTurnRow>().Where(t => t.SessionId == s.Id).OrderByDescending(t => t.Id).Select(t => t.Status).FirstOrDefault() == lastStatus);
            }

            var sessions = await query.OrderByDescending(s => s.Id).Take(limit).ToListAsync(cancellationToken).ConfigureAwait(false);
            var ids = sessions.Select(s => (long?)s.Id).ToList();
            var byPlatform = await db.AssistantTurns.AsNoTracking().Where(t => ids.Contains(t.SessionId))
                .GroupBy(t => new { t.SessionId, t.Platform })
                .Select(g => new { g.Key.SessionId, g.Key.Platform, Count = g.Count(), Last = g.Max(t => t.Id) })
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            var lastIds = byPlatform.GroupBy(p => p.SessionId).Select(g => g.Max(p => p.Last)).ToList();
            var last = await db.AssistantTurns.AsNoTracking().Where(t => lastIds.Contains(t.Id))
                .Select(t => new { t.SessionId, t.Status, t.Question, t.ReceivedAt })
                .ToDictionaryAsync(t => t.SessionId!.Value, cancellationToken).ConfigureAwait(false);
            return [.. sessions.Select(s =>
            {
                var turns = byPlatform.Where(p => p.SessionId == s.Id).ToList();
                var lastTurn = last.GetValueOrDefault(s.Id);
                return new AssistantSessionSummary(
                    s, [.. turns.Select(p => p.Platform).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)], turns.Sum(p => p.Count),
                    lastTurn?.Status, lastTurn?.Question, lastTurn?.ReceivedAt);
            })];
        }
    }

    /// <summary>A session of <paramref name="assistant"/> with its turns, oldest first, and their feedback; null when there is none.</summary>
    public async Task<(AssistantSessionRow Session, IReadOnlyList<AssistantTurnView> Turns)?> SessionAsync(string assistant, long id, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var session = await db.AssistantSessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id && s.Assistant == assistant, cancellationToken).ConfigureAwait(false);
            if (session is null)
            {
                return null;
            }

            var turns = await TurnsAsync(db, db.AssistantTurns.Where(t => t.SessionId == id).OrderBy(t => t.Id), cancellationToken).ConfigureAwait(false);
            return (session, turns);
        }
    }

    /// <summary>
    /// An assistant's turns in no session (refused before one started, or still queued), newest first, older than
    /// <paramref name="before"/> (a turn id), at most <paramref name="limit"/>; and how many there are in all.
    /// </summary>
    public async Task<(IReadOnlyList<AssistantTurnView> Turns, int Total)> TurnsWithoutSessionAsync(string assistant, long? before, int limit, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var all = db.AssistantTurns.Where(t => t.Assistant == assistant && t.SessionId == null);
            var total = await all.CountAsync(cancellationToken).ConfigureAwait(false);
            var page = before is { } b ? all.Where(t => t.Id < b) : all;
            return (await TurnsAsync(db, page.OrderByDescending(t => t.Id).Take(limit), cancellationToken).ConfigureAwait(false), total);
        }
    }

    /// <summary>How many of an assistant's turns are in no session.</summary>
    public async Task<int> TurnsWithoutSessionCountAsync(string assistant, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.AssistantTurns.CountAsync(t => t.Assistant == assistant && t.SessionId == null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Feedback, newest first, optionally on one assistant's answers, after <paramref name="after"/> (a cursor from
    /// <see cref="FeedbackView.Cursor"/>); at most <paramref name="limit"/>.
    /// </summary>
    public async Task<IReadOnlyList<FeedbackView>> FeedbackAsync(string? assistant, FeedbackCursor? after, int limit, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var query = from f in db.AssistantFeedback.AsNoTracking()
                        join t in db.AssistantTurns.AsNoTracking() on f.TurnId equals t.Id
                        select new { f, t.Assistant, t.SessionId, t.Question, t.Platform };
            if (assistant is not null)
            {
                query = query.Where(x => x.Assistant == assistant);
            }

            if (after is { } c)
            {
                query = query.Where(x => x.f.At < c.At
                    || (x.f.At == c.At && (x.f.TurnId < c.TurnId || (x.f.TurnId == c.TurnId && string.Compare(x.f.User, c.User) < 0))));
            }

            var rows = await query.OrderByDescending(x => x.f.At).ThenByDescending(x => x.f.TurnId).ThenByDescending(x => x.f.User).Take(limit)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. rows.Select(x => new FeedbackView(x.f.TurnId, x.f.User, x.f.Value, x.f.At, x.Assistant, x.SessionId, x.Platform, x.Question))];
        }
    }

    /// <summary>Feedback counts by assistant.</summary>
    public async Task<IReadOnlyDictionary<string, FeedbackCounts>> FeedbackCountsAsync(CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await FeedbackCountsAsync(db, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<Dictionary<string, FeedbackCounts>> FeedbackCountsAsync(HubDbContext db, CancellationToken cancellationToken)
    {
        var counts = await (from f in db.AssistantFeedback.AsNoTracking()
                            join t in db.AssistantTurns.AsNoTracking() on f.TurnId equals t.Id
                            group f by new { t.Assistant, f.Value } into g
                            select new { g.Key.Assistant, g.Key.Value, Count = g.Count() })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return counts.GroupBy(c => c.Assistant, StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g => new FeedbackCounts(
                g.Where(c => c.Value == Helpful).Sum(c => c.Count),
                g.Where(c => c.Value == NotHelpful).Sum(c => c.Count),
                g.Where(c => c.Value == Regenerate).Sum(c => c.Count)),
            StringComparer.Ordinal);
    }

    /// <summary>The turns <paramref name="query"/> selects, in its order, with their feedback.</summary>
    private static async Task<IReadOnlyList<AssistantTurnView>> TurnsAsync(HubDbContext db, IQueryable<AssistantTurnRow> query, CancellationToken cancellationToken)
    {
        // Never the placeholders' values nor the reply context: the projection does not select them.
        var turns = await query.AsNoTracking()
            .Select(t => new AssistantTurnView(
                t.Id, t.Platform, t.App, t.ConversationKind, t.ConversationId, t.SenderId, t.PersonId, t.Question, t.Answer, t.Status, t.FailureKind,
                t.Updates, t.ReceivedAt, t.StartedAt, t.FirstTokenAt, t.FinishedAt))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var turnIds = turns.Select(t => t.Id).ToList();
        var feedback = (await db.AssistantFeedback.AsNoTracking().Where(f => turnIds.Contains(f.TurnId)).OrderBy(f => f.At).ToListAsync(cancellationToken).ConfigureAwait(false))
            .ToLookup(f => f.TurnId);
        foreach (var turn in turns)
        {
            turn.Feedback = [.. feedback[turn.Id]];
        }

        return turns;
    }

    private async Task<HubDbContext> ContextAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>The assistants' last hour on the dashboard.</summary>
/// <param name="Ended">Turns that ended in the hour, by <see cref="AssistantTurnStatus"/> (answered, stopped, failed, interrupted, refused).</param>
/// <param name="FirstTextMedian">The median time from a question received to its answer's first text shown, over <paramref name="FirstTexts"/> turns; null for none.</param>
/// <param name="FirstTexts">How many of those turns showed text.</param>
/// <param name="Waiting">Questions waiting to be answered now (queued, or retrying after a failure).</param>
/// <param name="Answering">Questions being answered now.</param>
internal sealed record AssistantLastHour(IReadOnlyDictionary<string, int> Ended, TimeSpan? FirstTextMedian, int FirstTexts, int Waiting, int Answering)
{
    /// <summary>Turns that ended in <paramref name="status"/> in the hour.</summary>
    public int Count(string status) => Ended.GetValueOrDefault(status);
}

/// <summary>An assistant's recent answers and its feedback.</summary>
internal sealed record AssistantActivity(int AnswersLast24Hours, FeedbackCounts Feedback);

/// <summary>Feedback clicks by kind.</summary>
internal sealed record FeedbackCounts(int Helpful, int NotHelpful, int Regenerate)
{
    public static readonly FeedbackCounts None = new(0, 0, 0);

    /// <summary>helpful / (helpful + not helpful), or null before either was clicked.</summary>
    public double? Ratio => Helpful + NotHelpful == 0 ? null : (double)Helpful / (Helpful + NotHelpful);

    /// <summary>The ratio as a percentage (<c>75%</c>), or an em dash before any vote.</summary>
    public string RatioText => Ratio is { } r ? r.ToString("P0", System.Globalization.CultureInfo.InvariantCulture).Replace(" ", "", StringComparison.Ordinal) : "—";
}

/// <summary>A session as the sessions list shows it: its row, the platforms its turns came from, and its last turn.</summary>
internal sealed record AssistantSessionSummary(
    AssistantSessionRow Session, IReadOnlyList<string> Platforms, int TurnCount, string? LastStatus, string? LastQuestion, DateTimeOffset? LastAt);

/// <summary>A turn as the console shows it: never its protected columns.</summary>
internal sealed record AssistantTurnView(
    long Id, string Platform, string App, string ConversationKind, string ConversationId, string SenderId, string? PersonId, string Question, string? Answer,
    string Status, string? FailureKind, int Updates, DateTimeOffset ReceivedAt, DateTimeOffset? StartedAt, DateTimeOffset? FirstTokenAt, DateTimeOffset? FinishedAt)
{
    /// <summary>The turn's feedback, oldest first.</summary>
    public IReadOnlyList<AssistantFeedbackRow> Feedback { get; set; } = [];

    /// <summary>From receiving the question to showing the answer's first text.</summary>
    public TimeSpan? TimeToFirstToken => FirstTokenAt - ReceivedAt;
}

/// <summary>A feedback click with the turn it is about.</summary>
internal sealed record FeedbackView(long TurnId, string User, string Value, DateTimeOffset At, string Assistant, long? SessionId, string Platform, string Question)
{
    /// <summary>Where the next (older) page starts.</summary>
    public string Cursor => FeedbackCursor.Format(At, TurnId, User);
}

/// <summary>The feedback list's position: time (Unix ms), turn and user, newest first.</summary>
internal readonly record struct FeedbackCursor(DateTimeOffset At, long TurnId, string User)
{
    public static string Format(DateTimeOffset at, long turnId, string user) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{at.ToUnixTimeMilliseconds()}_{turnId}_{user}");

    /// <summary>A cursor from <see cref="Format"/>, or null when it is not one.</summary>
    public static FeedbackCursor? Parse(string? value)
    {
        var parts = (value ?? "").Split('_', 3);
        return parts.Length == 3
            && long.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms)
            && long.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var turn)
            && parts[2].Length > 0 && ms <= 253_402_300_799_999
                ? new FeedbackCursor(DateTimeOffset.FromUnixTimeMilliseconds(ms), turn, parts[2])
                : null;
    }
}
