using Larkway.Hub.Platform.Storage;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Directory;

/// <summary>
/// Which tenant the directory belongs to. The contact API does not say, so: <see cref="DirectoryOptions.TenantKey"/> when
/// set; else the key learned from the directory app's events (every envelope carries it) or sign-ins, kept in the
/// database; until then <c>app:{app}</c>, and the directory is moved to the real key once it is learned.
/// </summary>
internal sealed class DirectoryTenant(DirectoryStore store, HubSettingStore settings, IOptions<DirectoryOptions> options)
{
    private const string Setting = "directory.tenant_key";
    private volatile string? _known;

    /// <summary>The key the directory is kept under until the tenant is known.</summary>
    public string Placeholder => "app:" + Apps.HubAppService.NameOnWire(options.Value.AppName);

    /// <summary>The directory's tenant key (learned, configured, or the placeholder).</summary>
    public async Task<string> CurrentAsync(CancellationToken cancellationToken)
    {
        if (options.Value.TenantKey is { Length: > 0 } configured)
        {
            return configured;
        }

        if (_known is { } known)
        {
            return known;
        }

        var learned = await settings.GetAsync(Setting, cancellationToken).ConfigureAwait(false)
            ?? await store.TenantOfAppPeopleAsync(options.Value.AppName, Placeholder, cancellationToken).ConfigureAwait(false);
        if (learned is not null)
        {
            await LearnAsync(learned, cancellationToken).ConfigureAwait(false);
            return learned;
        }

        return Placeholder;
    }

    /// <summary>Whether <see cref="LearnAsync"/> would do nothing with this key (configured, or already learned).</summary>
    public bool Knows(string tenantKey) => tenantKey.Length == 0 || options.Value.TenantKey.Length > 0 || _known == tenantKey;

    /// <summary>Records the tenant key an event of the directory app carried; moves a directory kept under the placeholder there.</summary>
    public async Task LearnAsync(string tenantKey, CancellationToken cancellationToken)
    {
        if (tenantKey.Length == 0 || options.Value.TenantKey.Length > 0 || _known == tenantKey)
        {
            return;
        }

        if (await settings.GetAsync(Setting, cancellationToken).ConfigureAwait(false) != tenantKey)
        {
            await settings.SetAsync(Setting, tenantKey, cancellationToken).ConfigureAwait(false);
        }

        await store.MoveTenantAsync(Placeholder, tenantKey, cancellationToken).ConfigureAwait(false);
        _known = tenantKey;
    }
}
