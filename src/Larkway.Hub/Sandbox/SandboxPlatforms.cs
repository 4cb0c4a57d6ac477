using Larkway.Hub.Platform.Units;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Sandbox;

/// <summary>Runs the platforms' parts of the sandbox (<see cref="ISandboxPlatform"/>) in the order their rooms registered them.</summary>
internal static class SandboxPlatforms
{
    /// <summary>Every platform's part, in the order the units were registered.</summary>
    public static IReadOnlyList<ISandboxPlatform> All(IServiceProvider services) => [.. Each(services).Select(p => p.Part)];

    /// <summary>Every platform's part with the platform's name.</summary>
    public static IReadOnlyList<(string Platform, ISandboxPlatform Part)> Each(IServiceProvider services) =>
        [.. (services.GetService<PlatformPieces<ISandboxPlatform>>()?.All ?? []).Select(p => (p.Platform.Name, p.Piece))];

    /// <summary>Adds each enabled platform's app; returns why a platform's Emulator side does not reach the Hub, by platform (none: all do).</summary>
    public static async Task<IReadOnlyDictionary<string, string>> EnsureAsync(SandboxStart start, CancellationToken cancellationToken)
    {
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (platform, part) in Each(start.Services))
        {
            if (part.Enabled(start.Configuration) && await part.EnsureAsync(start, cancellationToken).ConfigureAwait(false) is { } problem)
            {
                problems[platform] = problem;
            }
        }

        return problems;
    }

    /// <summary>
    /// Each platform's part of the banner, in registration order; <paramref name="assistant"/> (the sandbox's, when it
    /// is enabled) names the apps it answers on. Asked of every part: an app kept from an earlier start is shown even
    /// when the configuration leaves it out now.
    /// </summary>
    public static async Task<IReadOnlyList<SandboxPlatformBanner>> BannersAsync(
        SandboxStart start, IReadOnlyDictionary<string, string> problems, Assistants.Configuration.AssistantInfo? assistant, CancellationToken cancellationToken)
    {
        IReadOnlySet<string> answering = assistant is { Enabled: true }
            ? assistant.Apps.Where(a => assistant.NotAnswering.All(o => o.App != a)).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);
        var registry = start.Services.GetRequiredService<Apps.HubPlatforms>();
        var banners = new List<SandboxPlatformBanner>();
        foreach (var (platform, part) in Each(start.Services))
        {
            var banner = await part.BannerAsync(start, problems.GetValueOrDefault(platform), answering, cancellationToken).ConfigureAwait(false);
            banners.Add(new(part, registry.Display(platform), banner));
        }

        return banners;
    }
}

/// <summary>One platform's part of the banner, with the platform's name as people write it.</summary>
internal sealed record SandboxPlatformBanner(ISandboxPlatform Platform, string DisplayName, SandboxBanner Banner);
