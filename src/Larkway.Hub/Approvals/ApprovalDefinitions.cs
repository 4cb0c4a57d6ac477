using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Approvals;

/// <summary>
/// Definitions per app and code, read through the app's platform and cached for
/// <see cref="ApprovalOptions.DefinitionCacheLifetime"/>: their forms check every request before anything is created.
/// </summary>
internal sealed class ApprovalDefinitions(IOptions<ApprovalOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, CachedDefinition> _definitions = new(StringComparer.Ordinal);

    /// <summary>The definition; throws what the platform's piece throws (an unknown code among them).</summary>
    public async Task<ApprovalDefinitionShape> GetAsync(ApprovalPlatform platform, string? app, string definition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(platform);
        var key = platform.Name + "\n" + (app ?? "") + "\n" + definition;
        if (_definitions.TryGetValue(key, out var cached) && cached.ExpiresAt > time.GetUtcNow())
        {
            return cached.Definition;
        }

        var read = await platform.Piece.ReadDefinitionAsync(app ?? "", definition, cancellationToken).ConfigureAwait(false);
        _definitions[key] = new CachedDefinition(read, time.GetUtcNow() + options.Value.DefinitionCacheLifetime);
        return read;
    }

    private sealed record CachedDefinition(ApprovalDefinitionShape Definition, DateTimeOffset ExpiresAt);
}
