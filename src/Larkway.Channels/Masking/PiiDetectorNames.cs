namespace Larkway.Channels.Masking;

/// <summary>The names of the built-in detectors, as rule sets and audit entries spell them.</summary>
public static class PiiDetectorNames
{
    /// <summary>Mainland China mobile numbers (<see cref="Detectors.ChinaMobileDetector"/>).</summary>
    public const string ChinaMobile = "china_mobile";

    /// <summary>Resident identity card numbers (<see cref="Detectors.ResidentIdDetector"/>).</summary>
    public const string ResidentId = "resident_id";

    /// <summary>Bank card numbers (<see cref="Detectors.BankCardDetector"/>).</summary>
    public const string BankCard = "bank_card";

    /// <summary>Email addresses (<see cref="Detectors.EmailDetector"/>).</summary>
    public const string Email = "email";

    /// <summary>Every built-in detector, in the order they win a tie (same start, same length).</summary>
    public static IReadOnlyList<string> All { get; } = [ResidentId, BankCard, ChinaMobile, Email];

    /// <summary>
    /// The detectors masking a reply toward a platform by default (<see cref="MaskingOptions.ToPlatform"/>): the numbers of
    /// a person's phone, identity and bank account, which platforms keep in their message logs. Emails are left out: in
    /// workplace chat they are mostly colleagues' work addresses, there to be used.
    /// </summary>
    public static IReadOnlyList<string> PlatformDefault { get; } = [ChinaMobile, ResidentId, BankCard];
}
