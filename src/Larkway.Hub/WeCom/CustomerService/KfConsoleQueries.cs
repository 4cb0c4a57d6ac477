using System.Security.Cryptography;
using Larkway.Channels.Masking;
using Larkway.Hub.Platform.DataProtection;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.WeCom.CustomerService;

/// <summary>A line of a customer's transcript as the console shows it: masked for display.</summary>
/// <param name="At">When sent.</param>
/// <param name="Origin">Who (<see cref="KfOrigins"/>).</param>
/// <param name="Who">The receptionist, when one wrote.</param>
/// <param name="Type">The message or event type.</param>
/// <param name="Text">What it said, masked (phones, ids, cards, emails); an event's kind otherwise.</param>
/// <param name="Route">What the Hub did with it (<see cref="KfRoutes"/>).</param>
/// <param name="FailType">WeCom's fail_type when a message the Hub sent did not reach the customer.</param>
/// <param name="Recalled">True when recalled.</param>
internal sealed record KfTranscriptLine(DateTimeOffset At, string Origin, string? Who, string Type, string Text, string Route, int? FailType, bool Recalled);

/// <summary>What the console reads of customer service: the accounts, their sessions, a customer's transcript (masked).</summary>
internal sealed class KfConsoleQueries(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, HubSecretProtector protector)
{
    /// <summary>Longest transcript shown (the newest lines).</summary>
    public const int TranscriptLines = 500;

    // Display masking only (stars, no placeholders): the fingerprint key is never used for display, so a fresh one serves.
    private static readonly PiiMasker Masker = new(new MaskingOptions { FingerprintKey = RandomNumberGenerator.GetBytes(32) });

    /// <summary>Every served account.</summary>
    public async Task<IReadOnlyList<KfAccountRow>> AccountsAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.Set<KfAccountRow>().AsNoTracking().OrderBy(a => a.App).ThenBy(a => a.OpenKfId).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The sessions of every account, the most recently active first (at most <paramref name="limit"/>).</summary>
    public async Task<IReadOnlyList<KfSessionRow>> SessionsAsync(int limit, CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.Set<KfSessionRow>().AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. rows.OrderByDescending(s => s.UpdatedAt).Take(limit)];
        }
    }

    /// <summary>One session, or null.</summary>
    public async Task<KfSessionRow?> SessionAsync(string app, string openKfId, string customer, CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.Set<KfSessionRow>().AsNoTracking()
                .SingleOrDefaultAsync(s => s.App == app && s.OpenKfId == openKfId && s.ExternalUserId == customer, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A customer's transcript, oldest first (the newest <see cref="TranscriptLines"/>), every text masked for display.</summary>
    public async Task<IReadOnlyList<KfTranscriptLine>> TranscriptAsync(string app, string openKfId, string customer, CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.Set<KfMessageRow>().AsNoTracking()
                .Where(m => m.App == app && m.OpenKfId == openKfId && m.ExternalUserId == customer)
                .OrderByDescending(m => m.Id).Take(TranscriptLines).ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. rows.OrderBy(m => m.SentAt).ThenBy(m => m.Id).Select(Line)];
        }
    }

    private KfTranscriptLine Line(KfMessageRow m)
    {
        var item = KfItems.Read(m.Content is { } c ? protector.Unprotect(c) : null);
        var shown = m.Origin == KfOrigins.System ? Describe(m.Type, item) : Masker.Mask(item.Shown, MaskingDirection.ToStorage).Text;
        return new KfTranscriptLine(m.SentAt, m.Origin, m.ServicerUserId, m.Type, shown, m.Route, m.FailType, m.Recalled);
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
