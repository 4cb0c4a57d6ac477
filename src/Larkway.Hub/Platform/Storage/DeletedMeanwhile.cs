using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Platform.Storage;

/// <summary>
/// An edit reads a row, changes it and saves it; a delete that lands in between leaves the update touching no row, which
/// EF reports as <see cref="DbUpdateConcurrencyException"/>. For the caller that is "not found", as if the delete had
/// come first — never a 500. The tables edited this way have no concurrency tokens, so no other cause reaches here.
/// </summary>
internal static class DeletedMeanwhile
{
    /// <summary>Saves the context's changes; false when a row it updates was deleted since it was read.</summary>
    public static async Task<bool> SaveUnlessDeletedAsync(this DbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
    }
}
