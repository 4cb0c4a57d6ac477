using Larkway.Hub.Platform.Storage;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Directory;

/// <summary>
/// Which tenant the directory belongs to. The contact API does not say, so: <see cref="DirectoryOptions.TenantKey"/> when
/// set; else the key learned from the directory app's events (every envelope carries it) or sign-ins, kept in the
/// database; until then <c>app:{app}</c>, and the directory is moved to the real key once it is learned.
/// </summary>
internal sealed class DirectoryTenant(DirectoryStore store, HubSettingStore settings, IOptions<DirectoryOptions> options, TimeProvider time)
{
    private const string Setting = "directory.tenant_key";

    /// <summary>
    /// How long a look through the people that found no tenant is trusted. That look reads every person of the app (0.7 s
    /// at 100,000), and a platform whose events carry no tenant key (DingTalk's Stream) would make every event pay it.
    /// </summary>
    private static readonly TimeSpan PeopleLookAgainAfter = TimeSpan.FromMinutes(1);

    private volatile string? _known;
    private long _peopleLookedAtTicks = long.MinValue;

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

        var learned = await settings.GetAsync(Setting, cancellationToken).ConfigureAwait(false) ?? await PeopleTenantAsync(cancellationToken).ConfigureAwait(false);
        if (learned is not null)
        {
            await LearnAsync(learned, cancellationToken).ConfigureAwait(false);
            return learned;
        }

        return Placeholder;
    }

    /// <summary>The tenant the app's people already have (a directory kept before the setting was), looked for at most once a minute.</summary>
    private async Task<string?> PeopleTenantAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var last = Interlocked.Read(ref _peopleLookedAtTicks);
        if (last != long.MinValue && now - new DateTimeOffset(last, TimeSpan.Zero) < PeopleLookAgainAfter)
        {
            return null;
        }

        var found = await store.TenantOfAppPeopleAsync(options.Value.AppName, Placeholder, cancellationToken).ConfigureAwait(false);
        Interlocked.Exchange(ref _peopleLookedAtTicks, now.UtcTicks);
        return found;
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
