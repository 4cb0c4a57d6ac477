using Larkway.Channels.Messages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Larkway.Hub.Platform.Units;

/// <summary>
/// A messaging platform's unit being registered: every piece it supplies to the shared rooms goes through here, under
/// the one platform identity the unit was made with (<see cref="Platform"/>), and the start checks it against what the
/// rooms require (<see cref="PlatformRequirement"/>).
/// </summary>
public sealed class HubPlatformUnitBuilder
{
    internal HubPlatformUnitBuilder(IServiceCollection services, ChannelPlatform platform)
    {
        Services = services;
        Platform = platform;
    }

    /// <summary>The services the unit registers into.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The platform the unit is.</summary>
    public ChannelPlatform Platform { get; }

    /// <summary>
    /// Supplies <typeparamref name="TPiece"/> as <typeparamref name="TImplementation"/>, made by the container (one instance,
    /// also what a room asks for by <typeparamref name="TImplementation"/> itself). Supplying the same implementation twice
    /// counts once, so a room added twice is harmless.
    /// </summary>
    public HubPlatformUnitBuilder Supply<TPiece, TImplementation>()
        where TPiece : class
        where TImplementation : class, TPiece
    {
        Services.TryAddSingleton<TImplementation>();
        return Supply<TPiece>(typeof(TImplementation), sp => sp.GetRequiredService<TImplementation>());
    }

    /// <summary>Supplies <typeparamref name="TPiece"/> made by <paramref name="create"/> (once, when a room first asks).</summary>
    public HubPlatformUnitBuilder Supply<TPiece>(Func<IServiceProvider, TPiece> create) where TPiece : class =>
        Supply(create, create);

    /// <summary>Supplies <typeparamref name="TPiece"/> that is this very instance.</summary>
    public HubPlatformUnitBuilder Supply<TPiece>(TPiece instance) where TPiece : class
    {
        ArgumentNullException.ThrowIfNull(instance);
        return Supply<TPiece>(instance, _ => instance);
    }

    private HubPlatformUnitBuilder Supply<TPiece>(object key, Func<IServiceProvider, TPiece> create) where TPiece : class
    {
        ArgumentNullException.ThrowIfNull(create);
        if (Services.Any(d => d.ImplementationInstance is PlatformPiece<TPiece> p && p.Platform == Platform && Equals(p.Key, key)))
        {
            return this;
        }

        Services.AddSingleton(new PlatformPiece<TPiece>(Platform, key, create));
        Services.AddSingleton(new PlatformPieceSupplied(Platform, typeof(TPiece)));
        Services.TryAddSingleton<PlatformPieces<TPiece>>();
        return this;
    }
}
