using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Apps;

/// <summary>Settings of the app registry (<c>Larkway:Apps</c>).</summary>
public sealed class HubAppsOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Larkway:Apps";

    /// <summary>How old the cached list of apps may get before it is read again: how soon a replica sees another's change. Default 3 s.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long a replaced (or deleted) Feishu app's client stays alive for calls still using it before it is disposed (Feishu's room; DingTalk's and WeCom's keep theirs until the Hub stops). Default 2 minutes.</summary>
    public TimeSpan RetiredClientGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long the replica holding a DingTalk app's Stream lease may go without an open connection before it releases
    /// the lease for another replica to try: a replica cut off from DingTalk alone must not keep the others from
    /// receiving. It competes again after a pause of <see cref="StreamStandAsidePause"/>. Default 2 minutes.
    /// </summary>
    public TimeSpan StreamHandOverAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a replica that handed a Stream lease over waits before competing for it again. Default 20 s.</summary>
    public TimeSpan StreamStandAsidePause { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How far the signed timestamp of a stored app's callback may be from this Hub's clock, either way: DingTalk's
    /// outgoing-robot requests and encrypted event pushes, WeCom's callbacks (and stored Feishu apps' events). A correctly
    /// signed request older than this is refused as a replay. Default 5 minutes, as the Feishu receiver's: the platforms
    /// stamp each request when they send it (DingTalk's outgoing robot too: its timestamp is the time the message is sent,
    /// and the hour its documentation names is only the outer bound a receiver must enforce) and retry within seconds.
    /// Widen it only for a Hub whose clock cannot be kept in time; at most DingTalk's hour.
    /// </summary>
    public TimeSpan CallbackTimestampWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Each setting's accepted range, and the rules that relate settings.</summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (RefreshInterval <= TimeSpan.Zero)
        {
            yield return new("Larkway:Apps:RefreshInterval must be positive.", [nameof(RefreshInterval)]);
        }

        if (StreamHandOverAfter <= TimeSpan.Zero || StreamStandAsidePause <= TimeSpan.Zero)
        {
            yield return new("Larkway:Apps:StreamHandOverAfter and Larkway:Apps:StreamStandAsidePause must be positive.", [nameof(StreamHandOverAfter), nameof(StreamStandAsidePause)]);
        }

        if (CallbackTimestampWindow <= TimeSpan.Zero || CallbackTimestampWindow > TimeSpan.FromHours(1))
        {
            yield return new("Larkway:Apps:CallbackTimestampWindow must be positive and at most 01:00:00 (the default 00:05:00 suits a Hub whose clock is kept in time).", [nameof(CallbackTimestampWindow)]);
        }

        if (RetiredClientGrace < TimeSpan.Zero)
        {
            yield return new("Larkway:Apps:RetiredClientGrace must not be negative.", [nameof(RetiredClientGrace)]);
        }
    }
}

/// <summary>Checks <see cref="HubAppsOptions"/> at start (source-generated; the rules are the options' own Validate).</summary>
[OptionsValidator]
internal sealed partial class HubAppsOptionsValidator : IValidateOptions<HubAppsOptions>;
