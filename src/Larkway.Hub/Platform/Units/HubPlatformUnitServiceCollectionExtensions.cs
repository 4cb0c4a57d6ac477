using Larkway.Channels.Messages;
using Larkway.Hub.Platform.Units;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers messaging platforms as units, and what the shared rooms require of each.</summary>
public static class HubPlatformUnitServiceCollectionExtensions
{
    /// <summary>
    /// Starts the unit of <paramref name="platform"/>: supply its pieces on the builder returned. At start every unit is
    /// checked against the requirements of the rooms added (<see cref="AddPlatformRequirement{TPiece}"/>): a missing
    /// piece fails the start with a message naming it. The Apps room's overload, taking the platform's facts, is the one
    /// a platform's room calls.
    /// </summary>
    public static HubPlatformUnitBuilder AddHubPlatformUnit(this IServiceCollection services, ChannelPlatform platform)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!services.Any(d => d.ImplementationInstance is PlatformUnitRegistration r && r.Platform == platform))
        {
            services.AddSingleton(new PlatformUnitRegistration(platform));
        }

        AddCheck(services);
        return new HubPlatformUnitBuilder(services, platform);
    }

    /// <summary>
    /// Declares that every platform's unit must supply <typeparamref name="TPiece"/>: <paramref name="room"/> (the room
    /// that needs it, e.g. "the assistants") needs <paramref name="what"/> (e.g. "its assistant replies") of each.
    /// <paramref name="how"/> names the builder call that supplies it, when a room has its own (<c>.SeatBot(…)</c>).
    /// Also makes <see cref="PlatformPieces{TPiece}"/> available to the room, with or without any platform.
    /// </summary>
    public static IServiceCollection AddPlatformRequirement<TPiece>(this IServiceCollection services, string room, string what, string? how = null) where TPiece : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(room);
        ArgumentException.ThrowIfNullOrEmpty(what);
        if (!services.Any(d => d.ImplementationInstance is PlatformRequirement r && r.Piece == typeof(TPiece)))
        {
            services.AddSingleton(new PlatformRequirement(typeof(TPiece), room, what, how));
        }

        services.TryAddSingleton<PlatformPieces<TPiece>>();
        AddCheck(services);
        return services;
    }

    /// <summary>Makes <see cref="PlatformPieces{TPiece}"/> available for a seam no platform must supply (a sandbox part, a settings check).</summary>
    public static IServiceCollection AddPlatformSeam<TPiece>(this IServiceCollection services) where TPiece : class
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<PlatformPieces<TPiece>>();
        return services;
    }

    private static void AddCheck(IServiceCollection services)
    {
        services.AddOptions<PlatformUnitsCheck>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PlatformUnitsCheck>, PlatformUnitsValidator>());
    }
}
