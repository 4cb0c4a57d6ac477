using Larkway.Hub.Directory.Links;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Directory;

/// <summary>What <see cref="DirectoryAccountMatching"/> found for accounts the directory did not know by their ids.</summary>
/// <param name="Found">Account id → the person it is.</param>
/// <param name="Held">Account id → why it waits for an administrator (<see cref="PersonLinkConflictReason"/>) and the people it matched.</param>
internal sealed record DirectoryAccountMatches(
    IReadOnlyDictionary<string, string> Found, IReadOnlyDictionary<string, (string Reason, IReadOnlyList<string> Candidates)> Held)
{
    /// <summary>Nothing matched (a directory that reads one app matches by ids alone).</summary>
    public static DirectoryAccountMatches None { get; } = new(new Dictionary<string, string>(), new Dictionary<string, (string, IReadOnlyList<string>)>());
}

/// <summary>
/// Which person of the directory an account of another app it reads is, when neither the app's id nor the union id names
/// one (a company on several platforms): the person the account is already linked to on its platform (a lookup's or an
/// administrator's link), else the one active person with its email, else with its mobile number, as the links of
/// <see cref="AccountPeople"/> match. Only people without an account under that app yet are candidates. Two candidates
/// are never guessed between: the account is held for an administrator (the link conflicts), and once one is dismissed
/// the account is a person of its own. A resigned account matches no one.
/// </summary>
internal static class DirectoryAccountMatching
{
    /// <summary>Matches <paramref name="users"/>; the people found are added to <paramref name="people"/> (tracked, to be written).</summary>
    public static async Task<DirectoryAccountMatches> MatchAsync(HubDbContext db, DirectoryWrite write, List<DirectoryUser> users, List<PersonRow> people, CancellationToken cancellationToken)
    {
        if (users.Count == 0)
        {
            return DirectoryAccountMatches.None;
        }

        var platform = write.Platform ?? "";
        var ids = users.Select(u => u.Id).ToList();
        var found = await db.PersonLinks.AsNoTracking().Where(l => l.Platform == platform && l.App == write.App && ids.Contains(l.UserId))
            .ToDictionaryAsync(l => l.UserId, l => l.PersonId, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);
        var dismissed = (await db.PersonLinkConflicts.AsNoTracking()
            .Where(c => c.Platform == platform && c.App == write.App && ids.Contains(c.UserId) && c.Status == PersonLinkConflictStatus.Dismissed)
            .Select(c => c.UserId).ToListAsync(cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        var open = users.Where(u => !found.ContainsKey(u.Id) && !dismissed.Contains(u.Id) && u.Status != PersonStatus.Resigned).ToList();

        var emails = open.SelectMany(EmailsOf).Distinct(StringComparer.Ordinal).ToList();
        var mobiles = open.SelectMany(MobilesOf).Distinct(StringComparer.Ordinal).ToList();
        var candidates = emails.Count + mobiles.Count == 0 ? [] : await db.People.AsNoTracking()
            .Where(p => p.TenantKey == write.TenantKey && p.Status == PersonStatus.Active
                && ((p.Email != null && emails.Contains(p.Email)) || (p.EnterpriseEmail != null && emails.Contains(p.EnterpriseEmail)) || (p.Mobile != null && mobiles.Contains(p.Mobile)))
                && !db.Set<PersonAppIdRow>().Any(a => a.PersonId == p.Id && a.App == write.App))
            .Select(p => new { p.Id, p.Email, p.EnterpriseEmail, p.Mobile }).ToListAsync(cancellationToken).ConfigureAwait(false);

        var held = new Dictionary<string, (string, IReadOnlyList<string>)>(StringComparer.Ordinal);
        foreach (var user in open)
        {
            var userEmails = EmailsOf(user).ToHashSet(StringComparer.Ordinal);
            var byEmail = candidates.Where(p => (p.Email is { } e && userEmails.Contains(e)) || (p.EnterpriseEmail is { } x && userEmails.Contains(x))).Select(p => p.Id).Distinct().ToList();
            var userMobiles = MobilesOf(user).ToHashSet(StringComparer.Ordinal);
            var (matched, reason) = byEmail.Count > 0
                ? (byEmail, PersonLinkConflictReason.SeveralByEmail)
                : (candidates.Where(p => p.Mobile is { } m && userMobiles.Contains(m)).Select(p => p.Id).Distinct().ToList(), PersonLinkConflictReason.SeveralByMobile);
            if (matched.Count > 1)
            {
                held[user.Id] = (reason, matched);
            }
            else if (matched.Count == 1 && !found.ContainsValue(matched[0]))
            {
                found[user.Id] = matched[0];
            }
        }

        var missing = found.Values.Where(id => !people.Any(p => p.Id == id)).Distinct().ToList();
        if (missing.Count > 0)
        {
            people.AddRange(await db.People.Where(p => missing.Contains(p.Id)).ToListAsync(cancellationToken).ConfigureAwait(false));
        }

        return new DirectoryAccountMatches(found, held);
    }

    private static IEnumerable<string> EmailsOf(DirectoryUser user) =>
        new[] { user.Email, user.EnterpriseEmail }.Select(DirectoryRules.NormalizeEmail).Where(e => e is { Length: > 0 } && e.Contains('@', StringComparison.Ordinal)).Select(e => e!);

    private static IEnumerable<string> MobilesOf(DirectoryUser user) => user.Mobile is { Length: > 0 } mobile ? AccountPeople.MobileForms(mobile) : [];
}
