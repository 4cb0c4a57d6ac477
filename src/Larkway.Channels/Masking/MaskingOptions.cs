using Larkway.Channels.Masking.Detectors;

namespace Larkway.Channels.Masking;

/// <summary>
/// How a <see cref="PiiMasker"/> masks: the detectors it knows, a rule set per direction and the key of the audit
/// fingerprints. Defaults: every built-in detector toward the backend as placeholders and toward storage in display form;
/// phones, resident ids and bank cards toward the platform in display form (<see cref="PiiDetectorNames.PlatformDefault"/>:
/// platforms keep message content in their logs).
/// </summary>
public sealed class MaskingOptions
{
    /// <summary>
    /// The HMAC-SHA256 key of the audit fingerprints (at least 16 bytes; 32 random bytes recommended), from the caller's
    /// secret store. The same key gives the same fingerprint for the same value, so audits can be correlated without the
    /// value; without the key a fingerprint cannot be tested against guesses.
    /// </summary>
    public byte[] FingerprintKey { get; set; } = [];

    /// <summary>The detectors rule sets can name: the four built-in ones by default; add custom ones here.</summary>
    public IList<PiiDetector> Detectors { get; set; } =
        [new ResidentIdDetector(), new BankCardDetector(), new ChinaMobileDetector(), new EmailDetector()];

    /// <summary>The rules for a question on its way to an AI backend.</summary>
    public MaskingRuleSet ToBackend { get; set; } = MaskingRuleSet.AllBuiltIn(MaskingMode.Placeholder);

    /// <summary>The rules for a reply on its way to a platform.</summary>
    public MaskingRuleSet ToPlatform { get; set; } = new() { Mode = MaskingMode.Display, Detectors = [.. PiiDetectorNames.PlatformDefault] };

    /// <summary>The rules for text on its way to storage.</summary>
    public MaskingRuleSet ToStorage { get; set; } = MaskingRuleSet.AllBuiltIn(MaskingMode.Display);

    /// <summary>The rule set of <paramref name="direction"/>.</summary>
    /// <param name="direction">The direction.</param>
    public MaskingRuleSet RulesFor(MaskingDirection direction) => direction switch
    {
        MaskingDirection.ToBackend => ToBackend,
        MaskingDirection.ToPlatform => ToPlatform,
        MaskingDirection.ToStorage => ToStorage,
        _ => throw new ArgumentOutOfRangeException(nameof(direction), direction, "Unknown masking direction."),
    };
}
