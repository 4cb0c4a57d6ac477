using Larkway.Channels.Masking;

namespace Larkway.Channels.Tests.Masking;

internal static class MaskingTestKit
{
    public static readonly byte[] Key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    public static PiiMasker Masker(Action<MaskingOptions>? configure = null)
    {
        var options = new MaskingOptions { FingerprintKey = Key };
        configure?.Invoke(options);
        return new PiiMasker(options);
    }

    /// <summary>The spans the masker finds with every built-in detector, as (detector, matched text).</summary>
    public static List<(string Detector, string Value)> Found(string text, PiiMasker? masker = null)
    {
        var result = (masker ?? Masker()).Mask(text, MaskingRuleSet.AllBuiltIn(MaskingMode.Redact), MaskingDirection.ToStorage);
        return [.. result.Audit.Select(a => (a.Detector, text.Substring(a.Start, a.Length)))];
    }
}
