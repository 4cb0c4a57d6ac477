using Larkway.Channels.Messages;

namespace Larkway.Hub.Platform.Units;

/// <summary>
/// The pieces of one seam every platform's unit supplied, by platform: what a shared room asks instead of keeping its own
/// dictionary of platforms. Each piece is made once, when first asked for. Platforms are in the order their units were
/// registered; a platform's several pieces (WeCom's two inbox handlers) in the order it supplied them.
/// </summary>
/// <typeparam name="T">The seam.</typeparam>
public sealed class PlatformPieces<T> where T : class
{
    private readonly Lazy<Dictionary<string, IReadOnlyList<T>>> _byPlatform;
    private readonly Lazy<IReadOnlyList<ChannelPlatform>> _platforms;

    /// <summary>The pieces registered in <paramref name="services"/>.</summary>
    public PlatformPieces(IServiceProvider services, IEnumerable<PlatformPiece<T>> pieces)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(pieces);
        var registered = pieces.DistinctBy(p => (p.Platform, p.Key)).ToList();
        _platforms = new(() => [.. registered.Select(p => p.Platform).Distinct()]);
        _byPlatform = new(() => registered
            .GroupBy(p => p.Platform.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, IReadOnlyList<T> (g) => [.. g.Select(p => p.Create(services))], StringComparer.Ordinal));
    }

    /// <summary>The platforms that supplied a piece, in registration order.</summary>
    public IReadOnlyList<ChannelPlatform> Platforms => _platforms.Value;

    /// <summary>Each platform's (first) piece, in registration order.</summary>
    public IEnumerable<(ChannelPlatform Platform, T Piece)> All => Platforms.Select(p => (p, _byPlatform.Value[p.Name][0]));

    /// <summary>The platform's piece; throws when it supplied none (the start-up check makes that a failed start for a required seam).</summary>
    public T Get(ChannelPlatform platform) => Find(platform.Name)
        ?? throw new InvalidOperationException($"The platform '{platform}' supplies no {typeof(T).Name}: its unit (AddHubPlatformUnit) leaves it out.");

    /// <summary>The piece of the platform named <paramref name="platform"/> (as stored), or null when it supplied none or the name is no platform's.</summary>
    public T? Find(string? platform) => Of(platform) is [var first, ..] ? first : null;

    /// <summary>Every piece the platform named <paramref name="platform"/> supplied (none for a name no unit has).</summary>
    public IReadOnlyList<T> Of(string? platform) =>
        platform is not null && _byPlatform.Value.TryGetValue(platform, out var pieces) ? pieces : [];

    /// <summary>Every piece of every platform, each platform's in the order it supplied them.</summary>
    public IEnumerable<T> Each => Platforms.SelectMany(p => _byPlatform.Value[p.Name]);
}

/// <summary>Pieces made from instances at hand, for a room built without a container (tests, tools).</summary>
public static class PlatformPieces
{
    /// <summary>The pieces <paramref name="pieces"/>, each under its platform.</summary>
    public static PlatformPieces<T> From<T>(params IEnumerable<(ChannelPlatform Platform, T Piece)> pieces) where T : class =>
        new(NoServices.Instance, pieces.Select(p => new PlatformPiece<T>(p.Platform, p.Piece, _ => p.Piece)));

    private sealed class NoServices : IServiceProvider
    {
        public static readonly NoServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
