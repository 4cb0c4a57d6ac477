using Larkway.Hub.Platform.Units;
using Larkway.Hub.Apps;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Larkway.Hub.Directory.Links;

/// <summary>
/// The platforms a person can be reached on, as stored and sent on the wire: each registered platform
/// (<see cref="HubPlatforms"/>, in the order the rooms were added) whose room says how to find a person's account there
/// (<see cref="IPlatformAccounts"/>). Shared code asks this instead of naming a platform, so a new room adds one.
/// </summary>
internal sealed class PersonPlatforms
{
    private readonly HubPlatforms _platforms;
    private readonly HashSet<string> _known;

    /// <summary>The person's platforms among <paramref name="platforms"/>: those with <paramref name="accounts"/> registered.</summary>
    public PersonPlatforms(HubPlatforms platforms, PlatformPieces<IPlatformAccounts> accounts)
    {
        ArgumentNullException.ThrowIfNull(platforms);
        ArgumentNullException.ThrowIfNull(accounts);
        _platforms = platforms;
        var withAccounts = accounts.Platforms.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        All = [.. platforms.All.Select(p => p.Name).Where(withAccounts.Contains)];
        _known = new(All, StringComparer.Ordinal);
    }

    /// <summary>Registers the one <see cref="PersonPlatforms"/> over the rooms' registrations (none when no room is added).</summary>
    internal static void TryAdd(IServiceCollection services)
        {
        services.AddPlatformRequirement<IPlatformAccounts>("the directory's links", "a person's account there: found by email or mobile, sent a text");
        services.TryAddSingleton(sp => new PersonPlatforms(sp.GetService<HubPlatforms>() ?? new HubPlatforms([]), sp.GetRequiredService<PlatformPieces<IPlatformAccounts>>()));
    }

    /// <summary>Every person's platform, in the order used when neither the person nor the directory names one.</summary>
    public IReadOnlyList<string> All { get; }

    /// <summary>The names for a message listing them all: <c>feishu, dingtalk, wecom</c>.</summary>
    public string Listed => string.Join(", ", All);

    /// <summary>The names for a message offering one of them: <c>feishu, dingtalk or wecom</c>.</summary>
    public string ListedOr => Or(All);

    /// <summary>Their names as people write them, for a sentence offering one of them: <c>Feishu, DingTalk or WeCom</c>.</summary>
    public string DisplayedOr => Or([.. All.Select(Display)]);

    /// <summary>True for a person's platform registered in this Hub.</summary>
    public bool IsKnown(string? platform) => platform is not null && _known.Contains(platform);

    /// <summary>The platform's name as people write it (as its room registered it; one no longer registered as itself).</summary>
    public string Display(string platform) => _platforms.Display(platform);

    private static string Or(IReadOnlyList<string> names) => names.Count < 2 ? string.Join("", names) : $"{string.Join(", ", names.Take(names.Count - 1))} or {names[^1]}";
}
