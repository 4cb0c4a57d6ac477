using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Identity.Clients;

/// <summary>The registered clients (<c>identity_clients</c>).</summary>
internal sealed class ClientStore(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer)
{
    public async Task<ClientRow?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.IdentityClients.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<ClientRow>> ListAsync(CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.IdentityClients.AsNoTracking().OrderBy(c => c.Name).ThenBy(c => c.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A page of the clients in id order: those after <paramref name="after"/>, read as <paramref name="take"/> + 1.</summary>
    public async Task<IReadOnlyList<ClientRow>> ListPageAsync(string? after, int take, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var clients = db.IdentityClients.AsNoTracking();
            if (after is not null)
            {
                clients = clients.Where(c => string.Compare(c.Id, after) > 0);
            }

            return await clients.OrderBy(c => c.Id).Take(take + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task AddAsync(ClientRow row, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            db.IdentityClients.Add(row);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Applies <paramref name="change"/> to the stored client; false when none has the id.</summary>
    public async Task<ClientRow?> UpdateAsync(string id, Action<ClientRow> change, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var row = await db.IdentityClients.FirstOrDefaultAsync(c => c.Id == id, cancellationToken).ConfigureAwait(false);
            if (row is null)
            {
                return null;
            }

            change(row);
            return await db.SaveUnlessDeletedAsync(cancellationToken).ConfigureAwait(false) ? row : null;
        }
    }

    /// <summary>Deletes the client and everything issued to it.</summary>
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await db.IdentityCodes.Where(c => c.ClientId == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
                await db.IdentityRefreshTokens.Where(t => t.ClientId == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
                await db.IdentityGrants.Where(g => g.ClientId == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
                var deleted = await db.IdentityClients.Where(c => c.Id == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return deleted == 1;
            }
        }
    }

    private async Task<HubDbContext> ContextAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
    }
}
