using Larkway.Hub.Platform.Storage;
using Larkway.WeCom.CustomerService;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.WeCom.CustomerService;

/// <summary>
/// The Hub's view of each customer's session: WeCom's service state as the pulled events and the Hub's own moves leave
/// it, and the send budget a customer's message opens (<see cref="WeComCustomerServiceClient.MessagesPerCustomerMessage"/>
/// messages within <see cref="WeComCustomerServiceClient.ReplyWindow"/>), spent before WeCom would refuse.
/// </summary>
internal sealed class KfSessions(IDbContextFactory<HubDbContext> contexts, IHubStorageProvider provider, TimeProvider time, Webhooks.WebhookStore? webhooks = null)
{
    /// <summary>States in which a person has the customer (or the customer waits for one): the assistant stays silent.</summary>
    public static bool HeldByPeople(int state) => state is (int)WeComKfServiceState.Queued or (int)WeComKfServiceState.Receptionist;

    /// <summary>The session, created in state 0 (untreated) when the Hub has not seen it.</summary>
    public async Task<KfSessionRow> GetAsync(string app, string openKfId, string customer, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using (db.ConfigureAwait(false))
            {
                if (await db.Set<KfSessionRow>().AsNoTracking().FirstOrDefaultAsync(s => s.App == app && s.OpenKfId == openKfId && s.ExternalUserId == customer, cancellationToken)
                    .ConfigureAwait(false) is { } found)
                {
                    return found;
                }

                var row = new KfSessionRow { App = app, OpenKfId = openKfId, ExternalUserId = customer, UpdatedAt = time.GetUtcNow() };
                db.Add(row);
                try
                {
                    await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                    return row;
                }
                catch (DbUpdateException ex) when (provider.IsUniqueViolation(ex) && attempt == 0)
                {
                    // Made by another pull at the same moment: read it.
                }
            }
        }
    }

    /// <summary>
    /// The customer wrote at <paramref name="at"/>: a new budget (5 messages, until 48 hours later), and an ended session
    /// untreated again, as WeCom opens it. Returns the session after.
    /// </summary>
    public async Task<KfSessionRow> CustomerWroteAsync(string app, string openKfId, string customer, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var session = await GetAsync(app, openKfId, customer, cancellationToken).ConfigureAwait(false);
        return await ChangeAsync(session.Id, s =>
        {
            if (s.LastCustomerAt is { } last && last > at)
            {
                return;
            }

            s.LastCustomerAt = at;
            s.SendsLeft = WeComCustomerServiceClient.MessagesPerCustomerMessage;
            s.WindowUntil = at + WeComCustomerServiceClient.ReplyWindow;
            if (s.State == (int)WeComKfServiceState.Ended)
            {
                (s.State, s.ServicerUserId) = ((int)WeComKfServiceState.Untreated, null);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sets the session's state (and its receptionist), as WeCom reported it or — with the <paramref name="movedBecause"/>
    /// the Hub moved it for (<c>assistant</c>, or <c>handover</c> with what triggered it) — as the Hub moved it, which a
    /// <c>wecom.kf.session</c> webhook reports in the same transaction. Leaving the assistant resets its answer count.
    /// </summary>
    public async Task<KfSessionRow> SetStateAsync(
        string app, string openKfId, string customer, WeComKfServiceState state, string? servicer, bool handover, CancellationToken cancellationToken,
        string? movedBecause = null, string? trigger = null)
    {
        var session = await GetAsync(app, openKfId, customer, cancellationToken).ConfigureAwait(false);
        return await ChangeAsync(session.Id, s =>
        {
            (s.State, s.ServicerUserId) = ((int)state, state == WeComKfServiceState.Receptionist ? servicer : null);
            if (state != WeComKfServiceState.Assistant)
            {
                s.Answers = 0;
            }

            if (handover)
            {
                s.Handovers++;
            }
        }, cancellationToken, movedBecause is null ? null : (id, row) => KfWebhooks.SessionPayload(
            id, row.UpdatedAt, app, openKfId, customer, row.State, row.ServicerUserId, movedBecause, trigger)).ConfigureAwait(false);
    }

    /// <summary>Counts a message given to the assistant in the session (for the account's answer-count rule).</summary>
    public async Task CountAnswerAsync(long sessionId, CancellationToken cancellationToken) =>
        await ChangeAsync(sessionId, s => s.Answers++, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Takes up to <paramref name="wanted"/> of the messages the Hub may still send the customer, and says how many it got
    /// and, when none, why: the window closed, the 5 used, or a person holds the session.
    /// </summary>
    public async Task<KfBudget> TakeAsync(string app, string openKfId, string customer, int wanted, CancellationToken cancellationToken)
    {
        var session = await GetAsync(app, openKfId, customer, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var granted = 0;
        string? refusal = null;
        await ChangeAsync(session.Id, s =>
        {
            refusal = s.WindowUntil is not { } until || until <= now ? KfBudget.WindowClosed
                : s.SendsLeft <= 0 ? KfBudget.CountUsed
                : HeldByPeople(s.State) ? KfBudget.HeldByPeople
                : null;
            if (refusal is null)
            {
                granted = Math.Min(wanted, s.SendsLeft);
                s.SendsLeft -= granted;
            }
        }, cancellationToken).ConfigureAwait(false);
        return new KfBudget(granted, refusal);
    }

    /// <summary>Applies <paramref name="change"/> to the session, again when another writer changed it meanwhile.</summary>
    private async Task<KfSessionRow> ChangeAsync(long id, Action<KfSessionRow> change, CancellationToken cancellationToken, Func<string, KfSessionRow, byte[]>? webhook = null)
    {
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var row = await db.Set<KfSessionRow>().SingleAsync(s => s.Id == id, cancellationToken).ConfigureAwait(false);
            var before = row.UpdatedAt;
            change(row);
            var now = time.GetUtcNow();
            row.UpdatedAt = now > before ? now : before.AddTicks(10);

            // Optimistic: the row is written only as it was read (its UpdatedAt unchanged).
            var transaction = webhook is null || webhooks is null ? null : await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var written = await db.Set<KfSessionRow>().Where(s => s.Id == id && s.UpdatedAt == before).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.State, row.State)
                .SetProperty(x => x.ServicerUserId, row.ServicerUserId)
                .SetProperty(x => x.SendsLeft, row.SendsLeft)
                .SetProperty(x => x.WindowUntil, row.WindowUntil)
                .SetProperty(x => x.LastCustomerAt, row.LastCustomerAt)
                .SetProperty(x => x.Handovers, row.Handovers)
                .SetProperty(x => x.Answers, row.Answers)
                .SetProperty(x => x.UpdatedAt, row.UpdatedAt), cancellationToken).ConfigureAwait(false);
            if (transaction is not null)
            {
                await using (transaction.ConfigureAwait(false))
                {
                    // The move's id: the session and the moment it changed, the same however often it is read.
                    var moveId = $"kfs_{row.Id}_{row.UpdatedAt.ToUnixTimeMilliseconds()}";
                    if (written == 1 && await webhooks!.QueueAsync(db, KfWebhooks.Session, moveId, webhook!(moveId, row), cancellationToken).ConfigureAwait(false) > 0)
                    {
                        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }

                if (written == 1)
                {
                    webhooks!.NotifySender();
                }
            }

            return written == 1 ? row : await ChangeAsync(id, change, cancellationToken, webhook).ConfigureAwait(false);
        }
    }
}

/// <summary>Messages the Hub may send now, or why none.</summary>
/// <param name="Granted">How many.</param>
/// <param name="Refusal">Why none (<see cref="WindowClosed"/>, <see cref="CountUsed"/>, <see cref="HeldByPeople"/>), else null.</param>
internal sealed record KfBudget(int Granted, string? Refusal)
{
    /// <summary>More than 48 hours since the customer last wrote (WeCom would answer 95002).</summary>
    public const string WindowClosed = "48 hours have passed since the customer last wrote";

    /// <summary>Five messages sent since the customer last wrote (WeCom would answer 95001).</summary>
    public const string CountUsed = "5 messages were sent since the customer last wrote";

    /// <summary>A receptionist holds the session, or it waits for one.</summary>
    public const string HeldByPeople = "a person holds the session";
}
