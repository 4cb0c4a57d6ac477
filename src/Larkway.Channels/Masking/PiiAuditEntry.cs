namespace Larkway.Channels.Masking;

/// <summary>
/// One masked field, for the caller to store: what was found where and a fingerprint of it — never the value, nor its
/// display form (which keeps part of it).
/// </summary>
/// <param name="Detector">The detector's name (<see cref="PiiDetectorNames"/>).</param>
/// <param name="Direction">Where the masked text was going.</param>
/// <param name="Mode">How the value was replaced.</param>
/// <param name="Start">Where the value started in the original text, in UTF-16 code units.</param>
/// <param name="Length">The value's length in the original text, in UTF-16 code units.</param>
/// <param name="Fingerprint">
/// HMAC-SHA256 of the detector name and the normalised value under <see cref="MaskingOptions.FingerprintKey"/>, lower-case
/// hex: the same value (however it was written) gives the same fingerprint under the same key.
/// </param>
/// <param name="Placeholder">The placeholder that replaced it (<see cref="MaskingMode.Placeholder"/>), otherwise null.</param>
public sealed record PiiAuditEntry(
    string Detector, MaskingDirection Direction, MaskingMode Mode, int Start, int Length, string Fingerprint, string? Placeholder);
