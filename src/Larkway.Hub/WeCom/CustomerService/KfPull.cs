using Larkway.Hub.Platform;
using Larkway.Hub.Apps;
using Larkway.Hub.Platform.DataProtection;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Larkway.WeCom;
using Larkway.WeCom.CustomerService;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.WeCom.CustomerService;

/// <summary>
/// The <c>wecom-kf-pulls</c> queue's handler: pulls one account's new items with <c>kf/sync_msg</c> (the callback's token
/// while it is fresh) and stores each page with the cursor that ends it in one transaction, written only while this pull
/// still holds the account — so a crash between pull and store pulls the page again, and a page is never stored twice
/// (each item is unique per msgid). What is stored is then acted on (<see cref="KfConversations"/>). A cursor WeCom no
/// longer takes starts over from the oldest it keeps: what is stored already is skipped, what is not is taken in.
/// </summary>
internal sealed partial class KfPull(
    IDbContextFactory<HubDbContext> contexts,
    IHubStorageProvider provider,
    HubSecretProtector protector,
    HubWeComClients clients,
    KfConversations conversations,
    KfTelemetry telemetry,
    IOptions<KfOptions> options,
    TimeProvider time,
    ILogger<KfPull> logger,
    Webhooks.WebhookStore? webhooks = null) : IWorkHandler<KfAccountRow>, IWorkRecordedHandler<KfAccountRow>
{
    /// <summary>The queue's name.</summary>
    public const string QueueName = "wecom-kf-pulls";

    /// <summary>How soon an account is pulled again while a customer's messages wait for the answer before them.</summary>
    public static readonly TimeSpan AnsweringRecheck = TimeSpan.FromSeconds(1);

    /// <summary>How long a callback's token is taken (WeCom: 10 minutes), less a margin.</summary>
    public static readonly TimeSpan TokenLife = TimeSpan.FromMinutes(9);

    /// <inheritdoc />
    public async Task<WorkOutcome<KfAccountRow>> HandleAsync(KfAccountRow account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        WeComCustomerServiceClient client;
        try
        {
            client = (await clients.GetAsync(account.App, cancellationToken).ConfigureAwait(false)).CustomerService;
        }
        catch (HubAppNotFoundException ex)
        {
            return WorkOutcome<KfAccountRow>.DeadLetter(ex.Message);
        }

        var now = time.GetUtcNow();
        var token = account.Token is { } kept && account.TokenAt is { } at && now - at < TokenLife ? protector.Unprotect(kept) : null;
        var cursor = account.Cursor;
        try
        {
            // What a stopped pull stored but did not act on comes first, in order.
            await conversations.ActOnWaitingAsync(account, client, cancellationToken).ConfigureAwait(false);
            for (var page = 0; page < options.Value.PagesPerClaim; page++)
            {
                WeComKfMessagePage answer;
                try
                {
                    answer = await client.SyncAsync(account.OpenKfId, cursor, token, options.Value.PageSize, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                catch (WeComApiException ex) when (ex.Code == WeComErrorCodes.KfInvalidToken && token is not null)
                {
                    // Expired or used up: pull without it (WeCom limits such calls more strictly, but answers them).
                    token = null;
                    page--;
                    continue;
                }
                catch (WeComApiException ex) when (ex.Code is WeComErrorCodes.IllegalParameter or WeComErrorCodes.InvalidParameter && cursor is not null)
                {
                    LogCursorRefused(logger, account.OpenKfId, account.App, ex.Code);
                    cursor = null;
                    page--;
                    continue;
                }

                if (!await StoreAsync(account, answer, cancellationToken).ConfigureAwait(false))
                {
                    // Another worker holds the account now (this lease expired): it pulls from the stored cursor.
                    return WorkOutcome<KfAccountRow>.Defer(time.GetUtcNow());
                }

                cursor = answer.NextCursor;
                var answering = await conversations.ActOnWaitingAsync(account, client, cancellationToken).ConfigureAwait(false);
                if (!answer.HasMore)
                {
                    // A customer whose earlier answer is still coming has messages waiting: looked at again shortly.
                    return answering
                        ? WorkOutcome<KfAccountRow>.Defer(time.GetUtcNow() + AnsweringRecheck)
                        : WorkOutcome<KfAccountRow>.Done(s => s.SetProperty(a => a.LastPulledAt, time.GetUtcNow()));
                }
            }

            // More to pull: the next claim continues from the stored cursor, after other accounts had their turn.
            return WorkOutcome<KfAccountRow>.Defer(time.GetUtcNow());
        }
        catch (WeComApiException ex)
        {
            LogPullFailed(logger, account.OpenKfId, account.App, ex.Code, ex.Message);
            return WorkOutcome<KfAccountRow>.Failed(options.Value.Retry.NextAttempt(time.GetUtcNow(), account.Attempts), $"WeCom {ex.Code}: {ex.Message}");
        }
        catch (HttpRequestException ex)
        {
            return WorkOutcome<KfAccountRow>.Failed(options.Value.Retry.NextAttempt(time.GetUtcNow(), account.Attempts), $"WeCom unreachable: {ex.Message}");
        }
    }

    /// <inheritdoc />
    /// <remarks>A callback that came while this pull ran asked for another: the account is due again at once.</remarks>
    public async Task OnRecordedAsync(KfAccountRow item, WorkOutcome<KfAccountRow> outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Kind != WorkOutcomeKind.Done)
        {
            return;
        }

        var seen = item.PullRequests;
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var now = time.GetUtcNow();
            await db.Set<KfAccountRow>().Where(a => a.Id == item.Id && a.State == WorkState.Done && a.PullRequests > seen)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.State, WorkState.Pending).SetProperty(a => a.NextAttemptAt, now).SetProperty(a => a.Attempts, 0), cancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <summary>Stores a page's new items and its cursor at once; false when this pull no longer holds the account.</summary>
    private async Task<bool> StoreAsync(KfAccountRow account, WeComKfMessagePage page, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var ids = page.Messages.Select(m => m.MsgId).Where(id => id.Length > 0).Distinct(StringComparer.Ordinal).ToList();
            var known = ids.Count == 0 ? [] : await db.Set<KfMessageRow>()
                .Where(m => m.App == account.App && m.OpenKfId == account.OpenKfId && ids.Contains(m.MsgId))
                .Select(m => m.MsgId).ToListAsync(cancellationToken).ConfigureAwait(false);
            var seen = new HashSet<string>(known, StringComparer.Ordinal);
            var added = new List<KfMessageRow>();
            var kept = new Dictionary<KfMessageRow, string>();
            foreach (var message in page.Messages)
            {
                if (message.MsgId.Length == 0 || message.MsgId.Length > KfLimits.MaxMsgIdLength || !seen.Add(message.MsgId))
                {
                    continue;
                }

                var described = KfItems.Describe(message);
                var row = new KfMessageRow
                {
                    App = account.App,
                    OpenKfId = account.OpenKfId,
                    MsgId = message.MsgId,
                    ExternalUserId = Cut(message.CustomerId),
                    Origin = KfItems.OriginOf(message),
                    Type = KfItems.TypeOf(message),
                    Content = protector.Protect(described),
                    ServicerUserId = Cut(message.ServicerUserId),
                    SentAt = message.SentAt,
                    StoredAt = now,
                    Route = IsHistory(account, message, now) ? KfRoutes.History : KfRoutes.Waiting,
                };
                added.Add(row);
                kept[row] = described;
            }

            var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                db.AddRange(added);
                var forwarded = 0;
                if (webhooks is not null)
                {
                    // Queued with the items: a CRM hears of each once, whatever happens to this pull.
                    foreach (var row in added)
                    {
                        forwarded += await webhooks.QueueAsync(db, KfWebhooks.TypeOf(row), KfWebhooks.IdOf(row), KfWebhooks.Payload(row, KfItems.Read(kept[row])), cancellationToken)
                            .ConfigureAwait(false);
                    }
                }

                try
                {
                    await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (DbUpdateException ex) when (provider.IsUniqueViolation(ex))
                {
                    // Another worker stored the same page: this one no longer holds the account.
                    return false;
                }

                var cursor = page.NextCursor;
                var count = added.Count;
                var held = await db.Set<KfAccountRow>()
                    .Where(a => a.Id == account.Id && a.State == WorkState.InProgress && a.LeaseOwner == account.LeaseOwner)
                    .ExecuteUpdateAsync(s => s.SetProperty(a => a.Cursor, cursor).SetProperty(a => a.ItemsPulled, a => a.ItemsPulled + count), cancellationToken)
                    .ConfigureAwait(false);
                if (held == 0)
                {
                    return false;
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                if (forwarded > 0)
                {
                    webhooks!.NotifySender();
                }
            }

            foreach (var group in added.GroupBy(r => r.Origin))
            {
                telemetry.Pulled(account.App, group.Key, group.Count());
            }

            foreach (var row in added.Where(r => r.Origin == KfOrigins.Customer && r.Route == KfRoutes.Waiting))
            {
                telemetry.Lag(account.App, now - row.SentAt);
            }

            foreach (var row in added.Where(r => r.Origin == KfOrigins.Customer && r.Route == KfRoutes.History))
            {
                telemetry.Routed(account.App, KfRoutes.History);
            }

            return true;
        }
    }

    /// <summary>
    /// History: sent before the second the account was added to the Hub (a first pull brings up to three days of it; WeCom
    /// gives send times in whole seconds, so a message of that second is new), or a customer's message past WeCom's 48-hour
    /// window (no answer could reach them).
    /// </summary>
    internal static bool IsHistory(KfAccountRow account, WeComKfMessage message, DateTimeOffset now) =>
        message.SentAt < DateTimeOffset.FromUnixTimeSeconds(account.AnswerFrom.ToUnixTimeSeconds())
        || (message.Origin == WeComKfOrigin.Customer && now - message.SentAt > WeComCustomerServiceClient.ReplyWindow);

    private static string? Cut(string? id) => id is null || id.Length <= KfLimits.MaxIdLength ? id : id[..KfLimits.MaxIdLength];

    [LoggerMessage(EventId = LogEvents.WeComKfCursorRefused, Level = LogLevel.Warning,
        Message = "WeCom customer service {OpenKfId} on {App}: WeCom no longer takes the stored cursor ({Code}); pulling again from the oldest it keeps (stored items are skipped).")]
    private static partial void LogCursorRefused(ILogger logger, string openKfId, string app, string code);

    [LoggerMessage(EventId = LogEvents.WeComKfPullFailed, Level = LogLevel.Warning,
        Message = "WeCom customer service {OpenKfId} on {App}: sync_msg failed ({Code}: {Reason}); tried again on the queue's schedule.")]
    private static partial void LogPullFailed(ILogger logger, string openKfId, string app, string code, string reason);
}
