using Larkway.Channels.Messages;

namespace Larkway.Hub.Platform.Units;

/// <summary>
/// One piece a platform's unit supplies to a shared room — its notification channel, its assistant replies, its inbox
/// handler… — keyed by the platform that supplied it, so the piece itself never says which platform it is.
/// </summary>
/// <typeparam name="T">The seam the shared room defines (an interface of the room's).</typeparam>
/// <param name="Platform">The platform whose unit supplied it.</param>
/// <param name="Key">The type that implements it, or the instance supplied: two supplies of one key for one platform count once.</param>
/// <param name="Create">Makes it, once, the first time a shared room asks.</param>
public sealed record PlatformPiece<T>(ChannelPlatform Platform, object Key, Func<IServiceProvider, T> Create) where T : class;

/// <summary>That <see cref="Platform"/>'s unit supplies a <see cref="Piece"/>: what the start-up check reads, without knowing the seam's type.</summary>
public sealed record PlatformPieceSupplied(ChannelPlatform Platform, Type Piece);

/// <summary>A platform registered as a unit (<c>AddHubPlatformUnit</c>).</summary>
public sealed record PlatformUnitRegistration(ChannelPlatform Platform);

/// <summary>
/// What a shared room needs every platform to supply, declared by that room when it is added: the start checks each
/// registered unit against every requirement, as ASP.NET Core checks an authentication scheme's handler.
/// </summary>
/// <param name="Piece">The seam's type.</param>
/// <param name="Room">The room that needs it, as a sentence's subject ("the assistants").</param>
/// <param name="What">What the piece does, for the message ("its assistant replies").</param>
/// <param name="How">The builder call that supplies it, when not <c>.Supply&lt;Piece, …&gt;()</c>.</param>
public sealed record PlatformRequirement(Type Piece, string Room, string What, string? How = null);
