using System.Security.Cryptography;
using Larkway.Channels.Masking;
using Larkway.Hub.Platform.DataProtection;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.WeCom.CustomerService;

/// <summary>What the console's Customer service pages read of WeCom's: the accounts, their sessions, a customer's transcript (masked).</summary>
internal sealed class KfConsoleQueries(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, HubSecretProtector protector, KfNicknames nicknames)
    : AdminConsole.ICustomerServiceConsole
{
    /// <summary>Longest transcript shown (the newest lines).</summary>
    public const int MaxTranscriptLines = 500;

    /// <inheritdoc />
    public int TranscriptLines => MaxTranscriptLines;

    // Display masking only (stars, no placeholders): the fingerprint key is never used for display, so a fresh one serves.
    private static readonly PiiMasker Masker = new(new MaskingOptions { FingerprintKey = RandomNumberGenerator.GetBytes(32) });

    /// <inheritdoc />
    public async Task<IReadOnlyList<AdminConsole.CustomerServiceAccountView>> AccountsAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.Set<KfAccountRow>().AsNoTracking().OrderBy(a => a.App).ThenBy(a => a.OpenKfId).ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. rows.Select(a => new AdminConsole.CustomerServiceAccountView(
                a.OpenKfId, a.App, a.Enabled ? "the app's assistant" : "nobody (off)", a.HandoverTo is null ? "WeCom's queue" : "to " + a.HandoverTo,
                HandoverRules(a), a.ItemsPulled, a.LastPulledAt, a.State.ToString().ToLowerInvariant(), a.LastError))];
        }
    }

    /// <summary>The account's hand-over words, then its button and answer limit, in words.</summary>
    private static List<string> HandoverRules(KfAccountRow a)
    {
        var rules = KfAccountSettings.ReadWords(a.HandoverWords).ToList();
        if (a.HandoverButton is { } button)
        {
            rules.Add($"the button “{button}”");
        }

        if (a.HandoverAfterAnswers > 0)
        {
            rules.Add($"after {a.HandoverAfterAnswers} answers");
        }

        return rules;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AdminConsole.CustomerServiceSessionView>> SessionsAsync(int limit, CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.Set<KfSessionRow>().AsNoTracking().OrderByDescending(s => s.Id).Take(limit * 4).ToListAsync(cancellationToken).ConfigureAwait(false);
            var shown = rows.OrderByDescending(s => s.UpdatedAt).Take(limit).ToList();
            var names = new Dictionary<(string, string), string>();
            foreach (var app in shown.GroupBy(s => s.App))
            {
                foreach (var (customer, name) in await nicknames.GetAsync(app.Key, app.Select(s => s.ExternalUserId), cancellationToken).ConfigureAwait(false))
                {
                    names[(app.Key, customer)] = name;
                }
            }

            return [.. shown.Select(s => View(s) with { Name = names.GetValueOrDefault((s.App, s.ExternalUserId)) })];
        }
    }

    /// <inheritdoc />
    public async Task<AdminConsole.CustomerServiceSessionView?> SessionAsync(string app, string account, string customer, CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.Set<KfSessionRow>().AsNoTracking()
                .SingleOrDefaultAsync(s => s.App == app && s.OpenKfId == account && s.ExternalUserId == customer, cancellationToken).ConfigureAwait(false) is { } row
                ? View(row) with { Name = (await nicknames.GetAsync(app, [customer], cancellationToken).ConfigureAwait(false)).GetValueOrDefault(customer) }
                : null;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AdminConsole.CustomerServiceLineView>> TranscriptAsync(string app, string openKfId, string customer, CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.Set<KfMessageRow>().AsNoTracking()
                .Where(m => m.App == app && m.OpenKfId == openKfId && m.ExternalUserId == customer)
                .OrderByDescending(m => m.Id).Take(MaxTranscriptLines).ToListAsync(cancellationToken).ConfigureAwait(false);
            // WeCom's send times are whole seconds and the Hub's own are not: within one second the order stored (the Hub
            // sends only after storing what it answers) is the order things happened, so a welcome precedes the first words.
            return [.. rows.OrderBy(m => m.SentAt.ToUnixTimeSeconds()).ThenBy(m => m.Id).Select(Line)];
        }
    }

    /// <summary>The messages the Hub may still send now: none once the window closed.</summary>
    private static AdminConsole.CustomerServiceSessionView View(KfSessionRow s) => new(
        s.App, s.OpenKfId, s.ExternalUserId, KfAccountSettings.StateName(s.State), s.ServicerUserId,
        s.WindowUntil is { } until && until > DateTimeOffset.UtcNow ? s.SendsLeft : 0, s.WindowUntil, s.LastCustomerAt, s.Handovers);

    private AdminConsole.CustomerServiceLineView Line(KfMessageRow m)
    {
        var item = KfItems.Read(m.Content is { } c ? protector.Unprotect(c) : null);
        var shown = m.Origin == KfOrigins.System ? Describe(m.Type, item) : Masker.Mask(item.Shown, MaskingDirection.ToStorage).Text;
        var from = m.Origin switch
        {
            KfOrigins.Customer => "Customer",
            KfOrigins.Hub => "Assistant",
            KfOrigins.Receptionist => m.ServicerUserId ?? "Receptionist",
            _ => "WeCom",
        };
        var did = m.Origin != KfOrigins.Customer ? null : m.Route switch
        {
            KfRoutes.Assistant => "answered by the assistant",
            KfRoutes.Handover => "handed to people",
            KfRoutes.People => "left to people",
            KfRoutes.History => "history (from before the account was added)",
            KfRoutes.Unanswered => "not answered (account off, or no assistant)",
            KfRoutes.Waiting => "waiting",
            _ => null,
        };
        var problem = m.FailType is { } fail ? "not delivered: " + Larkway.WeCom.CustomerService.WeComKfFailTypes.Describe(fail)
            : m.Route == KfRoutes.NotSent ? "not sent: " + (item.String("not_sent") ?? "refused")
            : null;
        return new AdminConsole.CustomerServiceLineView(m.SentAt, m.Origin, from, shown, did, problem, m.Recalled);
    }

    /// <summary>An event as one line.</summary>
    private static string Describe(string type, KfItem item) => type switch
    {
        "enter_session" => "Opened the account's link" + (item.String("scene") is { Length: > 0 } scene ? $" (scene {scene})" : ""),
        "session_status_change" => item.Number("change_type") switch
        {
            1 => $"Taken from the queue by {item.String("new_servicer_userid")}",
            2 => $"Transferred to {item.String("new_servicer_userid")}",
            3 => "Session ended",
            4 => $"Rejoined by {item.String("new_servicer_userid")}",
            _ => "Session changed",
        },
        "msg_send_fail" => $"A message did not reach the customer ({Larkway.WeCom.CustomerService.WeComKfFailTypes.Describe(item.Number("fail_type"))})",
        "user_recall_msg" => "The customer recalled a message",
        "servicer_recall_msg" => "A receptionist recalled a message",
        _ => type,
    };
}
