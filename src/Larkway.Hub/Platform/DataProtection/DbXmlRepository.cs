using System.Xml.Linq;
using Larkway.Hub.Platform.Storage;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Platform.DataProtection;

/// <summary>
/// Keeps the Data Protection key ring in the Hub database (<c>hub_data_protection_keys</c>), so every replica and
/// every restart uses the same keys and can read what another wrote. Data Protection calls it synchronously, rarely
/// (at the first protect/unprotect, when a key is created, and once a day to refresh the ring).
/// </summary>
internal sealed class DbXmlRepository(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, IHubStorageProvider provider, TimeProvider time)
    : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var db = Context();
        return [.. db.DataProtectionKeys.AsNoTracking().OrderBy(k => k.Id).Select(k => k.Xml).AsEnumerable().Select(x => XElement.Parse(x))];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        using var db = Context();
        db.DataProtectionKeys.Add(new HubDataProtectionKeyRow
        {
            FriendlyName = string.IsNullOrEmpty(friendlyName) ? "key-" + Guid.NewGuid().ToString("N") : friendlyName,
            Xml = element.ToString(SaveOptions.DisableFormatting),
            CreatedAt = time.GetUtcNow(),
        });
        try
        {
            db.SaveChanges();
        }
        catch (DbUpdateException ex) when (provider.IsUniqueViolation(ex))
        {
            // The same element stored twice (a retried write): the ring already has it.
        }
    }

    private HubDbContext Context()
    {
        // Synchronous by contract; the first call may come before the host's startup migration ran.
        initializer.EnsureInitializedAsync(CancellationToken.None).GetAwaiter().GetResult();
        return contexts.CreateDbContext();
    }
}
