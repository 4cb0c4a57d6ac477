namespace Larkway.Channels.Masking;

/// <summary>
/// What to mask in one direction: the detectors that run (by <see cref="PiiDetector.Name"/>; empty: nothing is masked)
/// and how their matches are replaced.
/// </summary>
public sealed class MaskingRuleSet
{
    /// <summary>How matches are replaced.</summary>
    public MaskingMode Mode { get; set; } = MaskingMode.Display;

    /// <summary>
    /// The names of the detectors that run, from <see cref="MaskingOptions.Detectors"/> (the built-in ones are named in
    /// <see cref="PiiDetectorNames"/>). Empty turns masking off for this direction.
    /// </summary>
    public IList<string> Detectors { get; set; } = [];

    /// <summary>A rule set running every built-in detector in <paramref name="mode"/>.</summary>
    /// <param name="mode">How matches are replaced.</param>
    public static MaskingRuleSet AllBuiltIn(MaskingMode mode) => new() { Mode = mode, Detectors = [.. PiiDetectorNames.All] };

    /// <summary>A rule set that masks nothing.</summary>
    public static MaskingRuleSet Off() => new();
}
