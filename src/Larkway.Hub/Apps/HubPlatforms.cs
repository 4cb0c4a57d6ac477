using System.Collections.Concurrent;

namespace Larkway.Hub.Apps;

/// <summary>
/// The platforms this Hub serves: the <see cref="HubPlatformInfo"/> each room registered, in the order the rooms were
/// added. Shared code asks it for a platform's facts by name instead of naming one.
/// </summary>
public sealed class HubPlatforms
{
    private readonly IReadOnlyList<HubPlatformInfo> _all;
    private readonly Dictionary<string, HubPlatformInfo> _byName;

    /// <summary>The registry over <paramref name="platforms"/>; a name registered twice keeps the first.</summary>
    public HubPlatforms(IEnumerable<HubPlatformInfo> platforms)
    {
        ArgumentNullException.ThrowIfNull(platforms);
        _all = [.. platforms.DistinctBy(p => p.Name, StringComparer.Ordinal)];
        _byName = _all.ToDictionary(p => p.Name, StringComparer.Ordinal);
    }

    /// <summary>Every registered platform, in registration order.</summary>
    public IReadOnlyList<HubPlatformInfo> All => _all;

    /// <summary>What a caller may send as <c>platform</c>: each platform's name followed by its aliases.</summary>
    public IReadOnlyList<string> Accepted => [.. _all.SelectMany(p => p.Aliases.Keys.Prepend(p.Name))];

    /// <summary>The platform named <paramref name="name"/> as stored (null or empty: Feishu's, as rows stored before platforms existed), or null when none is registered.</summary>
    public HubPlatformInfo? Find(string? name) => _byName.GetValueOrDefault(HubAppPlatform.Of(name));

    /// <summary>
    /// The base URL of an app of <paramref name="platform"/> stored or configured without one: its platform's
    /// <see cref="HubPlatformInfo.DefaultBaseUrl"/>, or Feishu's when its room is not added (every app stored before
    /// platforms existed, and the configured app, is Feishu's).
    /// </summary>
    /// <exception cref="InvalidOperationException">Neither the platform's room nor Feishu's is added.</exception>
    public Uri DefaultBaseUrl(string? platform) =>
        (Find(platform) ?? Find(HubAppPlatform.Feishu))?.DefaultBaseUrl
        ?? throw new InvalidOperationException($"No room gives a base URL for {HubAppPlatform.Of(platform)} apps: add the platform's room (AddHubFeishu, AddHubDingTalk, AddHubWeCom).");

    /// <summary>The platform a caller's <c>platform</c> value names (its name or an alias, any case, trimmed; empty: Feishu), with the alias used; null when none.</summary>
    public (HubPlatformInfo Platform, string? Alias)? Parse(string? value)
    {
        var text = value?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(text))
        {
            return Find(null) is { } fallback ? (fallback, null) : null;
        }

        foreach (var platform in _all)
        {
            if (string.Equals(platform.Name, text, StringComparison.Ordinal))
            {
                return (platform, null);
            }

            if (platform.Aliases.ContainsKey(text))
            {
                return (platform, text);
            }
        }

        return null;
    }

    /// <summary>The platform whose <see cref="HubPlatformInfo.BaseUrlWords"/> hold <paramref name="word"/> (any case), or null.</summary>
    public HubPlatformInfo? OwnerOfWord(string word) =>
        _all.FirstOrDefault(p => p.BaseUrlWords.Keys.Any(k => string.Equals(k, word, StringComparison.OrdinalIgnoreCase)));

    /// <summary>The platform's name as people write it (an unknown one as itself).</summary>
    public string Display(string? name) => Find(name)?.DisplayName ?? HubAppPlatform.Of(name);

    /// <summary>The platform's name as the console writes it (<see cref="HubPlatformInfo.ConsoleName"/>; an unknown one as itself).</summary>
    public string ConsoleName(string? name) => Find(name)?.ConsoleName ?? HubAppPlatform.Of(name);

    /// <summary>The platforms whose apps have <paramref name="field"/>.</summary>
    public IReadOnlyList<HubPlatformInfo> Having(HubAppFields field) => [.. _all.Where(p => p.OwnFields.HasFlag(field))];
}

/// <summary>
/// Every platform any Hub in this process registered, by name: what the static forwarder <see cref="HubAppPlatform.Display"/>
/// reads for callers not yet handed <see cref="HubPlatforms"/>.
/// Only facts (a platform's names and tables are the same in every Hub), added once per name, never removed.
/// </summary>
internal static class HubPlatformCatalog
{
    private static readonly ConcurrentDictionary<string, HubPlatformInfo> Known = new(StringComparer.Ordinal);

    internal static void Add(HubPlatformInfo platform) => Known.TryAdd(platform.Name, platform);

    internal static HubPlatformInfo? Find(string name) => Known.GetValueOrDefault(name);
}
