using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Directory.Links;

/// <summary>What became of an administrator's answer to a held match.</summary>
public enum PersonLinkConflictOutcome
{
    /// <summary>Done: linked, or dismissed.</summary>
    Done,

    /// <summary>No such held match.</summary>
    NotFound,

    /// <summary>It was resolved or dismissed already.</summary>
    Closed,

    /// <summary>The person to link is not in the directory.</summary>
    NoPerson,

    /// <summary>The account is linked to another person meanwhile.</summary>
    TakenByOther,
}

/// <summary>
/// Accounts whose person is held for an administrator (<see cref="PersonLinkConflictRow"/>): <see cref="AccountPeople"/>
/// holds them, an administrator answers (link to one person, or dismiss), and an administrator's link made any other way
/// (the person's page, the links API) resolves the account's held match too (<see cref="PersonLinkStore.LinkAsync"/>).
/// </summary>
internal sealed class PersonLinkConflicts(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, IHubStorageProvider provider, PersonLinkStore links, TimeProvider time)
{
    /// <summary>The most candidates a held match names (the rest are the same kind of ambiguity).</summary>
    public const int MaxCandidates = 20;

    /// <summary>
    /// Holds the account for an administrator, or updates its held match; true when it is newly open (first held, or
    /// held again after an administrator's link was removed). A dismissed account stays dismissed.
    /// </summary>
    public async Task<bool> HoldAsync(string platform, string app, string userId, string reason, IReadOnlyCollection<string> candidates, CancellationToken cancellationToken)
    {
        var listed = string.Join(',', candidates.Order(StringComparer.Ordinal).Take(MaxCandidates));
        var now = time.GetUtcNow();
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var row = await db.PersonLinkConflicts.FirstOrDefaultAsync(c => c.Platform == platform && c.App == app && c.UserId == userId, cancellationToken).ConfigureAwait(false);
            if (row is null)
            {
                db.PersonLinkConflicts.Add(new PersonLinkConflictRow
                {
                    Platform = platform, App = app, UserId = userId, Reason = reason, Candidates = listed, FirstSeenAt = now, LastSeenAt = now,
                });
                try
                {
                    await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                    return true;
                }
                catch (DbUpdateException ex) when (provider.IsUniqueViolation(ex))
                {
                    // Held a moment ago by another message or replica: that row stands.
                    return false;
                }
            }

            var reopened = row.Status == PersonLinkConflictStatus.Resolved;
            if (reopened)
            {
                // Resolved by a link that is gone now (the account matched again): it waits for an administrator again.
                row.Status = PersonLinkConflictStatus.Open;
                row.ClosedAt = null;
                row.PersonId = null;
            }

            row.Reason = reason;
            row.Candidates = listed;
            row.LastSeenAt = now;
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return reopened;
        }
    }

    /// <summary>Whether an administrator dismissed the account's match (it is then left unlinked, and not held again).</summary>
    public async Task<bool> IsDismissedAsync(string platform, string app, string userId, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.PersonLinkConflicts.AnyAsync(
                c => c.Platform == platform && c.App == app && c.UserId == userId && c.Status == PersonLinkConflictStatus.Dismissed, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Held matches with <paramref name="status"/> (null: any), newest first, after the id <paramref name="before"/>.</summary>
    public async Task<IReadOnlyList<PersonLinkConflictRow>> ListAsync(string? status, long? before, int limit, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = db.PersonLinkConflicts.AsNoTracking();
            if (status is not null)
            {
                rows = rows.Where(c => c.Status == status);
            }

            if (before is { } b)
            {
                rows = rows.Where(c => c.Id < b);
            }

            return await rows.OrderByDescending(c => c.Id).Take(limit).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>How many wait for an administrator.</summary>
    public async Task<int> CountOpenAsync(CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.PersonLinkConflicts.CountAsync(c => c.Status == PersonLinkConflictStatus.Open, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One held match, or null.</summary>
    public async Task<PersonLinkConflictRow?> FindAsync(long id, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.PersonLinkConflicts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Links the held account to <paramref name="personId"/> as an administrator's link (any person of the directory, not
    /// only a candidate: the administrator may know better), which closes the held match.
    /// </summary>
    public async Task<PersonLinkConflictOutcome> ResolveAsync(long id, string personId, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, cancellationToken).ConfigureAwait(false) is not { } held)
        {
            return PersonLinkConflictOutcome.NotFound;
        }

        if (held.Status != PersonLinkConflictStatus.Open)
        {
            return PersonLinkConflictOutcome.Closed;
        }

        return await links.LinkAsync(personId, held.Platform, held.App, held.UserId, PersonLinkSource.Admin, cancellationToken).ConfigureAwait(false) switch
        {
            PersonLinkOutcome.NoPerson => PersonLinkConflictOutcome.NoPerson,
            PersonLinkOutcome.TakenByOther => PersonLinkConflictOutcome.TakenByOther,
            _ => PersonLinkConflictOutcome.Done,
        };
    }

    /// <summary>Leaves the held account unlinked for good (until an administrator links it by hand).</summary>
    public async Task<PersonLinkConflictOutcome> DismissAsync(long id, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var row = await db.PersonLinkConflicts.FirstOrDefaultAsync(c => c.Id == id, cancellationToken).ConfigureAwait(false);
            if (row is null)
            {
                return PersonLinkConflictOutcome.NotFound;
            }

            if (row.Status != PersonLinkConflictStatus.Open)
            {
                return PersonLinkConflictOutcome.Closed;
            }

            row.Status = PersonLinkConflictStatus.Dismissed;
            row.ClosedAt = time.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return PersonLinkConflictOutcome.Done;
        }
    }

    private async Task<HubDbContext> ContextAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
    }
}
